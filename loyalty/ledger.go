package loyalty

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/activity"
	"fanclub/internal/mongodb"
)

// Reason is why points moved.
type Reason string

// The reasons besides the earnings (an award's reason is its Earning).
const (
	ReasonUndo   Reason = "undo"   // the thing an award was for was taken back
	ReasonRedo   Reason = "redo"   // and came back (a post restored): the award given back
	ReasonAdjust Reason = "adjust" // an admin added or took away points, with a note
	ReasonRedeem Reason = "redeem" // spent on a reward
	ReasonRefund Reason = "refund" // a redemption that could not be completed, given back
	ReasonExpire Reason = "expire"
	ReasonGrade  Reason = "grade" // the entry reward of a grade reached
)

// Entry is one movement in the ledger.
type Entry struct {
	ID      string         `bson:"_id"`
	Account auth.AccountID `bson:"account"`
	Reason  Reason         `bson:"reason"`
	Thing   string         `bson:"thing,omitempty"` // what it was for: a post, a vote, a reward…
	// Source is, when the thing is not itself taken back, what is: a
	// first post in a group's award is undone with that post.
	Source string    `bson:"source,omitempty"`
	Points int64     `bson:"points"` // signed
	At     time.Time `bson:"at"`
	// Month is the month (in the site's zone, "2006-01") whose earnings
	// it moves: an award's, or for an undo the award's.
	Month   string         `bson:"month,omitempty"`
	Expires time.Time      `bson:"expires,omitempty"` // when an award's points expire, as the rules said then
	Note    string         `bson:"note,omitempty"`    // an adjustment's reason
	By      auth.AccountID `bson:"by,omitempty"`      // the admin who adjusted
}

// recentSize is how many of the latest entries a balance remembers: the
// member's history.
const recentSize = 50

// balanceDoc is an account's sums of the ledger (see the package doc).
// Balance = Issued − Redeemed − Expired − Removed.
type balanceDoc struct {
	Account  auth.AccountID `bson:"_id"`
	Seq      int64          `bson:"seq"`     // movements applied; the condition of every replace
	Entries  int64          `bson:"entries"` // entries applied; the next one's place in Recent
	Balance  int64          `bson:"balance"`
	Issued   int64          `bson:"issued"`   // awards and additions, less what was undone
	Redeemed int64          `bson:"redeemed"` // spent, less refunds
	Expired  int64          `bson:"expired"`
	Removed  int64          `bson:"removed"` // taken away by an admin
	// Earned is the points issued in each month, for expiry (oldest
	// first) and grades; ExpiredThrough the last month whose points
	// have expired.
	Earned         map[string]int64 `bson:"earned,omitempty"`
	ExpiredThrough string           `bson:"expiredThrough,omitempty"`
	// Bonus is the part of each month's Earned that grades gave (entry
	// rewards): it expires like the rest but does not count towards a
	// grade, or one grade's reward would lift the member to the next.
	Bonus map[string]int64 `bson:"bonus,omitempty"`
	// Lapse is, for each month with earnings, the month at whose start
	// they expire ("never" for never), fixed by the rules when the month
	// first earned: a later change of the rules applies to points earned
	// after it, never to points already held.
	Lapse map[string]string `bson:"lapse,omitempty"`
	// Grade is the key of the grade held, and since when.
	Grade      string            `bson:"grade,omitempty"`
	GradeSince time.Time         `bson:"gradeSince,omitempty"`
	Day        activity.Day      `bson:"day"` // the day Today counts
	Today      map[Earning]int   `bson:"today,omitempty"`
	Recent     map[string]string `bson:"recent,omitempty"` // "s<seq mod recentSize>" → entry id
	UpdatedAt  time.Time         `bson:"updatedAt"`
}

func (b balanceDoc) clone() balanceDoc {
	b.Earned, b.Today, b.Recent = maps.Clone(b.Earned), maps.Clone(b.Today), maps.Clone(b.Recent)
	b.Bonus, b.Lapse = maps.Clone(b.Bonus), maps.Clone(b.Lapse)
	if b.Earned == nil {
		b.Earned = map[string]int64{}
	}
	if b.Bonus == nil {
		b.Bonus = map[string]int64{}
	}
	if b.Lapse == nil {
		b.Lapse = map[string]string{}
	}
	if b.Today == nil {
		b.Today = map[Earning]int{}
	}
	if b.Recent == nil {
		b.Recent = map[string]string{}
	}
	return b
}

// spent is every point that left the balance.
func (b balanceDoc) spent() int64 { return b.Redeemed + b.Expired + b.Removed }

// credit adds points earned in month.
func (b *balanceDoc) credit(month string, points int64) {
	b.Issued += points
	b.Balance += points
	b.Earned[month] += points
}

// earn credits points earned in at's month under rules, fixing when that
// month's points expire if this is its first earning, and returns when
// they expire (zero for never).
func (b *balanceDoc) earn(at moveAt, rules Rules, points int64) time.Time {
	if _, ok := b.Lapse[at.month]; !ok {
		b.Lapse[at.month] = "never"
		if rules.ExpiryMonths > 0 {
			b.Lapse[at.month] = monthsBefore(at.month, -(rules.ExpiryMonths + 1))
		}
	}
	b.credit(at.month, points)
	return b.lapseOf(at.month, rules.ExpiryMonths, at.loc)
}

// lapseOf is when month's points expire: as fixed when they were earned,
// else (earned before lapses were kept, or rebuilt) as the rules say
// now; zero for never.
func (b balanceDoc) lapseOf(month string, months int, loc *time.Location) time.Time {
	l, ok := b.Lapse[month]
	if !ok {
		return expiry(month, months, loc)
	}
	t, err := time.ParseInLocation("2006-01", l, loc)
	if err != nil {
		return time.Time{} // "never"
	}
	return t
}

func (s *Service) findBalance(ctx context.Context, account auth.AccountID) (balanceDoc, bool, error) {
	var b balanceDoc
	err := s.balances.FindOne(ctx, bson.M{"_id": account}).Decode(&b)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return balanceDoc{Account: account}, false, nil
	}
	return b, err == nil, err
}

// moveAt is the moment of a movement: now, and its day and month in the
// site's zone.
type moveAt struct {
	now   time.Time
	day   activity.Day
	month string
	loc   *time.Location
}

func (s *Service) moment(ctx context.Context) moveAt {
	loc := s.zone(ctx)
	now := s.now()
	return moveAt{now: now, day: activity.DayOf(now, loc), month: now.In(loc).Format("2006-01"), loc: loc}
}

// errSkip, from a change, means the movement is not to happen (a cap is
// reached): nothing is written, and apply reports false.
var errSkip = errors.New("loyalty: nothing to move")

// apply makes one movement of an account's points: it inserts the
// entries change returns (whose _ids make them once) and then replaces
// the balance with what change made of it, on the condition that the
// balance is still the one read: two writes, whatever the entries. On a
// race it reads again and asks change again. An entry already in the
// ledger was moved before: change is asked again with its id in done,
// and must leave it out. An entry inserted that a later ask leaves out
// (a cap reached meanwhile) is deleted, as it was never counted. It
// reports whether anything moved.
func (s *Service) apply(ctx context.Context, account auth.AccountID,
	change func(b *balanceDoc, at moveAt, done map[string]bool) ([]*Entry, error)) (bool, error) {
	// Once the first write is made the rest must follow, whether or not
	// the member is still waiting: a cancelled request must not leave an
	// entry its balance lacks.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	unlock := s.lockAccount(account)
	defer unlock()
	done := map[string]bool{}
	ours := map[string]*Entry{} // inserted by this call
	drop := func(keep []*Entry) error {
		for id := range ours {
			if !slices.ContainsFunc(keep, func(e *Entry) bool { return e.ID == id }) {
				if _, err := s.ledger.DeleteOne(ctx, bson.M{"_id": id}); err != nil {
					return err
				}
				delete(ours, id)
			}
		}
		return nil
	}
	fail := func(err error) (bool, error) {
		if derr := drop(nil); derr != nil {
			err = errors.Join(err, derr)
		}
		if errors.Is(err, errSkip) {
			return false, nil
		}
		return false, err
	}
	for attempt := 0; attempt < 10; attempt++ {
		b, found, err := s.findBalance(ctx, account)
		if err != nil {
			return fail(err)
		}
		at := s.moment(ctx)
		next := b.clone()
		if next.Day != at.day {
			next.Day, next.Today = at.day, map[Earning]int{}
		}
		entries, err := change(&next, at, done)
		if err == nil && entries == nil { // an empty list is a movement of the figures alone
			err = errSkip
		}
		if err != nil {
			return fail(err)
		}
		if err := drop(entries); err != nil {
			return fail(err)
		}
		again, err := s.insertEntries(ctx, entries, at.now, done, ours)
		if err != nil {
			return fail(err)
		}
		if again {
			continue // some were moved before: ask change without them
		}
		next.Seq = b.Seq + 1
		next.UpdatedAt = at.now
		for _, e := range entries {
			next.Recent[fmt.Sprintf("s%d", next.Entries%recentSize)] = e.ID
			next.Entries++
		}
		if !found {
			if _, err := s.balances.InsertOne(ctx, next); mongodb.IsDuplicateKey(err) {
				continue // another movement made it first
			} else if err != nil {
				return fail(fmt.Errorf("loyalty: insert balance: %w", err))
			}
			return true, nil
		}
		res, err := s.balances.ReplaceOne(ctx, bson.M{"_id": account, "seq": b.Seq}, next)
		if err != nil {
			return fail(fmt.Errorf("loyalty: replace balance: %w", err))
		}
		if res.MatchedCount == 1 {
			return true, nil
		}
	}
	return fail(ErrBusy)
}

// lockAccount holds off this process's other movements of the account
// until unlock: they would only race on the balance's seq and retry.
// Other instances still may; the seq condition keeps them exact.
func (s *Service) lockAccount(account auth.AccountID) (unlock func()) {
	h := fnv.New32a()
	h.Write([]byte(account))
	mu := &s.accountLocks[h.Sum32()%uint32(len(s.accountLocks))]
	mu.Lock()
	return mu.Unlock
}

// insertEntries writes those of entries this call has not written yet,
// in one command, and brings up to date the points of those it has (a
// change may recompute them on a race). An entry whose _id is in the
// ledger already goes into done, and again says to ask change anew.
func (s *Service) insertEntries(ctx context.Context, entries []*Entry, now time.Time, done map[string]bool, ours map[string]*Entry) (again bool, err error) {
	var fresh []any
	var freshEntries []*Entry
	for _, e := range entries {
		if e.At.IsZero() {
			e.At = now
		}
		if was, ok := ours[e.ID]; ok {
			if was.Points != e.Points {
				if _, err := s.ledger.UpdateOne(ctx, bson.M{"_id": e.ID}, bson.M{"$set": bson.M{"points": e.Points}}); err != nil {
					return false, err
				}
			}
			ours[e.ID] = copyOf(e)
			continue
		}
		fresh = append(fresh, e)
		freshEntries = append(freshEntries, e)
	}
	if len(fresh) == 0 {
		return false, nil
	}
	_, err = s.ledger.InsertMany(ctx, fresh, options.InsertMany().SetOrdered(false))
	dup := map[int]bool{}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return false, fmt.Errorf("loyalty: insert entries: %w", err)
			}
			dup[we.Index] = true
		}
	} else if mongodb.IsDuplicateKey(err) && len(fresh) == 1 {
		dup[0] = true
	} else if err != nil {
		return false, fmt.Errorf("loyalty: insert entries: %w", err)
	}
	for i, e := range freshEntries {
		if dup[i] {
			done[e.ID] = true
		} else {
			ours[e.ID] = copyOf(e)
		}
	}
	return len(dup) > 0, nil
}

func copyOf(e *Entry) *Entry { c := *e; return &c }
