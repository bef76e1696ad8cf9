package loyalty_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/loyalty"
	"fanclub/membership"
)

// redeem redeems with a fresh token.
func (r *rig) redeem(a auth.Account, id string) (loyalty.Redemption, error) {
	return r.l.Redeem(r.ctx, a, id, loyalty.RedeemInput{Token: loyalty.NewToken()})
}

// launch creates the event "Launch" in the group "club", in two days,
// for two hours, with in's capacity and access.
func (r *rig) launch(in community.EventInput) community.Event {
	r.t.Helper()
	loc, _ := time.LoadLocation("Asia/Seoul")
	start := r.clock.Now().Add(48 * time.Hour).In(loc)
	in.Title, in.Zone, in.Venue = "Launch", "Asia/Seoul", "Seoul"
	in.Start, in.End = start.Format(community.LocalTimeLayout), start.Add(2*time.Hour).Format(community.LocalTimeLayout)
	ev, err := r.cm.CreateEvent(r.ctx, r.staff, "club", in)
	if err != nil {
		r.t.Fatal(err)
	}
	return ev
}

// balance is an account's balance.
func (r *rig) balance(a auth.Account) int64 { r.t.Helper(); return r.statement(a).Balance }

func TestRedeemCodesConcurrently(t *testing.T) {
	r := newRig(t)
	r.rules(0, nil)
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindCode, Price: "30"})
	var csv strings.Builder
	for i := range 10 {
		fmt.Fprintf(&csv, "CODE-%02d\n", i)
	}
	r.codes(rw.ID, csv.String())
	members := make([]auth.Account, 50)
	for i := range members {
		members[i] = r.member(fmt.Sprintf("m%02d@example.com", i))
		r.give(members[i], "100")
	}
	type result struct {
		rd  loyalty.Redemption
		err error
	}
	results := make([]result, len(members))
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd, err := r.redeem(m, rw.ID)
			results[i] = result{rd, err}
		}()
	}
	wg.Wait()
	codes := map[string]bool{}
	for i, res := range results {
		switch {
		case res.err == nil:
			if !strings.HasPrefix(res.rd.Code, "CODE-") || codes[res.rd.Code] {
				t.Errorf("member %d got code %q (twice?)", i, res.rd.Code)
			}
			codes[res.rd.Code] = true
			if b := r.balance(members[i]); b != 70 {
				t.Errorf("member %d with a code has %d points, want 70", i, b)
			}
		case errors.Is(res.err, loyalty.ErrSoldOut):
			if b := r.balance(members[i]); b != 100 || r.ledgerSum(members[i]) != 100 {
				t.Errorf("member %d sold out has %d points, want 100", i, b)
			}
		default:
			t.Errorf("member %d: %v", i, res.err)
		}
	}
	if len(codes) != 10 {
		t.Fatalf("%d codes handed out, want 10", len(codes))
	}
	got, _ := r.l.Reward(r.ctx, rw.ID)
	if got.Left != 0 || got.Redeemed != 10 {
		t.Fatalf("reward = %+v, want none left and 10 redeemed", got)
	}
	mine, err := r.l.MyRedemptions(r.ctx, members[0].ID)
	if err != nil || (len(mine) == 1) != (results[0].err == nil) {
		t.Fatalf("member 0's redemptions = %+v, %v", mine, err)
	}
}

func TestRedeemRules(t *testing.T) {
	r := newRig(t)
	m := r.member("m@example.com")
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindGift, Price: "40", Stock: "5", Limit: "2"})
	gift := loyalty.RedeemInput{Address: loyalty.Address{Name: "Kim", Line1: "1 Seongsu-ro", Postal: "04780", Phone: "010-1234-5678"}}
	redeem := func(token string) error {
		in := gift
		in.Token = token
		_, err := r.l.Redeem(r.ctx, m, rw.ID, in)
		return err
	}
	if err := redeem(loyalty.NewToken()); !errors.Is(err, loyalty.ErrOff) {
		t.Fatalf("redeemed with the programme off: %v", err)
	}
	r.rules(0, nil)
	if err := redeem(loyalty.NewToken()); !errors.Is(err, loyalty.ErrShortOfPoints) {
		t.Fatalf("redeemed with no points: %v", err)
	}
	r.give(m, "200")
	token := loyalty.NewToken()
	if err := redeem(token); err != nil {
		t.Fatal(err)
	}
	if err := redeem(token); err != nil || r.balance(m) != 160 {
		t.Fatalf("double submit: %v, balance %d, want 160", err, r.balance(m))
	}
	if err := redeem(loyalty.NewToken()); err != nil {
		t.Fatal(err)
	}
	failed := loyalty.NewToken()
	if err := redeem(failed); !errors.Is(err, loyalty.ErrLimitReached) || r.balance(m) != 120 {
		t.Fatalf("third of a limit of two: %v, balance %d", err, r.balance(m))
	}
	if err := redeem(failed); !errors.Is(err, loyalty.ErrLimitReached) {
		t.Fatalf("a failed token submitted again: %v", err)
	}
	got, _ := r.l.Reward(r.ctx, rw.ID)
	if got.Left != 3 || got.Redeemed != 2 {
		t.Fatalf("reward = %+v, want 3 left, 2 redeemed", got)
	}
	other := r.member("o@example.com")
	r.give(other, "500")
	for range 3 {
		if _, err := r.l.Redeem(r.ctx, other, rw.ID, loyalty.RedeemInput{Token: loyalty.NewToken(), Address: gift.Address}); err != nil &&
			!errors.Is(err, loyalty.ErrLimitReached) {
			t.Fatal(err)
		}
	}
	if err := r.l.ArchiveReward(r.ctx, r.owner, rw.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.l.Redeem(r.ctx, other, rw.ID, loyalty.RedeemInput{Token: loyalty.NewToken(), Address: gift.Address}); !errors.Is(err, loyalty.ErrNotFound) {
		t.Fatalf("an archived reward: %v", err)
	}
	for _, id := range []string{"nope", "0123456789abcdef01234567"} {
		if _, err := r.redeem(m, id); !errors.Is(err, loyalty.ErrNotFound) {
			t.Fatalf("reward %q: %v", id, err)
		}
	}
	gifts, err := r.l.Gifts(r.ctx, r.owner, false)
	if err != nil || len(gifts) != 4 || gifts[0].Address.Name != "Kim" {
		t.Fatalf("gifts to send = %d %v", len(gifts), err)
	}
	if err := r.l.ForgetAccount(r.ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	gifts, _ = r.l.Gifts(r.ctx, r.owner, false)
	for _, g := range gifts {
		if g.Account == other.ID && (g.Address != (loyalty.Address{}) || g.Member != "") {
			t.Fatalf("a deleted account's gift kept %+v", g)
		}
	}
	sent, err := r.l.MarkSent(r.ctx, r.owner, gifts[0].ID)
	if err != nil || !sent.Sent || sent.SentBy != r.owner.ID || sent.SentAt.IsZero() {
		t.Fatalf("mark sent = %+v, %v", sent, err)
	}
	if _, err := r.l.MarkSent(r.ctx, r.owner, gifts[0].ID); !errors.Is(err, loyalty.ErrAlreadySent) {
		t.Fatalf("sent twice: %v", err)
	}
	if _, err := r.l.Gifts(r.ctx, m, false); !errors.Is(err, loyalty.ErrForbidden) {
		t.Fatalf("a member read the gifts: %v", err)
	}
}

func TestGiftAddress(t *testing.T) {
	r := newRig(t)
	r.rules(0, nil)
	m := r.member("m@example.com")
	r.give(m, "100")
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindGift})
	ok := loyalty.Address{Name: "Kim", Line1: "1 Seongsu-ro", Postal: "04780", Phone: "+82 10-1234-5678"}
	for _, c := range []struct {
		name  string
		edit  func(*loyalty.Address)
		field string
	}{
		{"no name", func(a *loyalty.Address) { a.Name = "  " }, "name"},
		{"name not UTF-8", func(a *loyalty.Address) { a.Name = "Kim\xff" }, "name"},
		{"control in line", func(a *loyalty.Address) { a.Line2 = "a\x00b" }, "line2"},
		{"long line", func(a *loyalty.Address) { a.Line1 = strings.Repeat("가", 201) }, "line1"},
		{"bad postal", func(a *loyalty.Address) { a.Postal = "04<780>" }, "postal"},
		{"letters in phone", func(a *loyalty.Address) { a.Phone = "call me" }, "phone"},
		{"short phone", func(a *loyalty.Address) { a.Phone = "123" }, "phone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := ok
			c.edit(&a)
			_, err := r.l.Redeem(r.ctx, m, rw.ID, loyalty.RedeemInput{Token: loyalty.NewToken(), Address: a})
			var v loyalty.ValidationError
			if !errors.As(err, &v) || v[c.field] == "" || r.balance(m) != 100 {
				t.Fatalf("err = %v, want a fault on %s", err, c.field)
			}
		})
	}
	if _, err := r.l.Redeem(r.ctx, m, rw.ID, loyalty.RedeemInput{Token: "short", Address: ok}); err == nil {
		t.Fatal("a bad token was taken")
	}
}

func TestRedeemPremiumDays(t *testing.T) {
	r := newRig(t)
	r.rules(0, nil)
	if err := r.ms.SeedTier(r.ctx, membership.Tier{Key: "premium", Name: "Premium", Rank: 1}); err != nil {
		t.Fatal(err)
	}
	m := r.member("m@example.com")
	r.give(m, "100")
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindPremium, Tier: "premium", Days: "30"})
	start := r.clock.Now()
	rd, err := r.redeem(m, rw.ID)
	if err != nil || !rd.Until.Equal(start.AddDate(0, 0, 30)) {
		t.Fatalf("redeem = %+v, %v", rd, err)
	}
	r.clock.Add(24 * time.Hour)
	if _, err := r.redeem(m, rw.ID); err != nil {
		t.Fatal(err)
	}
	e, err := r.ms.Entitlement(r.ctx, m.ID)
	if err != nil || e.Source != membership.SourceReward || e.Tier.Key != "premium" || !e.Until.Equal(start.AddDate(0, 0, 60)) {
		t.Fatalf("entitlement = %+v, %v; want premium from reward until %v", e, err, start.AddDate(0, 0, 60))
	}
	// The grant is once per redemption.
	if until, err := r.ms.GrantRewardPass(r.ctx, m.ID, rd.ID, "premium", 30); err != nil || !until.Equal(start.AddDate(0, 0, 60)) {
		t.Fatalf("granted again: %v %v", until, err)
	}
	if _, err := r.ms.GrantRewardPass(r.ctx, m.ID, loyalty.NewToken(), "gold", 30); !errors.Is(err, membership.ErrNotFound) {
		t.Fatalf("a tier that does not exist: %v", err)
	}
	r.clock.Add(61 * 24 * time.Hour)
	if e, _ := r.ms.Entitlement(r.ctx, m.ID); e.Premium() {
		t.Fatalf("the pass outlived its days: %+v", e)
	}
}

func TestRedeemEventSeat(t *testing.T) {
	r := newRig(t)
	r.rules(0, nil)
	a, b := r.member("a@example.com"), r.member("b@example.com")
	r.group("club", a, b)
	ev := r.launch(community.EventInput{Capacity: "1", Access: community.AccessTier, Tier: "premium"})
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindSeat, Event: string(ev.ID)})
	r.give(a, "50")
	r.give(b, "50")
	// A tier event, and a holds no tier: the seat needs neither it nor an
	// invitation.
	rd, err := r.redeem(a, rw.ID)
	if err != nil || rd.EventTitle != "Launch" {
		t.Fatalf("seat = %+v, %v", rd, err)
	}
	page, err := r.cm.EventPage(r.ctx, community.Actor{Account: a}, "club", ev.ID)
	if err != nil || page.Attendance.State != community.RSVPGoing || page.Event.Going != 1 {
		t.Fatalf("a's attendance = %+v, %v", page, err)
	}
	if _, err := r.redeem(a, rw.ID); !errors.Is(err, loyalty.ErrAlreadyGoing) || r.balance(a) != 40 {
		t.Fatalf("a second seat: %v, balance %d", err, r.balance(a))
	}
	if _, err := r.redeem(b, rw.ID); !errors.Is(err, loyalty.ErrEventFull) || r.balance(b) != 50 || r.ledgerSum(b) != 50 {
		t.Fatalf("a full event: %v, balance %d", err, r.balance(b))
	}
	if got, _ := r.l.Reward(r.ctx, rw.ID); got.Taken != 1 || got.Redeemed != 1 {
		t.Fatalf("reward = %+v, want the failed ones' stock given back", got)
	}
}

// TestRedeemStepFails: a step after the points were taken fails (the
// code's record is gone): the points come back, the limit is given
// back, and the member is told.
func TestRedeemStepFails(t *testing.T) {
	r := newRig(t)
	r.rules(0, nil)
	m := r.member("m@example.com")
	r.give(m, "100")
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindCode, Price: "60", Limit: "1"})
	r.codes(rw.ID, "LOST\nFOUND\n")
	if _, err := r.db.Collection("reward_codes").DeleteOne(r.ctx, bson.M{"code": "LOST"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.redeem(m, rw.ID); !errors.Is(err, loyalty.ErrFailed) {
		t.Fatalf("a code gone: %v", err)
	}
	if b := r.balance(m); b != 100 || r.ledgerSum(m) != 100 {
		t.Fatalf("balance %d after a failed step, want 100", b)
	}
	rd, err := r.redeem(m, rw.ID)
	if err != nil || rd.Code != "FOUND" || r.balance(m) != 40 {
		t.Fatalf("the next code (limit given back): %+v %v, balance %d", rd, err, r.balance(m))
	}
}

// TestRedeemSeatsConcurrently: 20 members redeem seats at a 5-seat event
// at once; 5 get one, the others are told it is full and keep their
// points, and the reward's stock counts the 5 only.
func TestRedeemSeatsConcurrently(t *testing.T) {
	r := newRig(t)
	r.rules(0, nil)
	members := make([]auth.Account, 20)
	for i := range members {
		members[i] = r.member(fmt.Sprintf("s%02d@example.com", i))
		r.give(members[i], "10")
	}
	r.group("club")
	ev := r.launch(community.EventInput{Capacity: "5", Access: community.AccessMembers})
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindSeat, Event: string(ev.ID), Price: "10"})
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = r.redeem(m, rw.ID) }()
	}
	wg.Wait()
	seated := 0
	for i, err := range errs {
		switch {
		case err == nil:
			seated++
			if b := r.balance(members[i]); b != 0 {
				t.Errorf("seated member %d has %d points", i, b)
			}
		case errors.Is(err, loyalty.ErrEventFull):
			if b := r.balance(members[i]); b != 10 {
				t.Errorf("member %d refused has %d points, want 10", i, b)
			}
		default:
			t.Errorf("member %d: %v", i, err)
		}
	}
	got, _ := r.l.Reward(r.ctx, rw.ID)
	page, err := r.cm.EventPage(r.ctx, r.staff, "club", ev.ID)
	if err != nil || seated != 5 || page.Event.Going != 5 || got.Taken != 5 || got.Redeemed != 5 {
		t.Fatalf("%d seated, event going %d, reward taken %d redeemed %d (%v); want 5 each", seated, page.Event.Going,
			got.Taken, got.Redeemed, err)
	}
}
