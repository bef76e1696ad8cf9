package membership_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/membership"
)

// The table of entitle is in entitle_internal_test.go; these check that
// webhooks and comps reach it through the store.

func (r *rig) grant(in membership.CompInput, loc *time.Location) membership.Comp {
	r.t.Helper()
	c, _, err := r.m.GrantComp(r.ctx, r.admin, in, r.auth.AccountByEmail, loc)
	if err != nil {
		r.t.Fatalf("grant %+v: %v", in, err)
	}
	return c
}

func TestEntitlementOfPaidAndComp(t *testing.T) {
	r := newRig(t)
	r.tier(membership.TierInput{Key: "vip", Name: "VIP", Rank: "2", MonthlyPrice: "price_vip_month"})
	paidVIP := r.member("paid@example.com")
	both := r.member("both@example.com")
	now := r.clock.Now()
	r.mustDeliver("evt_1", "customer.subscription.created", now, r.premiumSub("sub_1", paidVIP.ID).Object())
	r.mustDeliver("evt_2", "customer.subscription.created", now, r.premiumSub("sub_2", both.ID).Object())

	// A comp above the paid tier gives the comp's tier; Billing still says
	// Stripe bills, so the page offers the Portal rather than Checkout.
	r.grant(membership.CompInput{Email: "paid@example.com", Tier: "vip", Reason: "Ambassador"}, time.UTC)
	if e := r.entitlement(paidVIP.ID); e.Tier.Key != "vip" || e.Source != membership.SourceComp || !e.Billing || !e.Until.IsZero() {
		t.Errorf("paid premium + comp vip: %s", show(e))
	}
	if _, err := r.m.RevokeComp(r.ctx, r.admin, paidVIP.ID); err != nil {
		t.Fatal(err)
	}
	if e := r.entitlement(paidVIP.ID); e.Tier.Key != "premium" || e.Source != membership.SourcePaid {
		t.Errorf("after revoking the comp: %s", show(e))
	}
	if _, err := r.m.RevokeComp(r.ctx, r.admin, paidVIP.ID); !errors.Is(err, membership.ErrNotFound) {
		t.Errorf("revoking twice: %v, want ErrNotFound", err)
	}

	// At equal rank, paid wins; cancelling it leaves the comp.
	r.grant(membership.CompInput{Email: "both@example.com", Tier: "premium", Reason: "Barista of the month"}, time.UTC)
	if e := r.entitlement(both.ID); e.Source != membership.SourcePaid || !e.Billing {
		t.Errorf("paid premium + comp premium: %s", show(e))
	}
	del := r.premiumSub("sub_2", both.ID)
	del.Status = "canceled"
	r.mustDeliver("evt_3", "customer.subscription.deleted", now.Add(time.Hour), del.Object())
	if e := r.entitlement(both.ID); e.Tier.Key != "premium" || e.Source != membership.SourceComp || e.Billing {
		t.Errorf("after the paid one was cancelled: %s", show(e))
	}

	// A comp is granted without a word to Stripe.
	if reqs := r.rec.Requests("POST", "/v1/"); len(reqs) != 0 {
		t.Errorf("comps sent %d requests to Stripe", len(reqs))
	}
}

func TestEntitlementOfACompEndsAtTheEndOfItsLastDay(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	c := r.grant(membership.CompInput{Email: "minji@example.com", Tier: "premium", Gift: true, Until: "2026-11-30",
		Reason: "Giveaway winner"}, seoul)
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, seoul)
	if !c.Until.Equal(end) {
		t.Fatalf("comp until %v, want %v", c.Until, end)
	}
	if e := r.entitlement(m.ID); e.Source != membership.SourceGift || !e.Until.Equal(end) || e.Billing {
		t.Errorf("gift: %s", show(e))
	}
	r.clock.Add(end.Sub(r.clock.Now()) - time.Second)
	if e := r.entitlement(m.ID); !e.Premium() {
		t.Errorf("a second before the end: %s", show(e))
	}
	r.clock.Add(time.Second)
	if e := r.entitlement(m.ID); e.Premium() || e.Source != membership.SourceNone {
		t.Errorf("at the end: %s", show(e))
	}
}

func TestEntitlementsOfManyAccounts(t *testing.T) {
	r := newRig(t)
	paid, comped, free := r.member("paid@example.com"), r.member("comp@example.com"), r.member("free@example.com")
	r.mustDeliver("evt_1", "customer.subscription.created", r.clock.Now(), r.premiumSub("sub_1", paid.ID).Object())
	r.grant(membership.CompInput{Email: "comp@example.com", Tier: "premium", Reason: "Staff"}, time.UTC)
	ids := []auth.AccountID{paid.ID, comped.ID, free.ID, ""}
	got, err := r.m.Entitlements(r.ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[auth.AccountID]membership.Source{paid.ID: membership.SourcePaid, comped.ID: membership.SourceComp, free.ID: membership.SourceNone} {
		if e := got[id]; e.Source != want || e.Premium() != (want != membership.SourceNone) {
			t.Errorf("%s: %s, want source %q", id, show(e), want)
		}
		if one := r.entitlement(id); one.Source != got[id].Source || one.Tier.Key != got[id].Tier.Key {
			t.Errorf("%s alone: %s, in a batch: %s", id, show(one), show(got[id]))
		}
	}
	if e := r.entitlement(""); e.Premium() {
		t.Errorf("nobody: %s", show(e))
	}
}

func TestGrantCompChecksItsInput(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	cases := []struct {
		name  string
		in    membership.CompInput
		field string
	}{
		{"no address", membership.CompInput{Tier: "premium", Reason: "x"}, "email"},
		{"nobody's address", membership.CompInput{Email: "nobody@example.com", Tier: "premium", Reason: "x"}, "email"},
		{"no such tier", membership.CompInput{Email: m.Email, Tier: "gold", Reason: "x"}, "tier"},
		{"no reason", membership.CompInput{Email: m.Email, Tier: "premium", Reason: "  "}, "reason"},
		{"not a date", membership.CompInput{Email: m.Email, Tier: "premium", Reason: "x", Until: "30/11/2026"}, "until"},
		{"a day gone by", membership.CompInput{Email: m.Email, Tier: "premium", Reason: "x", Until: "2026-11-01"}, "until"},
	}
	for _, c := range cases {
		_, _, err := r.m.GrantComp(r.ctx, r.admin, c.in, r.auth.AccountByEmail, time.UTC)
		var v membership.ValidationError
		if !errors.As(err, &v) || v[c.field] == "" {
			t.Errorf("%s: %v, want a message for %s", c.name, err, c.field)
		}
	}
	if _, _, err := r.m.GrantComp(r.ctx, m, membership.CompInput{Email: m.Email, Tier: "premium", Reason: "me"},
		r.auth.AccountByEmail, time.UTC); !errors.Is(err, membership.ErrForbidden) {
		t.Errorf("a member granting: %v, want ErrForbidden", err)
	}
	if _, err := r.m.RevokeComp(context.Background(), m, m.ID); !errors.Is(err, membership.ErrForbidden) {
		t.Errorf("a member revoking: %v, want ErrForbidden", err)
	}
	if e := r.entitlement(m.ID); e.Premium() {
		t.Errorf("refused grants gave %s", show(e))
	}
}
