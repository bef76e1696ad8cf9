package activity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// Recorder writes and reads the activity record.
type Recorder struct {
	coll *mongodb.Collection
	zone func(context.Context) *time.Location // the site's, read per record
	now  func() time.Time
	log  *slog.Logger

	// mirror holds every rollup in memory when this process is the
	// database's only writer (the embedded store), so the insight pages
	// read no collection; nil otherwise.
	mirror *mirror
	// snap keeps the mirror across a clean restart (Resume, Suspend);
	// nil with the mirror.
	snap *mongodb.Snapshot

	visitMu sync.Mutex
	visited map[string]Day // accounts whose visit today is recorded, by this instance
}

// New returns a recorder over db's "activity" collection. zone gives the
// site's time zone, in which days are counted.
func New(db *mongodb.DB, zone func(context.Context) *time.Location, now func() time.Time, log *slog.Logger) *Recorder {
	r := &Recorder{coll: db.Collection("activity"), zone: zone, now: now, log: log, visited: map[string]Day{}}
	if db.SoleWriter() {
		r.mirror = &mirror{}
		r.snap = db.Snapshot("activity")
	}
	return r
}

// EnsureIndexes prepares the collection, whose every read and write is by
// _id: on the embedded store that makes them index lookups (without it
// each record scanned every rollup: 24 ms a record at 5,000 accounts).
func (r *Recorder) EnsureIndexes(ctx context.Context) error {
	if r.snap != nil {
		if err := r.snap.EnsureIndexes(ctx); err != nil {
			return err
		}
	}
	return mongodb.EnsureIndexes(ctx, r.coll)
}

// stale marks the snapshot of the mirror stale before a write (once a
// process): a crash after the write must not leave a snapshot that
// misses it.
func (r *Recorder) stale(ctx context.Context) error {
	if r.snap == nil {
		return nil
	}
	return r.snap.Stale(ctx)
}

// Resume loads the copy in memory from the snapshot the last clean stop
// left (Suspend), if nothing has been written since: milliseconds, where
// reading the collection costs about 0.9 s for 5,000 members on the
// embedded store. serve calls it before anything can record. Without a
// current snapshot it does nothing, and Warm or the first page reads the
// collection.
func (r *Recorder) Resume(ctx context.Context) error {
	if r.mirror == nil {
		return nil
	}
	r.mirror.mu.Lock()
	defer r.mirror.mu.Unlock()
	if r.mirror.rows != nil {
		return nil
	}
	var rows []snapRow
	ok, err := r.snap.Take(ctx, &rows)
	if err != nil || !ok {
		return err
	}
	r.mirror.rows = make(map[string]Rollup, len(rows))
	for _, s := range rows {
		r.mirror.rows[s.Account] = Rollup{Account: s.Account, Joined: s.Joined, First: s.First, Last: s.Last,
			KindLast: s.KindLast, Counts: s.Counts, words: s.Words}
	}
	return nil
}

// Suspend saves the copy in memory as the snapshot for the next start.
// serve calls it when it stops, after the last request and job; a
// record after it marks the snapshot stale again.
func (r *Recorder) Suspend(ctx context.Context) error {
	if r.mirror == nil {
		return nil
	}
	r.mirror.mu.Lock()
	defer r.mirror.mu.Unlock()
	if r.mirror.rows == nil {
		return nil // never loaded, or dropped after a failed write: the collection is the truth
	}
	rows := make([]snapRow, 0, len(r.mirror.rows))
	for _, row := range r.mirror.rows {
		rows = append(rows, snapRow{Account: row.Account, Joined: row.Joined, First: row.First, Last: row.Last,
			Words: row.words, KindLast: row.KindLast, Counts: row.Counts})
	}
	return r.snap.Save(ctx, rows)
}

// snapRow is a Rollup as the snapshot keeps it (encoding/gob needs its
// fields exported).
type snapRow struct {
	Account             string
	Joined, First, Last Day
	Words               map[int32]uint64
	KindLast            map[Kind]Day
	Counts              map[Kind]int
}

// change is one record: a kind of engagement on a day, or the day an
// account joined the club.
type change struct {
	account string
	kind    Kind
	day     Day
	joined  Day
}

// Record notes that account took part in kind now. It never fails the
// action it records: an error is logged, and the action stands.
func (r *Recorder) Record(ctx context.Context, account string, kind Kind) {
	if account == "" {
		return
	}
	r.write(ctx, change{account: account, kind: kind, day: DayOf(r.now(), r.zone(ctx))})
}

// Joined notes the day account joined the club (it was created at).
func (r *Recorder) Joined(ctx context.Context, account string, at time.Time) {
	if account == "" {
		return
	}
	r.write(ctx, change{account: account, joined: DayOf(at, r.zone(ctx))})
}

// Visit notes that account came to the site signed in today: the first
// call each day writes, later ones cost nothing. Visits are not counted,
// so two instances writing the same day's visit store the same thing.
func (r *Recorder) Visit(ctx context.Context, account string) {
	if account == "" {
		return
	}
	today := DayOf(r.now(), r.zone(ctx))
	r.visitMu.Lock()
	if r.visited[account] == today {
		r.visitMu.Unlock()
		return
	}
	if len(r.visited) > 100_000 { // a day's visitors, at most; forget older days
		clear(r.visited)
	}
	r.visited[account] = today
	r.visitMu.Unlock()
	r.write(ctx, change{account: account, kind: Visit, day: today})
}

// write stores c in one upserting update. The action it records has
// happened: a cancelled request does not stop its record.
func (r *Recorder) write(ctx context.Context, c change) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if r.mirror != nil {
		// The write and its copy in memory happen together, so a load of
		// the mirror sees each record once.
		r.mirror.mu.Lock()
		defer r.mirror.mu.Unlock()
	}
	if err := r.stale(ctx); err != nil {
		r.log.WarnContext(ctx, "activity: record skipped", "account", c.account, "kind", c.kind, "err", err)
		return
	}
	_, err := r.coll.UpdateOne(ctx, bson.M{"_id": c.account}, update(c), options.Update().SetUpsert(true))
	if err != nil {
		r.log.WarnContext(ctx, "activity: record", "account", c.account, "kind", c.kind, "err", err)
		if r.mirror != nil {
			r.mirror.rows = nil // it may or may not have landed: read it all again
		}
		return
	}
	if r.mirror != nil && r.mirror.rows != nil {
		row := r.mirror.rows[c.account].clone() // readers may hold the old one
		row.Account = c.account
		row.apply(c)
		r.mirror.rows[c.account] = row
	}
}

// update is c as one update of the account's rollup.
func update(c change) bson.M {
	if c.kind == "" {
		return bson.M{"$min": bson.M{"j": c.joined}}
	}
	if c.kind.Automatic() { // kept, but no active day (Kind.Automatic)
		return bson.M{"$max": bson.M{"k." + string(c.kind): c.day}, "$inc": bson.M{"n." + string(c.kind): 1}}
	}
	word := "d." + strconv.Itoa(int(c.day>>6))
	u := bson.M{
		"$min": bson.M{"f": c.day},
		"$max": bson.M{"l": c.day, "k." + string(c.kind): c.day},
		"$bit": bson.M{word: bson.M{"or": int64(1) << (uint(c.day) & 63)}},
	}
	if c.kind != Visit {
		u["$inc"] = bson.M{"n." + string(c.kind): 1}
	}
	return u
}

// mirror is every rollup, in memory, loaded on first read.
type mirror struct {
	mu   sync.Mutex
	rows map[string]Rollup // nil until loaded
}

// All returns every account's rollup, in no particular order.
func (r *Recorder) All(ctx context.Context) ([]Rollup, error) {
	if r.mirror == nil {
		return r.readAll(ctx)
	}
	r.mirror.mu.Lock()
	defer r.mirror.mu.Unlock()
	if r.mirror.rows == nil {
		all, err := r.readAll(ctx)
		if err != nil {
			return nil, err
		}
		r.mirror.rows = make(map[string]Rollup, len(all))
		for _, row := range all {
			r.mirror.rows[row.Account] = row
		}
	}
	out := make([]Rollup, 0, len(r.mirror.rows))
	for _, row := range r.mirror.rows {
		out = append(out, row)
	}
	return out, nil
}

// Forget deletes account's record, for an account deleted: its history
// is personal data, and a deleted member must not be counted, listed as
// at risk or sent a campaign.
func (r *Recorder) Forget(ctx context.Context, account string) error {
	if r.mirror != nil {
		r.mirror.mu.Lock()
		defer r.mirror.mu.Unlock()
	}
	if err := r.stale(ctx); err != nil {
		return err
	}
	if _, err := r.coll.DeleteOne(ctx, bson.M{"_id": account}); err != nil {
		if r.mirror != nil {
			r.mirror.rows = nil // it may or may not be gone: read it all again
		}
		return fmt.Errorf("activity: forget %s: %w", account, err)
	}
	if r.mirror != nil && r.mirror.rows != nil {
		delete(r.mirror.rows, account)
	}
	return nil
}

// ForgetAll forgets those of the accounts that still have a record, and
// returns how many: the daily sweep's catch for a record that landed
// after its account was deleted (a request under way meanwhile), and for
// accounts deleted before deletion forgot.
func (r *Recorder) ForgetAll(ctx context.Context, accounts []string) (int, error) {
	held, err := r.Rollups(ctx, accounts)
	if err != nil {
		return 0, err
	}
	n := 0
	for id := range held {
		if err := r.Forget(ctx, id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Warm loads the rollups into memory, so the first insight page after a
// start does not wait for it. It does nothing on MongoDB.
func (r *Recorder) Warm(ctx context.Context) error {
	if r.mirror == nil {
		return nil
	}
	_, err := r.All(ctx)
	return err
}

// Rollups returns the rollups of ids that have one.
func (r *Recorder) Rollups(ctx context.Context, ids []string) (map[string]Rollup, error) {
	out := make(map[string]Rollup, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if r.mirror != nil {
		all, err := r.All(ctx)
		if err != nil {
			return nil, err
		}
		want := make(map[string]bool, len(ids))
		for _, id := range ids {
			want[id] = true
		}
		for _, row := range all {
			if want[row.Account] {
				out[row.Account] = row
			}
		}
		return out, nil
	}
	cur, err := r.coll.Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil {
		return nil, err
	}
	var docs []rollupDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	for _, d := range docs {
		out[d.Account] = d.rollup()
	}
	return out, nil
}

// Replace stores rows whole, over what was recorded for their accounts:
// the demo seed and benchmarks write a history with it. Rows are
// inserted a thousand at a time, and only those whose account has a
// record already are replaced one by one: a fresh database takes its
// history in a few writes, where one replace per account cost the seed
// about 9 ms each on the embedded store.
func (r *Recorder) Replace(ctx context.Context, rows []Rollup) error {
	if r.mirror != nil {
		r.mirror.mu.Lock()
		defer r.mirror.mu.Unlock()
		r.mirror.rows = nil
	}
	if err := r.stale(ctx); err != nil {
		return err
	}
	for len(rows) > 0 {
		batch := rows[:min(len(rows), 1000)]
		rows = rows[len(batch):]
		docs := make([]any, len(batch))
		for i, row := range batch {
			docs[i] = row.doc()
		}
		_, err := r.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		if err == nil {
			continue
		}
		var bulk mongo.BulkWriteException
		if !errors.As(err, &bulk) || bulk.WriteConcernError != nil {
			return err
		}
		for _, we := range bulk.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return err
			}
			row := batch[we.Index]
			if _, err := r.coll.ReplaceOne(ctx, bson.M{"_id": row.Account}, row.doc()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Recorder) readAll(ctx context.Context) ([]Rollup, error) {
	cur, err := r.coll.Find(ctx, bson.M{})
	if err != nil {
		return nil, err
	}
	var docs []rollupDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Rollup, len(docs))
	for i, d := range docs {
		out[i] = d.rollup()
	}
	return out, nil
}
