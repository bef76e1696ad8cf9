package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/stripemock"
)

func TestTierForm(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	admin := b.signUp(t, "admin@example.com")
	b.makeSiteAdmin(t, admin)

	list := admin.get("/admin/tiers")
	if list.Status != http.StatusOK {
		t.Fatalf("tiers: %d", list.Status)
	}
	mustContain(t, list.Body, "Premium", "$20.00 per month", `href="/admin/tiers/premium/edit"`)
	if r := admin.get("/admin/tiers/new"); r.Status != http.StatusOK {
		t.Fatalf("new tier form: %d", r.Status)
	}

	bad := url.Values{"key": {"Gold Tier!"}, "name": {""}, "perks": {"Backstage\nSigned poster"}, "rank": {"zero"},
		"monthlyPrice": {"price gold"}, "trialDays": {"400"}}
	res := admin.post("/admin/tiers", bad)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad tier: %d", res.Status)
	}
	mustContain(t, res.Body, `data-testid="error-key"`, "Use 1 to 40 lowercase letters", `data-testid="error-name"`,
		"The rank is a whole number from 1 to 100.", "Trial days are a whole number from 0 to 365.",
		"Stripe doesn’t know this price id.", `value="Gold Tier!"`, `value="zero"`, `value="price gold"`, `value="400"`,
		"Backstage\nSigned poster")
	mustContain(t, admin.post("/admin/tiers", url.Values{"key": {"premium"}, "name": {"Again"}, "rank": {"5"}}).Body,
		"A tier with this key already exists.")
	mustContain(t, admin.post("/admin/tiers", url.Values{"key": {"silver"}, "name": {"Silver"}, "rank": {"1"}}).Body,
		"Another tier has this rank.")

	admin.follow("/admin/tiers/new?lang=ko")
	ko := admin.post("/admin/tiers", bad)
	if ko.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad tier in Korean: %d", ko.Status)
	}
	mustContain(t, ko.Body, "순위는 1부터 100까지의 정수예요.", "등급 이름을 60자 이내로 입력해 주세요.", `value="Gold Tier!"`)
	admin.follow("/admin/tiers?lang=en")
	if n := b.count("tiers", bson.M{}); n != 1 {
		t.Fatalf("refused saves stored tiers: %d", n)
	}

	good := url.Values{"key": {"gold"}, "name": {"Gold"}, "description": {"The inner circle."}, "perks": {"Backstage\nSigned poster"},
		"rank": {"2"}, "monthlyPrice": {"price_gold_month"}, "trialDays": {"14"}}
	res = admin.post("/admin/tiers", good)
	if res.Status != http.StatusSeeOther || res.Location != "/admin/tiers" {
		t.Fatalf("save tier: %d to %q: %s", res.Status, res.Location, res.Body)
	}
	mustContain(t, admin.get("/admin/tiers").Body, "Tier saved.", "Gold", "Rank 2")
	if len(b.Stripe.Requests("GET", "/v1/prices/price_gold_month")) != 1 {
		t.Errorf("the price was not checked with Stripe")
	}
	pricing := admin.get("/pricing").Body
	mustContain(t, card(t, pricing, "gold"), "14-day free trial", "Backstage", "The inner circle.")

	edit := admin.get("/admin/tiers/gold/edit")
	mustContain(t, edit.Body, `data-testid="tier-key">gold`, `value="Gold"`, `value="price_gold_month"`, `value="14"`)
	mustNotContain(t, edit.Body, `name="key"`) // the key never changes
	res = admin.post("/admin/tiers/gold", url.Values{"key": {"other"}, "name": {"Gold"}, "rank": {""}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad edit: %d", res.Status)
	}
	mustContain(t, res.Body, `action="/admin/tiers/gold"`, "The rank is a whole number")
	good.Set("name", "Gold Circle")
	good.Set("key", "renamed") // ignored: the URL names the tier
	if r := admin.post("/admin/tiers/gold", good); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	mustContain(t, card(t, admin.get("/pricing").Body, "gold"), "Gold Circle")
	if n := b.count("tiers", bson.M{"_id": "renamed"}); n != 0 {
		t.Errorf("an edit changed the key")
	}
	if r := admin.get("/admin/tiers/nope/edit"); r.Status != http.StatusNotFound {
		t.Errorf("edit an unknown tier: %d", r.Status)
	}
}

// TestAdminRefusesOthers: members get 404 on every admin route, as on
// /moderation; signed-out visitors are sent to sign in (or refused, for a
// form). Nothing changes.
func TestAdminRefusesOthers(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	member := b.signUp(t, "minji@example.com")
	visitor := b.newBrowser()
	tier := url.Values{"key": {"gold"}, "name": {"Gold"}, "rank": {"2"}}
	comp := url.Values{"email": {member.Email}, "tier": {"premium"}, "reason": {"because"}}
	routes := []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/admin/tiers", nil},
		{"GET", "/admin/tiers/new", nil},
		{"POST", "/admin/tiers", tier},
		{"GET", "/admin/tiers/premium/edit", nil},
		{"POST", "/admin/tiers/premium", tier},
		{"GET", "/admin/subscribers", nil},
		{"POST", "/admin/comps", comp},
		{"POST", "/admin/comps/" + string(member.ID) + "/revoke", url.Values{"confirm": {"1"}}},
	}
	b.owner.post("/admin/comps", url.Values{"email": {b.owner.Email}, "tier": {"premium"}, "reason": {"Owner"}})
	for _, r := range routes {
		var asMember, asVisitor response
		if r.method == "GET" {
			asMember, asVisitor = member.get(r.path), visitor.get(r.path)
		} else {
			asMember, asVisitor = member.post(r.path, r.form), visitor.post(r.path, r.form)
		}
		if asMember.Status != http.StatusNotFound {
			t.Errorf("member %s %s: %d, want 404", r.method, r.path, asMember.Status)
		}
		if r.method == "GET" && (asVisitor.Status != http.StatusSeeOther || asVisitor.Location != "/signin") {
			t.Errorf("visitor %s %s: %d to %q, want the sign-in page", r.method, r.path, asVisitor.Status, asVisitor.Location)
		}
		if r.method == "POST" && asVisitor.Status != http.StatusForbidden {
			t.Errorf("visitor %s %s: %d, want 403", r.method, r.path, asVisitor.Status)
		}
	}
	if n := b.count("tiers", bson.M{}); n != 1 {
		t.Errorf("tiers: %d, want the one", n)
	}
	if n := b.count("comps", bson.M{}); n != 1 {
		t.Errorf("comps: %d, want the owner's only", n)
	}
	mustNotContain(t, member.get("/pricing").Body, "/admin/")
}

func TestSubscribersPage(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	ana, ben, cho := b.signUp(t, "ana@example.com"), b.signUp(t, "ben@example.com"), b.signUp(t, "cho@example.com")
	now := b.Clock.Now()

	b.subscribe(t, "sub_ana", ana.ID)
	b.subscribe(t, "sub_ghost", auth.AccountID("no-such-account"))
	benSub := b.subscribe(t, "sub_ben", ben.ID)
	b.deliver(t, "evt_ben_failed", "invoice.payment_failed", now.Add(time.Minute), stripemock.Invoice{ID: "in_ben",
		Subscription: benSub.ID, Customer: benSub.Customer, Account: string(ben.ID), Price: benSub.Price, PeriodEnd: benSub.PeriodEnd}.Object())
	choSub := b.subscribe(t, "sub_cho", cho.ID)
	choSub.Status, choSub.PeriodEnd = "canceled", now.Add(time.Hour)
	b.deliver(t, "evt_cho_deleted", "customer.subscription.deleted", now.Add(time.Minute), choSub.Object())
	b.owner.post("/admin/comps", url.Values{"email": {cho.Email}, "tier": {"premium"}, "gift": {"1"}, "reason": {"Birthday"}})

	page := b.owner.get("/admin/subscribers")
	if page.Status != http.StatusOK {
		t.Fatalf("subscribers: %d", page.Status)
	}
	figure := func(id string) string {
		return regexpFind(t, page.Body, `data-testid="`+id+`">([^<]*(?:<span>[^<]*</span>)*)</dd>`)
	}
	if got := figure("mrr"); got != "<span>₩19,800</span>" { // ana and the unknown account: ₩9,900 a month each
		t.Errorf("MRR %q", got)
	}
	for id, want := range map[string]string{"new": "4", "cancelled": "1", "past-due": "1"} {
		if got := figure(id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	// The comp form's tier is required, so it starts on an empty choice
	// (HTML: a required select's first option must be empty).
	mustContain(t, page.Body, `<select id="tier" name="tier" required><option value="">Choose a tier</option>`)
	if n := strings.Count(page.Body, `data-testid="subscriber"`); n != 5 {
		t.Errorf("%d rows, want 4 subscriptions and a comp", n)
	}
	mustContain(t, page.Body, "ana@example.com", "(no such account)", "no-such-account",
		"https://dashboard.stripe.com/subscriptions/sub_ana", "Past due", "in grace period", "Cancelled", "gift", "Birthday",
		"renews on "+now.AddDate(0, 1, 0).UTC().Format("2 Jan 2006"))

	pastDue := b.owner.get("/admin/subscribers?status=past_due").Body
	if n := strings.Count(pastDue, `data-testid="subscriber"`); n != 1 || !strings.Contains(pastDue, "ben@example.com") {
		t.Errorf("past due filter: %d rows", n)
	}
	mustContain(t, pastDue, `<option value="past_due" selected>`)
	comps := b.owner.get("/admin/subscribers?status=comp&tier=premium").Body
	if n := strings.Count(comps, `data-testid="subscriber"`); n != 1 || !strings.Contains(comps, "Birthday") {
		t.Errorf("comp filter: %d rows", n)
	}
	if n := strings.Count(b.owner.get("/admin/subscribers?tier=gold").Body, `data-testid="subscriber"`); n != 0 {
		t.Errorf("unknown tier filter: %d rows", n)
	}
	mustContain(t, b.owner.follow("/admin/subscribers?lang=ko").Body, "월간 반복 매출", "19,800원", "(없는 계정)", "유예 기간")
}

func TestCompGrantAndRevoke(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	member := b.signUp(t, "minji@example.com")

	res := b.owner.post("/admin/comps", url.Values{"email": {"nobody@example.com"}, "tier": {"premium"}, "until": {"2020-01-01"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad comp: %d", res.Status)
	}
	mustContain(t, res.Body, "No account has this email address.", "Give a reason", "The last day can’t be in the past.",
		`value="nobody@example.com"`, `value="2020-01-01"`)
	if n := b.count("comps", bson.M{}); n != 0 {
		t.Fatalf("a refused grant stored a comp")
	}

	res = b.owner.post("/admin/comps", url.Values{"email": {member.Email}, "tier": {"premium"}, "reason": {"Runs the fan meetups"}})
	if res.Status != http.StatusSeeOther || res.Location != "/admin/subscribers" {
		t.Fatalf("grant: %d to %q: %s", res.Status, res.Location, res.Body)
	}
	mustContain(t, b.owner.get("/admin/subscribers").Body, "Membership given.", "minji@example.com", "Runs the fan meetups")
	mustContain(t, card(t, member.get("/pricing").Body, "premium"), "Your plan", "Given to you by the club, with no end date.")
	if len(b.Stripe.Requests("POST", "/v1/")) != 0 {
		t.Errorf("a comp made something in Stripe")
	}
	audit := b.owner.get("/moderation/audit").Body
	// (Every action's label is in the log's filter too: look in the entries.)
	granted := `data-testid="audit-action">gave a membership to</span>`
	mustContain(t, audit, granted, "<span>"+member.Name+"</span>", "premium: Runs the fan meetups")
	mustContain(t, b.owner.get("/moderation/audit?action=membership.comp").Body, granted)

	revoke := "/admin/comps/" + string(member.ID) + "/revoke"
	if r := b.owner.post(revoke, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("unconfirmed revoke: %d", r.Status)
	}
	mustContain(t, b.owner.get("/admin/subscribers").Body, "Tick “Yes, end it now”")
	mustContain(t, card(t, member.get("/pricing").Body, "premium"), "Your plan")

	if r := b.owner.post(revoke, url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	mustContain(t, b.owner.get("/admin/subscribers").Body, "Membership ended.")
	mustContain(t, card(t, member.get("/pricing").Body, "free"), "Your plan")
	mustContain(t, b.owner.get("/moderation/audit").Body, `data-testid="audit-action">ended the membership of</span>`)
	if r := b.owner.post(revoke, url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("second revoke: %d", r.Status)
	}
	mustContain(t, b.owner.get("/admin/subscribers").Body, "That membership had already ended.")
	if n := b.count("audit_log", bson.M{"action": "membership.revoke"}); n != 1 {
		t.Errorf("revokes logged: %d, want 1", n)
	}

	// A gift with a last day: the member sees it as a gift until then.
	last := b.Clock.Now().AddDate(0, 0, 30).UTC()
	b.owner.post("/admin/comps", url.Values{"email": {member.Email}, "tier": {"premium"}, "gift": {"1"},
		"until": {last.Format("2006-01-02")}, "reason": {"Contest winner"}})
	mustContain(t, card(t, member.get("/pricing").Body, "premium"), "A gift, until "+last.Format("2 Jan 2006"))
	mustContain(t, b.owner.get("/admin/subscribers").Body, "until "+last.Format("2 Jan 2006"))
}
