package membership

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
)

// Source is why an account holds its tier.
type Source string

const (
	SourceNone  Source = ""      // free
	SourcePaid  Source = "paid"  // an active subscription
	SourceTrial Source = "trial" // a subscription in its trial
	SourceGrace Source = "grace" // a past-due subscription inside the grace period
	SourceComp  Source = "comp"  // granted by an admin
	SourceGift  Source = "gift"  // granted by an admin, as a gift
	// SourceReward: days of a tier redeemed with loyalty points.
	SourceReward Source = "reward"
	// SourceGrade: a tier the member's loyalty grade includes.
	SourceGrade Source = "grade"
)

// Entitlement is what an account may access now: the one answer every
// gate asks for.
type Entitlement struct {
	Tier   Tier      // Free when none
	Source Source    // why
	Until  time.Time // when it ends unless renewed; zero for a comp with no end
	// Renews says a paid subscription will renew at Until (it is not
	// set to cancel at the end of the period).
	Renews bool
	// Billing says the account has a subscription Stripe still bills or
	// could bill (trialing, active, past due, unpaid or incomplete),
	// whichever tier it gives: such an account manages it in the Portal
	// rather than buying a second one.
	Billing bool
}

// Premium reports whether the account holds any tier above free.
func (e Entitlement) Premium() bool { return e.Tier.Rank > 0 }

// Covers reports whether the entitlement includes tier key: the tier
// held or any ranked below it. The empty key (no tier needed) is always
// covered.
func (e Entitlement) Covers(all []Tier, key string) bool {
	if key == "" {
		return true
	}
	for _, t := range all {
		if t.Key == key {
			return e.Tier.Rank > 0 && t.Rank <= e.Tier.Rank
		}
	}
	return false // a tier nobody defined is held by nobody
}

// Covered lists the keys of every tier the entitlement includes.
func (e Entitlement) Covered(all []Tier) []string {
	var keys []string
	for _, t := range all {
		if e.Tier.Rank > 0 && t.Rank <= e.Tier.Rank {
			keys = append(keys, t.Key)
		}
	}
	return keys
}

// entitle decides an account's entitlement at now from its
// subscriptions and comp. It is pure so a table test covers every
// combination. The highest tier wins; at equal rank a paid source wins
// over a comp, so the page offers the Portal.
func entitle(now time.Time, grace time.Duration, all []Tier, subs []Subscription, comp *Comp) Entitlement {
	var best Entitlement
	consider := func(e Entitlement) {
		if e.Tier.Rank > best.Tier.Rank {
			best = e
		}
	}
	billing := false
	for _, sub := range subs {
		billing = billing || sub.billing()
		t, ok := tierByKey(all, sub.Tier)
		if !ok {
			continue
		}
		switch sub.Status {
		case StatusTrialing:
			until := sub.TrialEnd
			if until.IsZero() {
				until = sub.PeriodEnd
			}
			if until.After(now) {
				consider(Entitlement{Tier: t, Source: SourceTrial, Until: until, Renews: !sub.CancelAtPeriodEnd})
			}
		case StatusActive:
			if sub.CancelAtPeriodEnd && !sub.PeriodEnd.IsZero() && !sub.PeriodEnd.After(now) {
				continue // Stripe ended it then; its .deleted event may still be on the way
			}
			consider(Entitlement{Tier: t, Source: SourcePaid, Until: sub.PeriodEnd, Renews: !sub.CancelAtPeriodEnd})
		case StatusPastDue:
			if until := sub.PastDueSince.Add(grace); until.After(now) {
				consider(Entitlement{Tier: t, Source: SourceGrace, Until: until})
			}
		}
	}
	if comp != nil && (comp.Until.IsZero() || comp.Until.After(now)) {
		if t, ok := tierByKey(all, comp.Tier); ok {
			src := SourceComp
			if comp.Gift {
				src = SourceGift
			}
			consider(Entitlement{Tier: t, Source: src, Until: comp.Until})
		}
	}
	if best.Tier.Rank == 0 {
		best.Tier = Free
	}
	best.Billing = billing
	return best
}

func tierByKey(all []Tier, key string) (Tier, bool) {
	for _, t := range all {
		if t.Key == key {
			return t, true
		}
	}
	return Tier{}, false
}

// Entitlement returns what the account may access now.
func (s *Service) Entitlement(ctx context.Context, id auth.AccountID) (Entitlement, error) {
	if id == "" {
		return Entitlement{Tier: Free}, nil
	}
	m, err := s.Entitlements(ctx, []auth.AccountID{id})
	if err != nil {
		return Entitlement{}, err
	}
	return m[id], nil
}

// Entitlements returns the entitlement of each account, by _id lookups
// only (see holderDoc): the account's subscription ids, each
// subscription, its comp and its reward pass. Accounts with nothing are Free.
func (s *Service) Entitlements(ctx context.Context, ids []auth.AccountID) (map[auth.AccountID]Entitlement, error) {
	out := make(map[auth.AccountID]Entitlement, len(ids))
	all, err := s.Tiers(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, id := range ids {
		if len(all) == 0 { // no tier to hold: nothing to look up
			out[id] = Entitlement{Tier: Free}
			continue
		}
		subs, err := s.SubscriptionsOf(ctx, id)
		if err != nil {
			return nil, err
		}
		var comp *Comp
		var c Comp
		err = s.comps.FindOne(ctx, bson.M{"_id": id}).Decode(&c)
		if err == nil {
			comp = &c
		} else if !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, err
		}
		pass, err := s.findPass(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = pass.entitle(now, all, entitle(now, s.cfg.Grace, all, subs, comp))
	}
	return out, nil
}
