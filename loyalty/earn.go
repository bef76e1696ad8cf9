package loyalty

import (
	"context"
	"errors"
	"fmt"
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

// An award taken back and given back again (a post a moderator hid,
// then restored) moves through rounds, each an entry whose id says
// which: undo:<award>, redo:<award>, undo:<award>#2, redo:<award>#2…,
// so each step happens once however often it is asked.
const maxRounds = 10

func roundID(step, award string, round int) string {
	if round == 1 {
		return step + ":" + award
	}
	return fmt.Sprintf("%s:%s#%d", step, award, round)
}

// rounds reads how often an award was taken back and given back, a
// round (its undo and redo ids) at a time: an unvote, whose award was
// never taken back, costs one lookup of two ids, not of every round's.
func (s *Service) rounds(ctx context.Context, award string) (undone, redone int, err error) {
	for r := 1; r <= maxRounds; r++ {
		undo, redo := roundID("undo", award, r), roundID("redo", award, r)
		cur, err := s.ledger.Find(ctx, bson.M{"_id": bson.M{"$in": bson.A{undo, redo}}})
		if err != nil {
			return 0, 0, err
		}
		var es []Entry
		if err := cur.All(ctx, &es); err != nil {
			return 0, 0, err
		}
		for _, e := range es {
			if e.ID == undo {
				undone = r
			} else if e.ID == redo {
				redone = r
			}
		}
		if redone < r { // this round is not over: none after it
			return undone, redone, nil
		}
	}
	return undone, redone, nil
}

// ownAward reads the award a deed earned, if it is account's and came
// from the deed's source.
func (s *Service) ownAward(ctx context.Context, account auth.AccountID, d Deed) (Entry, bool, error) {
	var award Entry
	err := s.ledger.FindOne(ctx, bson.M{"_id": awardID(d.Earning, d.Thing)}).Decode(&award)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return award, false, nil // it earned nothing: the programme was off, or the cap reached
	} else if err != nil {
		return award, false, err
	}
	if award.Account != account || (award.Source != "" && award.Source != d.Source) {
		return award, false, nil // another's award, or not the thing that earned it
	}
	return award, true, nil
}

// Unaward takes back what a deed earned, once, if it earned anything:
// its thing was deleted, removed or withdrawn.
func (s *Service) Unaward(ctx context.Context, account auth.AccountID, d Deed) (bool, error) {
	award, ok, err := s.ownAward(ctx, account, d)
	if err != nil || !ok {
		return false, err
	}
	undone, redone, err := s.rounds(ctx, award.ID)
	if err != nil || undone > redone || undone >= maxRounds {
		return false, err // taken back already
	}
	return s.round(ctx, award, roundID("undo", award.ID, undone+1), ReasonUndo, -1)
}

// Reaward gives back, once, what a deed earned and Unaward took back: a
// post or comment a moderator restored. Votes are not given back (an
// unvote and a vote again earns nothing more).
func (s *Service) Reaward(ctx context.Context, account auth.AccountID, d Deed) (bool, error) {
	award, ok, err := s.ownAward(ctx, account, d)
	if err != nil || !ok {
		return false, err
	}
	undone, redone, err := s.rounds(ctx, award.ID)
	if err != nil || undone != redone+1 {
		return false, err // not taken back, or given back already
	}
	return s.round(ctx, award, roundID("redo", award.ID, redone+1), ReasonRedo, 1)
}

// round takes back (sign -1) or gives back (1) award's points under id,
// in the award's month: nothing of a month whose points have expired,
// or it would take (or give) them twice.
func (s *Service) round(ctx context.Context, award Entry, id string, reason Reason, sign int64) (bool, error) {
	return s.apply(ctx, award.Account, func(b *balanceDoc, _ moveAt, done map[string]bool) ([]*Entry, error) {
		if done[id] {
			return nil, nil
		}
		points := sign * award.Points
		if award.Month <= b.ExpiredThrough {
			points = 0
		}
		b.credit(award.Month, points)
		return []*Entry{{ID: id, Account: award.Account, Reason: reason, Thing: award.ID, Points: points, Month: award.Month}}, nil
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

// Reearn gives back what a deed earned and Unearn took back.
func (s *Service) Reearn(ctx context.Context, account auth.AccountID, d community.Deed) {
	if _, err := s.Reaward(ctx, account, Deed{Earning: Earning(d.What), Thing: d.Thing, Source: d.Source}); err != nil {
		s.log.ErrorContext(ctx, "points given back failed", "account", account, "what", d.What, "thing", d.Thing, "err", err)
	}
}

// Unearn takes back what a deed earned.
func (s *Service) Unearn(ctx context.Context, account auth.AccountID, d community.Deed) {
	if _, err := s.Unaward(ctx, account, Deed{Earning: Earning(d.What), Thing: d.Thing, Source: d.Source}); err != nil {
		s.log.ErrorContext(ctx, "points reversal failed", "account", account, "what", d.What, "thing", d.Thing, "err", err)
	}
}
