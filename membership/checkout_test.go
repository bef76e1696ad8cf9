package membership_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

// stripe-mock is stateless: it checks each request against Stripe's API
// and answers with a fixture. These tests assert what was sent, and that
// Stripe's API accepted it.

func (r *rig) checkout(a auth.Account, tier, interval string) stripemock.Request {
	r.t.Helper()
	before := len(r.rec.Requests("POST", "/v1/checkout/sessions"))
	url, err := r.m.Checkout(r.ctx, a, tier, interval)
	if err != nil {
		r.t.Fatalf("checkout %s %s: %v", tier, interval, err)
	}
	if url == "" {
		r.t.Fatal("checkout gave no URL")
	}
	reqs := r.rec.Requests("POST", "/v1/checkout/sessions")
	if len(reqs) != before+1 {
		r.t.Fatalf("%d Checkout sessions opened, want 1", len(reqs)-before)
	}
	return reqs[len(reqs)-1]
}

// customerOf is the Stripe customer stored for the account.
func (r *rig) customerOf(id auth.AccountID) string {
	r.t.Helper()
	var c struct{ Customer string }
	if err := r.db.Collection("stripe_customers").FindOne(r.ctx, bson.M{"_id": id}).Decode(&c); err != nil {
		r.t.Fatalf("customer of %s: %v", id, err)
	}
	return c.Customer
}

func TestCheckoutSendsTheTiersPriceAndTheAccount(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	for interval, price := range map[string]string{"month": "price_premium_month", "year": "price_premium_year"} {
		req := r.checkout(m, "premium", interval)
		if req.Status != 200 {
			t.Errorf("%s: Stripe answered %d", interval, req.Status)
		}
		want := map[string]string{
			"mode": "subscription", "line_items[0][price]": price, "line_items[0][quantity]": "1",
			"customer": r.customerOf(m.ID), "client_reference_id": string(m.ID),
			"subscription_data[metadata][account]": string(m.ID), "metadata[account]": string(m.ID),
			"success_url": "http://club.test/membership/welcome", "cancel_url": "http://club.test/membership/cancelled",
			"locale": "en",
		}
		for k, v := range want {
			if got := req.Form.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", interval, k, got, v)
			}
		}
		// The tier's price is the only thing bought: one line, no price
		// made up on the fly.
		for k := range req.Form {
			if strings.HasPrefix(k, "line_items") && k != "line_items[0][price]" && k != "line_items[0][quantity]" {
				t.Errorf("%s: sent %s = %q", interval, k, req.Form.Get(k))
			}
		}
	}

	r.tier(membership.TierInput{Key: "basic", Name: "Basic", Rank: "2", MonthlyPrice: "price_basic_month"})
	for _, c := range []struct {
		tier, interval string
		want           error
	}{
		{"basic", "year", membership.ErrNotForSale},
		{"premium", "week", membership.ErrNotForSale},
		{"premium", "", membership.ErrNotForSale},
		{"gold", "month", membership.ErrNotFound},
		{"", "month", membership.ErrNotFound},
	} {
		if _, err := r.m.Checkout(r.ctx, m, c.tier, c.interval); !errors.Is(err, c.want) {
			t.Errorf("%q %q: %v, want %v", c.tier, c.interval, err, c.want)
		}
	}
	if n := len(r.rec.Requests("POST", "/v1/checkout/sessions")); n != 2 {
		t.Errorf("%d Checkout sessions in all, want the 2 above", n)
	}
}

func TestCheckoutMakesOneCustomerPerAccount(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	r.checkout(m, "premium", "month")
	r.checkout(m, "premium", "year")
	reqs := r.rec.Requests("POST", "/v1/customers")
	if len(reqs) != 1 {
		t.Fatalf("%d customers created for one account, want 1", len(reqs))
	}
	c := reqs[0]
	if c.Form.Get("email") != "minji@example.com" || c.Form.Get("metadata[account]") != string(m.ID) ||
		c.IdempotencyKey != "customer:"+string(m.ID) || c.Status != 200 {
		t.Errorf("customer sent %v with key %q, answered %d", c.Form, c.IdempotencyKey, c.Status)
	}

	// A customer linked by a completed Checkout is the one used.
	linked := r.member("jun@example.com")
	r.mustDeliver("evt_1", "checkout.session.completed", r.clock.Now(),
		stripemock.CheckoutSession("cs_1", "cus_linked", "sub_1", string(linked.ID)))
	if req := r.checkout(linked, "premium", "month"); req.Form.Get("customer") != "cus_linked" {
		t.Errorf("checkout for customer %q, want cus_linked", req.Form.Get("customer"))
	}
	if n := len(r.rec.Requests("POST", "/v1/customers")); n != 1 {
		t.Errorf("%d customers created, want still 1", n)
	}
}

// TestCheckoutIdempotencyKey: a second "Subscribe" to the same price
// within 30 minutes is the same Checkout for Stripe; another price, or a
// later visit, is a new one.
func TestCheckoutIdempotencyKey(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	first := r.checkout(m, "premium", "month").IdempotencyKey
	if !strings.HasPrefix(first, "checkout:") {
		t.Fatalf("key %q", first)
	}
	r.clock.Add(29 * time.Minute)
	if again := r.checkout(m, "premium", "month").IdempotencyKey; again != first {
		t.Errorf("29 minutes on, key %q, want %q", again, first)
	}
	if yearly := r.checkout(m, "premium", "year").IdempotencyKey; yearly == first {
		t.Errorf("the yearly price got the monthly key %q", yearly)
	}
	// Stripe refuses a key reused with other parameters: a page language
	// changed between two clicks sends another locale, so another key.
	m.Locale = "ko"
	if ko := r.checkout(m, "premium", "month"); ko.IdempotencyKey == first || ko.Form.Get("locale") != "ko" {
		t.Errorf("in Korean, key %q and locale %q", ko.IdempotencyKey, ko.Form.Get("locale"))
	}
	m.Locale = "en"
	monthly := r.checkout(m, "premium", "month").IdempotencyKey
	r.clock.Add(30*time.Minute + time.Second)
	if later := r.checkout(m, "premium", "month").IdempotencyKey; later == monthly || later == first {
		t.Errorf("more than 30 minutes on, the key %q again", later)
	}

	// Two clicks at once: one customer key, one Checkout key.
	other := r.member("jun@example.com")
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.m.Checkout(r.ctx, other, "premium", "month"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	keys := map[string]bool{}
	for _, q := range r.rec.Requests("POST", "/v1/checkout/sessions") {
		if q.Form.Get("client_reference_id") == string(other.ID) {
			keys[q.IdempotencyKey] = true
		}
	}
	if len(keys) != 1 {
		t.Errorf("two clicks at once sent keys %v, want one", keys)
	}
	for _, q := range r.rec.Requests("POST", "/v1/customers") {
		if q.Form.Get("metadata[account]") == string(other.ID) && q.IdempotencyKey != "customer:"+string(other.ID) {
			t.Errorf("customer key %q", q.IdempotencyKey)
		}
	}
	if n := r.count("stripe_customers", bson.M{"_id": other.ID}); n != 1 {
		t.Errorf("%d customer links, want 1", n)
	}
}

func TestCheckoutTrialForAFirstSubscriptionOnly(t *testing.T) {
	r := newRig(t)
	r.tier(membership.TierInput{Key: "club", Name: "Club", Rank: "2", MonthlyPrice: "price_club_month", TrialDays: "14"})
	m := r.member("minji@example.com")
	if got := r.checkout(m, "club", "month").Form.Get("subscription_data[trial_period_days]"); got != "14" {
		t.Errorf("first subscription: trial %q, want 14", got)
	}
	if got := r.checkout(m, "premium", "month").Form.Get("subscription_data[trial_period_days]"); got != "" {
		t.Errorf("a tier without a trial sent trial %q", got)
	}

	// A member who subscribed before, and cancelled, gets no second trial.
	now := r.clock.Now()
	sub := stripemock.Sub{ID: "sub_1", Customer: "cus_1", Account: string(m.ID), Price: "price_club_month", Status: "canceled",
		Start: now.AddDate(0, -2, 0), PeriodEnd: now.AddDate(0, 0, -1)}
	r.mustDeliver("evt_1", "customer.subscription.deleted", now, sub.Object())
	if got := r.checkout(m, "club", "month").Form.Get("subscription_data[trial_period_days]"); got != "" {
		t.Errorf("second subscription: trial %q, want none", got)
	}
}

func TestCheckoutRefusesASecondSubscription(t *testing.T) {
	r := newRig(t)
	now := r.clock.Now()
	for _, status := range []string{"active", "trialing", "past_due", "unpaid", "incomplete"} {
		m := r.member(status + "@example.com")
		sub := r.premiumSub("sub_"+status, m.ID)
		sub.Status, sub.TrialEnd = status, now.AddDate(0, 0, 14)
		r.mustDeliver("evt_"+status, "customer.subscription.created", now, sub.Object())
		if _, err := r.m.Checkout(r.ctx, m, "premium", "year"); !errors.Is(err, membership.ErrSubscribed) {
			t.Errorf("%s: %v, want ErrSubscribed", status, err)
		}
	}
	if n := len(r.rec.Requests("POST", "/v1/")); n != 0 {
		t.Errorf("%d requests sent to Stripe for refused Checkouts", n)
	}
	// Once cancelled, the member may buy again.
	m := r.member("back@example.com")
	sub := r.premiumSub("sub_back", m.ID)
	sub.Status = "canceled"
	r.mustDeliver("evt_back", "customer.subscription.deleted", now, sub.Object())
	r.checkout(m, "premium", "month")
}

func TestBillingOff(t *testing.T) {
	r := newRigWith(t, rigOptions{billingOff: true})
	if r.m.BillingOn() {
		t.Fatal("billing on without a key")
	}
	free := r.tier(membership.TierInput{Key: "friends", Name: "Friends", Rank: "1"})
	if free.ForSale() {
		t.Errorf("a tier without prices is for sale")
	}
	_, err := r.m.SaveTier(r.ctx, r.admin, "", membership.TierInput{Key: "premium", Name: "Premium", Rank: "2",
		MonthlyPrice: "price_premium_month"})
	var v membership.ValidationError
	if !errors.As(err, &v) || v["monthlyPrice"] != "tier.error.billing_off" {
		t.Errorf("a priced tier with billing off: %v %v", err, v)
	}
	m := r.member("minji@example.com")
	if _, err := r.m.Checkout(r.ctx, m, "friends", "month"); !errors.Is(err, membership.ErrBillingOff) {
		t.Errorf("Checkout: %v, want ErrBillingOff", err)
	}
	if _, err := r.m.Portal(r.ctx, m); !errors.Is(err, membership.ErrBillingOff) {
		t.Errorf("Portal: %v, want ErrBillingOff", err)
	}
	r.grant(membership.CompInput{Email: m.Email, Tier: "friends", Reason: "Early supporter"}, time.UTC)
	if e := r.entitlement(m.ID); e.Tier.Key != "friends" {
		t.Errorf("a comp with billing off: %s", show(e))
	}
}

func TestPortal(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	if _, err := r.m.Portal(r.ctx, m); !errors.Is(err, membership.ErrNoCustomer) {
		t.Errorf("Portal without a customer: %v, want ErrNoCustomer", err)
	}
	if n := len(r.rec.Requests("POST", "/v1/")); n != 0 {
		t.Errorf("%d requests sent without a customer", n)
	}

	r.checkout(m, "premium", "month")
	url, err := r.m.Portal(r.ctx, m)
	if err != nil || url == "" {
		t.Fatalf("Portal: %q, %v", url, err)
	}
	reqs := r.rec.Requests("POST", "/v1/billing_portal/sessions")
	if len(reqs) != 1 || reqs[0].Status != 200 || reqs[0].Form.Get("customer") != r.customerOf(m.ID) ||
		reqs[0].Form.Get("return_url") != "http://club.test/pricing" {
		t.Fatalf("portal requests %+v", reqs)
	}

	linked := r.member("jun@example.com")
	r.mustDeliver("evt_1", "checkout.session.completed", r.clock.Now(),
		stripemock.CheckoutSession("cs_1", "cus_linked", "sub_1", string(linked.ID)))
	if _, err := r.m.Portal(r.ctx, linked); err != nil {
		t.Fatal(err)
	}
	reqs = r.rec.Requests("POST", "/v1/billing_portal/sessions")
	if got := reqs[len(reqs)-1].Form.Get("customer"); got != "cus_linked" {
		t.Errorf("portal for %q, want cus_linked", got)
	}
}
