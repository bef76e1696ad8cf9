package loyalty

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
	"fanclub/community"
)

// awardID is the ledger _id of an award: the earning and the thing, so
// each thing earns once.
func awardID(e Earning, thing string) string { return string(e) + ":" + thing }

// undoID is the ledger _id of an award's reversal.
func undoID(award string) string { return "undo:" + award }

// expiry is when points earned in month expire under rules: the end of
// the month ExpiryMonths after it; zero for never.
func expiry(month string, months int, loc *time.Location) time.Time {
	if months <= 0 {
		return time.Time{}
	}
	m, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		return time.Time{}
	}
	return m.AddDate(0, months+1, 0)
}

// Deed is one thing done that may earn points: what kind, and the thing
// (a post's id, an idea and a voter…) that makes its award once.
type Deed struct {
	Earning Earning
	Thing   string
	// Source, if set, is what taking back undoes the award: the post of
	// a first post in a group (whose Thing is the group and member).
	Source string
}

// Award gives account the points the rules give each deed, in one
// movement, leaving out a deed whose thing earned before, whose daily
// cap is reached, or that the rules give nothing (the programme is off).
// It reports whether it awarded anything.
func (s *Service) Award(ctx context.Context, account auth.AccountID, deeds ...Deed) (bool, error) {
	if account == "" || len(deeds) == 0 {
		return false, nil
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return false, err
	}
	if !slices.ContainsFunc(deeds, func(d Deed) bool { return rules.Rule(d.Earning).Points > 0 }) {
		return false, nil // no read, no write: the programme is off, or these earn nothing
	}
	var was, now string // the grade before and after
	moved, err := s.apply(ctx, account, func(b *balanceDoc, at moveAt, done map[string]bool) ([]*Entry, error) {
		var entries []*Entry
		was = b.Grade
		for _, d := range deeds {
			rule := rules.Rule(d.Earning)
			id := awardID(d.Earning, d.Thing)
			if rule.Points <= 0 || done[id] || (rule.Cap > 0 && b.Today[d.Earning] >= rule.Cap) {
				continue
			}
			b.Today[d.Earning]++
			expires := b.earn(at, rules, int64(rule.Points))
			entries = append(entries, &Entry{ID: id, Account: account, Reason: Reason(d.Earning), Thing: d.Thing,
				Source: d.Source, Points: int64(rule.Points), Month: at.month, Expires: expires})
		}
		if len(entries) > 0 {
			if e := promote(b, at, rules, done); e != nil {
				entries = append(entries, e)
			}
		}
		now = b.Grade
		return entries, nil
	})
	if moved && was != now {
		err = errors.Join(err, s.gradeTier(ctx, account, rules, now))
	}
	return moved, err
}

// Unaward takes back what a deed earned, once, if it earned anything:
// its thing was deleted, removed or withdrawn.
func (s *Service) Unaward(ctx context.Context, account auth.AccountID, d Deed) (bool, error) {
	var award Entry
	err := s.ledger.FindOne(ctx, bson.M{"_id": awardID(d.Earning, d.Thing)}).Decode(&award)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil // it earned nothing: the programme was off, or the cap reached
	} else if err != nil {
		return false, err
	}
	if award.Account != account || (award.Source != "" && award.Source != d.Source) {
		return false, nil // another's award, or not the thing that earned it
	}
	return s.apply(ctx, account, func(b *balanceDoc, _ moveAt, done map[string]bool) ([]*Entry, error) {
		id := undoID(award.ID)
		if done[id] {
			return nil, nil
		}
		points := award.Points
		if award.Month <= b.ExpiredThrough {
			points = 0 // they expired, or were spent, already: taking them again would take them twice
		}
		b.credit(award.Month, -points)
		return []*Entry{{ID: id, Account: account, Reason: ReasonUndo, Thing: award.ID, Points: -points, Month: award.Month}}, nil
	})
}

// Earn and Unearn are how community tells the programme what its
// members did (community.Points): an error is logged, never the
// action's.

// Earn awards the deeds.
func (s *Service) Earn(ctx context.Context, account auth.AccountID, deeds ...community.Deed) {
	ds := make([]Deed, len(deeds))
	for i, d := range deeds {
		ds[i] = Deed{Earning: Earning(d.What), Thing: d.Thing, Source: d.Source}
	}
	if _, err := s.Award(ctx, account, ds...); err != nil {
		s.log.ErrorContext(ctx, "points award failed", "account", account, "deeds", deeds, "err", err)
	}
	if err := s.tookPart(ctx, account, ds); err != nil {
		s.log.ErrorContext(ctx, "referral check failed", "account", account, "err", err)
	}
}

// Unearn takes back what a deed earned.
func (s *Service) Unearn(ctx context.Context, account auth.AccountID, d community.Deed) {
	if _, err := s.Unaward(ctx, account, Deed{Earning: Earning(d.What), Thing: d.Thing, Source: d.Source}); err != nil {
		s.log.ErrorContext(ctx, "points reversal failed", "account", account, "what", d.What, "thing", d.Thing, "err", err)
	}
}
