package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/internal/jobs"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// clock is the instances' shared time, which a test moves forward. It
// starts on a whole second, so times stored at millisecond precision
// compare exactly.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// rig is one database with the clock its queues share.
type rig struct {
	t     *testing.T
	db    *mongodb.DB
	clock *clock
}

func newRig(t *testing.T) *rig {
	return &rig{t: t, db: mongotest.New(t), clock: newClock()}
}

// queue starts one more app instance on the rig's database.
func (r *rig) queue() *jobs.Queue {
	r.t.Helper()
	q := jobs.New(r.db, r.clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := q.EnsureIndexes(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	return q
}

// job is a job document as stored.
type job struct {
	ID         string    `bson:"_id"`
	Kind       string    `bson:"kind"`
	Payload    bson.M    `bson:"payload"`
	State      string    `bson:"state"`
	RunAt      time.Time `bson:"runAt"`
	LeaseUntil time.Time `bson:"leaseUntil"`
	LeasedBy   string    `bson:"leasedBy"`
	Attempts   int       `bson:"attempts"`
	LastError  string    `bson:"lastError"`
	CreatedAt  time.Time `bson:"createdAt"`
	DoneAt     time.Time `bson:"doneAt"`
}

func (r *rig) job(id string) job {
	r.t.Helper()
	var j job
	if err := r.db.Collection("jobs").FindOne(context.Background(), bson.M{"_id": id}).Decode(&j); err != nil {
		r.t.Fatalf("job %s: %v", id, err)
	}
	return j
}

func (r *rig) count(filter bson.M) int64 {
	r.t.Helper()
	n, err := r.db.Collection("jobs").CountDocuments(context.Background(), filter)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *rig) enqueue(q *jobs.Queue, key, kind string, payload any) {
	r.t.Helper()
	if err := q.Enqueue(context.Background(), key, kind, payload); err != nil {
		r.t.Fatalf("enqueue %s: %v", key, err)
	}
}

// runDue drains q and checks how many jobs it claimed.
func (r *rig) runDue(q *jobs.Queue, want int) {
	r.t.Helper()
	n, err := q.RunDue(context.Background())
	if err != nil {
		r.t.Fatalf("RunDue: %v", err)
	}
	if n != want {
		r.t.Fatalf("RunDue claimed %d jobs, want %d", n, want)
	}
}

// tally counts handler runs per key, across goroutines.
type tally struct {
	mu sync.Mutex
	n  map[string]int
}

func (t *tally) handler(ctx context.Context, payload bson.Raw) error {
	key, _ := payload.Lookup("key").StringValueOK()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == nil {
		t.n = map[string]int{}
	}
	t.n[key]++
	return nil
}

func (t *tally) get(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n[key]
}

func TestTwoInstancesRunEachJobOnce(t *testing.T) {
	r := newRig(t)
	a, b := r.queue(), r.queue()
	var runs tally
	a.Handle("count", runs.handler)
	b.Handle("count", runs.handler)
	for i := range 100 {
		key := fmt.Sprintf("job-%03d", i)
		r.enqueue(a, key, "count", bson.M{"key": key})
	}

	var wg sync.WaitGroup
	claimed := make([]int, 2)
	for i, q := range []*jobs.Queue{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := q.RunDue(context.Background())
			if err != nil {
				t.Errorf("instance %d: %v", i, err)
			}
			claimed[i] = n
		}()
	}
	wg.Wait()

	for i := range 100 {
		if key := fmt.Sprintf("job-%03d", i); runs.get(key) != 1 {
			t.Errorf("%s ran %d times, want once", key, runs.get(key))
		}
	}
	if claimed[0]+claimed[1] != 100 {
		t.Errorf("instances claimed %d + %d jobs, want 100 in all", claimed[0], claimed[1])
	}
	if n := r.count(bson.M{"state": "done", "attempts": 1}); n != 100 {
		t.Errorf("%d jobs done at the first attempt, want 100", n)
	}
}

func TestExpiredLeaseIsReclaimed(t *testing.T) {
	r := newRig(t)
	a, b := r.queue(), r.queue()
	started, release := make(chan struct{}), make(chan struct{})
	a.Handle("slow", func(ctx context.Context, _ bson.Raw) error {
		close(started)
		<-release // instance a hangs past its lease
		return nil
	})
	var runs tally
	b.Handle("slow", runs.handler)
	r.enqueue(a, "slow-1", "slow", bson.M{"key": "slow-1"})

	done := make(chan int)
	go func() {
		n, err := a.RunDue(context.Background())
		if err != nil {
			t.Errorf("instance a: %v", err)
		}
		done <- n
	}()
	<-started

	r.runDue(b, 0) // the lease holds
	r.clock.Advance(2*time.Minute + time.Second)
	r.runDue(b, 1)
	if runs.get("slow-1") != 1 {
		t.Fatalf("instance b ran the job %d times", runs.get("slow-1"))
	}
	byB := r.job("slow-1")
	if byB.State != "done" || byB.Attempts != 2 || !byB.DoneAt.Equal(r.clock.Now()) {
		t.Fatalf("after b: %+v", byB)
	}

	r.clock.Advance(time.Minute)
	close(release) // a finishes late and reports done
	if n := <-done; n != 1 {
		t.Fatalf("instance a claimed %d jobs, want 1", n)
	}
	if late := r.job("slow-1"); !reflect.DeepEqual(late, byB) {
		t.Fatalf("a's late report overwrote b's:\n got %+v\nwant %+v", late, byB)
	}
}

func TestFailingJobBacksOffThenFails(t *testing.T) {
	r := newRig(t)
	q := r.queue()
	calls := 0
	q.Handle("flaky", func(context.Context, bson.Raw) error {
		calls++
		return errors.New("smtp: 451 try again later")
	})
	r.enqueue(q, "mail-1", "flaky", nil)

	for attempt, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute} {
		r.runDue(q, 1)
		j := r.job("mail-1")
		if j.State != "queued" || j.Attempts != attempt+1 || !j.RunAt.Equal(r.clock.Now().Add(wait)) ||
			j.LastError != "smtp: 451 try again later" || j.LeaseUntil.After(r.clock.Now()) {
			t.Fatalf("after attempt %d: %+v", attempt+1, j)
		}
		r.clock.Advance(wait - time.Second)
		r.runDue(q, 0) // not yet due
		r.clock.Advance(time.Second)
	}
	r.runDue(q, 1)
	j := r.job("mail-1")
	if j.State != "failed" || j.Attempts != 5 || !j.DoneAt.Equal(r.clock.Now()) || j.LastError == "" {
		t.Fatalf("after five attempts: %+v", j)
	}
	r.clock.Advance(time.Hour)
	r.runDue(q, 0)
	if calls != 5 {
		t.Fatalf("handler ran %d times, want 5", calls)
	}
}

func TestPanickingHandlerIsAFailure(t *testing.T) {
	r := newRig(t)
	q := r.queue()
	var runs tally
	q.Handle("boom", func(context.Context, bson.Raw) error { panic("nil map") })
	q.Handle("count", runs.handler)
	r.enqueue(q, "1-boom", "boom", nil)
	r.enqueue(q, "2-after", "count", bson.M{"key": "2-after"})

	r.runDue(q, 2)
	if j := r.job("1-boom"); j.State != "queued" || j.Attempts != 1 || !strings.Contains(j.LastError, "nil map") {
		t.Fatalf("panicked job: %+v", j)
	}
	if runs.get("2-after") != 1 {
		t.Fatal("the job after the panic did not run")
	}
}

func TestSameKeyIsOneJob(t *testing.T) {
	r := newRig(t)
	q := r.queue()
	var runs tally
	q.Handle("welcome", runs.handler)
	r.enqueue(q, "welcome:mina", "welcome", bson.M{"key": "first"})
	r.enqueue(q, "welcome:mina", "welcome", bson.M{"key": "second"})
	if n := r.count(bson.M{}); n != 1 {
		t.Fatalf("%d jobs stored, want 1", n)
	}
	r.runDue(q, 1)
	r.enqueue(q, "welcome:mina", "welcome", bson.M{"key": "third"}) // done, not yet swept
	r.runDue(q, 0)
	if runs.get("first") != 1 || runs.get("second") != 0 || runs.get("third") != 0 {
		t.Fatalf("runs %v, want the first payload once", runs.n)
	}

	r.enqueue(q, "", "welcome", bson.M{"key": "fresh"})
	r.enqueue(q, "", "welcome", bson.M{"key": "fresh"})
	r.runDue(q, 2) // no key: two jobs
}

func TestUnknownKindFailsAtOnce(t *testing.T) {
	r := newRig(t)
	q := r.queue()
	r.enqueue(q, "x", "no-such-kind", bson.M{"a": 1})
	r.runDue(q, 1)
	j := r.job("x")
	if j.State != "failed" || j.Attempts != 1 || !strings.Contains(j.LastError, "no-such-kind") || j.Payload["a"] != int32(1) {
		t.Fatalf("job %+v", j)
	}
	r.clock.Advance(time.Hour)
	r.runDue(q, 0)
}

func TestEnqueueRefusesAPayloadThatIsNotADocument(t *testing.T) {
	r := newRig(t)
	q := r.queue()
	if err := q.Enqueue(context.Background(), "k", "count", "just a string"); err == nil {
		t.Fatal("a string payload was accepted")
	}
	if n := r.count(bson.M{}); n != 0 {
		t.Fatalf("%d jobs stored", n)
	}
}

func TestSweepRemovesOldFinishedJobs(t *testing.T) {
	r := newRig(t)
	q := r.queue()
	var runs tally
	q.Handle("count", runs.handler)
	q.Handle("flaky", func(context.Context, bson.Raw) error { return errors.New("down") })
	r.enqueue(q, "old-done", "count", nil)
	r.enqueue(q, "old-failed", "unknown", nil)
	r.enqueue(q, "old-queued", "flaky", nil) // created now, still retrying in eight days
	r.runDue(q, 3)

	r.clock.Advance(8 * 24 * time.Hour)
	r.enqueue(q, "recent-done", "count", nil)
	r.runDue(q, 2) // recent-done, and old-queued's second attempt
	r.enqueue(q, "waiting", "count", nil)

	if err := q.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int64{"old-done": 0, "old-failed": 0, "old-queued": 1, "recent-done": 1, "waiting": 1} {
		if n := r.count(bson.M{"_id": id}); n != want {
			t.Errorf("%s: %d left, want %d", id, n, want)
		}
	}
}
