package membership_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"fanclub/auth"
	"fanclub/internal/jobs"
	"fanclub/internal/mongotest"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

// premiumSub is a monthly premium subscription of account, started now
// and paid for a month, as Stripe describes it.
func (r *rig) premiumSub(id string, account auth.AccountID) stripemock.Sub {
	now := r.clock.Now()
	return stripemock.Sub{ID: id, Customer: "cus_" + id, Account: string(account), Price: "price_premium_month",
		Start: now, PeriodEnd: now.AddDate(0, 1, 0)}
}

// failedInvoice is the invoice of sub whose payment failed.
func failedInvoice(id string, sub stripemock.Sub) stripemock.Invoice {
	return stripemock.Invoice{ID: id, Subscription: sub.ID, Customer: sub.Customer, Account: sub.Account,
		Price: sub.Price, PeriodEnd: sub.PeriodEnd}
}

// assertNothingStored checks that no subscription, customer link,
// recorded event or job exists.
func (r *rig) assertNothingStored() {
	r.t.Helper()
	for _, c := range []string{"subscriptions", "stripe_customers", "stripe_events", "jobs"} {
		if n := r.count(c, bson.M{}); n != 0 {
			r.t.Errorf("%s holds %d documents, want none", c, n)
		}
	}
}

func TestWebhookSameEventFiveTimesHasOneEffect(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	now := r.clock.Now()
	for i := range 5 {
		res := r.mustDeliver("evt_1", "customer.subscription.created", now, sub.Object())
		applied := !res.Replay && res.Ignored == ""
		if applied != (i == 0) || (i > 0 && !res.Replay) {
			t.Fatalf("delivery %d: %+v, want applied once, then replays", i+1, res)
		}
	}
	if n := r.count("subscriptions", bson.M{}); n != 1 {
		t.Errorf("%d subscription documents, want 1", n)
	}
	if n := r.count("stripe_events", bson.M{"_id": "evt_1"}); n != 1 {
		t.Errorf("evt_1 recorded %d times, want once", n)
	}
	e := r.entitlement(m.ID)
	if e.Tier.Key != "premium" || e.Source != membership.SourcePaid || !e.Renews || !e.Until.Equal(sub.PeriodEnd) || !e.Billing {
		t.Errorf("entitlement = %s", show(e))
	}

	// Five deliveries of one failed payment queue one mail.
	r.clock.Add(time.Hour)
	for range 5 {
		r.mustDeliver("evt_2", "invoice.payment_failed", r.clock.Now(), failedInvoice("in_1", sub).Object())
	}
	if n := r.count("jobs", bson.M{}); n != 1 {
		t.Errorf("%d jobs after five deliveries of one failed payment, want 1", n)
	}
	if n := r.runJobs(); n != 1 || len(r.inbox.Mails()) != 1 {
		t.Errorf("ran %d jobs, sent %d mails; want 1 and 1", n, len(r.inbox.Mails()))
	}
}

// An event Stripe signed that holds no object this site can read is
// refused as malformed, named by its id and type, and changes nothing:
// never a panic, never an error Stripe would retry for days.
func TestWebhookMalformedEventChangesNothing(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	now := r.clock.Now()
	sub := func(change func(map[string]any)) json.RawMessage {
		obj := r.premiumSub("sub_1", m.ID).Object()
		change(obj)
		raw, err := json.Marshal(map[string]any{"object": obj})
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	invoice := func(change func(map[string]any)) json.RawMessage {
		obj := failedInvoice("in_1", r.premiumSub("sub_1", m.ID)).Object()
		change(obj)
		raw, _ := json.Marshal(map[string]any{"object": obj})
		return raw
	}
	const created = "customer.subscription.created"
	cases := []struct {
		name, typ string
		data      json.RawMessage // nil: no data member
	}{
		{"no data", created, nil},
		{"data null", created, json.RawMessage(`null`)},
		{"data without an object", created, json.RawMessage(`{}`)},
		{"data a list", created, json.RawMessage(`[1]`)},
		{"object null", created, json.RawMessage(`{"object":null}`)},
		{"object a number", created, json.RawMessage(`{"object":42}`)},
		{"object a string", "invoice.paid", json.RawMessage(`{"object":"in_1"}`)},
		{"no data on an event the site ignores", "customer.created", nil},
		{"items not a list", created, sub(func(o map[string]any) { o["items"] = "lots" })},
		{"items' data not a list", created, sub(func(o map[string]any) { o["items"] = map[string]any{"data": map[string]any{"a": 1}} })},
		{"a null item", created, sub(func(o map[string]any) { o["items"] = map[string]any{"data": []any{nil}} })},
		{"a number for the status", "customer.subscription.updated", sub(func(o map[string]any) { o["status"] = 42 })},
		{"a number for the id", created, sub(func(o map[string]any) { o["id"] = 42 })},
		{"no subscription id", created, sub(func(o map[string]any) { delete(o, "id") })},
		{"a list for the customer", "customer.subscription.deleted", sub(func(o map[string]any) { o["customer"] = []any{1} })},
		{"a string for the period end", created, sub(func(o map[string]any) { o["current_period_end"] = "soon" })},
		{"a number for the invoice's subscription", "invoice.payment_failed", invoice(func(o map[string]any) { o["subscription"] = 42 })},
		{"a null invoice line", "invoice.paid", invoice(func(o map[string]any) { o["lines"] = map[string]any{"data": []any{nil}} })},
		{"a list for the checkout's metadata", "checkout.session.completed",
			json.RawMessage(`{"object":{"id":"cs_1","mode":"subscription","client_reference_id":"x","metadata":[1]}}`)},
	}
	for i, c := range cases {
		id := fmt.Sprintf("evt_bad_%d", i)
		body, sig := stripemock.RawEvent(webhookSecret, id, c.typ, now, c.data)
		res, err := r.m.HandleWebhook(r.ctx, body, sig)
		if !errors.Is(err, membership.ErrMalformedEvent) {
			t.Errorf("%s: err = %v, want ErrMalformedEvent", c.name, err)
		}
		if res.Event != id || res.Type != c.typ {
			t.Errorf("%s: named %q %q, want %q %q", c.name, res.Event, res.Type, id, c.typ)
		}
	}
	// An envelope that does not decode still names what it can.
	body, sig := stripemock.Sign(webhookSecret, []byte(`{"id":"evt_x","type":"invoice.paid","created":"today","data":{"object":{}}}`))
	if res, err := r.m.HandleWebhook(r.ctx, body, sig); !errors.Is(err, membership.ErrMalformedEvent) || res.Event != "evt_x" || res.Type != "invoice.paid" {
		t.Errorf("a string for created: %+v, %v", res, err)
	}
	r.assertNothingStored()
}

func TestWebhookForgedSignatureChangesNothing(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	now := r.clock.Now()
	obj := r.premiumSub("sub_1", m.ID).Object()
	body, sig := stripemock.Event(t, webhookSecret, "evt_1", "customer.subscription.created", now, obj)
	_, otherSig := stripemock.Event(t, webhookSecret, "evt_2", "customer.subscription.created", now, obj)
	_, wrongSecretSig := stripemock.Event(t, "whsec_someone_else", "evt_1", "customer.subscription.created", now, obj)
	cases := []struct {
		name      string
		body      []byte
		signature string
	}{
		{"signed with another secret", body, wrongSecretSig},
		{"body changed after signing", bytes.Replace(body, []byte(`"active"`), []byte(`"trialing"`), 1), sig},
		{"the signature of another body", body, otherSig},
		{"no signature", body, ""},
		{"a signature header with no signature", body, "t=" + fmt.Sprint(now.Unix())},
	}
	for _, c := range cases {
		if _, err := r.m.HandleWebhook(r.ctx, c.body, c.signature); !errors.Is(err, membership.ErrBadSignature) {
			t.Errorf("%s: err = %v, want ErrBadSignature", c.name, err)
		}
	}
	r.assertNothingStored()
	if e := r.entitlement(m.ID); e.Premium() {
		t.Errorf("forged events gave %s", show(e))
	}
	// The genuine delivery still applies: nothing above was recorded.
	if res, err := r.m.HandleWebhook(r.ctx, body, sig); err != nil || res.Replay || res.Ignored != "" {
		t.Fatalf("genuine delivery: %+v, %v", res, err)
	}
	if e := r.entitlement(m.ID); !e.Premium() {
		t.Errorf("genuine event gave %s", show(e))
	}
}

func TestWebhookInAnotherAPIVersionIsRefused(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	obj := r.premiumSub("sub_1", m.ID).Object()
	body, sig := stripemock.EventVersion(t, webhookSecret, "evt_1", "customer.subscription.created", r.clock.Now(), obj, "2022-11-15")
	if _, err := r.m.HandleWebhook(r.ctx, body, sig); !errors.Is(err, membership.ErrAPIVersion) {
		t.Fatalf("err = %v, want ErrAPIVersion", err)
	}
	r.assertNothingStored()
	// Once the endpoint's version is set right, Stripe's retry applies.
	if res := r.mustDeliver("evt_1", "customer.subscription.created", r.clock.Now(), obj); res.Replay {
		t.Fatalf("the refused event was recorded: %+v", res)
	}
	if e := r.entitlement(m.ID); !e.Premium() {
		t.Errorf("entitlement = %s", show(e))
	}
}

func TestWebhookWithoutSecretIsBillingOff(t *testing.T) {
	r := newRigWith(t, rigOptions{billingOff: true})
	body, sig := stripemock.Event(t, webhookSecret, "evt_1", "customer.created", r.clock.Now(), map[string]any{"id": "cus_1"})
	if _, err := r.m.HandleWebhook(r.ctx, body, sig); !errors.Is(err, membership.ErrBillingOff) {
		t.Fatalf("err = %v, want ErrBillingOff", err)
	}
	r.assertNothingStored()
}

func TestWebhookDeletedThenLateUpdatedStaysCancelled(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	now := r.clock.Now()
	sub := r.premiumSub("sub_1", m.ID)
	r.mustDeliver("evt_1", "customer.subscription.created", now, sub.Object())
	del := sub
	del.Status = "canceled"
	r.mustDeliver("evt_3", "customer.subscription.deleted", now.Add(2*time.Hour), del.Object())
	late := sub
	late.CancelAtPeriodEnd = true // sent before the deletion, delivered after it
	if res := r.mustDeliver("evt_2", "customer.subscription.updated", now.Add(time.Hour), late.Object()); res.Ignored == "" {
		t.Errorf("late update applied: %+v", res)
	}
	if s := r.subscription("sub_1"); s.Status != membership.StatusCanceled || s.LastEventID != "evt_3" {
		t.Errorf("stored %s after %s, want canceled after evt_3", s.Status, s.LastEventID)
	}
	if e := r.entitlement(m.ID); e.Premium() || e.Billing {
		t.Errorf("after deleted + late updated: %s", show(e))
	}

	// Nothing newer revives it either: a final invoice paid, or failed,
	// after the cancellation.
	final := failedInvoice("in_final", sub)
	r.mustDeliver("evt_4", "invoice.payment_failed", now.Add(3*time.Hour), final.Object())
	final.AmountPaid = 9900
	r.mustDeliver("evt_5", "invoice.paid", now.Add(4*time.Hour), final.Object())
	if s := r.subscription("sub_1"); s.Status != membership.StatusCanceled {
		t.Errorf("after invoices following the deletion: stored %s", s.Status)
	}
	if e := r.entitlement(m.ID); e.Premium() || e.Billing || r.count("jobs", bson.M{}) != 0 {
		t.Errorf("after invoices following the deletion: %s, %d jobs", show(e), r.count("jobs", bson.M{}))
	}
}

func TestWebhookOlderCreatedAfterNewerUpdatedKeepsTheNewer(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	now := r.clock.Now()
	sub := r.premiumSub("sub_1", m.ID)
	newer := sub
	newer.Price, newer.Interval, newer.CancelAtPeriodEnd, newer.PeriodEnd = "price_premium_year", "year", true, now.AddDate(1, 0, 0)
	r.mustDeliver("evt_2", "customer.subscription.updated", now.Add(time.Minute), newer.Object())
	if res := r.mustDeliver("evt_1", "customer.subscription.created", now, sub.Object()); res.Ignored == "" {
		t.Errorf("the older created event applied: %+v", res)
	}
	s := r.subscription("sub_1")
	if s.Price != "price_premium_year" || !s.CancelAtPeriodEnd || !s.PeriodEnd.Equal(newer.PeriodEnd) || s.LastEventID != "evt_2" {
		t.Errorf("stored %+v, want the updated state", s)
	}
	e := r.entitlement(m.ID)
	if e.Renews || !e.Until.Equal(newer.PeriodEnd) {
		t.Errorf("entitlement = %s, want the yearly period, not renewing", show(e))
	}

	// In the same second, created is still the first event: it never
	// overwrites an update stored before it.
	sub2 := r.premiumSub("sub_2", m.ID)
	upd := sub2
	upd.Status = "past_due"
	r.mustDeliver("evt_4", "customer.subscription.updated", now, upd.Object())
	r.mustDeliver("evt_3", "customer.subscription.created", now, sub2.Object())
	if s := r.subscription("sub_2"); s.Status != membership.StatusPastDue {
		t.Errorf("same second: stored %s, want past_due", s.Status)
	}
}

// TestWebhookPaymentFailedGraceThenLapse: a failed payment keeps the tier
// for the grace period from the failure, tells the member once, and then
// the tier lapses to free unless paid.
func TestWebhookPaymentFailedGraceThenLapse(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	r.mustDeliver("evt_1", "customer.subscription.created", r.clock.Now(), sub.Object())
	r.clock.Add(26 * time.Hour)
	failed := r.clock.Now()
	r.mustDeliver("evt_2", "invoice.payment_failed", failed, failedInvoice("in_1", sub).Object())

	e := r.entitlement(m.ID)
	until := failed.Add(membership.DefaultGrace)
	if e.Tier.Key != "premium" || e.Source != membership.SourceGrace || !e.Until.Equal(until) || e.Renews {
		t.Fatalf("after the failure: %s, want premium in grace until %v", show(e), until)
	}
	if n := r.runJobs(); n != 1 {
		t.Fatalf("%d jobs ran, want the past-due mail", n)
	}
	mails := r.inbox.Mails()
	if len(mails) != 1 || mails[0].To != "minji@example.com" || !strings.Contains(mails[0].Text, "10 November 2026") ||
		!strings.Contains(mails[0].Text, "http://club.test/pricing") {
		t.Fatalf("mails = %+v", mails)
	}

	// Stripe's retry fails too: the grace still runs from the first failure.
	r.clock.Add(3 * 24 * time.Hour)
	r.mustDeliver("evt_3", "invoice.payment_failed", r.clock.Now(), failedInvoice("in_1", sub).Object())
	if e := r.entitlement(m.ID); !e.Until.Equal(until) {
		t.Errorf("after a second failure, grace until %v, want %v", e.Until, until)
	}

	r.clock.Add(until.Sub(r.clock.Now()))
	e = r.entitlement(m.ID)
	if e.Premium() || e.Source != membership.SourceNone || !e.Billing {
		t.Errorf("at the end of grace: %s, want free, still billed", show(e))
	}
	// The second failure's mail comes due after the grace: nobody is told
	// of an access that has already lapsed.
	if n := r.runJobs(); n != 1 || len(r.inbox.Mails()) != 1 {
		t.Errorf("ran %d jobs, %d mails in all; want 1 job and still 1 mail", n, len(r.inbox.Mails()))
	}
}

func TestWebhookPaidWithinGraceRestoresPaid(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	r.mustDeliver("evt_1", "customer.subscription.created", r.clock.Now(), sub.Object())
	r.clock.Add(time.Hour)
	r.mustDeliver("evt_2", "invoice.payment_failed", r.clock.Now(), failedInvoice("in_1", sub).Object())
	r.clock.Add(2 * 24 * time.Hour)
	paid := failedInvoice("in_1", sub)
	paid.AmountPaid, paid.PeriodEnd = 9900, sub.PeriodEnd.AddDate(0, 1, 0)
	r.mustDeliver("evt_3", "invoice.paid", r.clock.Now(), paid.Object())

	e := r.entitlement(m.ID)
	if e.Source != membership.SourcePaid || e.Tier.Key != "premium" || !e.Until.Equal(paid.PeriodEnd) || !e.Renews {
		t.Errorf("after paying: %s, want paid until %v", show(e), paid.PeriodEnd)
	}
	if s := r.subscription("sub_1"); s.Status != membership.StatusActive || !s.PastDueSince.IsZero() {
		t.Errorf("stored %s, past due since %v", s.Status, s.PastDueSince)
	}
	// The failure's mail was queued; paid before it ran, it sends nothing.
	if n := r.runJobs(); n != 1 || len(r.inbox.Mails()) != 0 {
		t.Errorf("ran %d jobs, sent %v; want the one job and no mail", n, r.inbox.Mails())
	}
	// Past the grace the old failure changes nothing.
	r.clock.Add(10 * 24 * time.Hour)
	if e := r.entitlement(m.ID); e.Source != membership.SourcePaid {
		t.Errorf("ten days on: %s", show(e))
	}
}

func TestWebhookForeignPriceIsIgnored(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	accounts := r.count("accounts", bson.M{})
	sub := r.premiumSub("sub_other", m.ID)
	sub.Price = "price_another_product"
	now := r.clock.Now()
	if res := r.mustDeliver("evt_1", "customer.subscription.created", now, sub.Object()); res.Ignored == "" {
		t.Errorf("a foreign price applied: %+v", res)
	}
	if res := r.mustDeliver("evt_2", "invoice.payment_failed", now, failedInvoice("in_1", sub).Object()); res.Ignored == "" {
		t.Errorf("a foreign invoice applied: %+v", res)
	}
	noSub := sub
	noSub.Account, noSub.Customer = "", "cus_nobody" // nor metadata, nor a customer of ours
	noSub.Price, noSub.ID = "price_premium_month", "sub_nobody"
	if res := r.mustDeliver("evt_3", "customer.subscription.created", now, noSub.Object()); res.Ignored == "" {
		t.Errorf("a subscription of nobody applied: %+v", res)
	}
	for _, c := range []string{"subscriptions", "stripe_customers", "jobs"} {
		if n := r.count(c, bson.M{}); n != 0 {
			t.Errorf("%s holds %d documents", c, n)
		}
	}
	if n := r.count("accounts", bson.M{}); n != accounts {
		t.Errorf("%d accounts, want %d", n, accounts)
	}
	// Each is recorded as seen, with why it changed nothing.
	if n := r.count("stripe_events", bson.M{"ignored": bson.M{"$ne": ""}}); n != 3 {
		t.Errorf("%d events recorded as ignored, want 3", n)
	}
	if e := r.entitlement(m.ID); e.Premium() || e.Billing {
		t.Errorf("entitlement = %s", show(e))
	}
}

// TestWebhookCustomerLinkedAtCheckout: a subscription event without our
// metadata belongs to the account whose Checkout made its customer, but
// only when that Checkout was one this site opened.
func TestWebhookCustomerLinkedAtCheckout(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	other := r.member("jun@example.com")
	now := r.clock.Now()
	r.mustDeliver("evt_1", "checkout.session.completed", now, stripemock.CheckoutSession("cs_1", "cus_9", "sub_9", string(m.ID)))
	foreign := stripemock.CheckoutSession("cs_2", "cus_8", "sub_8", string(other.ID))
	delete(foreign, "metadata") // opened elsewhere, naming an account of ours
	if res := r.mustDeliver("evt_2", "checkout.session.completed", now, foreign); res.Ignored == "" {
		t.Errorf("a Checkout this site did not open linked a customer: %+v", res)
	}

	sub := stripemock.Sub{ID: "sub_9", Customer: "cus_9", Price: "price_premium_month", Start: now, PeriodEnd: now.AddDate(0, 1, 0)}
	r.mustDeliver("evt_3", "customer.subscription.created", now, sub.Object())
	if s := r.subscription("sub_9"); s.Account != m.ID {
		t.Errorf("stored for %q, want %q", s.Account, m.ID)
	}
	if e := r.entitlement(m.ID); e.Source != membership.SourcePaid {
		t.Errorf("entitlement = %s", show(e))
	}
	sub8 := stripemock.Sub{ID: "sub_8", Customer: "cus_8", Price: "price_premium_month", Start: now, PeriodEnd: now.AddDate(0, 1, 0)}
	if res := r.mustDeliver("evt_4", "customer.subscription.created", now, sub8.Object()); res.Ignored == "" {
		t.Errorf("the unlinked customer's subscription applied: %+v", res)
	}
	if e := r.entitlement(other.ID); e.Premium() {
		t.Errorf("other's entitlement = %s", show(e))
	}
}

func TestWebhookSameEventConcurrently(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	now := r.clock.Now()
	applied := deliverAtOnce(r, 20, func(int) (string, string, time.Time, any) {
		return "evt_1", "customer.subscription.created", now, sub.Object()
	})
	if applied != 1 {
		t.Errorf("%d deliveries of one event applied it, want 1", applied)
	}
	r.clock.Add(time.Hour)
	failed := r.clock.Now()
	applied = deliverAtOnce(r, 20, func(int) (string, string, time.Time, any) {
		return "evt_2", "invoice.payment_failed", failed, failedInvoice("in_1", sub).Object()
	})
	if applied != 1 {
		t.Errorf("%d deliveries of one failure applied it, want 1", applied)
	}
	if n := r.count("subscriptions", bson.M{}); n != 1 {
		t.Errorf("%d subscription documents, want 1", n)
	}
	if n := r.count("stripe_events", bson.M{}); n != 2 {
		t.Errorf("%d events recorded, want 2", n)
	}
	if n := r.count("jobs", bson.M{}); n != 1 {
		t.Errorf("%d jobs, want one past-due mail", n)
	}
	s := r.subscription("sub_1")
	if s.Status != membership.StatusPastDue || !s.PastDueSince.Equal(failed) || s.LastEventID != "evt_2" || s.Tier != "premium" {
		t.Errorf("stored %+v", s)
	}
}

func TestWebhookDifferentEventsConcurrentlyNewestWins(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	now := r.clock.Now()
	const n = 20
	// Goroutine i sends the event created i seconds on, each with its own
	// period end; the newest is started first, so it rarely lands last.
	deliverAtOnce(r, n, func(i int) (string, string, time.Time, any) {
		i = n - 1 - i
		s := sub
		s.PeriodEnd = now.AddDate(0, 0, 30+i)
		s.CancelAtPeriodEnd = i%2 == 0
		typ := "customer.subscription.updated"
		if i == 0 {
			typ = "customer.subscription.created"
		}
		return fmt.Sprintf("evt_%02d", i), typ, now.Add(time.Duration(i) * time.Second), s.Object()
	})
	s := r.subscription("sub_1")
	if s.LastEventID != "evt_19" || s.LastEvent != now.Add(19*time.Second).Unix() ||
		!s.PeriodEnd.Equal(now.AddDate(0, 0, 49)) || s.CancelAtPeriodEnd {
		t.Errorf("stored after %s: period end %v, cancelling %v; want evt_19's", s.LastEventID, s.PeriodEnd, s.CancelAtPeriodEnd)
	}
	if c := r.count("stripe_events", bson.M{}); c != n {
		t.Errorf("%d events recorded, want %d", c, n)
	}
}

// deliverAtOnce delivers n events from n goroutines released together,
// fails the test on any error, and returns how many deliveries applied
// their event (neither a replay nor ignored).
func deliverAtOnce(r *rig, n int, event func(i int) (id, typ string, created time.Time, obj any)) int {
	r.t.Helper()
	type signed struct{ body, sig string }
	events := make([]signed, n)
	for i := range n {
		id, typ, created, obj := event(i)
		body, sig := stripemock.Event(r.t, webhookSecret, id, typ, created, obj)
		events[i] = signed{string(body), sig}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	applied := 0
	start := make(chan struct{})
	errs := make(chan error, n)
	for _, ev := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := r.m.HandleWebhook(r.ctx, []byte(ev.body), ev.sig)
			if err != nil {
				errs <- err
				return
			}
			if !res.Replay && res.Ignored == "" {
				mu.Lock()
				applied++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		r.t.Errorf("concurrent delivery: %v", err)
	}
	return applied
}

// TestWebhookForAnAccountNotYetKnown: HandleWebhook stores the event
// under the account id in its metadata even when no such account exists
// (yet), answering so Stripe does not retry; the entitlement looked up by
// that id then holds the tier.
func TestWebhookForAnAccountNotYetKnown(t *testing.T) {
	r := newRig(t)
	future := auth.AccountID(primitive.NewObjectID().Hex())
	if _, err := r.auth.AccountByID(r.ctx, future); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("account %s: %v, want none", future, err)
	}
	res := r.mustDeliver("evt_1", "customer.subscription.created", r.clock.Now(), r.premiumSub("sub_1", future).Object())
	if res.Ignored != "" {
		t.Fatalf("ignored: %+v", res)
	}
	e := r.entitlement(future)
	if e.Tier.Key != "premium" || e.Source != membership.SourcePaid {
		t.Errorf("entitlement of %s = %s", future, show(e))
	}
}

func TestWebhookUnhandledTypeIsRecordedAndIgnored(t *testing.T) {
	r := newRig(t)
	res := r.mustDeliver("evt_1", "customer.created", r.clock.Now(), map[string]any{"id": "cus_1", "object": "customer"})
	if res.Ignored == "" || res.Replay {
		t.Errorf("result = %+v", res)
	}
	if n := r.count("stripe_events", bson.M{"_id": "evt_1", "type": "customer.created", "ignored": res.Ignored}); n != 1 {
		t.Errorf("evt_1 recorded %d times with its reason", n)
	}
	if n := r.count("subscriptions", bson.M{}) + r.count("stripe_customers", bson.M{}); n != 0 {
		t.Errorf("%d documents stored", n)
	}
	if res := r.mustDeliver("evt_1", "customer.created", r.clock.Now(), map[string]any{"id": "cus_1"}); !res.Replay {
		t.Errorf("second delivery: %+v", res)
	}
}

// TestWebhookRetriedAfterAFailureStillMails: when the mail job cannot be
// queued, the delivery fails (Stripe retries) though the past-due state
// is stored; the retry must queue the mail, not take the stored state
// for a finished delivery.
func TestWebhookRetriedAfterAFailureStillMails(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	r.mustDeliver("evt_1", "customer.subscription.created", r.clock.Now(), sub.Object())
	r.clock.Add(time.Hour)

	// A queue on a database the server refuses to create: every enqueue fails.
	broken := jobs.New(mongotest.Conn(t).Database("no$such$database"), r.clock.Now, slog.New(slog.DiscardHandler))
	r.m.Deliver(membership.Delivery{Jobs: broken, Accounts: r.auth, Mail: r.inbox, Activity: r.activity})
	if _, err := r.deliver("evt_2", "invoice.payment_failed", r.clock.Now(), failedInvoice("in_1", sub).Object()); err == nil {
		t.Fatal("the delivery succeeded without queueing its mail")
	}
	if n := r.count("stripe_events", bson.M{"_id": "evt_2"}); n != 0 {
		t.Fatalf("the failed delivery was recorded")
	}

	r.m.Deliver(membership.Delivery{Jobs: r.jobs, Accounts: r.auth, Mail: r.inbox, Activity: r.activity})
	r.clock.Add(time.Minute) // Stripe's retry
	r.mustDeliver("evt_2", "invoice.payment_failed", r.clock.Now().Add(-time.Minute), failedInvoice("in_1", sub).Object())
	if n := r.runJobs(); n != 1 || len(r.inbox.Mails()) != 1 {
		t.Errorf("after the retry: ran %d jobs, sent %d mails; want 1 and 1", n, len(r.inbox.Mails()))
	}
}

// TestWebhookFollowsASubscriptionOnAnOldPrice: an admin gives the tier a
// new price; members who subscribed at the old one keep their tier, and
// their subscriptions still follow Stripe, so a cancellation ends them.
func TestWebhookFollowsASubscriptionOnAnOldPrice(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	now := r.clock.Now()
	r.mustDeliver("evt_1", "customer.subscription.created", now, sub.Object())
	if _, err := r.m.SaveTier(r.ctx, r.admin, "premium", membership.TierInput{Name: "Premium", Rank: "1",
		MonthlyPrice: "price_premium_month_2027", YearlyPrice: "price_premium_year"}); err != nil {
		t.Fatal(err)
	}

	cancelling := sub
	cancelling.CancelAtPeriodEnd = true
	r.mustDeliver("evt_2", "customer.subscription.updated", now.Add(time.Hour), cancelling.Object())
	if e := r.entitlement(m.ID); e.Tier.Key != "premium" || e.Source != membership.SourcePaid || e.Renews {
		t.Errorf("cancelling at the old price: %s, want premium, not renewing", show(e))
	}
	ended := sub
	ended.Status = "canceled"
	r.mustDeliver("evt_3", "customer.subscription.deleted", now.Add(2*time.Hour), ended.Object())
	if s := r.subscription("sub_1"); s.Status != membership.StatusCanceled || s.Tier != "premium" {
		t.Errorf("stored %s of %q, want canceled premium", s.Status, s.Tier)
	}
	if e := r.entitlement(m.ID); e.Premium() || e.Billing {
		t.Errorf("after the old price's subscription was deleted: %s", show(e))
	}

	// A subscription at that price the site never stored stays foreign.
	other := r.premiumSub("sub_2", r.member("jun@example.com").ID)
	if res := r.mustDeliver("evt_4", "customer.subscription.created", now, other.Object()); res.Ignored == "" {
		t.Errorf("a new subscription at a price no tier has applied: %+v", res)
	}
}

// A subscription Stripe leaves unpaid keeps when its payments began to
// fail, through every later update: the premium figures end its paying
// there.
func TestUnpaidKeepsWhenPaymentsFailed(t *testing.T) {
	r := newRig(t)
	m := r.member("late@example.com")
	now := r.clock.Now()
	s := r.premiumSub("sub_late", m.ID)
	r.mustDeliver("evt_1", "customer.subscription.created", now, s.Object())
	s.Status = "past_due"
	r.mustDeliver("evt_2", "customer.subscription.updated", now.AddDate(0, 1, 0), s.Object())
	s.Status = "unpaid"
	r.mustDeliver("evt_3", "customer.subscription.updated", now.AddDate(0, 1, 20), s.Object())
	s.PeriodEnd = s.PeriodEnd.AddDate(0, 1, 0)
	r.mustDeliver("evt_4", "customer.subscription.updated", now.AddDate(0, 2, 0), s.Object())
	got := r.subscription("sub_late")
	if want := now.AddDate(0, 1, 0).Truncate(time.Second); got.Status != membership.StatusUnpaid || !got.PastDueSince.Equal(want) {
		t.Errorf("stored %s since %v, want unpaid since %v", got.Status, got.PastDueSince, want)
	}
}
