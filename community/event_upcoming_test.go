package community_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fanclub/community"
	"fanclub/internal/mongotest"
)

// TestUpcomingEvents: staff get the site's events still taking answers,
// soonest first across groups, with their groups, n at most; an event
// cancelled, started or past its deadline for answers is left out. The
// service that keeps events in memory and one that queries (as on
// MongoDB) agree. Nobody else gets the list.
func TestUpcomingEvents(t *testing.T) {
	db := mongotest.New(t)
	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	clock := newClock(t0)
	svc, _ := evService(t, db, clock.Now)
	ctx := context.Background()
	if err := svc.Warm(ctx); err != nil { // the index in memory must follow every write below
		t.Fatal(err)
	}
	members := ideaGroup(t, svc, "tea", 1)
	ideaGroup(t, svc, "roast", 0)
	tnEvent(t, svc, "tea", "Later", t0.Add(72*time.Hour))
	tnEvent(t, svc, "roast", "Soon", t0.Add(24*time.Hour))
	tnEvent(t, svc, "tea", "Started", t0.Add(time.Hour))
	called := tnEvent(t, svc, "tea", "Called off", t0.Add(30*time.Hour))
	if _, err := svc.CancelEvent(ctx, fdStaff, "tea", called.ID); err != nil {
		t.Fatal(err)
	}
	closing := tnInput("Closed", t0.Add(48*time.Hour))
	seoul, _ := time.LoadLocation("Asia/Seoul")
	closing.Deadline = t0.Add(90 * time.Minute).In(seoul).Format(community.LocalTimeLayout)
	if _, err := svc.CreateEvent(ctx, fdStaff, "roast", closing); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour) // "Started" has begun, "Closed" takes no more answers

	query, _ := evService(t, db.Shared(), clock.Now)
	view := func(svc *community.Service, n int) string {
		t.Helper()
		list, err := svc.UpcomingEvents(ctx, fdStaff, n)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, e := range list {
			lines = append(lines, e.Event.Title+" in "+e.Group.Slug)
		}
		return strings.Join(lines, ", ")
	}
	for name, s := range map[string]*community.Service{"in memory": svc, "by query": query} {
		if got, want := view(s, 10), "Soon in roast, Later in tea"; got != want {
			t.Errorf("%s: upcoming %q, want %q", name, got, want)
		}
		if got, want := view(s, 1), "Soon in roast"; got != want {
			t.Errorf("%s: the next one %q, want %q", name, got, want)
		}
	}
	for _, a := range []community.Actor{members[0], {}} {
		if _, err := svc.UpcomingEvents(ctx, a, 10); !errors.Is(err, community.ErrForbidden) {
			t.Errorf("upcoming events for %q: %v, want ErrForbidden", a.Account.Name, err)
		}
	}
}
