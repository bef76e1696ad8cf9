package community_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// TestDirectoryRoundTrips proves a directory page costs the same number of
// database commands with 5 groups as with a full page and more: the
// viewer's badges come from one $in over the page's groups.
func TestDirectoryRoundTrips(t *testing.T) {
	var counting atomic.Bool
	var commands atomic.Int64
	mon := func(op mongodb.Op) {
		if counting.Load() {
			commands.Add(1)
		}
	}
	svc := fdService(t, mongotest.NewObserved(t, mon))
	ctx := context.Background()
	reader := fdActor(1)
	made := 0
	grow := func(n int) {
		for ; made < n; made++ {
			slug := fmt.Sprintf("club-%03d", made)
			if _, err := svc.CreateGroup(ctx, fdStaff, community.GroupInput{Slug: slug, Name: "Club " + slug,
				Visibility: community.Listed, Policy: community.JoinOpen}); err != nil {
				t.Fatal(err)
			}
			if made%2 == 0 {
				if _, err := svc.Join(ctx, reader, slug, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	count := func(after string) (int64, community.Directory) {
		commands.Store(0)
		counting.Store(true)
		d, err := svc.Directory(ctx, reader, after)
		counting.Store(false)
		if err != nil {
			t.Fatal(err)
		}
		return commands.Load(), d
	}
	grow(5)
	small, d5 := count("")
	grow(community.DirectoryPageSize*2 + 5)
	large, dFull := count("")
	if len(d5.Entries) != 5 || len(dFull.Entries) != community.DirectoryPageSize {
		t.Fatalf("pages hold %d and %d groups, want 5 and %d", len(d5.Entries), len(dFull.Entries), community.DirectoryPageSize)
	}
	if small != large || small == 0 {
		t.Errorf("a directory page of 5 groups cost %d commands and a full one %d; want the same", small, large)
	}
	joined := 0
	for _, e := range dFull.Entries {
		if e.State == community.StateActive {
			joined++
		}
	}
	if joined != community.DirectoryPageSize/2 {
		t.Errorf("%d groups marked joined on the first page, want %d", joined, community.DirectoryPageSize/2)
	}
	seen := map[string]bool{}
	for after := ""; ; {
		_, d := count(after)
		for _, e := range d.Entries {
			if seen[e.Group.Slug] {
				t.Fatalf("%s listed twice", e.Group.Slug)
			}
			seen[e.Group.Slug] = true
		}
		if after = d.Next; after == "" {
			break
		}
	}
	if len(seen) != made {
		t.Errorf("walking the directory saw %d groups of %d", len(seen), made)
	}
	t.Logf("a directory page costs %d database commands", small)
}
