package loyalty

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// settle is how old the newest entry of an account must be before
// Reconcile trusts the ledger over its balance: a movement inserts its
// entries and then its balance, milliseconds apart.
const settle = time.Minute

// sums are the balance's figures as the ledger makes them.
type sums struct {
	issued, redeemed, expired, removed int64
	earned, bonus                      map[string]int64
	expiredThrough                     string
	newest                             time.Time
}

func (x *sums) add(e Entry) {
	if e.At.After(x.newest) {
		x.newest = e.At
	}
	switch e.Reason {
	case ReasonRedeem, ReasonRefund:
		x.redeemed -= e.Points
	case ReasonExpire:
		x.expired -= e.Points
		x.expiredThrough = max(x.expiredThrough, e.Month)
	case ReasonAdjust:
		if e.Points < 0 {
			x.removed -= e.Points
			return
		}
		fallthrough
	default: // awards, undos, additions and grades' entry rewards
		x.issued += e.Points
		x.earned[e.Month] += e.Points
		if e.Reason == ReasonGrade {
			x.bonus[e.Month] += e.Points
		}
	}
}

// same reports whether b holds these sums.
func (x sums) same(b balanceDoc) bool {
	if b.Issued != x.issued || b.Redeemed != x.redeemed || b.Expired != x.expired || b.Removed != x.removed ||
		b.Balance != x.issued-x.redeemed-x.expired-x.removed {
		return false
	}
	for m, p := range x.earned {
		if b.Earned[m] != p {
			return false
		}
	}
	for m, p := range b.Earned {
		if x.earned[m] != p {
			return false
		}
	}
	for m, p := range x.bonus {
		if b.Bonus[m] != p {
			return false
		}
	}
	return true
}

// Reconcile rebuilds every balance that disagrees with its ledger (a
// crash between a movement's entry and its balance), and reports how
// many it mended. It reads the ledger whole, once: cmd runs it daily
// under a lease. An account whose newest entry is under a minute old is
// left for the next run, its movement perhaps still under way; and so
// is one whose balance moved after the balances were read, before the
// ledger was (that movement's entries may be missing from the sums).
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	seqs := map[auth.AccountID]int64{}
	bcur, err := s.balances.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"seq": 1}))
	if err != nil {
		return 0, err
	}
	for bcur.Next(ctx) {
		var b balanceDoc
		if err := bcur.Decode(&b); err != nil {
			return 0, err
		}
		seqs[b.Account] = b.Seq
	}
	if err := bcur.Err(); err != nil {
		return 0, err
	}
	cur, err := s.ledger.Find(ctx, bson.M{})
	if err != nil {
		return 0, err
	}
	byAccount := map[auth.AccountID]*sums{}
	for cur.Next(ctx) {
		var e Entry
		if err := cur.Decode(&e); err != nil {
			return 0, err
		}
		x := byAccount[e.Account]
		if x == nil {
			x = &sums{earned: map[string]int64{}, bonus: map[string]int64{}}
			byAccount[e.Account] = x
		}
		x.add(e)
	}
	if err := cur.Err(); err != nil {
		return 0, err
	}
	mended := 0
	for account, x := range byAccount {
		ok, err := s.mend(ctx, account, *x, seqs[account])
		if err != nil {
			return mended, err
		}
		if ok {
			mended++
		}
	}
	return mended, nil
}

// mend replaces the account's balance figures with the ledger's, if
// they differ, the ledger has settled, and the balance is still at seq,
// as read before the ledger (0: there was none).
func (s *Service) mend(ctx context.Context, account auth.AccountID, x sums, seq int64) (bool, error) {
	if s.now().Sub(x.newest) < settle {
		return false, nil
	}
	b, found, err := s.findBalance(ctx, account)
	if err != nil || (found && x.same(b)) || b.Seq != seq {
		return false, err
	}
	s.log.WarnContext(ctx, "points balance disagreed with its ledger; rebuilt", "account", account,
		"balance", b.Balance, "ledger", x.issued-x.redeemed-x.expired-x.removed)
	return s.apply(ctx, account, func(next *balanceDoc, _ moveAt, _ map[string]bool) ([]*Entry, error) {
		if next.Seq != b.Seq {
			return nil, errSkip // it moved meanwhile: the next run looks again
		}
		b := next
		b.Issued, b.Redeemed, b.Expired, b.Removed = x.issued, x.redeemed, x.expired, x.removed
		b.Balance = x.issued - x.redeemed - x.expired - x.removed
		b.Earned, b.Bonus, b.ExpiredThrough = x.earned, x.bonus, x.expiredThrough
		return []*Entry{}, nil
	})
}
