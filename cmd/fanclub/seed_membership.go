package main

import (
	"context"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v76"

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

// memberships gives the premium people their tier the ways a real club
// would: most pay monthly or yearly, two are in their trial, one's card
// failed three days ago (inside the grace period), three were given it
// (comps and a gift) and one is a patron. Two free people subscribed
// and cancelled. Payments are Stripe's webhook events, signed and
// replayed through the same handler Stripe's deliveries reach.
func (s *seeder) memberships(ctx context.Context) error {
	for _, t := range demoTiers {
		if err := s.ms.SeedTier(ctx, t); err != nil {
			return err
		}
	}
	end := s.clock.end
	var premium []int
	for i, p := range s.people {
		if p.HasTier(premiumTier) {
			premium = append(premium, i)
		}
	}
	grants := []membership.CompInput{
		{Tier: premiumTier, Reason: "Brand ambassador"},
		{Tier: premiumTier, Reason: "Barista partner, for the season", Until: end.AddDate(0, 3, 0).Format("2006-01-02")},
		{Tier: premiumTier, Gift: true, Reason: "Latte art contest winner", Until: end.AddDate(0, 1, 0).Format("2006-01-02")},
		{Tier: "patron", Reason: "Roastery partner"},
	}
	for k, i := range premium {
		p := s.people[i].Account
		sub := stripemock.Sub{ID: fmt.Sprintf("sub_demo_%02d", i), Customer: fmt.Sprintf("cus_demo_%02d", i), Account: string(p.ID),
			Price: "price_demo_premium_month", Amount: 9900, Start: s.clock.t}
		switch {
		case k < 10: // paying: a month (or a year) from the day they joined
			if k >= 7 {
				sub.Price, sub.Amount, sub.Interval = "price_demo_premium_year", 99000, "year"
			}
			sub.PeriodEnd = periodEnd(sub.Start, sub.Interval)
			if err := s.replay(ctx, sub, "customer.subscription.created", "invoice.paid"); err != nil {
				return err
			}
		case k < 12: // in the trial, started two days ago
			sub.Status, sub.Start = "trialing", end.Add(-48*time.Hour)
			sub.TrialEnd, sub.PeriodEnd = sub.Start.AddDate(0, 0, 7), sub.Start.AddDate(0, 0, 7)
			if err := s.replay(ctx, sub, "customer.subscription.created"); err != nil {
				return err
			}
		case k == 12: // paid, then the renewal failed three days ago
			sub.Start = end.AddDate(0, -1, -3)
			sub.PeriodEnd = periodEnd(sub.Start, "month")
			if err := s.replay(ctx, sub, "customer.subscription.created", "invoice.paid"); err != nil {
				return err
			}
			sub.Start = end.Add(-72 * time.Hour)
			if err := s.replay(ctx, sub, "invoice.payment_failed"); err != nil {
				return err
			}
		default: // given by the admin
			g := grants[(k-13)%len(grants)]
			g.Email = p.Email
			if _, _, err := s.ms.GrantComp(ctx, s.admin.Account, g, s.au.AccountByEmail, time.UTC); err != nil {
				return fmt.Errorf("seed: comp for %s: %w", p.Email, err)
			}
		}
	}
	for _, i := range []int{1, 4} { // subscribed on the first day, cancelled on the twelfth
		p := s.people[i].Account
		sub := stripemock.Sub{ID: fmt.Sprintf("sub_demo_%02d", i), Customer: fmt.Sprintf("cus_demo_%02d", i), Account: string(p.ID),
			Price: "price_demo_premium_month", Amount: 9900, Start: s.clock.t, PeriodEnd: periodEnd(s.clock.t, "month")}
		if err := s.replay(ctx, sub, "customer.subscription.created", "invoice.paid"); err != nil {
			return err
		}
		sub.Status, sub.Start, sub.PeriodEnd = "canceled", s.clock.t.AddDate(0, 0, 11), s.clock.t.AddDate(0, 0, 11)
		if err := s.replay(ctx, sub, "customer.subscription.deleted"); err != nil {
			return err
		}
	}
	return nil
}

func periodEnd(start time.Time, interval string) time.Time {
	if interval == "year" {
		return start.AddDate(1, 0, 0)
	}
	return start.AddDate(0, 1, 0)
}

// seedWebhookSecret signs the seed's replayed events; only the seed's own
// membership service knows it.
const seedWebhookSecret = "whsec_demo_seed"

// replay sends a subscription's events to the webhook handler as Stripe
// would, each created at sub.Start plus a second per event.
func (s *seeder) replay(ctx context.Context, sub stripemock.Sub, types ...string) error {
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
		id := fmt.Sprintf("evt_demo_%s_%s_%d", sub.ID, typ, sub.Start.Unix())
		body, sig, err := stripemock.Signed(seedWebhookSecret, id, typ, sub.Start.Add(time.Duration(n)*time.Second), obj, stripe.APIVersion)
		if err != nil {
			return err
		}
		if _, err := s.ms.HandleWebhook(ctx, body, sig); err != nil {
			return fmt.Errorf("seed: %s for %s: %w", typ, sub.Account, err)
		}
	}
	return nil
}
