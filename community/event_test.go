package community_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/jobs"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// testClock is a clock tests move by hand; it is safe for concurrent use.
type testClock struct{ ns atomic.Int64 }

func newClock(t time.Time) *testClock {
	c := &testClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *testClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// evService is community and a job queue on db, both on clock.
func evService(t testing.TB, db *mongodb.DB, clock func() time.Time) (*community.Service, *jobs.Queue) {
	t.Helper()
	r := newRig(t, db, clock)
	return r.svc, r.jobs
}

// newEvent creates an event in slug starting in a day, for two hours.
func newEvent(t testing.TB, svc *community.Service, now time.Time, slug string, in community.EventInput) community.Event {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Seoul")
	start := now.Add(24 * time.Hour).In(loc)
	if in.Title == "" {
		in.Title = "Tasting night"
	}
	if in.Zone == "" {
		in.Zone, in.Start, in.End = "Asia/Seoul", start.Format(community.LocalTimeLayout), start.Add(2*time.Hour).Format(community.LocalTimeLayout)
	}
	if in.Venue == "" && !in.Online {
		in.Venue = "Seongsu-dong, Seoul"
	}
	if in.Access == "" {
		in.Access = community.AccessMembers
	}
	e, err := svc.CreateEvent(context.Background(), fdStaff, slug, in)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// line is the event's counters and its RSVPs, read apart: the accounts
// going, and those waiting in ticket order.
type line struct {
	going, waiting int // counters
	seated         []auth.AccountID
	waiters        []auth.AccountID
}

func readLine(t *testing.T, db *mongodb.DB, id community.EventID) line {
	t.Helper()
	ctx := context.Background()
	var e struct {
		Going   int `bson:"going"`
		Waiting int `bson:"waiting"`
	}
	if err := db.Collection("events").FindOne(ctx, bson.M{"_id": id}).Decode(&e); err != nil {
		t.Fatal(err)
	}
	l := line{going: e.Going, waiting: e.Waiting}
	cur, err := db.Collection("rsvps").Find(ctx, bson.M{"event": id})
	if err != nil {
		t.Fatal(err)
	}
	var rs []struct {
		Account auth.AccountID `bson:"account"`
		State   string         `bson:"state"`
		Ticket  int64          `bson:"ticket"`
	}
	if err := cur.All(ctx, &rs); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(rs, func(a, b struct {
		Account auth.AccountID `bson:"account"`
		State   string         `bson:"state"`
		Ticket  int64          `bson:"ticket"`
	}) int {
		return int(a.Ticket - b.Ticket)
	})
	for _, r := range rs {
		switch r.State {
		case "going":
			l.seated = append(l.seated, r.Account)
		case "waitlist":
			l.waiters = append(l.waiters, r.Account)
		}
	}
	return l
}

// TestSeatsExactUnderConcurrency: 200 members asking at once for 50 seats
// get exactly 50 seats and a line of 150 with positions 1…150; then
// seated people cancelling while others join and leave the line seat the
// head of the line, in order, and the counters always equal a recount.
func TestSeatsExactUnderConcurrency(t *testing.T) {
	db := mongotest.New(t)
	clock := newClock(time.Now())
	svc, _ := evService(t, db, clock.Now)
	ctx := context.Background()
	members := ideaGroup(t, svc, "seats", 240)
	e := newEvent(t, svc, clock.Now(), "seats", community.EventInput{Capacity: "50"})

	var wg sync.WaitGroup
	for _, m := range members[:200] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.RSVP(ctx, m, "seats", e.ID, true); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	l := readLine(t, db, e.ID)
	if l.going != 50 || len(l.seated) != 50 || l.waiting != 150 || len(l.waiters) != 150 {
		t.Fatalf("200 at once for 50 seats: counters %d going, %d waiting; documents %d and %d; want 50 and 150",
			l.going, l.waiting, len(l.seated), len(l.waiters))
	}
	positions := map[int]bool{}
	for i, w := range l.waiters {
		v, err := svc.EventPage(ctx, community.Actor{Account: auth.Account{ID: w, Role: auth.RoleMember}}, "seats", e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Attendance.State != community.RSVPWaitlist || v.Attendance.Position != i+1 {
			t.Fatalf("waiter %d sees %+v, want position %d", i, v.Attendance, i+1)
		}
		positions[v.Attendance.Position] = true
	}
	if len(positions) != 150 {
		t.Fatalf("%d distinct positions, want 150", len(positions))
	}

	// 20 seated cancel, 10 waiters leave the line and 40 newcomers join,
	// all at once.
	byID := map[auth.AccountID]community.Actor{}
	for _, m := range members {
		byID[m.ID()] = m
	}
	leavers := l.waiters[:10]
	for _, id := range append(slices.Clone(l.seated[:20]), leavers...) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.RSVP(ctx, byID[id], "seats", e.ID, false); err != nil {
				t.Error(err)
			}
		}()
	}
	for _, m := range members[200:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.RSVP(ctx, m, "seats", e.ID, true); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	after := readLine(t, db, e.ID)
	if after.going != 50 || len(after.seated) != 50 || after.waiting != len(after.waiters) || after.waiting != 150-10-20+40 {
		t.Fatalf("after the second burst: counters %d going, %d waiting; documents %d and %d; want 50 going and 160 waiting",
			after.going, after.waiting, len(after.seated), len(after.waiters))
	}
	// The 20 freed seats went to the head of the line as it stood: the 20
	// first waiters who did not leave.
	want := l.waiters[10:30]
	for _, id := range want {
		if !slices.Contains(after.seated, id) {
			t.Errorf("waiter %s was at the head of the line but is not seated", id)
		}
	}
	for _, id := range after.waiters {
		if slices.Contains(leavers, id) {
			t.Errorf("%s left the line but is still in it", id)
		}
	}
	if r, err := svc.Reconcile(ctx, e.Group); err != nil || r.Events != 0 {
		t.Errorf("reconcile after the bursts: %+v, %v; want nothing to repair", r, err)
	}
}

// TestCapacityChangesMoveTheLine: a capacity below those going is refused
// with their number, or moves the last seated back to the head of the
// line when asked; a capacity raised seats the line at once.
func TestCapacityChangesMoveTheLine(t *testing.T) {
	db := mongotest.New(t)
	clock := newClock(time.Now())
	svc, _ := evService(t, db, clock.Now)
	ctx := context.Background()
	members := ideaGroup(t, svc, "cap", 4)
	in := community.EventInput{Capacity: "2"}
	e := newEvent(t, svc, clock.Now(), "cap", in)
	for _, m := range members {
		clock.Add(time.Second) // seats in a known order
		if _, err := svc.RSVP(ctx, m, "cap", e.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	edit := community.EventInput{Title: e.Title, Zone: e.Zone, Start: e.Start.In(e.Location()).Format(community.LocalTimeLayout),
		End: e.End.In(e.Location()).Format(community.LocalTimeLayout), Venue: e.Venue, Access: e.Access, Capacity: "1"}
	_, err := svc.EditEvent(ctx, fdStaff, "cap", e.ID, edit)
	var ce community.CapacityError
	if !errors.As(err, &ce) || ce.Going != 2 {
		t.Fatalf("capacity 1 under 2 going: %v, want a CapacityError saying 2", err)
	}
	if l := readLine(t, db, e.ID); l.going != 2 || l.waiting != 2 {
		t.Fatalf("a refused edit changed the line: %+v", l)
	}
	edit.ShrinkToWaitlist = true
	if _, err := svc.EditEvent(ctx, fdStaff, "cap", e.ID, edit); err != nil {
		t.Fatal(err)
	}
	l := readLine(t, db, e.ID)
	if l.going != 1 || !slices.Equal(l.seated, []auth.AccountID{members[0].ID()}) ||
		!slices.Equal(l.waiters, []auth.AccountID{members[1].ID(), members[2].ID(), members[3].ID()}) {
		t.Fatalf("after shrinking to 1: seated %v, waiting %v; want member 0, then 1, 2, 3 in line", l.seated, l.waiters)
	}
	edit.Capacity = "3"
	if _, err := svc.EditEvent(ctx, fdStaff, "cap", e.ID, edit); err != nil {
		t.Fatal(err)
	}
	l = readLine(t, db, e.ID)
	if l.going != 3 || l.waiting != 1 || !slices.Equal(l.waiters, []auth.AccountID{members[3].ID()}) {
		t.Fatalf("after raising to 3: %+v; want 3 going and member 3 waiting", l)
	}
	edit.Capacity = ""
	if _, err := svc.EditEvent(ctx, fdStaff, "cap", e.ID, edit); err != nil {
		t.Fatal(err)
	}
	if l := readLine(t, db, e.ID); l.going != 4 || l.waiting != 0 {
		t.Fatalf("after lifting the limit: %+v; want all 4 going", l)
	}
}

// noticesOf counts the notices of a kind about the event, per account.
func noticesOf(t *testing.T, db *mongodb.DB, id community.EventID, kind community.NoticeKind) map[auth.AccountID]int {
	t.Helper()
	cur, err := db.Collection("notifications").Find(context.Background(), bson.M{"event": id, "kind": kind})
	if err != nil {
		t.Fatal(err)
	}
	var ns []struct {
		Account auth.AccountID `bson:"account"`
	}
	if err := cur.All(context.Background(), &ns); err != nil {
		t.Fatal(err)
	}
	out := map[auth.AccountID]int{}
	for _, n := range ns {
		out[n.Account]++
	}
	return out
}

// TestReminderOnceAcrossInstances: the day-before reminder is due 24 hours
// before the start; two app instances draining their queues at once tell
// each person going once, and nobody waiting or declined. An event moved
// or cancelled since drops its old reminder.
func TestReminderOnceAcrossInstances(t *testing.T) {
	db := mongotest.New(t)
	clock := newClock(time.Now())
	svc, queue := evService(t, db, clock.Now)
	_, other := evService(t, db, clock.Now)
	ctx := context.Background()
	members := ideaGroup(t, svc, "remind", 5)
	loc, _ := time.LoadLocation("Asia/Seoul")
	start := clock.Now().Add(72 * time.Hour).In(loc)
	e := newEvent(t, svc, clock.Now(), "remind", community.EventInput{Capacity: "3", Zone: "Asia/Seoul",
		Start: start.Format(community.LocalTimeLayout), End: start.Add(time.Hour).Format(community.LocalTimeLayout)})
	for i, m := range members {
		if _, err := svc.RSVP(ctx, m, "remind", e.ID, i != 4); err != nil {
			t.Fatal(err)
		}
	}
	drain := func() {
		var wg sync.WaitGroup
		for _, q := range []*jobs.Queue{queue, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := q.RunDue(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	drain()
	if n := noticesOf(t, db, e.ID, community.NoticeEventReminder); len(n) != 0 {
		t.Fatalf("reminders two days early: %v", n)
	}
	clock.Add(48*time.Hour + 30*time.Minute)
	drain()
	told := noticesOf(t, db, e.ID, community.NoticeEventReminder)
	for i, m := range members {
		want := 0
		if i < 3 {
			want = 1
		}
		if told[m.ID()] != want {
			t.Errorf("member %d was reminded %d times, want %d", i, told[m.ID()], want)
		}
	}

	// Moved two days later: the old reminder comes due and does nothing,
	// the new one comes a day before the new start.
	soon := clock.Now().Add(30 * time.Hour).In(loc)
	at := func(title string) community.EventInput {
		return community.EventInput{Title: title, Zone: "Asia/Seoul", Start: soon.Format(community.LocalTimeLayout),
			End: soon.Add(time.Hour).Format(community.LocalTimeLayout)}
	}
	moved := newEvent(t, svc, clock.Now(), "remind", at("Moved"))
	if _, err := svc.RSVP(ctx, members[0], "remind", moved.ID, true); err != nil {
		t.Fatal(err)
	}
	later := moved.Start.In(loc).Add(48 * time.Hour)
	if _, err := svc.EditEvent(ctx, fdStaff, "remind", moved.ID, community.EventInput{Title: "Moved", Zone: "Asia/Seoul",
		Start: later.Format(community.LocalTimeLayout), End: later.Add(time.Hour).Format(community.LocalTimeLayout),
		Venue: moved.Venue, Access: community.AccessMembers}); err != nil {
		t.Fatal(err)
	}
	cancelled := newEvent(t, svc, clock.Now(), "remind", at("Called off"))
	if _, err := svc.RSVP(ctx, members[1], "remind", cancelled.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CancelEvent(ctx, fdStaff, "remind", cancelled.ID); err != nil {
		t.Fatal(err)
	}
	clock.Add(7 * time.Hour) // both old reminders are due
	drain()
	if n := noticesOf(t, db, moved.ID, community.NoticeEventReminder); len(n) != 0 {
		t.Errorf("the moved event reminded at its old time: %v", n)
	}
	if n := noticesOf(t, db, moved.ID, community.NoticeEventChanged); n[members[0].ID()] != 1 {
		t.Errorf("the person going to the moved event was told %d times, want 1", n[members[0].ID()])
	}
	if n := noticesOf(t, db, cancelled.ID, community.NoticeEventReminder); len(n) != 0 {
		t.Errorf("the cancelled event reminded: %v", n)
	}
	if n := noticesOf(t, db, cancelled.ID, community.NoticeEventCancelled); n[members[1].ID()] != 1 {
		t.Errorf("the person going to the cancelled event was told %d times, want 1", n[members[1].ID()])
	}
	clock.Add(48 * time.Hour) // past a day before the new start
	drain()
	if n := noticesOf(t, db, moved.ID, community.NoticeEventReminder); n[members[0].ID()] != 1 {
		t.Errorf("the moved event's reminder: %v, want one for the person going", n)
	}
}

// TestGroupEventsPageByKey: a member pages through more upcoming events
// than a page holds, each once, soonest first, never seeing the
// invite-only ones they are not invited to; a moderator sees every one.
func TestGroupEventsPageByKey(t *testing.T) {
	db := mongotest.New(t)
	clock := newClock(time.Now())
	svc, _ := evService(t, db, clock.Now)
	ctx := context.Background()
	member := ideaGroup(t, svc, "pages", 1)[0]
	loc, _ := time.LoadLocation("Asia/Seoul")
	want := 0
	for i := range 45 {
		start := clock.Now().Add(time.Duration(48+i%7) * time.Hour).In(loc) // several share a start
		in := community.EventInput{Title: fmt.Sprintf("Event %d", i), Zone: "Asia/Seoul", Start: start.Format(community.LocalTimeLayout),
			End: start.Add(time.Hour).Format(community.LocalTimeLayout), Access: community.AccessMembers}
		if i%5 == 0 {
			in.Access = community.AccessInvited
		} else {
			want++
		}
		newEvent(t, svc, clock.Now(), "pages", in)
	}
	for _, c := range []struct {
		who  community.Actor
		want int
	}{{member, want}, {fdStaff, 45}} {
		seen := map[community.EventID]bool{}
		var last time.Time
		after := ""
		for pages := 0; ; pages++ {
			_, list, err := svc.GroupEvents(ctx, c.who, "pages", false, after)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range list.Events {
				if seen[e.ID] || e.Start.Before(last) || (e.Access == community.AccessInvited && c.who.ID() == member.ID()) {
					t.Fatalf("%s sees %q again, out of order or uninvited", c.who.Account.Name, e.Title)
				}
				seen[e.ID], last = true, e.Start
			}
			if after = list.Next; after == "" || pages > 5 {
				break
			}
		}
		if len(seen) != c.want {
			t.Errorf("%s paged through %d events, want %d", c.who.Account.Name, len(seen), c.want)
		}
	}
}

// TestOverEventKeepsItsLine: once an event is over, raising its capacity
// seats nobody from the line, and reconcile leaves the line alone.
func TestOverEventKeepsItsLine(t *testing.T) {
	db := mongotest.New(t)
	clock := newClock(time.Now())
	svc, _ := evService(t, db, clock.Now)
	ctx := context.Background()
	members := ideaGroup(t, svc, "over", 2)
	e := newEvent(t, svc, clock.Now(), "over", community.EventInput{Capacity: "1"})
	for _, m := range members {
		if _, err := svc.RSVP(ctx, m, "over", e.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	clock.Add(30 * time.Hour) // past the end
	edit := asInput(e)
	edit.Capacity = "2"
	if _, err := svc.EditEvent(ctx, fdStaff, "over", e.ID, edit); err != nil {
		t.Fatal(err)
	}
	if r, err := svc.Reconcile(ctx, e.Group); err != nil || r.Events != 0 {
		t.Fatalf("reconcile of an event that is over: %+v, %v", r, err)
	}
	if l := readLine(t, db, e.ID); l.going != 1 || l.waiting != 1 {
		t.Fatalf("an event that is over moved its line: %+v", l)
	}
}

// asInput is the event's form as it is, for an edit.
func asInput(e community.Event) community.EventInput {
	loc := e.Location()
	return community.EventInput{Title: e.Title, Zone: e.Zone, Start: e.Start.In(loc).Format(community.LocalTimeLayout),
		End: e.End.In(loc).Format(community.LocalTimeLayout), Venue: e.Venue, Access: e.Access, Capacity: strconv.Itoa(e.Capacity)}
}
