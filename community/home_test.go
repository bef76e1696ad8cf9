package community_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mongotest"
)

// homeView is what the home page shows the actor, and the checklist's
// progress, as one comparable text.
func homeView(t *testing.T, svc *community.Service, a community.Actor) string {
	t.Helper()
	ctx := context.Background()
	h, err := svc.Home(ctx, a)
	if err != nil {
		t.Fatalf("home of %s: %v", a.Account.Name, err)
	}
	var b strings.Builder
	for _, g := range h.Groups {
		fmt.Fprintf(&b, "group %s %s %d", g.Group.Slug, g.Role, g.Recent)
		if g.Latest != nil {
			fmt.Fprintf(&b, " %q", g.LatestText)
		}
		b.WriteString("|")
	}
	for _, e := range h.Events {
		fmt.Fprintf(&b, "event %s %s %s|", e.Event.Title, e.Attendance.State, e.Event.Start.UTC().Format(time.RFC3339))
	}
	for _, i := range h.Ideas {
		fmt.Fprintf(&b, "idea %s %d|", i.Idea.Title, i.Idea.Votes)
	}
	dir, err := svc.Directory(ctx, community.Actor{}, "")
	if err != nil {
		t.Fatal(err)
	}
	listed := make([]community.Group, len(dir.Entries))
	for i, e := range dir.Entries {
		listed[i] = e.Group
	}
	happenings, err := svc.Happenings(ctx, listed, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range happenings {
		fmt.Fprintf(&b, "happening %s %s|", e.Event.Title, e.Group.Slug)
	}
	p, err := svc.Progress(ctx, map[auth.AccountID]auth.Role{fdStaff.ID(): auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "progress %s %t %s", p.FirstGroup.Slug, p.Team, p.Joined.Slug)
	return b.String()
}

// hmEvent is an event of the group, days from now, two hours long.
func hmEvent(title string, days int) community.EventInput {
	start := time.Now().Add(time.Duration(days) * 24 * time.Hour).UTC()
	return community.EventInput{Title: title, Zone: "UTC", Start: start.Format(community.LocalTimeLayout),
		End: start.Add(2 * time.Hour).Format(community.LocalTimeLayout), Venue: "Seoul", Access: community.AccessMembers}
}

// TestHomeInMemoryAgreesWithQueries: on the embedded store the home page
// finds the member's groups and the events to come in memory; a service
// that does not trust memory (as on MongoDB) asks the database. After
// each kind of write that moves them (joining, leaving, a new role, an
// event made, moved, cancelled or answered, a post, an idea, a vote),
// both must show the same.
func TestHomeInMemoryAgreesWithQueries(t *testing.T) {
	db := mongotest.New(t)
	mem := fdService(t, db)
	ctx := context.Background()
	if err := mem.Warm(ctx); err != nil { // loaded before the writes, so each must follow them
		t.Fatal(err)
	}
	fan, other := fdActor(1), fdActor(2)
	check := func(step string) {
		t.Helper()
		query := fdService(t, db.Shared())
		for _, a := range []community.Actor{fan, other} {
			if got, want := homeView(t, mem, a), homeView(t, query, a); got != want {
				t.Fatalf("after %s, for %s, the home from memory differs from the database:\nmemory:   %s\ndatabase: %s", step, a.Account.Name, got, want)
			}
		}
	}
	check("nothing")
	for _, slug := range []string{"coffee", "tea", "quiet"} {
		if _, err := mem.CreateGroup(ctx, fdStaff, community.GroupInput{Slug: slug, Name: "Group " + slug,
			Visibility: community.Listed, Policy: community.JoinOpen}); err != nil {
			t.Fatal(err)
		}
	}
	check("groups made")
	for _, slug := range []string{"coffee", "tea", "quiet"} {
		if _, err := mem.Join(ctx, fan, slug, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := mem.Join(ctx, other, "tea", ""); err != nil {
		t.Fatal(err)
	}
	check("joined")
	if _, err := mem.Leave(ctx, fan, "quiet"); err != nil {
		t.Fatal(err)
	}
	check("left")
	if err := mem.SetRole(ctx, fdStaff, "tea", other.ID(), community.RoleModerator); err != nil {
		t.Fatal(err)
	}
	check("a moderator")
	if _, err := mem.CreatePost(ctx, other, "tea", "Sencha season"); err != nil {
		t.Fatal(err)
	}
	check("a post")
	soon, err := mem.CreateEvent(ctx, fdStaff, "tea", hmEvent("Tasting", 3))
	if err != nil {
		t.Fatal(err)
	}
	later, err := mem.CreateEvent(ctx, fdStaff, "coffee", hmEvent("Cupping", 5))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		slug string
		id   community.EventID
	}{{"tea", soon.ID}, {"coffee", later.ID}} {
		if _, err := mem.RSVP(ctx, fan, e.slug, e.id, true); err != nil {
			t.Fatal(err)
		}
	}
	check("events answered")
	if _, err := mem.EditEvent(ctx, fdStaff, "coffee", later.ID, hmEvent("Cupping", 1)); err != nil {
		t.Fatal(err)
	}
	check("an event moved")
	if _, err := mem.CancelEvent(ctx, fdStaff, "tea", soon.ID); err != nil {
		t.Fatal(err)
	}
	check("an event cancelled")
	idea, err := mem.CreateIdea(ctx, other, "tea", community.IdeaInput{Title: "Cold brew tea"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mem.CreateIdea(ctx, fdStaff, "coffee", community.IdeaInput{Title: "Oat milk"}); err != nil {
		t.Fatal(err)
	}
	check("ideas")
	if _, err := mem.Vote(ctx, fan, "tea", idea.ID, true); err != nil {
		t.Fatal(err)
	}
	check("a vote")
	if !strings.Contains(homeView(t, mem, fan), "idea Oat milk") || strings.Contains(homeView(t, mem, fan), "Cold brew tea") {
		t.Errorf("the fan's ideas awaiting a vote: %s", homeView(t, mem, fan))
	}
	if !strings.Contains(homeView(t, mem, fan), "event Cupping going") || strings.Contains(homeView(t, mem, fan), "Tasting") {
		t.Errorf("the fan's next events: %s", homeView(t, mem, fan))
	}
}
