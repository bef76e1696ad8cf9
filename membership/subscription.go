package membership

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Status is a Stripe subscription's status, as Stripe names it.
type Status string

const (
	StatusIncomplete        Status = "incomplete"
	StatusIncompleteExpired Status = "incomplete_expired"
	StatusTrialing          Status = "trialing"
	StatusActive            Status = "active"
	StatusPastDue           Status = "past_due"
	StatusUnpaid            Status = "unpaid"
	StatusCanceled          Status = "canceled"
	StatusPaused            Status = "paused"
)

// Subscription is what the site knows of one Stripe subscription: the
// fields the entitlement and the subscribers list need, and the created
// time of the last event applied to it.
type Subscription struct {
	ID                string         `bson:"_id"` // Stripe's sub_…
	Account           auth.AccountID `bson:"account"`
	Customer          string         `bson:"customer"`
	Tier              string         `bson:"tier"`
	Price             string         `bson:"price"`
	Status            Status         `bson:"status"`
	MonthlyAmount     int64          `bson:"monthlyAmount"` // the price spread over a month, smallest unit
	Currency          string         `bson:"currency"`
	PeriodEnd         time.Time      `bson:"periodEnd,omitempty"`
	TrialEnd          time.Time      `bson:"trialEnd,omitempty"`
	CancelAtPeriodEnd bool           `bson:"cancelAtPeriodEnd"`
	PastDueSince      time.Time      `bson:"pastDueSince,omitempty"` // when the first failed payment was heard of (past due, then unpaid)
	StartedAt         time.Time      `bson:"startedAt,omitempty"`
	CanceledAt        time.Time      `bson:"canceledAt,omitempty"`
	// LastEvent is the created time (Unix seconds) of the last Stripe
	// event applied, and LastEventID its id: an older event is ignored.
	LastEvent   int64     `bson:"lastEvent"`
	LastEventID string    `bson:"lastEventId"`
	UpdatedAt   time.Time `bson:"updatedAt"`
}

// billing reports whether Stripe still bills, or may bill, the
// subscription.
func (s Subscription) billing() bool {
	switch s.Status {
	case StatusTrialing, StatusActive, StatusPastDue, StatusUnpaid, StatusIncomplete, StatusPaused:
		return true
	}
	return false
}

// change is one event's effect on a subscription: it edits the stored
// state in place (zero value for a subscription seen first) and says
// whether to store the result.
type change struct {
	sub     string // the subscription's id
	event   string // the Stripe event's id
	created int64  // the event's created time
	// first is set for customer.subscription.created, which is always
	// a subscription's first event: at an equal created second it never
	// overwrites what a sibling event stored.
	first bool
	apply func(*Subscription) bool
}

// errRaced is returned when the state kept changing under us; the
// webhook answers 500 and Stripe retries.
var errRaced = errors.New("membership: subscription kept changing while being updated")

// applied is what applyChange did with an event.
type applied int

const (
	stale   applied = iota // a newer event has spoken, or the change stores nothing
	stored                 // stored now
	already                // stored by an earlier delivery of the same event
)

// applyChange stores an event's effect unless a newer (or the same)
// event already did. It reads, edits and writes back only if the stored
// document is still the one read (compared by its last event id), so
// concurrent deliveries of one or several events never lose an update.
// With stored or already, it returns the subscription as stored: this
// event's state, whose side effects (a mail) a retry must still see to.
func (s *Service) applyChange(ctx context.Context, c change) (_ Subscription, did applied, err error) {
	release := s.writingSubscriptions()
	defer func() {
		// Whichever write stored it, the figures' memory follows; after an
		// error the write may have landed all the same (a timeout), and a
		// redelivery would find it "already" stored and refresh nothing.
		if did == stored || err != nil {
			s.subscriptionChanged(ctx, c.sub)
		}
		release()
	}()
	for range 20 {
		var cur Subscription
		err = s.subs.FindOne(ctx, bson.M{"_id": c.sub}).Decode(&cur)
		fresh := errors.Is(err, mongo.ErrNoDocuments)
		if err != nil && !fresh {
			return Subscription{}, stale, err
		}
		if !fresh {
			switch {
			case cur.LastEventID == c.event:
				return cur, already, nil // a replay, or a concurrent delivery
			case c.created < cur.LastEvent, c.created == cur.LastEvent && c.first:
				return Subscription{}, stale, nil // out of order: a newer event has spoken
			case cur.Status == StatusCanceled:
				return Subscription{}, stale, nil // cancelled is final in Stripe: nothing revives it
			}
		}
		next := cur
		next.ID = c.sub
		if !c.apply(&next) {
			return Subscription{}, stale, nil
		}
		next.LastEvent, next.LastEventID, next.UpdatedAt = c.created, c.event, s.now()
		if err := s.subscriptionsStale(ctx); err != nil {
			return Subscription{}, stale, err
		}
		if fresh {
			_, err = s.subs.InsertOne(ctx, next)
			if mongo.IsDuplicateKeyError(err) {
				continue // another delivery stored it first: read again
			}
			if err != nil {
				return Subscription{}, stale, err
			}
			s.engaged(ctx, Subscription{}, next)
			return next, stored, nil
		}
		res, err := s.subs.ReplaceOne(ctx, bson.M{"_id": c.sub, "lastEventId": cur.LastEventID}, next)
		if err != nil {
			return Subscription{}, stale, err
		}
		if res.MatchedCount == 1 {
			s.engaged(ctx, cur, next)
			return next, stored, nil
		}
	}
	return Subscription{}, stale, fmt.Errorf("%w: %s", errRaced, c.sub)
}

// holderDoc lists an account's subscriptions, so that every request's
// entitlement is found by _id lookups alone: the embedded server reads a
// whole collection for any other query (210 ms with 2,000 subscriptions
// against under 1 ms by _id; see bench/README.md). Ids are only ever
// added, so concurrent and out-of-order events cannot undo one another.
type holderDoc struct {
	Account auth.AccountID `bson:"_id"`
	Subs    []string       `bson:"subs"`
}

// hold records that the subscription belongs to the account. It runs
// before the subscription is stored, so a subscription is never stored
// without its account knowing of it.
func (s *Service) hold(ctx context.Context, id auth.AccountID, sub string) error {
	_, err := s.holders.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$addToSet": bson.M{"subs": sub}}, options.Update().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) { // a concurrent first upsert: now it exists
		_, err = s.holders.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$addToSet": bson.M{"subs": sub}})
	}
	return err
}

// SubscriptionsOf returns an account's subscriptions, newest first.
func (s *Service) SubscriptionsOf(ctx context.Context, id auth.AccountID) ([]Subscription, error) {
	var h holderDoc
	err := s.holders.FindOne(ctx, bson.M{"_id": id}).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	list := make([]Subscription, 0, len(h.Subs))
	for _, sid := range h.Subs {
		var sub Subscription
		err := s.subs.FindOne(ctx, bson.M{"_id": sid}).Decode(&sub)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // held, then never stored: the event was ignored or failed
		} else if err != nil {
			return nil, err
		}
		if sub.Account == id {
			list = append(list, sub)
		}
	}
	sortSubs(list)
	return list, nil
}
