package main

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/mongodb"
)

// seededEvent is what the checks read of an event document.
type seededEvent struct {
	ID        string `bson:"_id"`
	Title     string
	Zone      string
	Online    bool
	Link      string
	Start     time.Time
	End       time.Time
	Deadline  time.Time
	Capacity  int
	Access    community.EventAccess
	Going     int
	Waiting   int
	Attended  int
	Cancelled bool
}

// checkEvents checks the seeded events, start being when the seed began:
// over and to come of every access kind, in both languages and two
// zones; each event's counters equal to a recount of its answers, with a
// full one whose waiting line holds people in turn; one called off with
// everyone told; attendance taken at the door of one that is over; and
// the launch's invitations going to exactly the voters of its idea.
func checkEvents(t *testing.T, db *mongodb.DB, start time.Time) {
	t.Helper()
	ctx := context.Background()
	var events []seededEvent
	cur, err := db.Collection("events").Find(ctx, bson.M{})
	if err != nil || cur.All(ctx, &events) != nil {
		t.Fatalf("find events: %v", err)
	}
	if len(events) != len(demoEvents) {
		t.Errorf("events: %d, want %d", len(events), len(demoEvents))
	}
	has := map[string]bool{}
	for _, e := range events {
		when := "upcoming"
		if e.End.Before(start) {
			when = "past"
		}
		has[string(e.Access)+" "+when] = true
		if strings.ContainsFunc(e.Title, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) {
			has["Korean"] = true
		} else {
			has["English"] = true
		}
		if e.Zone != "Asia/Seoul" {
			has["another zone"] = true
		}
		if e.Online && strings.HasPrefix(e.Link, "https://meet.example.com/") {
			has["online"] = true
		}
		if !e.Deadline.IsZero() && e.Deadline.After(start) {
			has["RSVP deadline"] = true
		}
		if e.Cancelled {
			has["cancelled"] = true
		}
		if e.End.Before(start) && e.Attended > 0 {
			has["attendance taken"] = true
		}
		if e.Capacity > 0 && e.Going == e.Capacity && e.Waiting > 0 {
			has["full with a waiting line"] = true
			checkLine(t, db, e)
		}
		checkRecount(t, db, e)
	}
	for _, want := range []string{"members past", "members upcoming", "tier past", "tier upcoming", "invited past", "invited upcoming",
		"Korean", "English", "another zone", "online", "RSVP deadline", "cancelled", "attendance taken", "full with a waiting line"} {
		if !has[want] {
			t.Errorf("no event %s", want)
		}
	}
	count := func(coll string, filter bson.M) int64 {
		t.Helper()
		n, err := db.Collection(coll).CountDocuments(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("rsvps", bson.M{"cancelled": false, "event": bson.M{"$in": eventIDs(events, func(e seededEvent) bool { return e.Cancelled })}}); n != 0 {
		t.Errorf("%d answers to the cancelled event not marked cancelled", n)
	}
	for kind, want := range map[community.NoticeKind]int64{community.NoticeEventInvited: 1, community.NoticeEventCancelled: 1,
		community.NoticeEventPromoted: 1, community.NoticeEventReminder: 1} {
		if n := count("notifications", bson.M{"kind": kind}); n < want {
			t.Errorf("notices %s: %d, want at least %d", kind, n, want)
		}
	}
	// The reminders of events that are over were told the day before them.
	if n := count("notifications", bson.M{"kind": community.NoticeEventReminder, "createdAt": bson.M{"$lt": start.Add(-5 * 24 * time.Hour)}}); n == 0 {
		t.Errorf("no reminder dated before the events that are over")
	}
	checkLaunchInvitations(t, db)
}

// checkRecount checks e's counters against its answers.
func checkRecount(t *testing.T, db *mongodb.DB, e seededEvent) {
	t.Helper()
	ctx := context.Background()
	recount := map[string]int64{}
	for what, filter := range map[string]bson.M{"going": {"state": community.RSVPGoing}, "waiting": {"state": community.RSVPWaitlist},
		"attended": {"state": community.RSVPGoing, "attended": true}} {
		filter["event"] = e.ID
		n, err := db.Collection("rsvps").CountDocuments(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		recount[what] = n
	}
	if got := map[string]int64{"going": int64(e.Going), "waiting": int64(e.Waiting), "attended": int64(e.Attended)}; !maps.Equal(got, recount) {
		t.Errorf("event %q counts %v, its answers %v", e.Title, got, recount)
	}
}

// checkLine checks the waiting line of the full event e: as many tickets
// as people waiting, each a distinct place, all after those seated.
func checkLine(t *testing.T, db *mongodb.DB, e seededEvent) {
	t.Helper()
	ctx := context.Background()
	var line []struct {
		Ticket int64 `bson:"ticket"`
	}
	cur, err := db.Collection("rsvps").Find(ctx, bson.M{"event": e.ID, "state": community.RSVPWaitlist})
	if err != nil || cur.All(ctx, &line) != nil {
		t.Fatalf("find the line of %q: %v", e.Title, err)
	}
	tickets := map[int64]bool{}
	for _, r := range line {
		if r.Ticket < 1 {
			t.Errorf("event %q: someone waits without a ticket", e.Title)
		}
		tickets[r.Ticket] = true
	}
	if len(line) != e.Waiting || len(tickets) != e.Waiting {
		t.Errorf("event %q: %d waiting, %d in the line with %d places", e.Title, e.Waiting, len(line), len(tickets))
	}
}

// checkLaunchInvitations checks the invite-only launch was posted after
// its idea shipped, and went to exactly those who voted for it.
func checkLaunchInvitations(t *testing.T, db *mongodb.DB) {
	t.Helper()
	ctx := context.Background()
	i := slices.IndexFunc(demoEvents, func(d demoEvent) bool { return d.voters != "" })
	if i < 0 {
		t.Fatal("no demo event invites an idea's voters")
	}
	launch := demoEvents[i]
	var idea struct {
		ID       string `bson:"_id"`
		Status   community.IdeaStatus
		StatusAt time.Time `bson:"statusAt"`
	}
	if err := db.Collection("ideas").FindOne(ctx, bson.M{"title": launch.voters}).Decode(&idea); err != nil {
		t.Fatal(err)
	}
	if idea.Status != community.IdeaShipped {
		t.Errorf("idea %q is %s, want shipped", launch.voters, idea.Status)
	}
	var event struct {
		ID        string `bson:"_id"`
		Access    community.EventAccess
		CreatedAt time.Time `bson:"createdAt"`
	}
	if err := db.Collection("events").FindOne(ctx, bson.M{"title": launch.in.Title}).Decode(&event); err != nil {
		t.Fatal(err)
	}
	accounts := func(coll string, filter bson.M) []string {
		var docs []struct {
			Account string `bson:"account"`
		}
		cur, err := db.Collection(coll).Find(ctx, filter)
		if err != nil || cur.All(ctx, &docs) != nil {
			t.Fatalf("find %s: %v", coll, err)
		}
		var out []string
		for _, d := range docs {
			out = append(out, d.Account)
		}
		slices.Sort(out)
		return out
	}
	if !idea.StatusAt.Before(event.CreatedAt) {
		t.Errorf("launch posted %v, before its idea shipped %v", event.CreatedAt, idea.StatusAt)
	}
	voters, invited := accounts("votes", bson.M{"idea": idea.ID}), accounts("invitations", bson.M{"event": event.ID})
	if event.Access != community.AccessInvited || len(voters) == 0 || !slices.Equal(voters, invited) {
		t.Errorf("launch %s: invited %v, want the voters of %q %v", event.Access, invited, launch.voters, voters)
	}
}

// eventIDs are the ids of the events keep keeps.
func eventIDs(events []seededEvent, keep func(seededEvent) bool) bson.A {
	out := bson.A{}
	for _, e := range events {
		if keep(e) {
			out = append(out, e.ID)
		}
	}
	return out
}
