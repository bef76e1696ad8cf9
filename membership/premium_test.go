package membership_test

import (
	"errors"
	"io"
	"log/slog"
	"math"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/internal/mongodb"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

// kst is a time of 2026 in Seoul.
func kst(t *testing.T, m, d, h, min int) time.Time {
	t.Helper()
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, time.Month(m), d, h, min, 0, 0, seoul)
}

// store puts subscriptions in the collection as the webhook would have
// left them.
func (r *rig) store(subs ...membership.Subscription) {
	r.t.Helper()
	docs := make([]any, len(subs))
	for i, s := range subs {
		if s.Currency == "" {
			s.Currency = "krw"
		}
		docs[i] = s
	}
	if _, err := r.db.Collection("subscriptions").InsertMany(r.ctx, docs); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) premium(now time.Time, loc *time.Location) membership.Premium {
	r.t.Helper()
	p, err := r.m.PremiumFigures(r.ctx, r.admin, now, loc)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

// month is one row of the trend, as the test states it.
type month struct {
	start, new, cancelled int
	mrr                   int64
	churn                 float64 // -1: unknown
}

func rowOf(pm membership.PremiumMonth) month {
	churn := pm.Churn
	if !pm.ChurnKnown {
		churn = -1
	}
	return month{pm.PayingAtStart, pm.New, pm.Cancelled, pm.MRR, churn}
}

// clubHistory is a small club's billing history, seen on 20 November 2026
// at noon in Seoul. Prices are monthly, in won unless said.
func clubHistory(t *testing.T) []membership.Subscription {
	sub := func(id, account string, status membership.Status, amount int64, started time.Time) membership.Subscription {
		return membership.Subscription{ID: id, Account: auth.AccountID(account), Tier: "premium", Status: status,
			MonthlyAmount: amount, StartedAt: started, PeriodEnd: kst(t, 12, 1, 0, 0), LastEventID: "evt_" + id}
	}
	with := func(s membership.Subscription, f func(*membership.Subscription)) membership.Subscription {
		f(&s)
		return s
	}
	const active, canceled = membership.StatusActive, membership.StatusCanceled
	return []membership.Subscription{
		sub("sub_a", "a", active, 9900, kst(t, 8, 10, 0, 0)),
		sub("sub_b", "b", active, 19900, kst(t, 10, 5, 0, 0)),
		sub("sub_b2", "b", active, 9900, kst(t, 11, 10, 0, 0)), // b holds two: one member
		// Cancelled at 23:30 on 31 October in Seoul: October there and in UTC.
		with(sub("sub_c", "c", canceled, 9900, kst(t, 7, 1, 0, 0)), func(s *membership.Subscription) {
			s.CanceledAt = kst(t, 10, 31, 23, 30)
		}),
		// Cancelled at 00:30 on 1 November in Seoul: still October in UTC.
		with(sub("sub_d", "d", canceled, 9900, kst(t, 9, 1, 0, 0)), func(s *membership.Subscription) {
			s.CanceledAt = kst(t, 11, 1, 0, 30)
		}),
		// A trial that converted: started on 20 October, paying from its
		// end on 3 November, billed for the month after.
		with(sub("sub_e", "e", active, 9900, kst(t, 10, 20, 10, 0)), func(s *membership.Subscription) {
			s.TrialEnd, s.PeriodEnd = kst(t, 11, 3, 10, 0), kst(t, 12, 3, 10, 0)
		}),
		// A trial that did not: Stripe cancelled it as its trial ended
		// (two minutes later, when it got to it), and the trial stayed its
		// period: it never billed.
		with(sub("sub_f", "f", canceled, 9900, kst(t, 10, 25, 0, 0)), func(s *membership.Subscription) {
			s.TrialEnd, s.PeriodEnd, s.CanceledAt = kst(t, 11, 8, 0, 0), kst(t, 11, 8, 0, 0), kst(t, 11, 8, 0, 2)
		}),
		// Trialing now: not paying, not yet a conversion either way.
		with(sub("sub_g", "g", membership.StatusTrialing, 9900, kst(t, 11, 15, 0, 0)), func(s *membership.Subscription) {
			s.TrialEnd = kst(t, 11, 29, 0, 0)
		}),
		// Its trial ended an hour ago, and Stripe has not said yet whether it
		// bills: neither paying nor a conversion either way.
		with(sub("sub_g2", "g2", membership.StatusTrialing, 9900, kst(t, 11, 6, 0, 0)), func(s *membership.Subscription) {
			s.TrialEnd = kst(t, 11, 20, 11, 0)
		}),
		// Cancelled on the second day of a trial that would have run to the
		// 26th: a trial that ended, unconverted, on the 14th.
		with(sub("sub_l", "l", canceled, 9900, kst(t, 11, 12, 0, 0)), func(s *membership.Subscription) {
			s.TrialEnd, s.PeriodEnd, s.CanceledAt = kst(t, 11, 26, 0, 0), kst(t, 11, 26, 0, 0), kst(t, 11, 14, 0, 0)
		}),
		// Paid from 2 November until Stripe gave up on its failed payments
		// and left it unpaid, last heard of on the 12th: new and gone.
		with(sub("sub_u", "u", membership.StatusUnpaid, 9900, kst(t, 11, 2, 0, 0)), func(s *membership.Subscription) {
			s.UpdatedAt = kst(t, 11, 12, 0, 0)
		}),
		sub("sub_h", "h", membership.StatusPastDue, 9900, kst(t, 6, 1, 0, 0)), // still billed: paying
		with(sub("sub_i", "i", active, 500, kst(t, 9, 15, 0, 0)), func(s *membership.Subscription) { s.Currency = "usd" }),
		sub("sub_j", "j", membership.StatusIncompleteExpired, 9900, kst(t, 11, 5, 0, 0)), // its first payment never went through
		// A trial that converted in June, outside the 90 days, and was
		// cancelled in September.
		with(sub("sub_k", "k", canceled, 9900, kst(t, 6, 1, 0, 0)), func(s *membership.Subscription) {
			s.TrialEnd, s.PeriodEnd, s.CanceledAt = kst(t, 6, 15, 0, 0), kst(t, 10, 15, 0, 0), kst(t, 9, 20, 0, 0)
		}),
	}
}

func TestPremiumFigures(t *testing.T) {
	r := newRig(t)
	r.store(clubHistory(t)...)
	x := r.member("x@example.com")
	r.grant(membership.CompInput{Email: x.Email, Tier: "premium", Reason: "Press"}, time.UTC) // given, not paid
	shared := membership.New(r.db.Shared(), membership.Config{}, r.clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	now := kst(t, 11, 20, 12, 0)
	seoul := now.Location()
	zero := month{churn: -1}

	cases := []struct {
		name      string
		loc       *time.Location
		lastMonth month // October
		thisMonth month // November, to the 20th
		ltv       int64
		trend     []month // December 2025 to November 2026
	}{
		{name: "Seoul", loc: seoul,
			// October: a, c, d, h and i paying as it began; b new; c cancelled.
			lastMonth: month{5, 1, 1, 9900 + 19900 + 9900 + 9900, 0.2},
			// November: e (its trial's end), u and b2 new; d cancelled at
			// 00:30, u left unpaid.
			thisMonth: month{5, 3, 2, 59500, 0.4},
			ltv:       74375, // 14 875 ÷ 0.2
			trend: []month{zero, zero, zero, zero, zero, zero,
				{0, 2, 0, 19800, -1}, // June: h, and k at its trial's end
				{2, 1, 0, 29700, 0},  // July: c starts at its first instant: new, not paying at the start
				{3, 1, 0, 39600, 0},
				{4, 2, 1, 39600, 0.25}, // September: d and i (in dollars) new; k cancelled
				{5, 1, 1, 49600, 0.2},
				{5, 3, 2, 59500, 0.4},
			}},
		{name: "UTC", loc: time.UTC,
			// 00:30 on 1 November in Seoul is 15:30 on 31 October in UTC:
			// d is cancelled in October there.
			lastMonth: month{5, 1, 2, 9900 + 19900 + 9900, 0.4},
			thisMonth: month{4, 3, 1, 59500, 0.25},
			ltv:       37188, // 14 875 ÷ 0.4 = 37 187.5, rounded
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := r.premium(now, c.loc)
			// A service that shares the database with other instances, as
			// on MongoDB, reads it instead of memory: the same figures.
			if shared, err := shared.PremiumFigures(r.ctx, r.admin, now, c.loc); err != nil || !reflect.DeepEqual(shared, p) {
				t.Errorf("shared database: %+v, %v\nwant %+v", shared, err, p)
			}
			// Paying now: a, b, b2, e, h in won and i in dollars; b holds two.
			if p.Members != 5 || p.Subscriptions != 6 {
				t.Errorf("members %d, subscriptions %d; want 5 and 6", p.Members, p.Subscriptions)
			}
			if p.Currency != "krw" || p.MRR != 59500 || len(p.MRRByCurrency) != 2 || p.MRRByCurrency["krw"] != 59500 || p.MRRByCurrency["usd"] != 500 {
				t.Errorf("MRR %d %s, by currency %v; want 59500 krw and 500 usd", p.MRR, p.Currency, p.MRRByCurrency)
			}
			if !p.ARPUKnown || p.ARPU != 14875 { // 59 500 won ÷ a, b, e, h
				t.Errorf("ARPU %d (known %v), want 14875", p.ARPU, p.ARPUKnown)
			}
			if !p.LTVKnown || p.LTV != c.ltv {
				t.Errorf("LTV %d (known %v), want %d", p.LTV, p.LTVKnown, c.ltv)
			}
			if got := rowOf(p.LastMonth); got != c.lastMonth {
				t.Errorf("last month %+v, want %+v", got, c.lastMonth)
			}
			if got := rowOf(p.ThisMonth); got != c.thisMonth {
				t.Errorf("this month %+v, want %+v", got, c.thisMonth)
			}
			if len(p.Trend) != 12 || !p.Trend[0].Start.Equal(time.Date(2025, 12, 1, 0, 0, 0, 0, c.loc)) ||
				!p.Trend[11].Start.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, c.loc)) {
				t.Fatalf("trend of %d months from %v", len(p.Trend), p.Trend[0].Start)
			}
			for i, want := range c.trend {
				if got := rowOf(p.Trend[i]); got != want {
					t.Errorf("%s: %+v, want %+v", p.Trend[i].Start.Format("2006-01"), got, want)
				}
			}
			// Trials ended since 22 August: e converted, f and l did not;
			// g and g2 are still trialing, k ended in June.
			tc := p.Trials
			if tc.Ended != 3 || tc.Converted != 1 || !tc.RateKnown || tc.Rate != 1.0/3 || !tc.Since.Equal(now.Add(-90*24*time.Hour)) {
				t.Errorf("trials %+v, want 1 of 3 since %v", tc, now.Add(-90*24*time.Hour))
			}
		})
	}
}

// With nobody paying, or nobody leaving, the ratios say they are
// unknown instead of dividing by zero.
func TestPremiumFiguresWithoutADivisor(t *testing.T) {
	now := kst(t, 11, 20, 12, 0)
	cases := []struct {
		name string
		subs []membership.Subscription
		// what is known
		arpu, ltv, lastChurn, trials bool
	}{
		{name: "no subscriptions at all"},
		{name: "only a trial and an expired first payment", subs: []membership.Subscription{
			{ID: "sub_t", Account: "t", Status: membership.StatusTrialing, MonthlyAmount: 9900,
				StartedAt: kst(t, 11, 10, 0, 0), TrialEnd: kst(t, 11, 24, 0, 0)},
			{ID: "sub_x", Account: "x", Status: membership.StatusIncompleteExpired, MonthlyAmount: 9900, StartedAt: kst(t, 10, 1, 0, 0)},
		}},
		{name: "one paying since summer, nobody left last month", arpu: true, lastChurn: true, subs: []membership.Subscription{
			{ID: "sub_a", Account: "a", Status: membership.StatusActive, MonthlyAmount: 9900, StartedAt: kst(t, 7, 1, 0, 0)},
		}},
		{name: "the only member left last month", lastChurn: true, trials: true, subs: []membership.Subscription{
			{ID: "sub_a", Account: "a", Status: membership.StatusCanceled, MonthlyAmount: 9900, StartedAt: kst(t, 8, 1, 0, 0),
				TrialEnd: kst(t, 8, 30, 0, 0), PeriodEnd: kst(t, 10, 30, 0, 0), CanceledAt: kst(t, 10, 10, 0, 0)},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			if len(c.subs) > 0 {
				r.store(c.subs...)
			}
			p := r.premium(now, now.Location())
			if p.ARPUKnown != c.arpu || p.LTVKnown != c.ltv || p.LastMonth.ChurnKnown != c.lastChurn || p.Trials.RateKnown != c.trials {
				t.Errorf("known: ARPU %v, LTV %v, last month's churn %v, trial conversion %v; want %v %v %v %v",
					p.ARPUKnown, p.LTVKnown, p.LastMonth.ChurnKnown, p.Trials.RateKnown, c.arpu, c.ltv, c.lastChurn, c.trials)
			}
			if !c.ltv && p.LTV != 0 || !c.arpu && p.ARPU != 0 {
				t.Errorf("an unknown ratio is not zero: ARPU %d, LTV %d", p.ARPU, p.LTV)
			}
			if len(p.Trend) != 12 {
				t.Fatalf("%d months of trend, want 12", len(p.Trend))
			}
			for _, f := range append([]float64{p.Trials.Rate}, churns(p.Trend)...) {
				if math.IsNaN(f) || math.IsInf(f, 0) {
					t.Errorf("a ratio is %v", f)
				}
			}
		})
	}
}

func churns(trend []membership.PremiumMonth) []float64 {
	var out []float64
	for _, pm := range trend {
		out = append(out, pm.Churn)
	}
	return out
}

// The figures read the subscriptions as the webhook stores them, and
// follow its writes: a trial Stripe turned active converted and pays from
// its trial's end; a trial Stripe cancelled at its end never paid.
func TestPremiumFiguresFollowStripe(t *testing.T) {
	r := newRig(t)
	start := r.clock.Now() // 2 November 2026, 09:00 UTC
	trialEnd := start.AddDate(0, 0, 7)
	trials := map[string]stripemock.Sub{}
	for _, letter := range []string{"p", "q"} {
		m := r.member(letter + "@example.com")
		trials[letter] = stripemock.Sub{ID: "sub_" + letter, Customer: "cus_" + letter, Account: string(m.ID),
			Price: "price_premium_month", Status: "trialing", Start: start, TrialEnd: trialEnd, PeriodEnd: trialEnd}
		r.mustDeliver("evt_"+letter+"1", "customer.subscription.created", start, trials[letter].Object())
	}
	// Read once during the trials, so that what follows must reach the
	// figures through the writes.
	during := r.premium(start.Add(time.Hour), time.UTC)
	if during.Members != 0 || during.Trials.Ended != 0 {
		t.Errorf("during the trials: %d paying, %d trials ended; want none", during.Members, during.Trials.Ended)
	}

	p, q := trials["p"], trials["q"]
	p.Status, p.PeriodEnd = "active", trialEnd.AddDate(0, 1, 0)
	r.mustDeliver("evt_p2", "customer.subscription.updated", trialEnd, p.Object())
	q.Status = "canceled" // at the trial's end, which stays its period's end
	r.mustDeliver("evt_q2", "customer.subscription.deleted", trialEnd, q.Object())
	after := r.premium(trialEnd.Add(time.Hour), time.UTC)
	if after.Members != 1 || after.MRR != 9900 || after.ThisMonth.New != 1 || after.ThisMonth.Cancelled != 0 {
		t.Errorf("after the trials: %d paying, MRR %d, %d new, %d cancelled; want 1, 9900, 1, 0",
			after.Members, after.MRR, after.ThisMonth.New, after.ThisMonth.Cancelled)
	}
	if tc := after.Trials; tc.Ended != 2 || tc.Converted != 1 {
		t.Errorf("trials: %d of %d converted, want 1 of 2", tc.Converted, tc.Ended)
	}

	// p cancels a week into its paid month.
	p.Status, p.PeriodEnd = "canceled", trialEnd.AddDate(0, 0, 7)
	r.mustDeliver("evt_p3", "customer.subscription.deleted", trialEnd.AddDate(0, 0, 7), p.Object())
	later := r.premium(trialEnd.AddDate(0, 0, 8), time.UTC)
	if later.Members != 0 || later.MRR != 0 || later.ThisMonth.New != 1 || later.ThisMonth.Cancelled != 1 || later.Trials.Converted != 1 {
		t.Errorf("after p cancelled: %d paying, MRR %d, %d new, %d cancelled, %d converted; want 0, 0, 1, 1, 1",
			later.Members, later.MRR, later.ThisMonth.New, later.ThisMonth.Cancelled, later.Trials.Converted)
	}
}

func TestPremiumFiguresAreForStaff(t *testing.T) {
	r := newRig(t)
	r.store(clubHistory(t)...)
	for _, role := range []auth.Role{auth.RoleMember, ""} {
		a := r.member(string(role) + "someone@example.com")
		a.Role = role
		p, err := r.m.PremiumFigures(r.ctx, a, kst(t, 11, 20, 12, 0), time.UTC)
		if !errors.Is(err, membership.ErrForbidden) || p.Members != 0 || p.MRR != 0 || p.Trend != nil {
			t.Errorf("role %q: %+v, %v; want nothing and ErrForbidden", role, p, err)
		}
	}
	admin, err := r.auth.SeedAccount(r.ctx, "admin2@example.com", "Admin", auth.RoleAdmin, "en")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := r.m.PremiumFigures(r.ctx, admin, kst(t, 11, 20, 12, 0), time.UTC); err != nil || p.Members != 5 {
		t.Errorf("an admin: %d paying, %v; want 5", p.Members, err)
	}
}

// PremiumTiers must name exactly the accounts whose entitlement is above
// Free, with the same tier, whether a subscription or a comp gives it,
// and follow a subscription that changes after the first read.
func TestPremiumTiersAgreesWithEntitlement(t *testing.T) {
	r := newRig(t)
	r.tier(membership.TierInput{Key: "vip", Name: "VIP", Rank: "2", MonthlyPrice: "price_vip_month"})
	now := r.clock.Now()
	ids := map[string]auth.AccountID{}
	for _, who := range []string{"paid", "trial", "grace", "ended", "comp", "lapsed", "both", "none"} {
		ids[who] = r.member(who + "@example.com").ID
	}
	subs := map[string]stripemock.Sub{}
	for _, c := range []struct{ who, status string }{
		{"paid", "active"}, {"trial", "trialing"}, {"grace", "past_due"}, {"ended", "canceled"}, {"both", "active"},
	} {
		s := r.premiumSub("sub_"+c.who, ids[c.who])
		s.Status = c.status
		if c.status == "trialing" {
			s.TrialEnd = now.AddDate(0, 0, 3)
		}
		subs[c.who] = s
		typ := "customer.subscription.created"
		if c.status == "canceled" {
			typ = "customer.subscription.deleted"
		}
		r.mustDeliver("evt_"+c.who, typ, now, s.Object())
	}
	r.grant(membership.CompInput{Email: "comp@example.com", Tier: "premium", Reason: "press"}, time.UTC)
	r.grant(membership.CompInput{Email: "both@example.com", Tier: "vip", Reason: "ambassador"}, time.UTC)
	r.grant(membership.CompInput{Email: "lapsed@example.com", Tier: "vip", Reason: "old", Until: now.AddDate(0, 0, 2).Format("2006-01-02")}, time.UTC)
	r.clock.Add(5 * 24 * time.Hour) // the lapsed comp and the trial end; the grace goes on

	check := func(want map[string]string) {
		t.Helper()
		got, err := r.m.PremiumTiers(r.ctx, r.admin)
		if err != nil {
			t.Fatal(err)
		}
		for who, id := range ids {
			if got[id].Tier.Key != want[who] {
				t.Errorf("%s: PremiumTiers says %q, want %q", who, got[id].Tier.Key, want[who])
			}
			if e := r.entitlement(id); e.Premium() && got[id].Source != e.Source {
				t.Errorf("%s: PremiumTiers says source %q, Entitlement %q", who, got[id].Source, e.Source)
			}
			if e := r.entitlement(id); e.Premium() != (want[who] != "") || (e.Premium() && e.Tier.Key != want[who]) {
				t.Errorf("%s: Entitlement says %s, the test expects %q", who, show(e), want[who])
			}
		}
		if len(got) != len(want) {
			t.Errorf("PremiumTiers names %d accounts, want %d", len(got), len(want))
		}
	}
	check(map[string]string{"paid": "premium", "grace": "premium", "comp": "premium", "both": "vip"})

	// Stripe cancels the paid one: the in-memory copy follows.
	quit := subs["paid"]
	quit.Status = "canceled"
	r.mustDeliver("evt_paid_quit", "customer.subscription.deleted", r.clock.Now(), quit.Object())
	check(map[string]string{"grace": "premium", "comp": "premium", "both": "vip"})

	if _, err := r.m.PremiumTiers(r.ctx, r.member("plain@example.com")); err == nil {
		t.Error("a member read the premium list")
	}
}

// The subscriptions' copy in memory comes back after a clean stop
// without reading the collection, and never when anything wrote the
// subscriptions since the save.
func TestPremiumCopySurvivesACleanRestart(t *testing.T) {
	r := newRig(t)
	now := r.clock.Now()
	ids := map[string]auth.AccountID{}
	for _, who := range []string{"ana", "ben"} {
		ids[who] = r.member(who + "@example.com").ID
		r.mustDeliver("evt_"+who, "customer.subscription.created", now, r.premiumSub("sub_"+who, ids[who]).Object())
	}
	r.clock.Add(24 * time.Hour)
	if err := r.m.WarmFigures(r.ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.m.SuspendFigures(r.ctx); err != nil { // serve stops
		t.Fatal(err)
	}
	scans := 0
	restart := func() *membership.Service {
		t.Helper()
		db := r.db.Observed(func(op mongodb.Op) {
			if op.Collection == "subscriptions" && op.Scan {
				scans++
			}
		})
		m := membership.New(db, membership.Config{}, r.clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := m.ResumeFigures(r.ctx); err != nil {
			t.Fatal(err)
		}
		return m
	}
	paying := func(m *membership.Service) int { // premium now, by the copy in memory
		t.Helper()
		held, err := m.PremiumTiers(r.ctx, r.admin)
		if err != nil {
			t.Fatal(err)
		}
		return len(held)
	}
	if got := paying(r.m); got != 2 {
		t.Fatalf("before the restart: %d paying, want 2", got)
	}
	second := restart()
	if got := paying(second); got != 2 || scans != 0 {
		t.Errorf("after a clean restart: %d paying, %d scans of the subscriptions; want 2 and none", got, scans)
	}
	if err := second.SuspendFigures(r.ctx); err != nil {
		t.Fatal(err)
	}
	// The first process, still running, hears of a cancellation after
	// the last save; the next start must not trust the snapshot.
	quit := r.premiumSub("sub_ben", ids["ben"])
	quit.Status = "canceled"
	r.mustDeliver("evt_ben_quit", "customer.subscription.deleted", r.clock.Now(), quit.Object())
	r.clock.Add(time.Hour)
	scans = 0
	if got := paying(restart()); got != 1 || scans == 0 {
		t.Errorf("after a write since the save: %d paying, %d scans; want 1, read from the collection", got, scans)
	}
}

// A save at shutdown waits for a webhook's write under way and its copy
// in memory, so the snapshot never misses a write it is trusted for.
func TestPremiumSnapshotWaitsForAWriteUnderWay(t *testing.T) {
	var block atomic.Bool
	inWrite, release := make(chan struct{}), make(chan struct{})
	r := newRigWith(t, rigOptions{observe: func(op mongodb.Op) {
		if op.Collection == "subscriptions" && op.Name == "insert" && block.CompareAndSwap(true, false) {
			close(inWrite)
			<-release
		}
	}})
	r.tier(membership.TierInput{Key: "premium", Name: "Premium", Rank: "1", MonthlyPrice: "price_premium_month"})
	ana := r.member("ana@example.com")
	if err := r.m.WarmFigures(r.ctx); err != nil {
		t.Fatal(err)
	}
	block.Store(true)
	delivered := make(chan error, 1)
	go func() {
		_, err := r.deliver("evt_ana", "customer.subscription.created", r.clock.Now(), r.premiumSub("sub_ana", ana.ID).Object())
		delivered <- err
	}()
	<-inWrite
	saved := make(chan error, 1)
	go func() { saved <- r.m.SuspendFigures(r.ctx) }() // the server stops meanwhile
	select {
	case err := <-saved:
		t.Fatalf("the save did not wait for the write under way (%v)", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := <-delivered; err != nil {
		t.Fatal(err)
	}
	if err := <-saved; err != nil {
		t.Fatal(err)
	}
	m := membership.New(r.db, membership.Config{}, r.clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := m.ResumeFigures(r.ctx); err != nil {
		t.Fatal(err)
	}
	held, err := m.PremiumTiers(r.ctx, r.admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := held[ana.ID]; !ok {
		t.Error("the next start's copy misses the subscription written while the snapshot was saved")
	}
}
