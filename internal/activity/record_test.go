package activity_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"fanclub/internal/activity"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

var seoul = mustZone("Asia/Seoul")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time           { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)          { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func zone(context.Context) *time.Location { return seoul }

func newRecorder(t *testing.T, db *mongodb.DB, c *clock) *activity.Recorder {
	return activity.New(db, zone, c.now, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func TestDayOfCountsInTheSiteZone(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string // the day's date
		week string // its Monday
	}{
		// Sunday 23:59 in Seoul is still the week before; a minute later
		// is Monday, while UTC is still on Sunday.
		{time.Date(2026, 11, 29, 14, 59, 0, 0, time.UTC), "2026-11-29", "2026-11-23"},
		{time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC), "2026-11-30", "2026-11-30"},
		{time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC), "2026-12-06", "2026-11-30"},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), "1970-01-01", "1969-12-29"},
	} {
		d := activity.DayOf(tc.at, seoul)
		if got := d.Start(seoul).Format("2006-01-02"); got != tc.want {
			t.Errorf("DayOf(%v) = %s, want %s", tc.at, got, tc.want)
		}
		if got := d.Week().Start(seoul).Format("2006-01-02"); got != tc.week {
			t.Errorf("week of %v = %s, want %s", tc.at, got, tc.week)
		}
		if d.Week().Weekday() != time.Monday {
			t.Errorf("week of %v starts on %v", tc.at, d.Week().Weekday())
		}
	}
}

func TestRecordIsOneWritePerAction(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var ops []mongodb.Op
	db := mongotest.NewObserved(t, func(op mongodb.Op) { mu.Lock(); ops = append(ops, op); mu.Unlock() })
	c := &clock{t: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}
	rec := newRecorder(t, db, c)
	if _, err := rec.All(ctx); err != nil { // loads the mirror, if any
		t.Fatal(err)
	}
	count := func(f func()) int {
		mu.Lock()
		ops = nil
		mu.Unlock()
		f()
		mu.Lock()
		defer mu.Unlock()
		return len(ops)
	}
	// A long history first: the cost must not grow with it.
	for i := 0; i < 200; i++ {
		c.set(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC).AddDate(0, 0, i))
		rec.Record(ctx, "a1", activity.Post)
	}
	c.set(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	if n := count(func() { rec.Record(ctx, "a1", activity.Vote) }); n != 1 {
		t.Errorf("a vote's record took %d operations, want 1 write", n)
	}
	if n := count(func() { rec.Visit(ctx, "a1"); rec.Visit(ctx, "a1"); rec.Visit(ctx, "a1") }); n != 1 {
		t.Errorf("three visits in a day took %d operations, want 1", n)
	}
	c.set(time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC))
	if n := count(func() { rec.Visit(ctx, "a1") }); n != 1 {
		t.Errorf("the next day's visit took %d operations, want 1", n)
	}
}

func TestRecordKeepsDaysKindsAndCounts(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	c := &clock{}
	rec := newRecorder(t, db, c)
	if _, err := rec.All(ctx); err != nil {
		t.Fatal(err)
	}
	at := func(s string) { // a Seoul wall-clock time
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, seoul)
		if err != nil {
			t.Fatal(err)
		}
		c.set(tm)
	}
	at("2026-11-02 09:00")
	rec.Joined(ctx, "a1", c.now())
	rec.Record(ctx, "a1", activity.Join)
	at("2026-11-02 23:59")
	rec.Record(ctx, "a1", activity.Post)
	rec.Record(ctx, "a1", activity.Post)
	at("2026-11-03 00:01") // past midnight in Seoul, still Nov 2 in UTC
	rec.Visit(ctx, "a1")
	at("2026-11-20 12:00")
	rec.Record(ctx, "a1", activity.Vote)
	// Recorded late (an old account's creation heard of after its first
	// action): the earliest join day wins.
	rec.Joined(ctx, "a1", time.Date(2026, 10, 1, 0, 0, 0, 0, seoul))
	// A cancelled request still records what happened.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	rec.Record(cancelled, "a2", activity.Comment)

	day := func(s string) activity.Day {
		tm, _ := time.ParseInLocation("2006-01-02", s, seoul)
		return activity.DayOf(tm, seoul)
	}
	check := func(name string, rows map[string]activity.Rollup) {
		t.Helper()
		r, ok := rows["a1"]
		if !ok {
			t.Fatalf("%s: no rollup for a1", name)
		}
		if r.Joined != day("2026-10-01") || r.First != day("2026-11-02") || r.Last != day("2026-11-20") {
			t.Errorf("%s: joined/first/last = %d/%d/%d", name, r.Joined, r.First, r.Last)
		}
		if n := r.ActiveDays(day("2026-10-01"), day("2026-12-01")); n != 3 {
			t.Errorf("%s: %d active days, want 3 (Nov 2, 3, 20)", name, n)
		}
		for _, d := range []string{"2026-11-02", "2026-11-03", "2026-11-20"} {
			if !r.ActiveOn(day(d)) {
				t.Errorf("%s: not active on %s", name, d)
			}
		}
		if r.ActiveBetween(day("2026-11-04"), day("2026-11-20")) {
			t.Errorf("%s: active between Nov 4 and 19", name)
		}
		if r.Counts[activity.Post] != 2 || r.Counts[activity.Vote] != 1 || r.Counts[activity.Visit] != 0 {
			t.Errorf("%s: counts %v", name, r.Counts)
		}
		if r.KindLast[activity.Post] != day("2026-11-02") || r.KindLast[activity.Visit] != day("2026-11-03") {
			t.Errorf("%s: kinds %v", name, r.KindLast)
		}
		if n := r.KindsSince(day("2026-11-02")); n != 3 { // join, post, vote; the visit is not participation
			t.Errorf("%s: %d kinds of participation, want 3", name, n)
		}
		if rows["a2"].Counts[activity.Comment] != 1 {
			t.Errorf("%s: the cancelled request's comment was not recorded: %+v", name, rows["a2"])
		}
	}
	got, err := rec.Rollups(ctx, []string{"a1", "a2", "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	check("this instance", got)
	// A recorder that reads the database afresh sees the same.
	fresh, err := newRecorder(t, db, c).Rollups(ctx, []string{"a1", "a2"})
	if err != nil {
		t.Fatal(err)
	}
	check("fresh read", fresh)
}

func TestConcurrentRecordsAreExact(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	c := &clock{t: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	rec := newRecorder(t, db, c)
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec.Record(ctx, "a1", activity.Vote)
			if i == 20 {
				_, _ = rec.All(ctx) // a load in the middle of the writes
			}
		}()
	}
	wg.Wait()
	for name, r := range map[string]*activity.Recorder{"this instance": rec, "fresh": newRecorder(t, db, c)} {
		rows, err := r.Rollups(ctx, []string{"a1"})
		if err != nil {
			t.Fatal(err)
		}
		if n := rows["a1"].Counts[activity.Vote]; n != 40 {
			t.Errorf("%s: %d votes counted, want 40", name, n)
		}
	}
}

func TestReplaceStoresAHistory(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	c := &clock{t: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	rec := newRecorder(t, db, c)
	r := activity.Rollup{Account: "a1", Joined: 20000}
	for d := activity.Day(20000); d < 20300; d += 3 {
		r.Add(activity.Post, d)
	}
	if err := rec.Replace(ctx, []activity.Rollup{r}); err != nil {
		t.Fatal(err)
	}
	rows, err := newRecorder(t, db, c).Rollups(ctx, []string{"a1"})
	if err != nil {
		t.Fatal(err)
	}
	got := rows["a1"]
	if got.ActiveDays(20000, 20300) != 100 || got.Counts[activity.Post] != 100 || got.Last != 20297 || got.First != 20000 {
		t.Errorf("stored %+v", got)
	}
}

// A forgotten account is gone from the store and from memory; the others
// stay.
func TestForgetDeletesTheAccountsRecord(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	c := &clock{t: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	rec := newRecorder(t, db, c)
	rec.Record(ctx, "gone", activity.Post)
	rec.Record(ctx, "kept", activity.Post)
	if err := rec.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rec.Forget(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	all, err := rec.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Account != "kept" {
		t.Errorf("in memory after Forget: %+v, want only kept", all)
	}
	stored, err := newRecorder(t, db, c).Rollups(ctx, []string{"gone", "kept"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := stored["gone"]; ok || stored["kept"].Counts[activity.Post] != 1 {
		t.Errorf("stored after Forget: %+v, want only kept", stored)
	}

	// A record landing after the deletion brings the account back; the
	// daily sweep forgets it again, and counts only those it found.
	rec.Record(ctx, "gone", activity.Comment)
	n, err := rec.ForgetAll(ctx, []string{"gone", "never-recorded"})
	if err != nil || n != 1 {
		t.Errorf("ForgetAll = %d, %v; want 1 forgotten", n, err)
	}
	if all, _ := rec.All(ctx); len(all) != 1 || all[0].Account != "kept" {
		t.Errorf("in memory after ForgetAll: %+v, want only kept", all)
	}
}

// TestReplaceOverwritesRecordedAccounts replaces, in one call, the
// history of an account recorded already and of fresh ones: each comes
// out whole, the recorded one without what was recorded before, and the
// copy in memory follows.
func TestReplaceOverwritesRecordedAccounts(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	c := &clock{t: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	rec := newRecorder(t, db, c)
	today := activity.DayOf(c.now(), seoul)
	rec.Record(ctx, "old", activity.Vote)
	if _, err := rec.All(ctx); err != nil { // loads the copy in memory
		t.Fatal(err)
	}
	var rows []activity.Rollup
	for _, id := range []string{"new1", "old", "new2"} {
		r := activity.Rollup{Account: id, Joined: today - 30}
		r.Add(activity.Comment, today-2)
		rows = append(rows, r)
	}
	if err := rec.Replace(ctx, rows); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*activity.Recorder{"this instance": rec, "fresh": newRecorder(t, db, c)} {
		got, err := r.Rollups(ctx, []string{"new1", "old", "new2"})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"new1", "old", "new2"} {
			g := got[id]
			if g.Joined != today-30 || g.Last != today-2 || g.Counts[activity.Comment] != 1 || g.Counts[activity.Vote] != 0 || g.ActiveOn(today) {
				t.Errorf("%s: %s stored as %+v", name, id, g)
			}
		}
	}
}

func TestTrimDropsDaysOlderThanItsWindow(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	c := &clock{t: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	rec := newRecorder(t, db, c)
	today := activity.DayOf(c.now(), seoul)
	r := activity.Rollup{Account: "a1"}
	old, recent := today-600, today-100
	r.Add(activity.Post, old)
	r.Add(activity.Post, recent)
	if err := rec.Replace(ctx, []activity.Rollup{r, {Account: "a2", Joined: today}}); err != nil {
		t.Fatal(err)
	}
	if _, err := rec.All(ctx); err != nil { // the copy in memory must follow too
		t.Fatal(err)
	}
	n, err := rec.Trim(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Trim = %d, %v; want 1 rollup trimmed", n, err)
	}
	for name, r := range map[string]*activity.Recorder{"this instance": rec, "fresh": newRecorder(t, db, c)} {
		rows, err := r.Rollups(ctx, []string{"a1"})
		if err != nil {
			t.Fatal(err)
		}
		got := rows["a1"]
		if got.ActiveOn(old) || !got.ActiveOn(recent) || got.First != old || got.Counts[activity.Post] != 2 {
			t.Errorf("%s: after Trim %+v", name, got)
		}
	}
}
