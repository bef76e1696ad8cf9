package membership

import (
	"context"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Subscriber is one row of the admin's list: a subscription, or a comp.
type Subscriber struct {
	Account      auth.AccountID
	Tier         string
	Source       Source // paid, trial, grace or "" (lapsed) for a subscription; comp or gift
	Status       Status // Stripe's status; "" for a comp
	Date         time.Time
	Renews       bool   // Date is a renewal (else the end, or zero for none)
	Subscription string // Stripe's id, "" for a comp
	Reason       string // a comp's reason
}

// SubscriberFilter narrows the list; "" matches all.
type SubscriberFilter struct {
	Tier   string
	Status string // a Stripe status, or "comp"
}

// Stats sum up the subscriptions.
type Stats struct {
	MRR       map[string]int64 // per currency: active subscriptions' prices spread over a month
	New       int              // subscriptions started this month
	Cancelled int              // subscriptions ended this month
	PastDue   int
}

// maxSubscribers bounds what the list reads at once.
const maxSubscribers = 5000

// Subscribers lists subscriptions and comps (newest first) with the
// month's figures; the month is loc's. Staff only.
func (s *Service) Subscribers(ctx context.Context, a auth.Account, f SubscriberFilter, loc *time.Location) ([]Subscriber, Stats, error) {
	if err := requireStaff(a); err != nil {
		return nil, Stats{}, err
	}
	cur, err := s.subs.Find(ctx, bson.M{}, options.Find().SetLimit(maxSubscribers))
	if err != nil {
		return nil, Stats{}, err
	}
	var subs []Subscription
	if err := cur.All(ctx, &subs); err != nil {
		return nil, Stats{}, err
	}
	sortSubs(subs)
	cur, err = s.comps.Find(ctx, bson.M{}, options.Find().SetLimit(maxSubscribers))
	if err != nil {
		return nil, Stats{}, err
	}
	var comps []Comp
	if err := cur.All(ctx, &comps); err != nil {
		return nil, Stats{}, err
	}
	sort.Slice(comps, func(i, j int) bool { return comps[i].At.After(comps[j].At) })
	all, err := s.Tiers(ctx)
	if err != nil {
		return nil, Stats{}, err
	}

	now := s.now()
	y, m, _ := now.In(loc).Date()
	month := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	st := Stats{MRR: map[string]int64{}}
	var rows []Subscriber
	for _, sub := range subs {
		switch {
		case sub.Status == StatusActive:
			st.MRR[sub.Currency] += sub.MonthlyAmount
		case sub.Status == StatusPastDue:
			st.PastDue++
		}
		if !sub.StartedAt.Before(month) {
			st.New++
		}
		if sub.Status == StatusCanceled && !sub.CanceledAt.Before(month) {
			st.Cancelled++
		}
		if (f.Tier != "" && sub.Tier != f.Tier) || (f.Status != "" && string(sub.Status) != f.Status) {
			continue
		}
		e := entitle(now, s.cfg.Grace, all, []Subscription{sub}, nil)
		row := Subscriber{Account: sub.Account, Tier: sub.Tier, Source: e.Source, Status: sub.Status,
			Subscription: sub.ID, Date: e.Until, Renews: e.Renews}
		if sub.Status == StatusCanceled {
			row.Date = sub.CanceledAt
		}
		rows = append(rows, row)
	}
	for _, c := range comps {
		if (f.Tier != "" && c.Tier != f.Tier) || (f.Status != "" && f.Status != "comp") {
			continue
		}
		src := SourceComp
		if c.Gift {
			src = SourceGift
		}
		if !c.Until.IsZero() && !c.Until.After(now) {
			src = SourceNone // ended
		}
		rows = append(rows, Subscriber{Account: c.Account, Tier: c.Tier, Source: src, Date: c.Until, Reason: c.Reason})
	}
	return rows, st, nil
}

func sortSubs(list []Subscription) {
	sort.Slice(list, func(i, j int) bool {
		if !list[i].StartedAt.Equal(list[j].StartedAt) {
			return list[i].StartedAt.After(list[j].StartedAt)
		}
		return list[i].ID < list[j].ID
	})
}
