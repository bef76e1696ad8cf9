package loyalty

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"fanclub/auth"
)

// Spend takes price points from account's balance for thing, recorded
// under the ledger _id id ("redeem:<redemption>"), if the balance
// covers it: ErrShortOfPoints otherwise, and nothing moves. Spent with
// the same id twice, it takes them once and reports false the second
// time.
func (s *Service) Spend(ctx context.Context, account auth.AccountID, id, thing string, price int64) (bool, error) {
	if price <= 0 {
		return false, ValidationError{"price": "loyalty.error.price"}
	}
	spent, err := s.apply(ctx, account, func(b *balanceDoc, _ moveAt, done map[string]bool) ([]*Entry, error) {
		if done[id] {
			return nil, nil
		}
		if b.Balance < price {
			return nil, ErrShortOfPoints
		}
		b.Balance -= price
		b.Redeemed += price
		return []*Entry{{ID: id, Account: account, Reason: ReasonRedeem, Thing: thing, Points: -price}}, nil
	})
	if errors.Is(err, ErrShortOfPoints) {
		if e, ferr := s.entry(ctx, id); ferr == nil && e.Account == account {
			return false, nil // spent before, by the same submit: the balance is short because of it
		}
	}
	return spent, err
}

// Refund gives back what Spend took under id, once: a redemption that
// could not be completed (sold out, a code pool empty, a step failed).
// Nothing was spent under id: it reports false.
func (s *Service) Refund(ctx context.Context, account auth.AccountID, id string) (bool, error) {
	spent, err := s.entry(ctx, id)
	if err != nil || spent.Account != account || spent.Reason != ReasonRedeem {
		return false, ignoreNotFound(err)
	}
	return s.apply(ctx, account, func(b *balanceDoc, _ moveAt, done map[string]bool) ([]*Entry, error) {
		rid := "refund:" + id
		if done[rid] {
			return nil, nil
		}
		b.Balance -= spent.Points // spent.Points is negative
		b.Redeemed += spent.Points
		return []*Entry{{ID: rid, Account: account, Reason: ReasonRefund, Thing: id, Points: -spent.Points}}, nil
	})
}

// AdjustInput is a manual adjustment as an admin typed it.
type AdjustInput struct {
	Points string // signed whole number, not 0
	Note   string // why: required, shown to the member
}

// MaxNote is the longest reason an admin may give.
const MaxNote = 300

// Adjust adds (or, negative, takes away) points on an admin's word, with
// a reason: the ledger keeps who and why. id makes a double submit move
// points once (the form's token). Points added expire as earned ones do.
func (s *Service) Adjust(ctx context.Context, a auth.Account, account auth.AccountID, id string, in AdjustInput) (Entry, error) {
	if !isStaff(a) {
		return Entry{}, ErrForbidden
	}
	v := ValidationError{}
	points, ok := signedNumber(in.Points, MaxPoints)
	if !ok || points == 0 {
		v["points"] = "loyalty.error.adjust_points"
	}
	note := strings.TrimSpace(in.Note)
	if note == "" || utf8.RuneCountInString(note) > MaxNote {
		v["note"] = "loyalty.error.note"
	}
	if id == "" || len(id) > 64 {
		v["token"] = "loyalty.error.token"
	}
	if err := v.OrNil(); err != nil {
		return Entry{}, err
	}
	if _, err := s.d.Accounts.AccountByID(ctx, account); err != nil {
		return Entry{}, ErrNotFound
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return Entry{}, err
	}
	e := &Entry{ID: "adjust:" + id, Account: account, Reason: ReasonAdjust, Points: int64(points), Note: note, By: a.ID}
	var was, now string // the grade before and after
	moved, err := s.apply(ctx, account, func(b *balanceDoc, at moveAt, done map[string]bool) ([]*Entry, error) {
		was, now = b.Grade, b.Grade
		if done[e.ID] {
			return nil, nil
		}
		if points < 0 {
			b.Balance += int64(points)
			b.Removed -= int64(points)
			return []*Entry{e}, nil
		}
		e.Month, e.Expires = at.month, b.earn(at, rules, int64(points))
		g := promote(b, at, rules, done)
		now = b.Grade
		if g != nil {
			return []*Entry{e, g}, nil
		}
		return []*Entry{e}, nil
	})
	if moved && was != now {
		err = errors.Join(err, s.gradeTier(ctx, account, rules, now))
	}
	return *e, err
}

// signedNumber reads a whole number between -most and most.
func signedNumber(s string, most int) (int, bool) {
	s = strings.Replace(strings.TrimSpace(s), "−", "-", 1) // a typographic minus, as a Korean keyboard may give
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	n, ok := wholeNumber(digits, most)
	if !ok || digits == "" {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
