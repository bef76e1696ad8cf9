package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"fanclub/internal/jobs"
)

// TestExclusiveRunsOnOneInstanceAtATime: while one instance holds a
// lease, another is turned away without running; given back, or run out
// after its holder died, the lease is the other's. An instance that is
// the database's only writer takes a lease whatever it finds: the holder
// was a process before it.
func TestExclusiveRunsOnOneInstanceAtATime(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	instance := func(shared bool) *jobs.Queue {
		db := r.db
		if shared {
			db = db.Shared()
		}
		q := jobs.New(db, r.clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := q.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
		return q
	}
	a, b := instance(true), instance(true)
	runs := 0
	work := func(context.Context) error { runs++; return nil }

	ran, err := a.Exclusive(ctx, "repair", func(ctx context.Context) error {
		runs++
		if ran, err := b.Exclusive(ctx, "repair", work); ran || err != nil {
			t.Errorf("b ran %v (%v) while a held the lease", ran, err)
		}
		return nil
	})
	if !ran || err != nil || runs != 1 {
		t.Fatalf("a: ran %v, %v, %d runs; want one run", ran, err, runs)
	}
	if ran, err := b.Exclusive(ctx, "repair", work); !ran || err != nil || runs != 2 {
		t.Errorf("b after a gave the lease back: ran %v (%v), %d runs", ran, err, runs)
	}

	// a dies holding the lease: b waits it out.
	died := errors.New("process died")
	stop := make(chan struct{})
	held := make(chan struct{})
	go func() {
		_, _ = a.Exclusive(ctx, "repair", func(context.Context) error { close(held); <-stop; return died })
	}()
	<-held
	if ran, _ := b.Exclusive(ctx, "repair", work); ran {
		t.Error("b ran while a's lease had time left")
	}
	r.clock.Advance(3 * time.Minute)
	if ran, err := b.Exclusive(ctx, "repair", work); !ran || err != nil {
		t.Errorf("b after a's lease ran out: ran %v (%v)", ran, err)
	}
	if ran, _ := b.Exclusive(ctx, "repair", work); !ran {
		t.Error("b was refused the lease it gave back")
	}
	held = make(chan struct{})
	go func() {
		_, _ = b.Exclusive(ctx, "other", func(context.Context) error { close(held); <-stop; return died })
	}()
	<-held
	if ran, _ := instance(false).Exclusive(ctx, "other", work); !ran {
		t.Error("the database's only writer was refused a lease left behind")
	}
	close(stop)
}
