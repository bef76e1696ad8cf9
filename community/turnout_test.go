package community_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// tnInput is an event starting at start, two hours long, in Seoul.
func tnInput(title string, start time.Time) community.EventInput {
	loc, _ := time.LoadLocation("Asia/Seoul")
	start = start.In(loc)
	return community.EventInput{Title: title, Zone: "Asia/Seoul", Start: start.Format(community.LocalTimeLayout),
		End: start.Add(2 * time.Hour).Format(community.LocalTimeLayout), Venue: "Seongsu-dong, Seoul", Access: community.AccessMembers}
}

// tnEvent creates the event tnInput describes in the group.
func tnEvent(t *testing.T, svc *community.Service, slug, title string, start time.Time) community.Event {
	t.Helper()
	e, err := svc.CreateEvent(context.Background(), fdStaff, slug, tnInput(title, start))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// turnoutView is EventFigures as one comparable text, a line an event.
func turnoutView(t *testing.T, svc *community.Service, now time.Time) string {
	t.Helper()
	figures, err := svc.EventFigures(context.Background(), fdStaff, now)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range figures {
		if math.IsNaN(f.Attendance) || math.IsNaN(f.NoShows) {
			t.Errorf("%s: a rate is NaN", f.Title)
		}
		fmt.Fprintf(&b, "%s going %d in %d attendance %.4f no-shows %.4f\n", f.Title, f.Going, f.CheckedIn, f.Attendance, f.NoShows)
	}
	return b.String()
}

// TestEventFigures: the last ten events that ended, not cancelled, newest
// first, each with those going, those checked in (a check-in taken back
// and one before the start of a guest who then declined do not count)
// and the rates, 0 rather than NaN for an event nobody went to. A
// drifted counter is recounted by Reconcile. On the embedded store it
// reads no RSVP and scans nothing, and a service that trusts no memory
// (as on MongoDB) shows the same.
func TestEventFigures(t *testing.T) {
	db, measure := measuredDB(t)
	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	clock := newClock(t0)
	svc, _ := evService(t, db, clock.Now)
	ctx := context.Background()
	if err := svc.Warm(ctx); err != nil { // the index in memory must follow every write below
		t.Fatal(err)
	}
	members := ideaGroup(t, svc, "door", 4)
	var events []community.Event
	for i := range 12 { // E00 ends first, E11 last
		events = append(events, tnEvent(t, svc, "door", fmt.Sprintf("E%02d", i), t0.Add(time.Duration(24+i)*time.Hour)))
	}
	called := tnEvent(t, svc, "door", "Called off", t0.Add(40*time.Hour)) // would have ended last of all
	tnEvent(t, svc, "door", "To come", t0.Add(60*time.Hour))
	if _, err := svc.CancelEvent(ctx, fdStaff, "door", called.ID); err != nil {
		t.Fatal(err)
	}
	e09, e10, e11 := events[9], events[10], events[11]
	checkIn := func(e community.Event, m int, on bool) {
		t.Helper()
		if _, err := svc.CheckIn(ctx, fdStaff, "door", e.ID, members[m].ID(), on); err != nil {
			t.Fatal(err)
		}
	}
	rsvp := func(e community.Event, m int, going bool) {
		t.Helper()
		if _, err := svc.RSVP(ctx, members[m], "door", e.ID, going); err != nil {
			t.Fatal(err)
		}
	}
	clock.Add(12 * time.Hour) // before any start
	for m := range 4 {
		rsvp(e11, m, true)
		rsvp(e10, m, true)
	}
	// At E10's door early, two are checked in; then one of them says
	// they will not come after all.
	checkIn(e10, 0, true)
	checkIn(e10, 1, true)
	rsvp(e10, 0, false)
	// At E09, the last of two seated is checked in early, then the host
	// cuts the seats to one: they go back to the line, and off the count.
	rsvp(e09, 0, true)
	clock.Add(time.Second)
	rsvp(e09, 1, true)
	checkIn(e09, 1, true)
	fewer := tnInput("E09", e09.Start)
	fewer.Capacity, fewer.ShrinkToWaitlist = "1", true
	if _, err := svc.EditEvent(ctx, fdStaff, "door", e09.ID, fewer); err != nil {
		t.Fatal(err)
	}
	// At E11, three come; one was marked by mistake and taken back; a
	// second tap changes nothing.
	clock.Set(e11.Start)
	checkIn(e11, 0, true)
	checkIn(e11, 1, true)
	checkIn(e11, 2, true)
	checkIn(e11, 2, true)
	checkIn(e11, 1, false)

	now := t0.Add(48 * time.Hour)
	quiet := "going 0 in 0 attendance 0.0000 no-shows 0.0000\n"
	want := "E11 going 4 in 2 attendance 0.5000 no-shows 0.5000\n" +
		"E10 going 3 in 1 attendance 0.3333 no-shows 0.6667\n" +
		"E09 going 1 in 0 attendance 0.0000 no-shows 1.0000\n"
	for i := 8; i >= 2; i-- {
		want += fmt.Sprintf("E%02d %s", i, quiet)
	}
	query := fdService(t, db.Shared())
	var got string
	ops := measure(func() { got = turnoutView(t, svc, now) })
	if got != want {
		t.Errorf("event figures:\n%s\nwant:\n%s", got, want)
	}
	if len(ops) != 1 || ops[0].Collection != "events" || ops[0].Scan {
		t.Errorf("event figures cost %+v; want one find of events by _id", ops)
	}
	if got := turnoutView(t, query, now); got != want {
		t.Errorf("event figures from queries:\n%s\nwant:\n%s", got, want)
	}
	// A process started after the events ended reads them into memory.
	if got := turnoutView(t, fdService(t, db), now); got != want {
		t.Errorf("event figures after a restart:\n%s\nwant:\n%s", got, want)
	}
	// Before E11 has ended, it is not among them; the earliest is.
	if got := turnoutView(t, svc, e11.End.Add(-time.Second)); strings.Contains(got, "E11") || !strings.Contains(got, "E01 going 0") {
		t.Errorf("event figures while E11 runs:\n%s", got)
	}

	// A crash between a check-in and its count: the counter says 7 of 4,
	// shown as all came until Reconcile counts the RSVPs again.
	if _, err := db.Collection("events").UpdateOne(ctx, bson.M{"_id": e11.ID}, bson.M{"$set": bson.M{"attended": 7}}); err != nil {
		t.Fatal(err)
	}
	if got := turnoutView(t, svc, now); !strings.HasPrefix(got, "E11 going 4 in 7 attendance 1.0000 no-shows 0.0000\n") {
		t.Errorf("event figures with a drifted counter:\n%s", got)
	}
	if r, err := svc.Reconcile(ctx, e11.Group); err != nil || r.Events != 1 {
		t.Errorf("reconcile repaired %+v (%v), want the one event counter", r, err)
	}
	if got := turnoutView(t, svc, now); got != want {
		t.Errorf("event figures after reconcile:\n%s\nwant:\n%s", got, want)
	}
}

// TestEventFiguresStaffOnly: members and moderators of a group, and
// visitors, are refused; an empty site gives no events.
func TestEventFiguresStaffOnly(t *testing.T) {
	svc := fdService(t, mongotest.New(t))
	ctx := context.Background()
	members := ideaGroup(t, svc, "staff", 2)
	if err := svc.SetRole(ctx, fdStaff, "staff", members[1].ID(), community.RoleModerator); err != nil {
		t.Fatal(err)
	}
	for _, a := range []community.Actor{members[0], members[1], {}} {
		if _, err := svc.EventFigures(ctx, a, time.Now()); !errors.Is(err, community.ErrForbidden) {
			t.Errorf("event figures for %q: %v, want ErrForbidden", a.Account.Name, err)
		}
	}
	if got, err := svc.EventFigures(ctx, fdStaff, time.Now()); err != nil || len(got) != 0 {
		t.Errorf("event figures of a site with no event: %+v, %v", got, err)
	}
}

// measuredDB is a fresh database, and measure, which returns the
// operations asked of it while fn runs.
func measuredDB(t *testing.T) (db *mongodb.DB, measure func(fn func()) []mongodb.Op) {
	var mu sync.Mutex
	var ops []mongodb.Op
	var counting atomic.Bool
	db = mongotest.NewObserved(t, func(op mongodb.Op) {
		if counting.Load() {
			mu.Lock()
			defer mu.Unlock()
			ops = append(ops, op)
		}
	})
	return db, func(fn func()) []mongodb.Op {
		mu.Lock()
		ops = nil
		mu.Unlock()
		counting.Store(true)
		fn()
		counting.Store(false)
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(ops)
	}
}

// Set moves the clock to t.
func (c *testClock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }
