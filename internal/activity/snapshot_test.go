package activity_test

import (
	"context"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"fanclub/internal/activity"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// rollupsOf is every rollup rec holds, by account, as All returns them.
func rollupsOf(t *testing.T, rec *activity.Recorder) map[string]activity.Rollup {
	t.Helper()
	all, err := rec.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]activity.Rollup{}
	for _, r := range all {
		out[r.Account] = r
	}
	return out
}

// TestSnapshotCarriesTheRecordAcrossACleanRestart: a process that stops
// cleanly leaves a snapshot the next start takes instead of reading the
// collection, holding exactly what the collection holds; a process that
// writes and stops without saving (a crash), or a writer that never took
// the snapshot (the seed), leaves it stale, and the next start reads the
// collection, missing nothing.
func TestSnapshotCarriesTheRecordAcrossACleanRestart(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	scans := 0
	db := mongotest.NewObserved(t, func(op mongodb.Op) {
		if op.Collection == "activity" && op.Name == "find" && op.Scan {
			mu.Lock()
			scans++
			mu.Unlock()
		}
	})
	c := &clock{t: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	start := func() *activity.Recorder { // a process starting, as serve does
		t.Helper()
		rec := newRecorder(t, db, c)
		if err := rec.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
		if err := rec.Resume(ctx); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	scanned := func() int { mu.Lock(); defer mu.Unlock(); n := scans; scans = 0; return n }
	// truth is the collection itself, read by a recorder that keeps no
	// snapshot in mind.
	truth := func() map[string]activity.Rollup {
		t.Helper()
		rows, err := newRecorder(t, db, c).Rollups(ctx, []string{"a", "b", "c", "d"})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	same := func(step string, got map[string]activity.Rollup) {
		t.Helper()
		want := truth()
		if len(got) != len(want) {
			t.Errorf("%s: %d rollups in memory, %d stored", step, len(got), len(want))
		}
		var ids []string
		for id := range want {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			g, w := got[id], want[id]
			if !reflect.DeepEqual(g.Counts, w.Counts) || !reflect.DeepEqual(g.KindLast, w.KindLast) ||
				g.First != w.First || g.Last != w.Last || g.Joined != w.Joined || g.ActiveDays(0, 40000) != w.ActiveDays(0, 40000) {
				t.Errorf("%s: %s in memory %+v, stored %+v", step, id, g, w)
			}
		}
	}

	first := start() // nothing to take
	first.Joined(ctx, "a", c.now().AddDate(0, -1, 0))
	first.Record(ctx, "a", activity.Post)
	first.Record(ctx, "b", activity.Vote)
	same("first start", rollupsOf(t, first))
	if err := first.Suspend(ctx); err != nil {
		t.Fatal(err)
	}
	scanned()

	second := start() // a clean restart: taken from the snapshot
	got := rollupsOf(t, second)
	if n := scanned(); n != 0 {
		t.Errorf("a clean restart read the activity collection %d times, want 0", n)
	}
	same("after a clean restart", got)
	c.set(c.now().AddDate(0, 0, 1))
	second.Record(ctx, "a", activity.Comment)
	second.Record(ctx, "c", activity.RSVP)
	// No Suspend: the process dies.

	third := start()
	got = rollupsOf(t, third)
	if n := scanned(); n == 0 {
		t.Error("the start after a crash trusted the snapshot instead of reading the collection")
	}
	same("after a crash", got)
	if err := third.Suspend(ctx); err != nil {
		t.Fatal(err)
	}
	// A request that outlived the shutdown's timeout records after the
	// save.
	third.Record(ctx, "b", activity.React)
	scanned()
	late := start()
	got = rollupsOf(t, late)
	if n := scanned(); n == 0 {
		t.Error("the start after a late record trusted the snapshot instead of reading the collection")
	}
	same("after a late record", got)
	if err := late.Suspend(ctx); err != nil {
		t.Fatal(err)
	}

	// The seed, stopped, writes with a recorder of its own.
	if err := newRecorder(t, db, c).Replace(ctx, []activity.Rollup{{Account: "d", Joined: 20000}}); err != nil {
		t.Fatal(err)
	}
	scanned()
	fourth := start()
	got = rollupsOf(t, fourth)
	same("after another writer", got)
	if _, ok := got["d"]; !ok {
		t.Error("the start after the seed missed the seed's history")
	}
}
