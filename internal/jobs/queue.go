// Package jobs runs background work queued in MongoDB. A job is claimed
// with a lease by one conditional update, so several app instances sharing
// the database never run it at the same time, and a job whose instance died
// is picked up again once its lease runs out. It knows nothing of what the
// jobs do: other packages register a handler per kind.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"fanclub/internal/mongodb"
)

const (
	// lease is how long a claimed job is kept from other instances. A
	// handler gets no more than this, so its lease cannot run out under it
	// unless the clock and the context disagree.
	lease = 2 * time.Minute
	// maxAttempts is how many times a failing job runs before it is failed.
	maxAttempts = 5
	// firstBackoff is the wait after the first failure; it doubles with each.
	firstBackoff = 30 * time.Second
	// keepFinished is how long done and failed jobs stay, so a key enqueued
	// again within that time is still recognised as the same job.
	keepFinished = 7 * 24 * time.Hour
)

// handler runs one job of a kind with its payload. A returned error, or a
// panic, makes the job retry later.
type handler = func(ctx context.Context, payload bson.Raw) error

// Queue holds jobs in the "jobs" collection and runs those that are due.
// Each Queue is one app instance: it claims jobs under its own owner id.
type Queue struct {
	coll     *mongodb.Collection
	leases   *mongodb.Collection // Exclusive's
	sole     bool                // the database's only writer
	now      func() time.Time
	log      *slog.Logger
	owner    string
	handlers map[string]handler
}

// New returns a queue over db's jobs collection with a fresh random owner
// id, so two instances (or two Queues in a test) never mistake each
// other's leases for their own.
func New(db *mongodb.DB, now func() time.Time, log *slog.Logger) *Queue {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails on Linux
	return &Queue{coll: db.Collection("jobs"), leases: db.Collection("leases"), sole: db.SoleWriter(), now: now, log: log,
		owner: hex.EncodeToString(b[:]), handlers: map[string]handler{}}
}

// Handle registers h to run the jobs of kind. Register every kind before
// Run or RunDue: the map is not guarded, because handlers are wiring done
// once at start-up.
func (q *Queue) Handle(kind string, h func(ctx context.Context, payload bson.Raw) error) {
	q.handlers[kind] = h
}

// Enqueue adds a job of kind that is due now. payload must marshal to a
// BSON document (a struct or a map); nil is an empty one. key is the job's
// _id, so enqueuing the same key again, until Sweep removes the finished
// job, is the same job and returns nil; "" gives a fresh id.
func (q *Queue) Enqueue(ctx context.Context, key, kind string, payload any) error {
	return q.EnqueueAt(ctx, key, kind, payload, q.now())
}

// EnqueueAt is Enqueue for a job due at runAt.
func (q *Queue) EnqueueAt(ctx context.Context, key, kind string, payload any, runAt time.Time) error {
	if payload == nil {
		payload = bson.D{}
	}
	raw, err := bson.Marshal(payload)
	if err != nil {
		return fmt.Errorf("jobs: payload of %s: %w", kind, err)
	}
	if key == "" {
		key = primitive.NewObjectID().Hex()
	}
	now := q.now()
	err = q.insertJob(ctx, jobDoc{ID: key, Kind: kind, Payload: raw, State: stateQueued,
		RunAt: runAt, LeaseUntil: now, CreatedAt: now})
	if mongodb.IsDuplicateKey(err) { // the unique _id decides, on any server
		return nil
	}
	return err
}

// RunDue claims and runs due jobs one at a time until none is due, and
// returns how many it claimed. Tests call it to drain the queue.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		d, ok, err := q.claimJob(ctx)
		if err != nil || !ok {
			return n, err
		}
		n++
		if err := q.runJob(ctx, d); err != nil {
			return n, err
		}
	}
	return n, ctx.Err()
}

// Run runs due jobs now and then every every, until ctx is done. Errors are
// logged, not returned: the next round tries again.
func (q *Queue) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := q.RunDue(ctx); err != nil && ctx.Err() == nil {
			q.log.WarnContext(ctx, "jobs: run due jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep deletes done and failed jobs finished more than seven days ago.
// The embedded server has no TTL indexes, so the periodic sweep does it.
func (q *Queue) Sweep(ctx context.Context) error {
	return q.deleteFinished(ctx, q.now().Add(-keepFinished))
}

// runJob runs a claimed job and records how it went, under its lease.
func (q *Queue) runJob(ctx context.Context, d jobDoc) error {
	// The outcome is written even if ctx ends meanwhile (a shutdown): a
	// job that ran should not run again only because the app was stopping.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	h, ok := q.handlers[d.Kind]
	if !ok {
		// Retrying would only fill the log, so it fails at once for
		// someone to look at. An older instance in a rolling deploy fails
		// a kind only newer ones know, too: register a handler one release
		// before enqueuing its jobs.
		return q.failJob(rctx, d, fmt.Errorf("jobs: unknown kind %q", d.Kind))
	}
	hctx, hcancel := context.WithTimeout(ctx, lease)
	err := q.call(hctx, d, h)
	hcancel()
	switch {
	case err == nil:
		return q.finishJob(rctx, d)
	case ctx.Err() != nil:
		// Interrupted by a shutdown rather than failed: once the lease
		// runs out another instance runs it again.
		return ctx.Err()
	case d.Attempts >= maxAttempts:
		return q.failJob(rctx, d, err)
	default:
		return q.retryJob(rctx, d, err, q.now().Add(backoff(d.Attempts)))
	}
}

// call runs h, turning a panic into an error so one bad job cannot take
// the runner, and with it every other job, down. The stack goes to the
// log; the job keeps only the message.
func (q *Queue) call(ctx context.Context, d jobDoc, h handler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			q.log.ErrorContext(ctx, "job panicked", "job", d.ID, "kind", d.Kind, "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("jobs: handler panicked: %v", r)
		}
	}()
	return h(ctx, d.Payload)
}

// backoff is the wait after the attempts-th failure: 30 s, 1 min, 2 min…
func backoff(attempts int) time.Duration {
	return firstBackoff << (attempts - 1)
}

// failJob marks the job failed for good and says so in the log, where
// someone will see it.
func (q *Queue) failJob(ctx context.Context, d jobDoc, cause error) error {
	q.log.ErrorContext(ctx, "job failed", "job", d.ID, "kind", d.Kind, "attempts", d.Attempts, "err", cause)
	return q.endJob(ctx, d, stateFailed, cause)
}

// finishJob marks the job done.
func (q *Queue) finishJob(ctx context.Context, d jobDoc) error {
	return q.endJob(ctx, d, stateDone, nil)
}

// errLeaseLost means another instance holds the job now: its lease ran out
// while this one worked, so the other's outcome stands.
var errLeaseLost = errors.New("jobs: lease lost")

// lostLease logs a write that came too late, which is not an error of the
// queue: the job is in the other instance's hands.
func (q *Queue) lostLease(ctx context.Context, d jobDoc, err error) error {
	if errors.Is(err, errLeaseLost) {
		q.log.WarnContext(ctx, "job outlived its lease; another instance has it", "job", d.ID, "kind", d.Kind)
		return nil
	}
	return err
}
