package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/loyalty"
	"fanclub/membership"
)

// rewardClub is a site with its owner and a member signed in, and the
// loyalty programme on.
type rewardClub struct {
	s             *site
	owner, member person
}

func newRewardClub(t *testing.T) rewardClub {
	t.Helper()
	s := newSite(t, crowd())
	rc := rewardClub{s: s, owner: s.signUp(t, "owner@example.com"), member: s.signUp(t, "mina@example.com")}
	if _, err := s.Loyalty.SaveRules(context.Background(), rc.account(t, rc.owner), loyalty.RulesInput{On: true}); err != nil {
		t.Fatal(err)
	}
	return rc
}

func (rc rewardClub) account(t *testing.T, p person) auth.Account {
	t.Helper()
	a, err := rc.s.Auth.AccountByID(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// give adds points to p.
func (rc rewardClub) give(t *testing.T, p person, points string) {
	t.Helper()
	if _, err := rc.s.Loyalty.Adjust(context.Background(), rc.account(t, rc.owner), p.ID, loyalty.NewToken(),
		loyalty.AdjustInput{Points: points, Note: "welcome"}); err != nil {
		t.Fatal(err)
	}
}

// balance is p's balance.
func (rc rewardClub) balance(t *testing.T, p person) int64 {
	t.Helper()
	st, err := rc.s.Loyalty.Statement(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return st.Balance
}

// createReward has the owner save a reward through the form and returns
// its id.
func (rc rewardClub) createReward(t *testing.T, form url.Values) string {
	t.Helper()
	r := rc.owner.post("/admin/loyalty/rewards", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/loyalty/rewards/") {
		t.Fatalf("create reward: %d %s\n%s", r.Status, r.Location, r.Body)
	}
	return strings.TrimPrefix(r.Location, "/admin/loyalty/rewards/")
}

// redeemToken reads the token of the redemption form of reward id.
func redeemToken(t *testing.T, p person, id string) string {
	t.Helper()
	r := p.get("/rewards/redeem/" + id)
	if r.Status != http.StatusOK {
		t.Fatalf("GET redeem page: %d\n%s", r.Status, r.Body)
	}
	m := regexpFind(t, r.Body, `name="token" value="([0-9a-f]+)"`)
	if m == "" {
		t.Fatalf("no token on the redeem page:\n%s", r.Body)
	}
	return m
}

func codeForm() url.Values {
	return url.Values{"name": {"Shop coupon"}, "description": {"10% off in the shop"}, "price": {"50"}, "kind": {"code"}}
}

func TestRewardsAdminOnlyForStaff(t *testing.T) {
	rc := newRewardClub(t)
	id := rc.createReward(t, codeForm())
	stranger := rc.s.newBrowser()
	for _, path := range []string{"/admin/loyalty/rewards", "/admin/loyalty/rewards/new", "/admin/loyalty/rewards/" + id,
		"/admin/loyalty/fulfilment"} {
		if r := rc.owner.get(path); r.Status != http.StatusOK {
			t.Errorf("owner GET %s: %d", path, r.Status)
		}
		if r := rc.member.get(path); r.Status != http.StatusNotFound {
			t.Errorf("member GET %s: %d, want 404", path, r.Status)
		}
		if r := stranger.get(path); r.Status != http.StatusSeeOther || r.Location != "/signin" {
			t.Errorf("signed out GET %s: %d %s, want a redirect to sign in", path, r.Status, r.Location)
		}
	}
	if r := rc.member.post("/admin/loyalty/rewards", codeForm()); r.Status != http.StatusNotFound {
		t.Errorf("member creates a reward: %d", r.Status)
	}
	if r := rc.member.postMultipart("/admin/loyalty/rewards/"+id+"/codes", url.Values{}, map[string][]byte{"codes": []byte("X1\n")}); r.Status != http.StatusNotFound {
		t.Errorf("member uploads codes: %d", r.Status)
	}
	if n := rc.s.count("rewards", bson.M{}); n != 1 {
		t.Fatalf("%d rewards, want the owner's one", n)
	}
	if n := rc.s.count("reward_codes", bson.M{}); n != 0 {
		t.Fatalf("%d codes uploaded by a member", n)
	}
	list := rc.owner.get("/admin/loyalty/rewards").Body
	mustContain(t, list, "Shop coupon", "50 points", `data-testid="reward-left">0<`)
}

func TestRewardsAdminBadInput(t *testing.T) {
	rc := newRewardClub(t)
	for _, price := range []string{"0", "-5", "ten"} {
		form := codeForm()
		form.Set("price", price)
		form.Set("name", "Typed name "+price)
		r := rc.owner.post("/admin/loyalty/rewards", form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("price %s: %d, want 422", price, r.Status)
		}
		mustContain(t, r.Body, "The price is a whole number of points", `value="Typed name `+price+`"`, `value="`+price+`"`)
	}
	if n := rc.s.count("rewards", bson.M{}); n != 0 {
		t.Fatalf("%d rewards stored from bad input", n)
	}
	id := rc.createReward(t, codeForm())
	codes := "/admin/loyalty/rewards/" + id + "/codes"
	r := rc.owner.postMultipart(codes, url.Values{}, map[string][]byte{"codes": []byte("A1\nA2\nA1\n  ,note\n")})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad code file: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, r.Body, "Line 3: this code is in the file twice: A1", "Line 4: the code is empty.")
	if n := rc.s.count("reward_codes", bson.M{}); n != 0 {
		t.Fatalf("%d codes kept from a refused file", n)
	}
	if r := rc.owner.postMultipart(codes, url.Values{}, map[string][]byte{"codes": []byte("A1\nA2\n")}); r.Status != http.StatusSeeOther {
		t.Fatalf("good code file: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, rc.owner.get("/admin/loyalty/rewards/"+id).Body, "Left: 2")
	for _, bad := range []string{"0123456789abcdef01234567", "garbage", id + "0"} {
		for _, path := range []string{"/admin/loyalty/rewards/" + bad, "/rewards/redeem/" + bad} {
			if r := rc.owner.get(path); r.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, r.Status)
			}
		}
		if r := rc.member.post("/rewards/redeem/"+bad, url.Values{"token": {loyalty.NewToken()}}); r.Status != http.StatusNotFound {
			t.Errorf("redeem %s: %d, want 404", bad, r.Status)
		}
	}
	// Archiving asks first, then archives.
	archive := "/admin/loyalty/rewards/" + id + "/archive"
	if r := rc.owner.post(archive, nil); r.Status != http.StatusOK || !strings.Contains(r.Body, `data-testid="confirm-archive"`) {
		t.Fatalf("archive without confirming: %d", r.Status)
	}
	if r := rc.owner.post(archive, url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("archive: %d", r.Status)
	}
	if r := rc.member.get("/rewards/redeem/" + id); r.Status != http.StatusNotFound {
		t.Fatalf("an archived reward's page: %d", r.Status)
	}
}

func TestRedeemCodeOverHTTP(t *testing.T) {
	rc := newRewardClub(t)
	id := rc.createReward(t, codeForm())
	if r := rc.owner.postMultipart("/admin/loyalty/rewards/"+id+"/codes", url.Values{}, map[string][]byte{"codes": []byte("SAVE-1\n")}); r.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.Status, r.Body)
	}
	if r := rc.s.newBrowser().get("/rewards/redeem/" + id); r.Status != http.StatusSeeOther || r.Location != "/signin" {
		t.Fatalf("signed out: %d %s", r.Status, r.Location)
	}
	rc.give(t, rc.member, "120")
	page := rc.member.get("/rewards/redeem/" + id).Body
	mustContain(t, page, "Shop coupon", "10% off in the shop", `data-testid="redeem-balance">120 points`, `data-testid="redeem-after">70 points`)
	token := redeemToken(t, rc.member, id)
	r := rc.member.post("/rewards/redeem/"+id, url.Values{"token": {token}})
	if r.Status != http.StatusSeeOther || r.Location != "/rewards/mine" {
		t.Fatalf("redeem: %d %s\n%s", r.Status, r.Location, r.Body)
	}
	// The same form sent again redeems nothing more.
	if r := rc.member.post("/rewards/redeem/"+id, url.Values{"token": {token}}); r.Status != http.StatusSeeOther {
		t.Fatalf("double submit: %d", r.Status)
	}
	if b := rc.balance(t, rc.member); b != 70 {
		t.Fatalf("balance %d, want 70", b)
	}
	mine := rc.member.get("/rewards/mine")
	mustContain(t, mine.Body, `data-testid="redeemed-code">SAVE-1<`, "Shop coupon", "Redeemed. Here it is.")
	if strings.Count(mine.Body, `data-testid="redemption"`) != 1 {
		t.Fatalf("want one redemption:\n%s", mine.Body)
	}
	// The pool is empty now: the page says so and offers no form; a form
	// sent anyway gets a clear message, the points intact.
	page = rc.member.get("/rewards/redeem/" + id).Body
	mustContain(t, page, "this reward is sold out")
	mustNotContain(t, page, `data-testid="redeem-form"`)
	r = rc.member.post("/rewards/redeem/"+id, url.Values{"token": {loyalty.NewToken()}})
	if r.Status != http.StatusConflict {
		t.Fatalf("sold out: %d", r.Status)
	}
	mustContain(t, r.Body, "this reward is sold out. Your points were not spent.")
	if b := rc.balance(t, rc.member); b != 70 {
		t.Fatalf("balance after sold out %d, want 70", b)
	}
	mustNotContain(t, rc.owner.get("/rewards/mine").Body, "SAVE-1")
}

func TestRedeemGiftOverHTTP(t *testing.T) {
	rc := newRewardClub(t)
	id := rc.createReward(t, url.Values{"name": {"Tote bag"}, "price": {"30"}, "kind": {"gift"}, "stock": {"5"}})
	rc.give(t, rc.member, "100")
	addr := url.Values{"name": {"Mina Kim"}, "line1": {"12 Seongsu-ro"}, "postal": {"04<7>"}, "phone": {"010-1234-5678"}}
	addr.Set("token", redeemToken(t, rc.member, id))
	r := rc.member.post("/rewards/redeem/"+id, addr)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad postal code: %d", r.Status)
	}
	mustContain(t, r.Body, "Enter a postal code", `value="Mina Kim"`, `value="12 Seongsu-ro"`)
	addr.Set("postal", "04780")
	addr.Set("token", regexpFind(t, r.Body, `name="token" value="([0-9a-f]+)"`))
	if r := rc.member.post("/rewards/redeem/"+id, addr); r.Status != http.StatusSeeOther {
		t.Fatalf("redeem gift: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, rc.member.get("/rewards/mine").Body, "Tote bag", "we have not sent it yet")
	list := rc.owner.get("/admin/loyalty/fulfilment").Body
	mustContain(t, list, "Mina Kim", "12 Seongsu-ro", "04780", `data-testid="mark-sent"`)
	gid := regexpFind(t, list, `action="/admin/loyalty/fulfilment/([0-9a-f]+)/sent"`)
	if r := rc.owner.post("/admin/loyalty/fulfilment/"+gid+"/sent", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("mark sent: %d", r.Status)
	}
	mustContain(t, rc.owner.get("/admin/loyalty/fulfilment").Body, "No gifts waiting to be sent.", "Marked sent by")
	mustContain(t, rc.member.get("/rewards/mine").Body, "Sent on")
	if r := rc.member.post("/admin/loyalty/fulfilment/"+gid+"/sent", nil); r.Status != http.StatusNotFound {
		t.Fatalf("a member marks a gift sent: %d", r.Status)
	}
}

func TestRedeemPremiumOverHTTP(t *testing.T) {
	rc := newRewardClub(t)
	if err := rc.s.Membership.SeedTier(context.Background(), membership.Tier{Key: "premium", Name: "Premium", Rank: 1}); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"name": {"A month of Premium"}, "price": {"80"}, "kind": {"premium"}, "tier": {"premium"}, "days": {"0"}}
	r := rc.owner.post("/admin/loyalty/rewards", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("0 days: %d", r.Status)
	}
	mustContain(t, r.Body, "The days are a whole number", `value="A month of Premium"`)
	form.Set("days", "30")
	id := rc.createReward(t, form)
	// Editing keeps the kind and the counters.
	form.Set("price", "90")
	form.Set("kind", "gift")
	if r := rc.owner.post("/admin/loyalty/rewards/"+id, form); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.Status, r.Body)
	}
	rc.give(t, rc.member, "100")
	mustContain(t, rc.member.get("/rewards/redeem/"+id).Body, "Premium for 30 days.", "90 points")
	if r := rc.member.post("/rewards/redeem/"+id, url.Values{"token": {redeemToken(t, rc.member, id)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("redeem: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, rc.member.get("/rewards/mine").Body, "30 days of Premium, until")
	e, err := rc.s.Membership.Entitlement(context.Background(), rc.member.ID)
	if err != nil || e.Source != membership.SourceReward || e.Tier.Key != "premium" {
		t.Fatalf("entitlement = %+v, %v", e, err)
	}
	mustContain(t, rc.member.get("/").Body, "Redeemed with points, until")
	list := rc.owner.get("/admin/loyalty/rewards").Body
	mustContain(t, list, "90 points", "Premium days", `data-testid="reward-redeemed">1<`)
}
