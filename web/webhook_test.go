package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

// premiumSite is a site with billing on (stripe-mock), a "premium" tier
// priced price_premium_month, and a group only premium members may join.
func premiumSite(t *testing.T) (*site, person) {
	t.Helper()
	s := newSite(t, siteOptions{stripe: true})
	owner := s.signUp(t, "owner@example.com")
	s.saveTier(t, owner, membership.TierInput{Key: "premium", Name: "Premium", Rank: "1", MonthlyPrice: "price_premium_month"})
	s.newGroup(t, owner, community.GroupInput{Slug: "lounge", Name: "Premium Lounge", Policy: community.JoinTier, RequiredTier: "premium"})
	return s, owner
}

// saveTier has staff save a tier through membership, as /admin/tiers
// does.
func (s *site) saveTier(t *testing.T, staff person, in membership.TierInput) membership.Tier {
	t.Helper()
	tier, err := s.Membership.SaveTier(context.Background(), s.actor(t, staff).Account, "", in)
	if err != nil {
		t.Fatalf("save tier %s: %v", in.Key, err)
	}
	return tier
}

// deliver posts a signed Stripe event to the webhook, as Stripe would,
// and requires it taken (200).
func (s *site) deliver(t *testing.T, id, typ string, created time.Time, object any) {
	t.Helper()
	if r := s.hook(stripemock.Event(t, webhookSecret, id, typ, created, object)); r.Status != http.StatusOK {
		t.Fatalf("webhook %s %s: status %d %s", id, typ, r.Status, r.Body)
	}
}

// hook posts a body to the webhook endpoint as Stripe does: no cookie,
// no CSRF token, the signature in its header.
func (s *site) hook(body []byte, signature string) response {
	s.t.Helper()
	b := s.newBrowser()
	req, _ := http.NewRequest("POST", s.URL+"/webhooks/stripe", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if signature != "" {
		req.Header.Set("Stripe-Signature", signature)
	}
	return b.do(req, false)
}

func TestStripeWebhookOverHTTP(t *testing.T) {
	s, _ := premiumSite(t)
	minji := s.signUp(t, "minji@example.com")
	now := s.Clock.Now()
	sub := stripemock.Sub{ID: "sub_minji", Customer: "cus_minji", Account: string(minji.ID), Price: "price_premium_month",
		Start: now, PeriodEnd: now.AddDate(0, 1, 0)}
	body, sig := stripemock.Event(t, webhookSecret, "evt_created", "customer.subscription.created", now, sub.Object())
	nothing := func(when string) {
		t.Helper()
		if n := s.count("subscriptions", bson.M{}); n != 0 {
			t.Fatalf("%s: %d subscriptions stored", when, n)
		}
		if r := minji.post("/groups/lounge/join", nil); r.Status != http.StatusForbidden {
			t.Fatalf("%s: a free member joining the lounge got %d", when, r.Status)
		}
	}

	forged, forgedSig := stripemock.Event(t, "whsec_someone_else", "evt_created", "customer.subscription.created", now, sub.Object())
	if r := s.hook(forged, forgedSig); r.Status != http.StatusBadRequest {
		t.Fatalf("signed with another secret: %d", r.Status)
	}
	if r := s.hook(bytes.Replace(body, []byte(`"status":"active"`), []byte(`"status":"trialing"`), 1), sig); r.Status != http.StatusBadRequest {
		t.Fatalf("tampered body: %d", r.Status)
	}
	if r := s.hook(body, ""); r.Status != http.StatusBadRequest {
		t.Fatalf("no signature: %d", r.Status)
	}
	// The member's own session cookie and CSRF token give the route nothing.
	if r := minji.postRaw("/webhooks/stripe", url.Values{"_csrf": {minji.csrf()}}, map[string]string{"Origin": s.URL}); r.Status != http.StatusBadRequest {
		t.Fatalf("a signed-in member's form post: %d", r.Status)
	}
	old, oldSig := stripemock.EventVersion(t, webhookSecret, "evt_created", "customer.subscription.created", now, sub.Object(), "2022-11-15")
	if r := s.hook(old, oldSig); r.Status != http.StatusBadRequest {
		t.Fatalf("another API version: %d", r.Status)
	}
	logged := s.Outbox.String()
	if !strings.Contains(logged, "2022-11-15") || !strings.Contains(logged, "2023-10-16") {
		t.Fatalf("the version refusal is not logged with both versions:\n%s", logged)
	}
	huge, hugeSig := stripemock.Event(t, webhookSecret, "evt_huge", "customer.subscription.created", now,
		map[string]any{"id": "sub_huge", "padding": strings.Repeat("x", membership.MaxWebhookBody)})
	if r := s.hook(huge, hugeSig); r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", r.Status)
	}
	nothing("after refused deliveries")

	for i := range 5 {
		if r := s.hook(body, sig); r.Status != http.StatusOK {
			t.Fatalf("delivery %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	if n := s.count("subscriptions", bson.M{}); n != 1 {
		t.Fatalf("%d subscriptions after five deliveries of one event", n)
	}
	if n := s.count("stripe_events", bson.M{}); n != 1 {
		t.Fatalf("%d events recorded after five deliveries of one event", n)
	}
	if r := minji.post("/groups/lounge/join", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("a paying member joining the lounge got %d: %s", r.Status, r.Body)
	}
	if r := minji.get("/groups/lounge"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Premium Lounge") {
		t.Fatalf("lounge page: %d", r.Status)
	}

	other, otherSig := stripemock.Event(t, webhookSecret, "evt_other", "customer.created", now, map[string]any{"id": "cus_x", "object": "customer"})
	if r := s.hook(other, otherSig); r.Status != http.StatusOK {
		t.Fatalf("an event the site does not handle: %d", r.Status)
	}
}

// A signed event that cannot be read answers 400, is logged with its id
// and type, and stores nothing: a stranger with the secret, or a broken
// event, never gets a 5xx or stops the site.
func TestStripeWebhookMalformedEvent(t *testing.T) {
	s, _ := premiumSite(t)
	minji := s.signUp(t, "minji@example.com")
	now := s.Clock.Now()
	obj := stripemock.Sub{ID: "sub_minji", Customer: "cus_minji", Account: string(minji.ID), Price: "price_premium_month",
		Start: now, PeriodEnd: now.AddDate(0, 1, 0)}.Object()
	obj["status"] = 42
	badStatus, _ := json.Marshal(map[string]any{"object": obj})
	for _, c := range []struct {
		name, id string
		data     json.RawMessage
	}{
		{"no data", "evt_nodata", nil},
		{"data null", "evt_null", json.RawMessage(`null`)},
		{"an object that is a number", "evt_number", json.RawMessage(`{"object":42}`)},
		{"items that are not a list", "evt_items", json.RawMessage(`{"object":{"id":"sub_minji","items":"lots"}}`)},
		{"a number for the status", "evt_status", badStatus},
	} {
		r := s.hook(stripemock.RawEvent(webhookSecret, c.id, "customer.subscription.updated", now, c.data))
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: status %d %s, want 400", c.name, r.Status, r.Body)
		}
		if !logged(s, "stripe webhook: event cannot be read", c.id, "customer.subscription.updated") {
			t.Errorf("%s: no log line naming %s and its type:\n%s", c.name, c.id, s.Outbox)
		}
	}
	if n := s.count("stripe_events", bson.M{}) + s.count("subscriptions", bson.M{}); n != 0 {
		t.Fatalf("malformed events stored %d documents", n)
	}
}

// logged reports whether one line of the site's log holds msg and every
// value in values.
func logged(s *site, msg string, values ...string) bool {
	for _, line := range strings.Split(s.Outbox.String(), "\n") {
		if strings.Contains(line, msg) && !slices.ContainsFunc(values, func(v string) bool { return !strings.Contains(line, v) }) {
			return true
		}
	}
	return false
}

// A delivery that fails half-way answers 500, records nothing, and
// Stripe's retry applies it whole.
func TestStripeWebhookFailureIsRetried(t *testing.T) {
	s, _ := premiumSite(t)
	minji := s.signUp(t, "minji@example.com")
	now := s.Clock.Now()
	// A subscription document the code cannot read (a status that is a
	// number) makes applying the event fail.
	if _, err := s.DB.Collection("subscriptions").InsertOne(context.Background(), bson.M{"_id": "sub_minji", "status": 42}); err != nil {
		t.Fatal(err)
	}
	sub := stripemock.Sub{ID: "sub_minji", Customer: "cus_minji", Account: string(minji.ID), Price: "price_premium_month",
		Start: now, PeriodEnd: now.AddDate(0, 1, 0)}
	body, sig := stripemock.Event(t, webhookSecret, "evt_1", "customer.subscription.created", now, sub.Object())
	if r := s.hook(body, sig); r.Status != http.StatusInternalServerError {
		t.Fatalf("failed delivery: %d", r.Status)
	}
	if n := s.count("stripe_events", bson.M{}); n != 0 {
		t.Fatalf("a failed event was recorded as applied")
	}
	if _, err := s.DB.Collection("subscriptions").DeleteOne(context.Background(), bson.M{"_id": "sub_minji"}); err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(time.Hour) // Stripe retries later
	if r := s.hook(body, sig); r.Status != http.StatusOK {
		t.Fatalf("retry: %d", r.Status)
	}
	if e, _ := s.Membership.Entitlement(context.Background(), minji.ID); e.Tier.Key != "premium" {
		t.Fatalf("after the retry: %+v", e)
	}
}

// Deleting the account while Stripe bills a membership is refused with
// the way to cancel it: otherwise the card is charged for nobody.
func TestDeleteAccountWhileBilledIsRefused(t *testing.T) {
	s, _ := premiumSite(t)
	minji := s.signUp(t, "minji@example.com")
	now := s.Clock.Now()
	sub := stripemock.Sub{ID: "sub_minji", Customer: "cus_minji", Account: string(minji.ID), Price: "price_premium_month",
		Start: now, PeriodEnd: now.AddDate(0, 1, 0)}
	if r := s.hook(stripemock.Event(t, webhookSecret, "evt_1", "customer.subscription.created", now, sub.Object())); r.Status != http.StatusOK {
		t.Fatal(r.Status)
	}
	page := minji.get("/settings/delete")
	mustContain(t, page.Body, "Stripe still bills", `action="/membership/portal"`)
	if r := minji.post("/settings/delete", url.Values{"confirm": {"yes"}}); r.Status != http.StatusConflict {
		t.Fatalf("delete while billed: %d", r.Status)
	}
	if n := s.count("accounts", bson.M{"_id": minji.ID, "deletedAt": bson.M{"$exists": true}}); n != 0 {
		t.Fatal("the account was deleted while Stripe bills it")
	}
	sub.Status = "canceled"
	if r := s.hook(stripemock.Event(t, webhookSecret, "evt_2", "customer.subscription.deleted", now.Add(time.Minute), sub.Object())); r.Status != http.StatusOK {
		t.Fatal(r.Status)
	}
	if r := minji.post("/settings/delete", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete once cancelled: %d %s", r.Status, r.Body)
	}
	if n := s.count("accounts", bson.M{"_id": minji.ID, "deletedAt": bson.M{"$exists": true}}); n != 1 {
		t.Fatal("the account was not deleted once the membership was cancelled")
	}
}

// When Stripe cannot be reached, saving a priced tier says so in the
// form and stores nothing, and Subscribe answers 502 with a way back:
// never a 500, never a half-made customer.
func TestStripeUnreachable(t *testing.T) {
	s := newSite(t, siteOptions{stripeDown: true})
	owner := s.signUp(t, "owner@example.com")
	r := owner.post("/admin/tiers", url.Values{"key": {"premium"}, "name": {"Premium"}, "rank": {"1"}, "monthlyPrice": {"price_premium_month"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("saving a priced tier with Stripe down: %d", r.Status)
	}
	mustContain(t, r.Body, "Stripe didn’t answer", `value="Premium"`)
	if n := s.count("tiers", bson.M{}); n != 0 {
		t.Fatalf("%d tiers stored while Stripe was down", n)
	}
	// A tier that needs no Stripe saves; buying it reaches for Stripe.
	s.saveTier(t, owner, membership.TierInput{Key: "premium", Name: "Premium", Rank: "1"})
	if _, err := s.DB.Collection("tiers").UpdateOne(context.Background(), bson.M{"_id": "premium"},
		bson.M{"$set": bson.M{"monthly": bson.M{"id": "price_premium_month", "amount": 9900, "currency": "krw", "interval": "month"}}}); err != nil {
		t.Fatal(err)
	}
	minji := s.signUp(t, "minji@example.com")
	r = minji.post("/membership/checkout", url.Values{"tier": {"premium"}, "interval": {"month"}})
	if r.Status != http.StatusBadGateway {
		t.Fatalf("Subscribe with Stripe down: %d", r.Status)
	}
	mustContain(t, r.Body, `href="/pricing"`)
	if n := s.count("stripe_customers", bson.M{}); n != 0 {
		t.Fatalf("%d customers linked while Stripe was down", n)
	}
}
