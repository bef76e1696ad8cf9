package loyalty

import (
	"context"
	"errors"
	"slices"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
)

// Expiring is points that expire on a day unless spent first.
type Expiring struct {
	Points int64
	At     time.Time // the first instant they are gone
}

// Statement is one account's points as the member sees them.
type Statement struct {
	Balance  int64
	Issued   int64
	Redeemed int64
	Expired  int64
	// Expiring lists the coming expiries, soonest first: what of the
	// balance each month's earnings still hold (spending takes the
	// oldest first).
	Expiring []Expiring
	// Recent is the latest entries, newest first (up to recentSize).
	Recent []Entry
	// Earned12 is the points earned in the last twelve months,
	// counting this one: what grades are measured by.
	Earned12 int64
	// Today is what each earning has been awarded today (for caps).
	Today map[Earning]int
	// Grade is the grade held (nil: none); Next the one above and
	// ToNext the points still to earn for it, in twelve months; Review
	// the next day grades are reviewed (zero without grades).
	Grade  *Grade
	Next   *Grade
	ToNext int64
	Review time.Time
}

// Statement reads an account's points: its balance document and its
// latest entries, two lookups whatever the history.
func (s *Service) Statement(ctx context.Context, account auth.AccountID) (Statement, error) {
	b, _, err := s.findBalance(ctx, account)
	if err != nil {
		return Statement{}, err
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return Statement{}, err
	}
	at := s.moment(ctx)
	st := Statement{Balance: b.Balance, Issued: b.Issued, Redeemed: b.Redeemed, Expired: b.Expired,
		Expiring: expiring(b, rules.ExpiryMonths, at), Earned12: gradePoints(b, at.month), Today: map[Earning]int{}}
	if b.Day == at.day {
		st.Today = b.Today
	}
	if g := rules.Grades; len(g.List) > 0 {
		st.Grade, st.Review = g.Find(b.Grade), g.NextReview(at.now, at.loc)
		if r := g.rank(b.Grade); r < len(g.List) {
			st.Next = &g.List[r]
			st.ToNext = max(st.Next.Threshold-st.Earned12, 0)
		}
	}
	ids := make([]string, 0, len(b.Recent))
	for _, id := range b.Recent {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return st, nil
	}
	cur, err := s.ledger.Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil {
		return st, err
	}
	if err := cur.All(ctx, &st.Recent); err != nil {
		return st, err
	}
	sort.SliceStable(st.Recent, func(i, j int) bool { return st.Recent[i].At.After(st.Recent[j].At) })
	return st, nil
}

// expiring works out what each month's earnings still hold of the
// balance once everything spent, expired or taken away is charged to
// the oldest month first, and when they expire, soonest first; points
// that never expire are left out.
func expiring(b balanceDoc, months int, at moveAt) []Expiring {
	keys := make([]string, 0, len(b.Earned))
	for m := range b.Earned {
		if m > b.ExpiredThrough {
			keys = append(keys, m)
		}
	}
	slices.Sort(keys)
	owed := b.spent() - earnedThrough(b, b.ExpiredThrough) // spending not yet charged to an expired month
	var out []Expiring
	for _, m := range keys {
		left := b.Earned[m] - max(owed, 0)
		owed -= b.Earned[m]
		if l := b.lapseOf(m, months, at.loc); left > 0 && !l.IsZero() {
			out = append(out, Expiring{Points: left, At: l})
		}
	}
	// Soonest first: after a change of the rules a later month may
	// expire before an earlier one.
	slices.SortStableFunc(out, func(x, y Expiring) int { return x.At.Compare(y.At) })
	return out
}

// earnedThrough sums the months up to and including through.
func earnedThrough(b balanceDoc, through string) int64 {
	var n int64
	for m, p := range b.Earned {
		if m <= through {
			n += p
		}
	}
	return n
}

// gradePoints is what grades are measured by: the points earned in the
// twelve months ending with month, less grades' own entry rewards.
func gradePoints(b balanceDoc, month string) int64 {
	return monthsSum(b.Earned, month, 12) - monthsSum(b.Bonus, month, 12)
}

// monthsSum sums the n months of byMonth ending with month.
func monthsSum(byMonth map[string]int64, month string, n int) int64 {
	from := monthsBefore(month, n-1)
	var sum int64
	for m, p := range byMonth {
		if m >= from && m <= month {
			sum += p
		}
	}
	return sum
}

// monthsBefore is the month n months before month ("2006-01").
func monthsBefore(month string, n int) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, -n, 0).Format("2006-01")
}

// entry reads one ledger entry by _id.
func (s *Service) entry(ctx context.Context, id string) (Entry, error) {
	var e Entry
	err := s.ledger.FindOne(ctx, bson.M{"_id": id}).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Entry{}, ErrNotFound
	}
	return e, err
}

func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
