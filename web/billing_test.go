package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fanclub/auth"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

// billing is a site with Stripe (stripe-mock) on, its owner, and the
// tier "premium" (rank 1), priced monthly and yearly. stripe-mock says
// every price is $20.00 a month.
type billing struct {
	*site
	owner person
}

func newBilling(t *testing.T, o siteOptions) billing {
	t.Helper()
	s := newSite(t, o)
	b := billing{site: s, owner: s.signUp(t, "owner@example.com")} // the first account owns the site
	if o.stripe {
		b.saveTier(t, b.owner, membership.TierInput{Key: "premium", Name: "Premium", Rank: "1", Perks: "Members-only groups\nEarly tickets",
			MonthlyPrice: "price_premium_month", YearlyPrice: "price_premium_year"})
	}
	return b
}

// subscribe delivers the webhook of a new monthly subscription for
// account, active for a month from now.
func (b billing) subscribe(t *testing.T, sub string, account auth.AccountID) stripemock.Sub {
	t.Helper()
	now := b.Clock.Now()
	s := stripemock.Sub{ID: sub, Customer: "cus_" + sub, Account: string(account), Price: "price_premium_month",
		PeriodEnd: now.AddDate(0, 1, 0), Start: now}
	b.deliver(t, "evt_"+sub+"_created", "customer.subscription.created", now, s.Object())
	return s
}

// card is the part of the pricing page about one tier ("free" for free).
func card(t *testing.T, body, key string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `data-testid="tier-`+key+`"`)
	if !ok {
		t.Fatalf("no card for tier %s", key)
	}
	if i := strings.Index(rest, `class="tier-card`); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

func TestPricingPage(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	b.saveTier(t, b.owner, membership.TierInput{Key: "vip", Name: "VIP", Rank: "2", Description: "For our closest friends."})

	visitor := b.newBrowser().get("/pricing")
	if visitor.Status != http.StatusOK {
		t.Fatalf("signed out: %d", visitor.Status)
	}
	premium := card(t, visitor.Body, "premium")
	mustContain(t, premium, "Premium", "$20.00 per month", "Members-only groups", "Early tickets", "Sign in to subscribe")
	mustNotContain(t, visitor.Body, "/membership/checkout", "Your plan", "Manage billing")
	mustContain(t, card(t, visitor.Body, "vip"), "By invitation", "For our closest friends.")

	member := b.signUp(t, "minji@example.com")
	page := member.get("/pricing").Body
	mustContain(t, card(t, page, "free"), "Your plan", "You’re on the free plan.")
	mustContain(t, card(t, page, "premium"), `action="/membership/checkout"`, `name="tier" value="premium"`,
		`name="interval" value="month"`, `name="interval" value="year"`, "Subscribe monthly", "Subscribe yearly")
	mustNotContain(t, card(t, page, "premium"), "Your plan", "Sign in to subscribe")
	mustNotContain(t, card(t, page, "vip"), "/membership/checkout")
	mustContain(t, page, `href="/pricing" data-testid="nav-pricing"`)
	mustNotContain(t, page, "/admin/tiers") // staff only

	b.subscribe(t, "sub_minji", member.ID)
	ko := member.follow("/pricing?lang=ko").Body
	premium = card(t, ko, "premium")
	mustContain(t, premium, "내 멤버십", "에 갱신돼요.", "월 $20.00", "결제 관리", `action="/membership/portal"`)
	mustNotContain(t, premium, "/membership/checkout", "구독하기")
	mustNotContain(t, card(t, ko, "free"), "내 멤버십")
	en := member.follow("/pricing?lang=en").Body
	mustContain(t, card(t, en, "premium"), "Your plan", "Renews on "+b.Clock.Now().AddDate(0, 1, 0).UTC().Format("2 Jan 2006"))

	// A comp shows as the club's gift of the tier, with no end date.
	friend := b.signUp(t, "friend@example.com")
	b.owner.post("/admin/comps", url.Values{"email": {friend.Email}, "tier": {"vip"}, "reason": {"Runs the fan meetups"}})
	page = friend.get("/pricing").Body
	mustContain(t, card(t, page, "vip"), "Your plan", "Given to you by the club, with no end date.")
	mustContain(t, card(t, page, "premium"), "Subscribe monthly") // a comp is not billing: buying stays open
	mustContain(t, b.owner.get("/pricing").Body, `href="/admin/tiers"`, `href="/admin/subscribers"`)
}

func TestSubscribeGoesToCheckout(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	member := b.signUp(t, "minji@example.com")

	// A forged price is ignored: the price is the tier's.
	res := member.post("/membership/checkout", url.Values{"tier": {"premium"}, "interval": {"year"}, "price": {"price_forged"}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "https://checkout.stripe.com/") {
		t.Fatalf("subscribe: %d to %q: %s", res.Status, res.Location, res.Body)
	}
	sessions := b.Stripe.Requests("POST", "/v1/checkout/sessions")
	if len(sessions) != 1 || sessions[0].Status != http.StatusOK {
		t.Fatalf("checkout sessions sent: %+v", sessions)
	}
	sent := sessions[0].Form
	for field, want := range map[string]string{"line_items[0][price]": "price_premium_year", "client_reference_id": string(member.ID),
		"subscription_data[metadata][account]": string(member.ID), "mode": "subscription",
		"success_url": b.URL + "/membership/welcome", "cancel_url": b.URL + "/membership/cancelled"} {
		if got := sent.Get(field); got != want {
			t.Errorf("checkout %s = %q, want %q", field, got, want)
		}
	}
	for _, r := range b.Stripe.Requests("POST", "/v1/") {
		if strings.Contains(r.Form.Encode(), "price_forged") {
			t.Errorf("the form's price reached Stripe: %s %v", r.Path, r.Form)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") ||
		!strings.Contains(csp, "https://checkout.stripe.com") || !strings.Contains(csp, "https://billing.stripe.com") {
		t.Errorf("CSP does not let the form go to Stripe: %s", csp)
	}

	// A second click soon after opens the same Checkout.
	again := member.post("/membership/checkout", url.Values{"tier": {"premium"}, "interval": {"year"}})
	if again.Status != http.StatusSeeOther {
		t.Fatalf("second subscribe: %d", again.Status)
	}
	sessions = b.Stripe.Requests("POST", "/v1/checkout/sessions")
	if len(sessions) != 2 || sessions[0].IdempotencyKey == "" || sessions[1].IdempotencyKey != sessions[0].IdempotencyKey {
		t.Errorf("two quick clicks: idempotency keys %q and %q, want one", sessions[0].IdempotencyKey, sessions[len(sessions)-1].IdempotencyKey)
	}

	for name, form := range map[string]url.Values{
		"unknown tier":   {"tier": {"gold"}, "interval": {"month"}},
		"unknown period": {"tier": {"premium"}, "interval": {"week"}},
	} {
		if r := member.post("/membership/checkout", form); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, r.Status)
		}
	}
	if n := len(b.Stripe.Requests("POST", "/v1/checkout/sessions")); n != 2 {
		t.Errorf("refused subscribes reached Stripe: %d sessions", n)
	}
	visitor := b.newBrowser()
	if r := visitor.post("/membership/checkout", url.Values{"tier": {"premium"}, "interval": {"month"}}); r.Status != http.StatusForbidden {
		t.Errorf("signed out subscribe: %d, want 403", r.Status)
	}
}

func TestSubscribedGoesToPortal(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	member := b.signUp(t, "minji@example.com")

	// Never been to Checkout: no billing to manage.
	res := member.post("/membership/portal", nil)
	if res.Status != http.StatusSeeOther || res.Location != "/pricing" {
		t.Fatalf("portal without a customer: %d to %q", res.Status, res.Location)
	}
	mustContain(t, member.get("/pricing").Body, "You have no billing to manage yet")

	if r := member.post("/membership/checkout", url.Values{"tier": {"premium"}, "interval": {"month"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", r.Status)
	}
	customers := b.Stripe.Requests("POST", "/v1/customers")
	if len(customers) != 1 {
		t.Fatalf("customers made: %d", len(customers))
	}
	b.subscribe(t, "sub_minji", member.ID)

	res = member.post("/membership/checkout", url.Values{"tier": {"premium"}, "interval": {"year"}})
	portals := b.Stripe.Requests("POST", "/v1/billing_portal/sessions")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "https://") || len(portals) != 1 {
		t.Fatalf("subscribed account's subscribe: %d to %q, portal sessions %d", res.Status, res.Location, len(portals))
	}
	if n := len(b.Stripe.Requests("POST", "/v1/checkout/sessions")); n != 1 {
		t.Errorf("a second Checkout was opened for a subscribed account: %d sessions", n)
	}
	if got := portals[0].Form.Get("return_url"); got != b.URL+"/pricing" {
		t.Errorf("portal return_url = %q", got)
	}
	if got := portals[0].Form.Get("customer"); got == "" {
		t.Errorf("portal opened for no customer")
	}
	if r := member.post("/membership/portal", nil); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "https://") {
		t.Errorf("manage billing: %d to %q", r.Status, r.Location)
	}
	if n := len(b.Stripe.Requests("POST", "/v1/customers")); n != 1 {
		t.Errorf("customers made: %d, want the one reused", n)
	}
}

func TestBillingOff(t *testing.T) {
	b := newBilling(t, siteOptions{})
	b.saveTier(t, b.owner, membership.TierInput{Key: "friends", Name: "Friends", Rank: "1"})
	member := b.signUp(t, "minji@example.com")

	page := member.get("/pricing")
	if page.Status != http.StatusOK {
		t.Fatalf("pricing: %d", page.Status)
	}
	mustContain(t, page.Body, "Payments aren’t set up on this site yet", "By invitation")
	// Told as a warning: nothing went well here.
	mustContain(t, page.Body, `class="notice notice-warn" role="status" data-testid="billing-off"`)
	mustNotContain(t, page.Body, "STRIPE_SECRET_KEY", "/membership/checkout", "Sign in to subscribe")
	setup := b.owner.get("/pricing").Body
	mustContain(t, setup, "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", b.URL+"/webhooks/stripe", stripemock.APIVersion)
	for _, ev := range []string{"checkout.session.completed", "customer.subscription.created", "customer.subscription.updated",
		"customer.subscription.deleted", "invoice.paid", "invoice.payment_failed"} {
		mustContain(t, setup, "<code>"+ev+"</code>")
	}
	if csp := page.Header.Get("Content-Security-Policy"); strings.Contains(csp, "stripe.com") {
		t.Errorf("billing off, yet the CSP lets forms go to Stripe: %s", csp)
	}

	for _, path := range []string{"/membership/checkout", "/membership/portal"} {
		res := member.post(path, url.Values{"tier": {"friends"}, "interval": {"month"}})
		if res.Status != http.StatusServiceUnavailable {
			t.Errorf("%s with billing off: %d, want 503", path, res.Status)
		}
		mustContain(t, res.Body, "Payments aren’t set up on this site yet. Nothing was charged.")
	}
	// Tiers and comps work without Stripe; a price cannot be checked.
	res := b.owner.post("/admin/tiers", url.Values{"key": {"gold"}, "name": {"Gold"}, "rank": {"2"}, "monthlyPrice": {"price_gold"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("priced tier with billing off: %d", res.Status)
	}
	mustContain(t, res.Body, "Payments aren’t set up, so prices can’t be checked.")
	mustContain(t, b.owner.get("/admin/tiers").Body, "Payments aren’t set up (no STRIPE_SECRET_KEY)", `class="notice notice-warn" data-testid="billing-off"`)
}

func TestWelcomeAndCancelled(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	member := b.signUp(t, "minji@example.com")

	res := member.get("/membership/welcome")
	if res.Status != http.StatusOK || res.Header.Get("Refresh") != "5" {
		t.Fatalf("welcome before the webhook: %d, Refresh %q", res.Status, res.Header.Get("Refresh"))
	}
	mustContain(t, res.Body, "Your payment is being confirmed; this page updates in a few seconds.", `href="/membership/welcome"`)
	mustNotContain(t, res.Body, "<script>")

	b.subscribe(t, "sub_minji", member.ID)
	res = member.get("/membership/welcome")
	if res.Header.Get("Refresh") != "" {
		t.Errorf("welcome after the webhook still reloads")
	}
	mustContain(t, res.Body, "You’re now a Premium member.", `href="/groups"`)

	mustContain(t, member.get("/membership/cancelled").Body, "No charge was made.", `href="/pricing"`)
	if r := b.newBrowser().get("/membership/welcome"); r.Status != http.StatusSeeOther || r.Location != "/signin" {
		t.Errorf("welcome signed out: %d to %q", r.Status, r.Location)
	}
}

// TestGraceBanner: a failed payment puts a banner on every page until
// it is paid.
func TestGraceBanner(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true, grace: 3 * 24 * time.Hour})
	member := b.signUp(t, "minji@example.com")
	sub := b.subscribe(t, "sub_minji", member.ID)
	mustNotContain(t, member.get("/groups").Body, `data-testid="grace-banner"`)

	failed := b.Clock.Now().Add(time.Minute)
	inv := stripemock.Invoice{ID: "in_1", Subscription: sub.ID, Customer: sub.Customer, Account: string(member.ID),
		Price: sub.Price, PeriodEnd: sub.PeriodEnd}
	b.deliver(t, "evt_failed", "invoice.payment_failed", failed, inv.Object())
	until := failed.Add(3 * 24 * time.Hour).UTC().Format("2 Jan 2006")
	for _, path := range []string{"/", "/groups", "/pricing", "/settings"} {
		page := member.get(path).Body
		mustContain(t, page, `data-testid="grace-banner"`, "Your payment failed; access continues until "+until, `action="/membership/portal"`)
	}
	mustContain(t, card(t, member.get("/pricing").Body, "premium"), "Your plan")
	mustContain(t, member.follow("/groups?lang=ko").Body, "결제가 실패했어요.")
	mustNotContain(t, b.owner.get("/groups").Body, `data-testid="grace-banner"`)

	inv.ID, inv.AmountPaid = "in_2", 9900
	b.deliver(t, "evt_paid", "invoice.paid", failed.Add(time.Hour), inv.Object())
	mustNotContain(t, member.follow("/groups?lang=en").Body, `data-testid="grace-banner"`)
}

// TestBrowserBillingPagesFitAPhone opens the membership pages, the
// past-due banner on them, in a phone-sized Chromium: nothing scrolls
// sideways.
func TestBrowserBillingPagesFitAPhone(t *testing.T) {
	s := newSite(t, siteOptions{stripe: true})
	tab := brOpen(t, 1)
	tab.brSignIn(s, "owner@example.com") // the first account owns the site
	b := billing{site: s}
	owner, err := s.Auth.AccountByEmail(context.Background(), "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	b.owner.ID = owner.ID
	b.saveTier(t, b.owner, membership.TierInput{Key: "premium", Name: "Premium", Rank: "1", Perks: "Members-only groups",
		MonthlyPrice: "price_premium_month", YearlyPrice: "price_premium_year", TrialDays: "14"})
	b.saveTier(t, b.owner, membership.TierInput{Key: "vip", Name: "VIP", Rank: "2", Description: "For our closest friends."})
	sub := b.subscribe(t, "sub_owner", owner.ID)
	b.deliver(t, "evt_failed", "invoice.payment_failed", s.Clock.Now().Add(time.Minute), stripemock.Invoice{ID: "in_1",
		Subscription: sub.ID, Customer: sub.Customer, Account: string(owner.ID), Price: sub.Price, PeriodEnd: sub.PeriodEnd}.Object())

	for _, path := range []string{"/pricing", "/pricing?lang=ko", "/admin/subscribers", "/admin/tiers", "/admin/tiers/new?lang=en"} {
		tab.do("open "+path,
			chromedp.Navigate(s.URL+path),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="grace-banner"]`)),
		)
		tab.noSideScroll(path)
	}
}
