package community_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mongotest"
)

// heardView is HeardFigures as one comparable text: the response
// figures, then a line per idea shipped.
func heardView(t *testing.T, svc *community.Service, now time.Time, loc *time.Location) string {
	t.Helper()
	h, err := svc.HeardFigures(context.Background(), fdStaff, now, loc)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(h.InDayShare) {
		t.Error("the share answered within a day is NaN")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "proposed %d due %d answered %d in a day %d share %.4f median %s quarter from %s shipped %d\n",
		h.Proposed, h.Due, h.Answered, h.AnsweredInDay, h.InDayShare, h.MedianResponse, h.QuarterStart.Format(time.RFC3339), h.ShippedThisQuarter)
	for _, s := range h.Shipped {
		fmt.Fprintf(&b, "%s at %s recorded %t voters %d %v\n", s.Title, s.ShippedAt.UTC().Format(time.RFC3339), s.Recorded, len(s.Voters), s.Voters[:min(len(s.Voters), 3)])
	}
	return b.String()
}

// TestHeardFigures builds a club's history by the clock, through the
// service, and reads the figures at 00:30 on 1 April in Seoul, the
// first half hour of a quarter that in UTC has not begun.
func TestHeardFigures(t *testing.T) {
	db, measure := measuredDB(t)
	seoul, _ := time.LoadLocation("Asia/Seoul")
	now := time.Date(2026, 4, 1, 0, 30, 0, 0, seoul)
	day := 24 * time.Hour
	clock := newClock(now.Add(-120 * day))
	svc, queue := evService(t, db, clock.Now)
	ctx := context.Background()
	if err := svc.Warm(ctx); err != nil { // the boards in memory must follow every write below
		t.Fatal(err)
	}
	const slug = "heard"
	m := ideaGroup(t, svc, slug, 6)
	propose := func(at time.Time, by int, title string) community.Idea {
		t.Helper()
		clock.Set(at)
		return newIdea(t, svc, m[by], slug, title)
	}
	answer := func(at time.Time, i community.Idea, in community.Answer) {
		t.Helper()
		clock.Set(at)
		if in.Status == "" {
			in.Status = community.IdeaOpen
		}
		if _, err := svc.AnswerIdea(ctx, fdStaff, slug, i.ID, in); err != nil {
			t.Fatalf("answer %s: %v", i.Title, err)
		}
	}
	ship := func(at time.Time, i community.Idea, runJobs bool) {
		t.Helper()
		answer(at, i, community.Answer{Status: community.IdeaShipped})
		if !runJobs {
			return
		}
		if _, err := queue.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	vote := func(i community.Idea, by ...int) {
		t.Helper()
		for _, k := range by {
			if _, err := svc.Vote(ctx, m[k], slug, i.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	thanks := community.Answer{Response: "Thank you: we are looking into it."}

	// Shipped long ago: in neither figure.
	old := propose(now.Add(-120*day), 0, "Old ship")
	ship(now.Add(-100*day), old, true)
	// Proposed two months ago, voted for, shipped later.
	straws := propose(now.Add(-60*day), 0, "Paper straws")
	cups := propose(now.Add(-60*day), 1, "Bigger cups")
	back := propose(now.Add(-60*day), 2, "Back to work")
	late := propose(now.Add(-60*day), 3, "Shipped just now")
	vote(straws, 1, 2, 3)
	vote(cups, 2, 4)
	if err := svc.Subscribe(ctx, m[3], slug, straws.ID, false); err != nil { // hears no more, still voted
		t.Fatal(err)
	}
	// Answered within the hour, but proposed before the 30 days.
	before := propose(now.Add(-40*day), 0, "Before the window")
	answer(now.Add(-40*day+time.Hour), before, thanks)
	// Shipped, then taken back to work: not shipped.
	ship(now.Add(-20*day), back, true)
	answer(now.Add(-19*day), back, community.Answer{Status: community.IdeaInProgress})

	// The 30 days: answered at 23h59m, 24h01m, 2h and 10h; one waits
	// (its status moved without a response); one removed, one merged.
	a := propose(now.Add(-10*day), 0, "Refill pouches")
	answer(a.CreatedAt.Add(23*time.Hour+59*time.Minute), a, thanks)
	b := propose(now.Add(-9*day), 1, "Gift wrapping")
	answer(b.CreatedAt.Add(24*time.Hour+time.Minute), b, thanks)
	c := propose(now.Add(-8*day), 2, "Night delivery")
	answer(c.CreatedAt.Add(2*time.Hour), c, thanks)
	waiting := propose(now.Add(-7*day), 3, "Loyalty stamps")
	answer(waiting.CreatedAt.Add(time.Hour), waiting, community.Answer{Status: community.IdeaPlanned})
	g := propose(now.Add(-6*day), 4, "Oat latte")
	answer(g.CreatedAt.Add(10*time.Hour), g, thanks)
	spam := propose(now.Add(-5*day), 5, "Buy followers")
	if err := svc.DeleteIdea(ctx, m[5], slug, spam.ID, ""); err != nil {
		t.Fatal(err)
	}
	dup := propose(now.Add(-4*day), 5, "Refill pouch please")
	if _, err := svc.MergeIdea(ctx, fdStaff, slug, dup.ID, a.ID, ""); err != nil {
		t.Fatal(err)
	}

	// Around midnight on 31 March in Seoul: one shipped in the last
	// quarter, two in this one, the last before its job has run.
	ship(time.Date(2026, 3, 31, 23, 50, 0, 0, seoul), cups, true)
	ship(time.Date(2026, 4, 1, 0, 10, 0, 0, seoul), straws, true)
	clock.Set(time.Date(2026, 4, 1, 0, 15, 0, 0, seoul))
	vote(straws, 4) // after it shipped
	// Then member 4's account is deleted: no voter any more.
	if err := svc.ForgetAccount(ctx, m[4].Account); err != nil {
		t.Fatal(err)
	}
	ship(time.Date(2026, 4, 1, 0, 20, 0, 0, seoul), late, false)
	// Proposed ten minutes ago: not answered yet, and not late either.
	propose(now.Add(-10*time.Minute), 1, "Proposed just now")

	want := "proposed 6 due 5 answered 4 in a day 3 share 0.6000 median 16h59m30s quarter from 2026-04-01T00:00:00+09:00 shipped 2\n" +
		"Shipped just now at 2026-03-31T15:20:00Z recorded false voters 0 []\n" +
		fmt.Sprintf("Paper straws at 2026-03-31T15:10:00Z recorded true voters 3 %v\n", []auth.AccountID{m[1].ID(), m[2].ID(), m[3].ID()}) +
		fmt.Sprintf("Bigger cups at 2026-03-31T14:50:00Z recorded true voters 1 %v\n", []auth.AccountID{m[2].ID()})
	query := fdService(t, db.Shared())
	var got string
	ops := measure(func() { got = heardView(t, svc, now, seoul) })
	if got != want {
		t.Errorf("heard figures:\n%s\nwant:\n%s", got, want)
	}
	if len(ops) != 1 || ops[0].Collection != "idea_shipments" || ops[0].Scan {
		t.Errorf("heard figures cost %+v; want one find of shipments by _id", ops)
	}
	if got := heardView(t, query, now, seoul); got != want {
		t.Errorf("heard figures from queries:\n%s\nwant:\n%s", got, want)
	}
	// In UTC it is still 31 March: the quarter began on 1 January and
	// holds all three.
	if got := heardView(t, svc, now, time.UTC); !strings.HasPrefix(got, "proposed 6 due 5 answered 4 in a day 3 share 0.6000 median 16h59m30s quarter from 2026-01-01T00:00:00Z shipped 3\n") {
		t.Errorf("heard figures in UTC:\n%s", got)
	}

	// The job runs: the last idea's voters (none) are known.
	if _, err := queue.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if got := heardView(t, svc, now, seoul); !strings.Contains(got, "Shipped just now at 2026-03-31T15:20:00Z recorded true voters 0 []\n") {
		t.Errorf("heard figures after the job:\n%s", got)
	}
	// The migration keeps voters for ideas shipped before shipments were.
	if _, err := db.Collection("idea_shipments").DeleteMany(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.BackfillShipments(ctx); err != nil {
		t.Fatal(err)
	}
	if got := heardView(t, svc, now, seoul); !strings.HasSuffix(got, strings.SplitN(want, "\n", 3)[2]) {
		t.Errorf("heard figures after the backfill:\n%s\nwant the ideas shipped as:\n%s", got, strings.SplitN(want, "\n", 3)[2])
	}
}

// TestHeardFiguresManyVoters: the voters of an idea 2,500 members voted
// for are kept in three parts and read back whole, in two commands.
func TestHeardFiguresManyVoters(t *testing.T) {
	db, measure := measuredDB(t)
	svc := fdService(t, db)
	ctx := context.Background()
	if err := svc.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	m := ideaGroup(t, svc, "crowd", 1)
	idea := newIdea(t, svc, m[0], "crowd", "Free refills")
	votes := make([]any, 2500)
	for i := range votes { // written straight in: 2,500 votes through the service take too long here
		account := fmt.Sprintf("%024x", 100000+i)
		votes[i] = bson.M{"_id": string(idea.ID) + ":" + account, "idea": idea.ID, "group": idea.Group, "account": account}
	}
	if _, err := db.Collection("votes").InsertMany(ctx, votes); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AnswerIdea(ctx, fdStaff, "crowd", idea.ID, community.Answer{Status: community.IdeaShipped}); err != nil {
		t.Fatal(err)
	}
	// The migration keeps them as the job would, without the job's
	// 2,500 notices.
	if err := svc.BackfillShipments(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Collection("idea_shipments").CountDocuments(ctx, bson.M{"idea": idea.ID}); err != nil || n != 3 {
		t.Errorf("shipment documents: %d (%v), want 3", n, err)
	}
	var h community.Heard
	var err error
	ops := measure(func() { h, err = svc.HeardFigures(ctx, fdStaff, time.Now(), time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Shipped) != 1 || len(h.Shipped[0].Voters) != 2500 || h.Shipped[0].Voters[2499] != auth.AccountID(fmt.Sprintf("%024x", 102499)) {
		t.Fatalf("shipped: %d ideas, want one with 2,500 voters in order", len(h.Shipped))
	}
	if len(ops) != 2 {
		t.Errorf("heard figures cost %+v; want two finds of shipments", ops)
	}
}

// TestHeardFiguresEmptyAndStaffOnly: a site with no idea has zeros, not
// NaN; members, moderators and visitors are refused.
func TestHeardFiguresEmptyAndStaffOnly(t *testing.T) {
	svc := fdService(t, mongotest.New(t))
	ctx := context.Background()
	seoul, _ := time.LoadLocation("Asia/Seoul")
	now := time.Date(2026, 8, 15, 12, 0, 0, 0, seoul)
	if got, want := heardView(t, svc, now, seoul), "proposed 0 due 0 answered 0 in a day 0 share 0.0000 median 0s quarter from 2026-07-01T00:00:00+09:00 shipped 0\n"; got != want {
		t.Errorf("heard figures of an empty site:\n%s\nwant:\n%s", got, want)
	}
	members := ideaGroup(t, svc, "staff", 2)
	if err := svc.SetRole(ctx, fdStaff, "staff", members[1].ID(), community.RoleModerator); err != nil {
		t.Fatal(err)
	}
	for _, a := range []community.Actor{members[0], members[1], {}} {
		if _, err := svc.HeardFigures(ctx, a, now, seoul); !errors.Is(err, community.ErrForbidden) {
			t.Errorf("heard figures for %q: %v, want ErrForbidden", a.Account.Name, err)
		}
	}
}
