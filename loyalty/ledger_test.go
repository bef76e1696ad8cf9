package loyalty_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/loyalty"
)

// TestAwardRetriedAtOnceAwardsOnce: twenty goroutines award the same
// thing (a job retried, a double click) and twenty others twenty
// different things, all at once, on two instances: the first pays once,
// the others each once, and the balance is the ledger's sum.
func TestAwardRetriedAtOnceAwardsOnce(t *testing.T) {
	r := newRig(t)
	instances := []*loyalty.Service{r.l, r.second()}
	ann := r.member("ann@example.com")
	r.rules(12, map[loyalty.Earning][2]int{loyalty.EarnComment: {5, 0}, loyalty.EarnPost: {7, 0}})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := instances[i%2].Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: "p1"})
			errs <- err
		}()
		go func(i int) {
			defer wg.Done()
			_, err := instances[i%2].Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnComment, Thing: fmt.Sprint("c", i)})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := int64(7 + 20*5)
	if st := r.statement(ann); st.Balance != want {
		t.Fatalf("balance %d, want %d", st.Balance, want)
	}
	if got := r.ledgerSum(ann); got != want {
		t.Fatalf("ledger %d, want %d", got, want)
	}
}

// TestCapsAndReversals: each earning's daily cap, in the site's day,
// and what takes an award back.
func TestCapsAndReversals(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.rules(12, map[loyalty.Earning][2]int{loyalty.EarnComment: {5, 2}, loyalty.EarnCheckIn: {50, 0}})
	award := func(e loyalty.Earning, thing string) bool {
		t.Helper()
		ok, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: e, Thing: thing})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for i, want := range []bool{true, true, false} {
		if got := award(loyalty.EarnComment, fmt.Sprint("c", i)); got != want {
			t.Fatalf("comment %d awarded %v, want %v (cap 2)", i, got, want)
		}
	}
	// 23:30 in Seoul is still the same day; 00:30 is the next.
	r.clock.Set(time.Date(2026, 12, 6, 14, 30, 0, 0, time.UTC))
	if award(loyalty.EarnComment, "c3") {
		t.Fatal("23:30 in Seoul: still capped")
	}
	r.clock.Set(time.Date(2026, 12, 6, 15, 30, 0, 0, time.UTC))
	if !award(loyalty.EarnComment, "c4") {
		t.Fatal("00:30 in Seoul the next day: the cap starts again")
	}
	// A capped comment earned nothing, so deleting it takes nothing.
	if ok, _ := r.l.Unaward(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnComment, Thing: "c2"}); ok {
		t.Fatal("took back a comment that earned nothing")
	}
	// Another account cannot take back ann's award.
	bob := r.member("bob@example.com")
	if ok, _ := r.l.Unaward(r.ctx, bob.ID, loyalty.Deed{Earning: loyalty.EarnComment, Thing: "c0"}); ok {
		t.Fatal("bob took back ann's award")
	}
	award(loyalty.EarnCheckIn, "e1")
	for i := 0; i < 2; i++ { // undone twice: taken once
		if _, err := r.l.Unaward(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnCheckIn, Thing: "e1"}); err != nil {
			t.Fatal(err)
		}
	}
	if award(loyalty.EarnCheckIn, "e1") {
		t.Fatal("a check-in undone and given again earned again")
	}
	if st := r.statement(ann); st.Balance != 15 || r.ledgerSum(ann) != 15 {
		t.Fatalf("balance %d, ledger %d; want 15", st.Balance, r.ledgerSum(ann))
	}
}

// TestCommentAndCheckInTakenBack: through community, a comment hidden by
// a moderator and a check-in undone take their points back.
func TestCommentAndCheckInTakenBack(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.group("tea", ann)
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnComment: {5, 0}})
	me := community.Actor{Account: ann}
	p, err := r.cm.CreatePost(r.ctx, me, "tea", "A post")
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.cm.CreateComment(r.ctx, me, "tea", community.OnPost(p.ID), "A comment", "")
	if err != nil {
		t.Fatal(err)
	}
	if st := r.statement(ann); st.Balance != 5 {
		t.Fatalf("after a comment: %d, want 5", st.Balance)
	}
	if err := r.cm.ModerateComment(r.ctx, r.staff, "tea", p.ID, c.ID, community.ModHide, "spam"); err != nil {
		t.Fatal(err)
	}
	if st := r.statement(ann); st.Balance != 0 {
		t.Fatalf("after a moderator hid it: %d, want 0", st.Balance)
	}
}

// TestSpendAndRefund: spending needs the balance, happens once per id,
// and a refund gives it back once.
func TestSpendAndRefund(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnPost: {30, 0}})
	if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: "p"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.l.Spend(r.ctx, ann.ID, "redeem:x", "reward", 31); !errors.Is(err, loyalty.ErrShortOfPoints) {
		t.Fatalf("spending 31 of 30: %v, want ErrShortOfPoints", err)
	}
	if n := r.count("points_ledger", bson.M{"_id": "redeem:x"}); n != 0 {
		t.Fatal("a refused spend left an entry")
	}
	for i := 0; i < 2; i++ {
		if _, err := r.l.Spend(r.ctx, ann.ID, "redeem:y", "reward", 20); err != nil {
			t.Fatal(err)
		}
	}
	if st := r.statement(ann); st.Balance != 10 || st.Redeemed != 20 {
		t.Fatalf("after spending 20 twice under one id: balance %d, redeemed %d; want 10, 20", st.Balance, st.Redeemed)
	}
	for i := 0; i < 2; i++ {
		if _, err := r.l.Refund(r.ctx, ann.ID, "redeem:y"); err != nil {
			t.Fatal(err)
		}
	}
	if st := r.statement(ann); st.Balance != 30 || st.Redeemed != 0 || r.ledgerSum(ann) != 30 {
		t.Fatalf("after a refund: balance %d, redeemed %d, ledger %d; want 30, 0, 30", st.Balance, st.Redeemed, r.ledgerSum(ann))
	}
}

// TestExpiryRunsOnceAndWarnsOnce: points expire at the end of the month
// ExpiryMonths after they were earned, oldest first, once however often
// the run goes; the member is told once, within the fortnight before.
func TestExpiryRunsOnceAndWarnsOnce(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.rules(1, map[loyalty.Earning][2]int{loyalty.EarnPost: {100, 0}, loyalty.EarnVote: {10, 0}})
	award := func(e loyalty.Earning, thing string) {
		t.Helper()
		if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: e, Thing: thing}); err != nil {
			t.Fatal(err)
		}
	}
	award(loyalty.EarnPost, "p") // December 2026: expires at the start of February 2027, Seoul
	r.clock.Set(time.Date(2027, 1, 10, 3, 0, 0, 0, time.UTC))
	award(loyalty.EarnVote, "v") // January: expires at the start of March
	if _, err := r.l.Spend(r.ctx, ann.ID, "redeem:a", "reward", 30); err != nil {
		t.Fatal(err)
	}
	run := func() {
		t.Helper()
		if _, err := r.l.Expire(r.ctx); err != nil {
			t.Fatal(err)
		}
	}
	run() // 22 days before: no notice yet
	if n := r.count("notifications", bson.M{"account": ann.ID, "kind": community.NoticePointsExpiring}); n != 0 {
		t.Fatalf("%d notices 22 days before, want none", n)
	}
	r.clock.Set(time.Date(2027, 1, 20, 3, 0, 0, 0, time.UTC))
	run()
	run()
	var notes []bson.M
	cur, _ := r.db.Collection("notifications").Find(r.ctx, bson.M{"account": ann.ID, "kind": community.NoticePointsExpiring})
	_ = cur.All(r.ctx, &notes)
	if len(notes) != 1 || notes[0]["points"] != int64(70) {
		t.Fatalf("notices 12 days before: %v, want one of 70 points", notes)
	}
	r.clock.Set(time.Date(2027, 1, 31, 16, 0, 0, 0, time.UTC)) // 1 February, 01:00 in Seoul
	run()
	run()
	st := r.statement(ann)
	if st.Balance != 10 || st.Expired != 70 || r.ledgerSum(ann) != 10 {
		t.Fatalf("after December's points expired: balance %d, expired %d, ledger %d; want 10, 70, 10", st.Balance, st.Expired, r.ledgerSum(ann))
	}
	if len(st.Expiring) != 1 || st.Expiring[0].Points != 10 {
		t.Fatalf("still expiring: %v, want January's 10", st.Expiring)
	}
}

// TestReconcileMendsACrash: a movement whose process died between its
// entry and its balance is mended from the ledger, once it has settled.
func TestReconcileMendsACrash(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnPost: {10, 0}})
	if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: "p"}); err != nil {
		t.Fatal(err)
	}
	// The crash: an award's entry written, its balance not.
	if _, err := r.db.Collection("points_ledger").InsertOne(r.ctx, loyalty.Entry{ID: "post:q", Account: ann.ID,
		Reason: loyalty.Reason(loyalty.EarnPost), Points: 10, Month: "2026-12", At: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if n, err := r.l.Reconcile(r.ctx); err != nil || n != 0 {
		t.Fatalf("reconcile at once mended %d (%v), want 0: the movement may be under way", n, err)
	}
	r.clock.Add(2 * time.Minute)
	if n, err := r.l.Reconcile(r.ctx); err != nil || n != 1 {
		t.Fatalf("reconcile mended %d (%v), want 1", n, err)
	}
	if st := r.statement(ann); st.Balance != 20 || st.Issued != 20 {
		t.Fatalf("after reconcile: balance %d, issued %d; want 20, 20", st.Balance, st.Issued)
	}
	if n, _ := r.l.Reconcile(r.ctx); n != 0 {
		t.Fatalf("a second reconcile mended %d, want 0", n)
	}
}

// TestAdjust: staff only, a reason required, a number not 0, once per
// form token; the ledger keeps who and why.
func TestAdjust(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	if _, err := r.l.Adjust(r.ctx, ann, ann.ID, "t1", loyalty.AdjustInput{Points: "100", Note: "me"}); !errors.Is(err, loyalty.ErrForbidden) {
		t.Fatalf("a member adjusting: %v, want ErrForbidden", err)
	}
	for _, in := range []loyalty.AdjustInput{{Points: "0", Note: "x"}, {Points: "ten", Note: "x"}, {Points: "5", Note: " "},
		{Points: "100001", Note: "x"}} {
		var v loyalty.ValidationError
		if _, err := r.l.Adjust(r.ctx, r.owner, ann.ID, "t1", in); !errors.As(err, &v) {
			t.Fatalf("adjust %+v: %v, want a validation error", in, err)
		}
	}
	for i := 0; i < 2; i++ {
		if _, err := r.l.Adjust(r.ctx, r.owner, ann.ID, "t1", loyalty.AdjustInput{Points: "+40", Note: "Sorry for the outage"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.l.Adjust(r.ctx, r.owner, ann.ID, "t2", loyalty.AdjustInput{Points: "-15", Note: "Duplicate award"}); err != nil {
		t.Fatal(err)
	}
	st := r.statement(ann)
	if st.Balance != 25 || r.ledgerSum(ann) != 25 {
		t.Fatalf("balance %d, ledger %d; want 25", st.Balance, r.ledgerSum(ann))
	}
	page, err := r.l.Ledger(r.ctx, r.owner, ann.ID, "")
	if err != nil || len(page.Entries) != 2 || page.Entries[0].Note == "" || page.Entries[0].By != r.owner.ID {
		t.Fatalf("ledger %+v (%v): want two entries with the note and the admin", page, err)
	}
	tot, err := r.l.Totals(r.ctx, r.owner)
	if err != nil || tot.Issued != 40 || tot.Removed != 15 || tot.Outstanding != 25 {
		t.Fatalf("totals %+v (%v)", tot, err)
	}
}

// TestTakingBackExpiredPointsTakesNothingMore: a post whose points
// already expired, deleted afterwards, takes nothing more from the
// balance (it would take the same points twice).
func TestTakingBackExpiredPointsTakesNothingMore(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.rules(1, map[loyalty.Earning][2]int{loyalty.EarnPost: {100, 0}, loyalty.EarnVote: {10, 0}})
	if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: "old"}); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(time.Date(2027, 2, 15, 3, 0, 0, 0, time.UTC))
	if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnVote, Thing: "new"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.l.Expire(r.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.l.Unaward(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: "old"}); err != nil {
		t.Fatal(err)
	}
	st := r.statement(ann)
	if st.Balance != 10 || r.ledgerSum(ann) != 10 || len(st.Expiring) != 1 || st.Expiring[0].Points != 10 {
		t.Fatalf("balance %d, ledger %d, expiring %v; want 10, 10, the vote's 10", st.Balance, r.ledgerSum(ann), st.Expiring)
	}
}

// TestExpiryKeepsTheRuleItWasEarnedUnder: shortening the expiry applies
// to points earned afterwards; those held keep their date.
func TestExpiryKeepsTheRuleItWasEarnedUnder(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.rules(12, map[loyalty.Earning][2]int{loyalty.EarnPost: {100, 0}})
	if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: "p1"}); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(time.Date(2027, 2, 15, 3, 0, 0, 0, time.UTC))
	r.rules(1, map[loyalty.Earning][2]int{loyalty.EarnPost: {100, 0}})
	if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: "p2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.l.Expire(r.ctx); err != nil {
		t.Fatal(err)
	}
	st := r.statement(ann)
	seoul, _ := time.LoadLocation("Asia/Seoul")
	if st.Balance != 200 || len(st.Expiring) != 2 ||
		!st.Expiring[0].At.Equal(time.Date(2027, 4, 1, 0, 0, 0, 0, seoul)) ||
		!st.Expiring[1].At.Equal(time.Date(2028, 1, 1, 0, 0, 0, 0, seoul)) {
		t.Fatalf("balance %d, expiring %v; want 200: February's at April, December's at January 2028", st.Balance, st.Expiring)
	}
}
