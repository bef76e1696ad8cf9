package community_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mongotest"
)

// TestGroupsOf: staff get each person's active groups by name, whether
// the memberships come from memory or were written after it loaded; a
// member who left has none; anyone else is refused.
func TestGroupsOf(t *testing.T) {
	svc, _ := evService(t, mongotest.New(t), newClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)).Now)
	ctx := context.Background()
	ms := ideaGroup(t, svc, "roasters", 3) // "Group roasters"
	ideaGroup(t, svc, "brewers", 0)
	if _, err := svc.GroupsOf(ctx, fdStaff, nil); err != nil { // loads the index
		t.Fatal(err)
	}
	if _, err := svc.Join(ctx, ms[0], "brewers", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Leave(ctx, ms[2], "roasters"); err != nil {
		t.Fatal(err)
	}
	ids := []auth.AccountID{ms[0].ID(), ms[1].ID(), ms[2].ID()}
	got, err := svc.GroupsOf(ctx, fdStaff, ids)
	if err != nil {
		t.Fatal(err)
	}
	names := func(id auth.AccountID) string {
		var out []string
		for _, g := range got[id] {
			out = append(out, g.Name)
		}
		return strings.Join(out, ", ")
	}
	for i, want := range []string{"Group brewers, Group roasters", "Group roasters", ""} {
		if n := names(ids[i]); n != want {
			t.Errorf("member %d: groups %q, want %q", i, n, want)
		}
	}
	if _, err := svc.GroupsOf(ctx, ms[0], ids); !errors.Is(err, community.ErrForbidden) {
		t.Errorf("a member asking: %v, want ErrForbidden", err)
	}
}
