package loyalty

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// NoticeBefore is how long before points expire their owner is told.
const NoticeBefore = 14 * 24 * time.Hour

// Expire takes away the points whose time has come, oldest month first,
// and tells each member once of points expiring within NoticeBefore. It
// reads every balance (one scan a day: a balance is small, one per
// member who ever earned) and writes only for the members concerned.
// The expiry of a month is a ledger entry ("expire:<account>:<month>"),
// so a run repeated, or two instances at once, takes them once; cmd
// runs it under a lease as well.
func (s *Service) Expire(ctx context.Context) (expired int, err error) {
	rules, err := s.Rules(ctx)
	if err != nil {
		return 0, err
	}
	cur, err := s.balances.Find(ctx, bson.M{})
	if err != nil {
		return 0, err
	}
	var all []balanceDoc
	if err := cur.All(ctx, &all); err != nil {
		return 0, err
	}
	at := s.moment(ctx)
	for _, b := range all {
		if len(due(b, rules.ExpiryMonths, at)) > 0 {
			ok, err := s.expireFor(ctx, b.Account, rules.ExpiryMonths)
			if err != nil {
				return expired, err
			}
			if ok {
				expired++
			}
		}
		if err := s.warnOfExpiry(ctx, b, rules.ExpiryMonths, at); err != nil {
			return expired, err
		}
	}
	return expired, nil
}

// LastDay is the calendar day before the instant at (midnight in loc)
// when points expire, as a date at midnight UTC: the last day they can
// be spent, shown the same in every zone.
func LastDay(at time.Time, loc *time.Location) time.Time {
	y, m, d := at.In(loc).Add(-time.Second).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// due lists the months of b whose points have expired by at and are
// not yet taken, oldest first.
func due(b balanceDoc, months int, at moveAt) []string {
	var out []string
	for m := range b.Earned {
		if l := b.lapseOf(m, months, at.loc); m > b.ExpiredThrough && !l.IsZero() && !l.After(at.now) {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out
}

// expireFor expires an account's due months in one movement: an entry
// for each month that still held points.
func (s *Service) expireFor(ctx context.Context, account auth.AccountID, months int) (bool, error) {
	return s.apply(ctx, account, func(b *balanceDoc, at moveAt, done map[string]bool) ([]*Entry, error) {
		var entries []*Entry
		owed := b.spent() - earnedThrough(*b, b.ExpiredThrough)
		for _, m := range due(*b, months, at) {
			left := b.Earned[m] - max(owed, 0)
			owed -= b.Earned[m]
			b.ExpiredThrough = m
			id := fmt.Sprintf("expire:%s:%s", account, m)
			if left <= 0 || done[id] {
				continue
			}
			owed += left
			b.Balance -= left
			b.Expired += left
			entries = append(entries, &Entry{ID: id, Account: account, Reason: ReasonExpire, Points: -left, Month: m})
		}
		if len(entries) == 0 {
			return nil, errSkip // nothing left in those months; ExpiredThrough moves with the next movement
		}
		return entries, nil
	})
}

// warnOfExpiry tells the member, once per month of earnings, that points
// expire within NoticeBefore.
func (s *Service) warnOfExpiry(ctx context.Context, b balanceDoc, months int, at moveAt) error {
	for _, e := range expiring(b, months, at) {
		if e.At.Sub(at.now) > NoticeBefore {
			break // soonest first
		}
		if !e.At.After(at.now) {
			continue // expires with the next run
		}
		if err := s.d.Community.NotifyPointsExpiring(ctx, b.Account, e.Points, LastDay(e.At, at.loc)); err != nil {
			return err
		}
	}
	return nil
}
