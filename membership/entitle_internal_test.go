package membership

import (
	"fmt"
	"testing"
	"time"
)

// The entitlement is decided by entitle alone, so these tests hold it to
// its table without a database: one subscription state and one comp
// state at a time, each pair of them on every pair of tiers, and the
// cases the issue names one by one.

var (
	now   = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	grace = 7 * 24 * time.Hour
	basic = Tier{Key: "basic", Name: "Basic", Rank: 1}
	prem  = Tier{Key: "premium", Name: "Premium", Rank: 2}
	vip   = Tier{Key: "vip", Name: "VIP", Rank: 3}
	tiers = []Tier{basic, prem, vip}
)

// want is what one source alone gives: gives false is Free.
type want struct {
	gives  bool
	source Source
	until  time.Time
	renews bool
}

// subState is one subscription state on tier key, and what it alone
// gives, and whether Stripe still bills it.
type subState struct {
	name    string
	sub     func(tier string) Subscription
	want    want
	billing bool
}

var (
	periodEnd = now.Add(20 * 24 * time.Hour)
	trialEnd  = now.Add(10 * 24 * time.Hour)
	failedAt  = now.Add(-2 * 24 * time.Hour)
)

func subOf(status Status, edit func(*Subscription)) func(string) Subscription {
	return func(tier string) Subscription {
		s := Subscription{ID: "sub_" + tier, Account: "acc", Tier: tier, Status: status, PeriodEnd: periodEnd}
		if edit != nil {
			edit(&s)
		}
		return s
	}
}

var subStates = []subState{
	{"none", nil, want{}, false},
	{"paid", subOf(StatusActive, nil), want{true, SourcePaid, periodEnd, true}, true},
	{"paid, cancelling at period end", subOf(StatusActive, func(s *Subscription) { s.CancelAtPeriodEnd = true }),
		want{true, SourcePaid, periodEnd, false}, true},
	{"paid, cancelled at a period end now past", subOf(StatusActive, func(s *Subscription) {
		s.CancelAtPeriodEnd, s.PeriodEnd = true, now.Add(-time.Minute)
	}), want{}, true},
	{"trial", subOf(StatusTrialing, func(s *Subscription) { s.TrialEnd = trialEnd }),
		want{true, SourceTrial, trialEnd, true}, true},
	{"trial, cancelling", subOf(StatusTrialing, func(s *Subscription) { s.TrialEnd, s.CancelAtPeriodEnd = trialEnd, true }),
		want{true, SourceTrial, trialEnd, false}, true},
	{"trial without an end of its own", subOf(StatusTrialing, nil), want{true, SourceTrial, periodEnd, true}, true},
	{"trial over", subOf(StatusTrialing, func(s *Subscription) { s.TrialEnd = now.Add(-time.Minute) }), want{}, true},
	{"past due, in grace", subOf(StatusPastDue, func(s *Subscription) { s.PastDueSince = failedAt }),
		want{true, SourceGrace, failedAt.Add(grace), false}, true},
	{"past due, grace ends now", subOf(StatusPastDue, func(s *Subscription) { s.PastDueSince = now.Add(-grace) }), want{}, true},
	{"past due, past grace", subOf(StatusPastDue, func(s *Subscription) { s.PastDueSince = now.Add(-8 * 24 * time.Hour) }), want{}, true},
	{"cancelled", subOf(StatusCanceled, func(s *Subscription) { s.CanceledAt = now.Add(-time.Hour) }), want{}, false},
	{"unpaid", subOf(StatusUnpaid, nil), want{}, true},
	{"incomplete", subOf(StatusIncomplete, nil), want{}, true},
	{"incomplete, expired", subOf(StatusIncompleteExpired, nil), want{}, false},
	{"paused", subOf(StatusPaused, nil), want{}, true},
}

// compState is one comp state on tier key, and what it alone gives.
type compState struct {
	name string
	comp func(tier string) *Comp
	want want
}

var compEnd = now.Add(30 * 24 * time.Hour)

func compOf(gift bool, until time.Time) func(string) *Comp {
	return func(tier string) *Comp {
		return &Comp{Account: "acc", Tier: tier, Gift: gift, Until: until, Reason: "press"}
	}
}

var compStates = []compState{
	{"none", nil, want{}},
	{"comp with an end", compOf(false, compEnd), want{true, SourceComp, compEnd, false}},
	{"comp without an end", compOf(false, time.Time{}), want{true, SourceComp, time.Time{}, false}},
	{"comp ending now", compOf(false, now), want{}},
	{"comp ended", compOf(false, now.Add(-time.Hour)), want{}},
	{"gift with an end", compOf(true, compEnd), want{true, SourceGift, compEnd, false}},
	{"gift without an end", compOf(true, time.Time{}), want{true, SourceGift, time.Time{}, false}},
	{"gift ended", compOf(true, now.Add(-time.Hour)), want{}},
}

// TestEntitleEveryCombination runs each subscription state with each
// comp state, on every pair of tiers: the higher tier wins, and at equal
// rank the subscription does (so the page offers the Portal). Billing is
// the subscription's alone.
func TestEntitleEveryCombination(t *testing.T) {
	for _, ss := range subStates {
		for _, cs := range compStates {
			for _, st := range tiers {
				for _, ct := range tiers {
					var subs []Subscription
					if ss.sub != nil {
						subs = []Subscription{ss.sub(st.Key)}
					}
					var comp *Comp
					if cs.comp != nil {
						comp = cs.comp(ct.Key)
					}
					got := entitle(now, grace, tiers, subs, comp)

					exp := Entitlement{Tier: Free, Billing: ss.billing}
					switch {
					case ss.want.gives && (!cs.want.gives || st.Rank >= ct.Rank):
						exp = Entitlement{Tier: st, Source: ss.want.source, Until: ss.want.until, Renews: ss.want.renews, Billing: ss.billing}
					case cs.want.gives:
						exp = Entitlement{Tier: ct, Source: cs.want.source, Until: cs.want.until, Billing: ss.billing}
					}
					name := fmt.Sprintf("%s on %s + %s on %s", ss.name, st.Key, cs.name, ct.Key)
					checkEntitlement(t, name, got, exp)
				}
			}
		}
	}
}

func checkEntitlement(t *testing.T, name string, got, exp Entitlement) {
	t.Helper()
	if got.Tier.Key != exp.Tier.Key || got.Tier.Rank != exp.Tier.Rank || got.Source != exp.Source ||
		!got.Until.Equal(exp.Until) || got.Renews != exp.Renews || got.Billing != exp.Billing {
		t.Errorf("%s:\n got tier %q source %q until %v renews %v billing %v\nwant tier %q source %q until %v renews %v billing %v",
			name, got.Tier.Key, got.Source, got.Until, got.Renews, got.Billing,
			exp.Tier.Key, exp.Source, exp.Until, exp.Renews, exp.Billing)
	}
}

// TestEntitleNamedCases spells out the cases the issue names, and those
// with more than one subscription.
func TestEntitleNamedCases(t *testing.T) {
	paid := subOf(StatusActive, nil)
	cancelled := subOf(StatusCanceled, nil)
	pastDue := subOf(StatusPastDue, func(s *Subscription) { s.PastDueSince = failedAt })
	comp := compOf(false, time.Time{})
	cases := []struct {
		name string
		subs []Subscription
		comp *Comp
		want Entitlement
	}{
		{"nothing is free", nil, nil, Entitlement{Tier: Free}},
		{"a comp above the paid tier gives the comp's", []Subscription{paid("premium")}, comp("vip"),
			Entitlement{Tier: vip, Source: SourceComp, Billing: true}},
		{"a paid tier above the comp gives the paid one", []Subscription{paid("vip")}, comp("basic"),
			Entitlement{Tier: vip, Source: SourcePaid, Until: periodEnd, Renews: true, Billing: true}},
		{"at equal rank, paid wins over the comp", []Subscription{paid("premium")}, comp("premium"),
			Entitlement{Tier: prem, Source: SourcePaid, Until: periodEnd, Renews: true, Billing: true}},
		{"cancelling the paid one leaves the comp", []Subscription{cancelled("vip")}, comp("premium"),
			Entitlement{Tier: prem, Source: SourceComp}},
		{"a tier that no longer exists gives nothing, but Stripe still bills it", []Subscription{paid("gone")}, nil,
			Entitlement{Tier: Free, Billing: true}},
		{"a comp of a tier that no longer exists gives nothing", nil, comp("gone"), Entitlement{Tier: Free}},
		{"an old cancelled subscription and a new paid one", []Subscription{cancelled("vip"), paid("basic")}, nil,
			Entitlement{Tier: basic, Source: SourcePaid, Until: periodEnd, Renews: true, Billing: true}},
		{"a past-due higher tier in grace beats a paid lower one", []Subscription{paid("basic"), pastDue("vip")}, nil,
			Entitlement{Tier: vip, Source: SourceGrace, Until: failedAt.Add(grace), Billing: true}},
		{"only cancelled subscriptions: nothing billed", []Subscription{cancelled("basic"), cancelled("vip")}, nil,
			Entitlement{Tier: Free}},
	}
	for _, c := range cases {
		checkEntitlement(t, c.name, entitle(now, grace, tiers, c.subs, c.comp), c.want)
	}
}

// TestEntitlementCovers checks the tiers an entitlement includes: its
// own and every one ranked below, never one nobody defined.
func TestEntitlementCovers(t *testing.T) {
	e := Entitlement{Tier: prem, Source: SourcePaid}
	for key, want := range map[string]bool{"": true, "basic": true, "premium": true, "vip": false, "gone": false} {
		if got := e.Covers(tiers, key); got != want {
			t.Errorf("premium covers %q = %v, want %v", key, got, want)
		}
	}
	if got := fmt.Sprint(e.Covered(tiers)); got != "[basic premium]" {
		t.Errorf("premium covered = %s", got)
	}
	free := Entitlement{Tier: Free}
	if free.Premium() || !e.Premium() {
		t.Errorf("Premium(): free %v, premium %v", free.Premium(), e.Premium())
	}
	if free.Covers(tiers, "basic") || len(free.Covered(tiers)) != 0 || !free.Covers(tiers, "") {
		t.Errorf("free covers basic %v, covered %v", free.Covers(tiers, "basic"), free.Covered(tiers))
	}
}
