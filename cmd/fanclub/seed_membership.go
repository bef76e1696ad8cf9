package main

import (
	"context"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v76"

	"fanclub/auth"
	"fanclub/internal/activity"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

// The demo's tiers. Their price ids are made up: with STRIPE_SECRET_KEY
// set, an admin replaces them with real ones in /admin/tiers.
var demoTiers = []membership.Tier{
	{Key: premiumTier, Name: "Premium", Rank: 1, TrialDays: 7,
		Description: "For regulars who want more from the club. 단골을 위한 멤버십이에요.",
		Perks:       []string{"Premium-only groups and tastings", "Early access to new releases", "프리미엄 전용 이벤트 초대"},
		Monthly:     membership.Price{ID: "price_demo_premium_month", Amount: 9900, Currency: "krw", Interval: "month", IntervalCount: 1},
		Yearly:      membership.Price{ID: "price_demo_premium_year", Amount: 99000, Currency: "krw", Interval: "year", IntervalCount: 1}},
	{Key: "patron", Name: "Patron", Rank: 2,
		Description: "Partners and friends of the roastery, by invitation. 파트너를 위한 초대 전용 등급이에요.",
		Perks:       []string{"Everything in Premium", "A seat at the roastery's cupping table"}},
}

// memberships tells the club's billing history, months of it, replayed
// as Stripe's webhook events, signed, through the same handler Stripe's
// deliveries reach, each on the clock at the time Stripe sent it: the
// premium demo people's (see premiumBilling); four free demo people who
// subscribed and cancelled, months apart; and nineteen of the crowd's
// over the last half year (see crowdSubs). So the insight's monthly
// churn, MRR trend and trial conversion have something to show.
func (s *seeder) memberships(ctx context.Context) error {
	for _, t := range demoTiers {
		if err := s.ms.SeedTier(ctx, t); err != nil {
			return err
		}
	}
	from, end := s.clock.t, s.clock.end
	plan := s.premiumBilling(from, end)
	// Free people who subscribed a few days after joining and cancelled
	// later, each a different share of the way to now.
	for n, i := range []int{1, 4, 10, 13} {
		m := s.past.people[i]
		st := seedSub{sub: s.demoSub(i, m)}
		st.sub.Start = m.joined.Add(time.Duration(3+s.past.rng.IntN(15)) * day)
		st.cancel = st.sub.Start.Add(end.Sub(st.sub.Start) * time.Duration(90-20*n) / 100)
		plan = append(plan, s.billing(st)...)
	}
	plan = append(plan, s.crowdBilling(end)...)
	if err := s.retell(ctx, plan); err != nil {
		return err
	}
	s.clock.rewind(from)
	return nil
}

// premiumBilling plans how the premium demo people hold their tier: ten
// pay monthly or yearly since a few weeks after they joined (two began
// with a trial), two are in their trial, started two days ago, one's card
// failed three days ago (inside the grace period), three were given the
// tier at from (comps and a gift) and one is a patron.
func (s *seeder) premiumBilling(from, end time.Time) []seedStep {
	grants := []membership.CompInput{
		{Tier: premiumTier, Reason: "Brand ambassador"},
		{Tier: premiumTier, Reason: "Barista partner, for the season", Until: end.AddDate(0, 3, 0).Format("2006-01-02")},
		{Tier: premiumTier, Gift: true, Reason: "Latte art contest winner", Until: end.AddDate(0, 1, 0).Format("2006-01-02")},
		{Tier: "patron", Reason: "Roastery partner"},
	}
	var plan []seedStep
	k := -1
	for i, m := range s.past.people {
		if !m.actor.HasTier(premiumTier) {
			continue
		}
		k++
		st := seedSub{sub: s.demoSub(i, m)}
		switch {
		case k < 10: // paying since a few weeks after they joined
			st.sub.Start = m.joined.Add(time.Duration(1+s.past.rng.IntN(30)) * day)
			if k >= 7 {
				st.sub.Price, st.sub.Amount, st.sub.Interval = "price_demo_premium_year", 99000, "year"
			}
			if k == 2 || k == 5 {
				st.sub.TrialEnd = st.sub.Start.AddDate(0, 0, 7)
			}
		case k < 12: // in the trial, started two days ago
			st.sub.Start = end.Add(-48 * time.Hour)
			st.sub.TrialEnd = st.sub.Start.AddDate(0, 0, 7)
		case k == 12: // paid for four months, then the renewal failed three days ago
			st.sub.Start, st.failed = end.AddDate(0, -4, -3), true
		default: // given by the admin
			g := grants[(k-13)%len(grants)]
			g.Email = m.actor.Account.Email
			plan = append(plan, seedStep{at: from, do: func(ctx context.Context) error {
				if _, _, err := s.ms.GrantComp(ctx, s.admin.Account, g, s.au.AccountByEmail, time.UTC); err != nil {
					return fmt.Errorf("seed: comp for %s: %w", g.Email, err)
				}
				return nil
			}})
			continue
		}
		plan = append(plan, s.billing(st)...)
	}
	return plan
}

// demoSub is the i-th demo person's subscription to premium, monthly.
func (s *seeder) demoSub(i int, m *seedMember) stripemock.Sub {
	return stripemock.Sub{ID: fmt.Sprintf("sub_demo_%02d", i), Customer: fmt.Sprintf("cus_demo_%02d", i),
		Account: string(m.actor.ID()), Price: "price_demo_premium_month", Amount: 9900}
}

// crowdSubs are the crowd's subscriptions: begun days ago, with a week's
// trial or not, and how they ended: lapse, the trial cancelled at its
// end; cancel, cancelled so many days after the start (about one a
// month, the last a week ago); neither, paying still. The trials ended
// over the last five months, most converting.
var crowdSubs = []struct {
	ago          int
	trial, lapse bool
	cancel       int
}{
	{ago: 170, cancel: 20}, {ago: 160, cancel: 40}, {ago: 150, trial: true}, {ago: 141}, {ago: 132, cancel: 42},
	{ago: 120, trial: true, lapse: true}, {ago: 112}, {ago: 101, cancel: 41}, {ago: 93, trial: true}, {ago: 85},
	{ago: 77, trial: true, lapse: true}, {ago: 70, cancel: 40}, {ago: 61, trial: true}, {ago: 52, cancel: 44},
	{ago: 45, trial: true, lapse: true}, {ago: 38, trial: true}, {ago: 30}, {ago: 23, trial: true}, {ago: 16, trial: true},
}

// crowdBilling plans crowdSubs, each for one of the crowd who had joined
// by then: one who stays, if there is one, else anyone.
func (s *seeder) crowdBilling(end time.Time) []seedStep {
	var plan []seedStep
	taken := map[*seedMember]bool{}
	for n, c := range crowdSubs {
		start := s.past.at(activity.DayOf(end, s.past.loc) - activity.Day(c.ago))
		var who *seedMember
		for _, m := range s.past.crowd {
			if taken[m] || !m.joined.Before(start.Add(-2*day)) {
				continue
			}
			if who == nil || (m.habit.weeks == stays && who.habit.weeks != stays) {
				who = m
			}
			if who.habit.weeks == stays {
				break
			}
		}
		if who == nil {
			continue
		}
		taken[who] = true
		st := seedSub{sub: stripemock.Sub{ID: fmt.Sprintf("sub_crowd_%02d", n), Customer: fmt.Sprintf("cus_crowd_%02d", n),
			Account: string(who.actor.ID()), Price: "price_demo_premium_month", Amount: 9900, Start: start}}
		if c.trial {
			st.sub.TrialEnd = start.AddDate(0, 0, 7)
		}
		st.lapse = c.lapse
		if c.cancel > 0 {
			st.cancel = start.Add(time.Duration(c.cancel)*day + time.Duration(s.past.rng.IntN(600))*time.Minute)
		}
		plan = append(plan, s.billing(st)...)
	}
	return plan
}

// seedSub is one subscription's story.
type seedSub struct {
	sub    stripemock.Sub // Start is when it began; TrialEnd, if set, ends a trial
	lapse  bool           // the trial ends unpaid: cancelled at its end
	cancel time.Time      // when the member cancels it; zero: never
	failed bool           // the last renewal's payment fails
}

// billing plans the events Stripe sends over st's life up to the seed's
// end: created, paid at the start or at the trial's end, paid at each
// renewal (only the last is sent: each carries the new period), and
// deleted if it ends; and notes the member's subscribing, renewals and
// cancelling in their activity.
func (s *seeder) billing(st seedSub) []seedStep {
	sub, end := st.sub, s.clock.end
	id := auth.AccountID(sub.Account)
	months := 1
	if sub.Interval == "year" {
		months = 12
	}
	s.past.add(id, activity.Subscribe, sub.Start)
	paidFrom := sub.Start
	var plan []seedStep
	if sub.TrialEnd.IsZero() {
		sub.PeriodEnd = sub.Start.AddDate(0, months, 0)
		plan = append(plan, s.replayStep(sub, sub.Start, "customer.subscription.created", "invoice.paid"))
	} else {
		sub.Status, sub.PeriodEnd = "trialing", sub.TrialEnd
		plan = append(plan, s.replayStep(sub, sub.Start, "customer.subscription.created"))
		if sub.TrialEnd.After(end) {
			return plan
		}
		if st.lapse {
			sub.Status = "canceled"
			s.past.add(id, activity.Cancel, sub.TrialEnd)
			return append(plan, s.replayStep(sub, sub.TrialEnd, "customer.subscription.deleted"))
		}
		paidFrom, sub.Status, sub.PeriodEnd = sub.TrialEnd, "active", sub.TrialEnd.AddDate(0, months, 0)
		s.past.add(id, activity.Renew, sub.TrialEnd)
		plan = append(plan, s.replayStep(sub, sub.TrialEnd, "customer.subscription.updated", "invoice.paid"))
	}
	until := end
	if !st.cancel.IsZero() {
		until = st.cancel
	}
	var renewals []time.Time // those due before until
	for n := 1; paidFrom.AddDate(0, n*months, 0).Before(until); n++ {
		renewals = append(renewals, paidFrom.AddDate(0, n*months, 0))
	}
	var failed time.Time
	if st.failed && len(renewals) > 0 {
		failed, renewals = renewals[len(renewals)-1], renewals[:len(renewals)-1]
	}
	for _, at := range renewals {
		s.past.add(id, activity.Renew, at)
	}
	if n := len(renewals); n > 0 {
		sub.PeriodEnd = paidFrom.AddDate(0, (n+1)*months, 0)
		plan = append(plan, s.replayStep(sub, renewals[n-1], "invoice.paid"))
	}
	if !failed.IsZero() {
		plan = append(plan, s.replayStep(sub, failed, "invoice.payment_failed"))
	}
	if !st.cancel.IsZero() && st.cancel.Before(end) {
		sub.Status, sub.PeriodEnd = "canceled", st.cancel
		s.past.add(id, activity.Cancel, st.cancel)
		plan = append(plan, s.replayStep(sub, st.cancel, "customer.subscription.deleted"))
	}
	return plan
}

// replayStep is a step that replays sub's events at at.
func (s *seeder) replayStep(sub stripemock.Sub, at time.Time, types ...string) seedStep {
	return seedStep{at: at, do: func(ctx context.Context) error { return s.replay(ctx, sub, at, types...) }}
}

// seedWebhookSecret signs the seed's replayed events; only the seed's own
// membership service knows it.
const seedWebhookSecret = "whsec_demo_seed"

// replay sends a subscription's events to the webhook handler as Stripe
// would, each created at at plus a second per event before it.
func (s *seeder) replay(ctx context.Context, sub stripemock.Sub, at time.Time, types ...string) error {
	for n, typ := range types {
		var obj any = sub.Object()
		if typ == "invoice.paid" || typ == "invoice.payment_failed" {
			inv := stripemock.Invoice{ID: "in_" + sub.ID + typ, Subscription: sub.ID, Customer: sub.Customer, Account: sub.Account,
				Price: sub.Price, AmountPaid: sub.Amount, PeriodEnd: sub.PeriodEnd}
			if typ == "invoice.payment_failed" {
				inv.AmountPaid = 0
			}
			obj = inv.Object()
		}
		id := fmt.Sprintf("evt_demo_%s_%s_%d", sub.ID, typ, at.Unix())
		body, sig, err := stripemock.Signed(seedWebhookSecret, id, typ, at.Add(time.Duration(n)*time.Second), obj, stripe.APIVersion)
		if err != nil {
			return err
		}
		if _, err := s.ms.HandleWebhook(ctx, body, sig); err != nil {
			return fmt.Errorf("seed: %s for %s: %w", typ, sub.Account, err)
		}
	}
	return nil
}
