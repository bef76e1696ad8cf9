package loyalty

import (
	"context"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Totals are the programme's figures: what was issued, redeemed,
// expired and taken away, and what members hold (the brand's
// outstanding liability).
type Totals struct {
	Members     int // accounts that ever held points
	Issued      int64
	Redeemed    int64
	Expired     int64
	Removed     int64
	Outstanding int64
}

// Totals adds up every balance: one read of the balances, one small
// document per member who ever earned.
func (s *Service) Totals(ctx context.Context, a auth.Account) (Totals, error) {
	if !isStaff(a) {
		return Totals{}, ErrForbidden
	}
	cur, err := s.balances.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"issued": 1, "redeemed": 1,
		"expired": 1, "removed": 1, "balance": 1}))
	if err != nil {
		return Totals{}, err
	}
	var all []balanceDoc
	if err := cur.All(ctx, &all); err != nil {
		return Totals{}, err
	}
	var t Totals
	for _, b := range all {
		t.Members++
		t.Issued += b.Issued
		t.Redeemed += b.Redeemed
		t.Expired += b.Expired
		t.Removed += b.Removed
		t.Outstanding += b.Balance
	}
	return t, nil
}

// LedgerPageSize is how many entries a page of a member's ledger shows.
const LedgerPageSize = 50

// LedgerPage is a page of one member's ledger, newest first, for staff.
type LedgerPage struct {
	Account auth.Account
	Balance int64
	Entries []Entry
	// Next is the cursor to pass as after for the next page; "" at the
	// end.
	Next string
}

// Ledger returns a page of an account's ledger after a cursor ("": the
// newest), for staff. A cursor that does not parse starts from the
// newest.
func (s *Service) Ledger(ctx context.Context, a auth.Account, account auth.AccountID, after string) (LedgerPage, error) {
	if !isStaff(a) {
		return LedgerPage{}, ErrForbidden
	}
	who, err := s.d.Accounts.AccountByID(ctx, account)
	if err != nil {
		return LedgerPage{}, ErrNotFound
	}
	b, _, err := s.findBalance(ctx, account)
	if err != nil {
		return LedgerPage{}, err
	}
	filter := bson.M{"account": account}
	if at, id, ok := parseCursor(after); ok {
		filter["$or"] = bson.A{bson.M{"at": bson.M{"$lt": at}}, bson.M{"at": at, "_id": bson.M{"$lt": id}}}
	}
	cur, err := s.ledger.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(LedgerPageSize+1))
	if err != nil {
		return LedgerPage{}, err
	}
	p := LedgerPage{Account: who, Balance: b.Balance}
	if err := cur.All(ctx, &p.Entries); err != nil {
		return LedgerPage{}, err
	}
	if len(p.Entries) > LedgerPageSize {
		p.Entries = p.Entries[:LedgerPageSize]
		last := p.Entries[LedgerPageSize-1]
		p.Next = strconv.FormatInt(last.At.UnixMilli(), 10) + "~" + last.ID
	}
	return p, nil
}

// parseCursor reads a cursor Ledger made: a time in milliseconds and an
// entry's id.
func parseCursor(c string) (time.Time, string, bool) {
	ms, id, ok := strings.Cut(c, "~")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", false
	}
	return time.UnixMilli(n).UTC(), id, true
}
