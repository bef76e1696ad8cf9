package loyalty

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
)

// ForgetAccount deletes what the programme keeps of an account being
// deleted: its points (balance and ledger), its referral link, the
// referral that brought it, and the name and address on its
// redemptions. What it redeemed stays counted against the rewards'
// stock, and the programme's totals lose its points. Run again, it
// deletes nothing more.
func (s *Service) ForgetAccount(ctx context.Context, account auth.AccountID) error {
	if err := s.forgetRedemptions(ctx, account); err != nil {
		return err
	}
	if _, err := s.ledger.DeleteMany(ctx, bson.M{"account": account}); err != nil {
		return wrap(err, "forget ledger")
	}
	if _, err := s.balances.DeleteOne(ctx, bson.M{"_id": account}); err != nil {
		return wrap(err, "forget balance")
	}
	var r referrerDoc
	err := s.ref.referrers.FindOneAndDelete(ctx, bson.M{"_id": account}).Decode(&r)
	if err == nil {
		if _, err := s.ref.codes.DeleteOne(ctx, bson.M{"_id": r.Code}); err != nil {
			return wrap(err, "forget referral code")
		}
	} else if !errors.Is(err, mongo.ErrNoDocuments) {
		return wrap(err, "forget referrer")
	}
	if _, err := s.findReferral(ctx, account); err == nil {
		// Referred: keep hashes of how they signed in, so that signing up
		// again through a link does not pass for a new friend.
		traces, err := s.d.Accounts.TracesOf(ctx, account)
		if err != nil && !errors.Is(err, auth.ErrNotFound) {
			return err
		}
		if err := s.rememberReferred(ctx, traces); err != nil {
			return err
		}
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	_, err = s.ref.referrals.DeleteOne(ctx, bson.M{"_id": account})
	return wrap(err, "forget referral")
}

// Export is what the programme keeps of an account, for "Download my
// data".
type Export struct {
	Balance     int64        `json:"balance"`
	Ledger      []Entry      `json:"ledger"`
	Redemptions []Redemption `json:"redemptions"`
}

// ExportAccount gathers an account's points, ledger and redemptions.
func (s *Service) ExportAccount(ctx context.Context, account auth.AccountID) (Export, error) {
	b, _, err := s.findBalance(ctx, account)
	if err != nil {
		return Export{}, err
	}
	x := Export{Balance: b.Balance, Ledger: []Entry{}}
	cur, err := s.ledger.Find(ctx, bson.M{"account": account})
	if err != nil {
		return Export{}, wrap(err, "export ledger")
	}
	if err := cur.All(ctx, &x.Ledger); err != nil {
		return Export{}, wrap(err, "export ledger")
	}
	// All of them, not only the latest the member's page lists: a scan
	// (rare, on the member's request).
	x.Redemptions, err = s.redemptionPage(ctx, bson.M{"account": account, "state": StateDone})
	return x, err
}
