package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/loyalty"
	"fanclub/views"
)

// loyaltyClub is a club with an owner, an admin and a member of the
// "lounge" group, all signed in.
type loyaltyClub struct {
	s                  *site
	owner, admin, mina person
}

func newLoyaltyClub(t *testing.T) loyaltyClub {
	s := newSite(t, crowd())
	lc := loyaltyClub{s: s, owner: s.signUp(t, "owner@example.com"), admin: s.signUp(t, "admin@example.com"),
		mina: s.signUp(t, "mina@example.com")}
	s.makeSiteAdmin(t, lc.admin)
	s.newGroup(t, lc.owner, community.GroupInput{Slug: "lounge"})
	s.join(t, "lounge", lc.mina)
	return lc
}

// rulesForm is the rules form with the programme on, posts earning 10
// up to twice a day, points expiring after 12 months.
func rulesForm() url.Values {
	return url.Values{"on": {"1"}, "expiry": {"12"}, "points_post": {"10"}, "cap_post": {"2"}, "points_vote": {"2"}}
}

// TestViewsListEveryEarning: the rules form and the pages name every
// earning loyalty has, in its order.
func TestViewsListEveryEarning(t *testing.T) {
	if len(views.Earnings) != len(loyalty.Earnings) {
		t.Fatalf("views lists %v, loyalty has %v", views.Earnings, loyalty.Earnings)
	}
	for i, e := range loyalty.Earnings {
		if views.Earnings[i] != string(e) {
			t.Fatalf("views lists %v, loyalty has %v", views.Earnings, loyalty.Earnings)
		}
	}
}

// TestRewardsPageShowsWhatPostingEarned: before the programme is on the
// page says so; once an admin turns it on, a member's posts earn up to
// the cap, and the page shows the balance, the ways to earn, the history
// and when the points expire; deleting a post takes its points back.
func TestRewardsPageShowsWhatPostingEarned(t *testing.T) {
	lc := newLoyaltyClub(t)
	if r := lc.s.newBrowser().get("/rewards"); r.Status != http.StatusSeeOther {
		t.Fatalf("signed out /rewards: %d, want a redirect to sign in", r.Status)
	}
	mustContain(t, lc.mina.get("/rewards").Body, `data-testid="rewards-off"`, "programme isn")
	if r := lc.admin.post("/admin/loyalty/rules", rulesForm()); r.Status != http.StatusSeeOther {
		t.Fatalf("saving the rules: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, lc.admin.follow("/admin/loyalty").Body, "The earning rules are saved.", `name="points_post" value="10"`)
	var first string
	for i := 0; i < 3; i++ {
		r := lc.mina.post("/groups/lounge/posts", url.Values{"body": {"Hello from the lounge"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("post %d: %d\n%s", i, r.Status, r.Body)
		}
		if first == "" {
			first = regexp.MustCompile(`#post-([A-Za-z0-9_-]+)`).FindStringSubmatch(r.Location)[1]
		}
	}
	page := lc.mina.get("/rewards").Body
	mustContain(t, page, `data-testid="points-balance">20 points`, "A post", "+10", "(up to 2 a day)",
		"A vote for an idea", "20 points can be spent until 31 Dec 2027")
	mustNotContain(t, page, `data-testid="rewards-off"`)
	mustContain(t, page, `data-testid="referral-link"`, "/r/", "Friends who joined: 0")
	ko := lc.mina.follow("/rewards?lang=ko").Body
	mustContain(t, ko, "20포인트", "글 작성", "하루 최대 2번")
	if r := lc.mina.post("/groups/lounge/posts/"+first+"/delete", url.Values{"reason": {""}}); r.Status >= 400 {
		t.Fatalf("delete: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, lc.mina.follow("/rewards?lang=en").Body, `data-testid="points-balance">10 points`, "Taken back: A post", "−10")
}

// TestLoyaltyAdminOnlyForStaff: the admin pages answer a member with
// 404, as every admin page does, the signed out with the sign-in page,
// and staff with the page.
func TestLoyaltyAdminOnlyForStaff(t *testing.T) {
	lc := newLoyaltyClub(t)
	ledger := views.MemberLedgerPath(lc.mina.ID)
	for _, path := range []string{"/admin/loyalty", ledger} {
		if r := lc.mina.get(path); r.Status != http.StatusNotFound {
			t.Errorf("member GET %s: %d, want 404", path, r.Status)
		}
		if r := lc.s.newBrowser().get(path); r.Status != http.StatusSeeOther {
			t.Errorf("signed out GET %s: %d, want a redirect to sign in", path, r.Status)
		}
		if r := lc.admin.get(path); r.Status != http.StatusOK {
			t.Errorf("admin GET %s: %d, want 200", path, r.Status)
		}
	}
	if r := lc.mina.post("/admin/loyalty/rules", rulesForm()); r.Status != http.StatusNotFound {
		t.Errorf("member saving rules: %d, want 404", r.Status)
	}
	if r := lc.mina.post(ledger+"/adjust", url.Values{"token": {"t"}, "points": {"1000"}, "note": {"me"}}); r.Status != http.StatusNotFound {
		t.Errorf("member adjusting: %d, want 404", r.Status)
	}
	if n := lc.s.count("points_ledger", bson.M{}); n != 0 {
		t.Fatalf("%d ledger entries after refused writes, want 0", n)
	}
	mustContain(t, lc.admin.get("/admin").Body, `data-testid="nav-loyalty"`)
}

// TestLoyaltyRulesRefuseBadInput: a negative or non-numeric value comes
// back in the form, as typed, with the error in the admin's language;
// nothing is saved.
func TestLoyaltyRulesRefuseBadInput(t *testing.T) {
	lc := newLoyaltyClub(t)
	form := rulesForm()
	form.Set("points_post", "-5")
	form.Set("cap_vote", "many")
	lc.admin.get("/admin/loyalty?lang=ko") // the admin reads Korean
	r := lc.admin.post("/admin/loyalty/rules", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad rules: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, `value="-5"`, `value="many"`, "0부터 100,000까지 정수로 입력하세요.", "하루 한도를")
	rules, err := lc.s.Loyalty.Rules(context.Background())
	if err != nil || rules.On {
		t.Fatalf("rules after a refused save: %+v %v; want still off", rules, err)
	}
}

// TestAdjustPoints: an admin finds a member by email, adds points with a
// reason (once, however often the form is sent), takes some away, and
// both the member's history and the ledger show why; bad input and
// unknown members get clear answers.
func TestAdjustPoints(t *testing.T) {
	lc := newLoyaltyClub(t)
	r := lc.admin.get("/admin/loyalty/members?email=nobody@example.com")
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("finding an unknown email: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, "No member has this email address.", `value="nobody@example.com"`)
	r = lc.admin.get("/admin/loyalty/members?email=mina@example.com")
	ledger := views.MemberLedgerPath(lc.mina.ID)
	if r.Status != http.StatusSeeOther || r.Location != ledger {
		t.Fatalf("finding mina: %d %q, want a redirect to %s", r.Status, r.Location, ledger)
	}
	page := lc.admin.get(ledger).Body
	mustContain(t, page, `data-testid="ledger-empty"`)
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(page)[1]
	add := url.Values{"token": {token}, "points": {"500"}, "note": {"Sorry the shop was down"}}
	for i := 0; i < 2; i++ {
		if r := lc.admin.post(ledger+"/adjust", add); r.Status != http.StatusSeeOther {
			t.Fatalf("adjust %d: %d\n%s", i, r.Status, r.Body)
		}
	}
	r = lc.admin.post(ledger+"/adjust", url.Values{"token": {"other"}, "points": {"-50"}, "note": {""}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("no reason: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, "Say why, in up to 300 characters", `value="-50"`)
	if r := lc.admin.post(ledger+"/adjust", url.Values{"token": {"other"}, "points": {"-50"}, "note": {"Double award"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("take away: %d\n%s", r.Status, r.Body)
	}
	page = lc.admin.follow(ledger).Body
	mustContain(t, page, `data-testid="member-balance">450 points`, "Sorry the shop was down", "Double award", "by admin")
	mustContain(t, lc.owner.get("/moderation/audit").Body, "adjusted the points of", "500: Sorry the shop was down", "-50: Double award")
	mustContain(t, lc.mina.get("/rewards").Body, `data-testid="points-balance">450 points`, "Adjusted by the club", "Sorry the shop was down")
	if r := lc.admin.get("/admin/loyalty/members/nobody"); r.Status != http.StatusNotFound {
		t.Fatalf("an unknown member's ledger: %d, want 404", r.Status)
	}
	if r := lc.admin.post("/admin/loyalty/members/nobody/adjust", url.Values{"token": {"x"}, "points": {"5"}, "note": {"x"}}); r.Status != http.StatusNotFound {
		t.Fatalf("adjusting an unknown member: %d, want 404", r.Status)
	}
	totals := lc.admin.get("/admin/loyalty").Body
	mustContain(t, totals, `data-testid="total-issued">500`, `data-testid="total-outstanding">450`)
	// Her data includes her points; deleting her account forgets them.
	mustContain(t, lc.mina.get("/settings/export").Body, `"points":{"balance":450`, "Sorry the shop was down")
	if r := lc.mina.post("/settings/delete", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.Status, r.Body)
	}
	if n := lc.s.count("points_ledger", bson.M{"account": lc.mina.ID}) + lc.s.count("points", bson.M{"_id": lc.mina.ID}); n != 0 {
		t.Fatalf("%d points documents left after the account was deleted", n)
	}
}

// TestGradesOnTheRewardsPage: an admin sets grades (a bad threshold
// comes back as typed), and a member sees the grade reached, its perks,
// the way to the next and the review day.
func TestGradesOnTheRewardsPage(t *testing.T) {
	lc := newLoyaltyClub(t)
	lc.admin.post("/admin/loyalty/rules", rulesForm())
	bad := url.Values{"name_0": {"Bronze"}, "threshold_0": {"20"}, "name_1": {"Silver"}, "threshold_1": {"10"}, "review": {"01-01"}}
	r := lc.admin.post("/admin/loyalty/grades", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("falling thresholds: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, "Enter a whole number of points above the grade below", `value="Silver"`)
	good := url.Values{"name_0": {"Bronze"}, "threshold_0": {"20"}, "entry_0": {"5"}, "perks_0": {"Early access to drops"},
		"name_1": {"Silver"}, "threshold_1": {"100"}, "review": {"01-01"}}
	if r := lc.admin.post("/admin/loyalty/grades", good); r.Status != http.StatusSeeOther {
		t.Fatalf("grades: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, lc.mina.get("/rewards").Body, `data-testid="grade-none"`, "20 more points in 12 months to reach Bronze")
	for i := 0; i < 2; i++ {
		lc.mina.post("/groups/lounge/posts", url.Values{"body": {"Hello again"}})
	}
	page := lc.mina.get("/rewards").Body
	mustContain(t, page, `data-testid="grade-badge">Bronze`, "Early access to drops", "Welcome to a new grade", "+5",
		"80 more points in 12 months to reach Silver", "Grades are reviewed on 1 Jan 2027")
}

// TestRewardsPageOffersRewards: /rewards lists the rewards on offer,
// cheapest first, with a link to redeem those the balance covers, what
// is missing for the others, and "sold out" once the pool is empty.
func TestRewardsPageOffersRewards(t *testing.T) {
	rc := newRewardClub(t)
	mustContain(t, rc.member.get("/rewards").Body, `data-testid="offers-empty"`)
	id := rc.createReward(t, codeForm())
	if r := rc.owner.postMultipart("/admin/loyalty/rewards/"+id+"/codes", url.Values{}, map[string][]byte{"codes": []byte("SAVE-1\n")}); r.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.Status, r.Body)
	}
	rc.give(t, rc.member, "30")
	page := rc.member.get("/rewards").Body
	mustContain(t, page, "Shop coupon", "10% off in the shop", "20 more points to redeem")
	mustNotContain(t, page, `data-testid="offer-redeem"`)
	rc.give(t, rc.member, "30")
	mustContain(t, rc.member.get("/rewards").Body, `href="/rewards/redeem/`+id+`"`, "Redeem Shop coupon")
	token := redeemToken(t, rc.member, id)
	if r := rc.member.post("/rewards/redeem/"+id, url.Values{"token": {token}}); r.Status != http.StatusSeeOther {
		t.Fatalf("redeem: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, rc.member.get("/rewards").Body, `data-testid="offer-sold-out"`, `data-testid="points-balance">10 points`,
		"Spent on a reward")
}

// TestBirthdayGiftChoice: the rules form offers the rewards that need no
// address as the birthday's gift; a gift to send, sent anyway, comes
// back refused.
func TestBirthdayGiftChoice(t *testing.T) {
	rc := newRewardClub(t)
	coupon := rc.createReward(t, codeForm())
	mug := rc.createReward(t, url.Values{"name": {"Mug"}, "price": {"30"}, "kind": {"gift"}})
	page := rc.owner.get("/admin/loyalty").Body
	mustContain(t, page, `<option value="`+coupon+`">Shop coupon</option>`)
	mustNotContain(t, page, `<option value="`+mug+`">`)
	form := url.Values{"on": {"1"}, "birthday_gift": {mug}}
	if r := rc.owner.post("/admin/loyalty/rules", form); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a gift to send: %d, want 422", r.Status)
	}
	form.Set("birthday_gift", coupon)
	if r := rc.owner.post("/admin/loyalty/rules", form); r.Status != http.StatusSeeOther {
		t.Fatalf("the coupon: %d", r.Status)
	}
	mustContain(t, rc.owner.get("/admin/loyalty").Body, `<option value="`+coupon+`" selected>Shop coupon</option>`)
}

// TestRewardsPageCostIsBounded: /rewards asks the database the same
// number of times with 3 entries in the member's history or 300, and
// with 1 reward on offer or 20; it scans only the rewards on offer (a
// collection of at most 200).
func TestRewardsPageCostIsBounded(t *testing.T) {
	var counting atomic.Bool
	var ops atomic.Int64
	var scanned sync.Map
	db := mongotest.NewObserved(t, func(op mongodb.Op) {
		if counting.Load() {
			ops.Add(1)
			if op.Scan && op.Collection != "rewards" {
				scanned.Store(op.Name+" "+op.Collection, true)
			}
		}
	})
	s := newSite(t, siteOptions{db: db, limits: crowd().limits, authLimits: crowd().authLimits})
	owner := s.signUp(t, "owner@example.com")
	fan := s.signUp(t, "fan@example.com")
	staff, err := s.Auth.AccountByID(context.Background(), owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := owner.post("/admin/loyalty/rules", url.Values{"on": {"1"}, "points_vote": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rules: %d", r.Status)
	}
	grow := func(from, to, rewards int) {
		for i := from; i < to; i++ {
			if _, err := s.Loyalty.Award(context.Background(), fan.ID, loyalty.Deed{Earning: loyalty.EarnVote, Thing: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < rewards; i++ {
			if _, err := s.Loyalty.SaveReward(context.Background(), staff, "", loyalty.RewardInput{Name: fmt.Sprint("Reward ", from, i),
				Price: "5", Kind: loyalty.KindCode}); err != nil {
				t.Fatal(err)
			}
		}
	}
	measure := func() int64 {
		t.Helper()
		fan.get("/rewards") // warm
		ops.Store(0)
		counting.Store(true)
		res := fan.get("/rewards")
		counting.Store(false)
		if res.Status != http.StatusOK {
			t.Fatalf("/rewards: %d", res.Status)
		}
		mustContain(t, res.Body, `data-testid="points-balance"`, `data-testid="referral-link"`)
		return ops.Load()
	}
	grow(0, 3, 1)
	small := measure()
	grow(3, 300, 19)
	big := measure()
	scanned.Range(func(k, _ any) bool { t.Errorf("/rewards scans: %s", k); return true })
	if big != small {
		t.Errorf("round trips grow with the history: %d with 3 entries, %d with 300", small, big)
	}
	t.Logf("/rewards: %d database commands", big)
}
