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

// TestThreadRoundTrips: a post's page costs the same commands with 3
// comments as with a full page of them.
func TestThreadRoundTrips(t *testing.T) {
	var counting atomic.Bool
	var commands atomic.Int64
	mon := func(op mongodb.Op) {
		if counting.Load() {
			commands.Add(1)
		}
	}
	svc := fdService(t, mongotest.NewObserved(t, mon))
	ctx := context.Background()
	if err := svc.Warm(ctx); err != nil { // the embedded store reads the threads' order into memory once
		t.Fatal(err)
	}
	author := fdGroup(t, svc, "talk", 2)
	_, page, err := svc.Feed(ctx, author, "talk", "")
	if err != nil {
		t.Fatal(err)
	}
	few, many := page.Posts[0].ID, page.Posts[1].ID
	for i := range 3 {
		if _, err := svc.CreateComment(ctx, author, "talk", community.OnPost(few), fmt.Sprint("few ", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	for i := range community.CommentPageSize + 10 {
		if _, err := svc.CreateComment(ctx, author, "talk", community.OnPost(many), fmt.Sprint("many ", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	cost := func(id community.PostID) (int64, int) {
		commands.Store(0)
		counting.Store(true)
		th, _, err := svc.ThreadOf(ctx, author, "talk", id, "")
		counting.Store(false)
		if err != nil {
			t.Fatal(err)
		}
		return commands.Load(), len(th.Comments)
	}
	small, n1 := cost(few)
	large, n2 := cost(many)
	if n1 != 3 || n2 != community.CommentPageSize || small != large {
		t.Errorf("%d comments cost %d commands, %d cost %d; want 3 and %d at the same cost", n1, small, n2, large, community.CommentPageSize)
	}
}

// TestMembersAndAuditPageByKey walks the member list and the audit log
// page by page and sees everyone and everything once.
func TestMembersAndAuditPageByKey(t *testing.T) {
	svc := fdService(t, mongotest.New(t))
	ctx := context.Background()
	fdGroup(t, svc, "crowd", 0)
	for i := range community.MembersPageSize + 15 {
		if _, err := svc.Join(ctx, fdActor(i), "crowd", ""); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	pages := 0
	for before := ""; ; pages++ {
		_, r, err := svc.Members(ctx, fdStaff, "crowd", before)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range r.Members {
			if seen[string(m.Account)] {
				t.Errorf("%s listed twice", m.Account)
			}
			seen[string(m.Account)] = true
		}
		if before = r.Next; before == "" {
			break
		}
	}
	if want := community.MembersPageSize + 15 + 2; len(seen) != want || pages != 1 { // and the creator and author
		t.Errorf("saw %d members over %d further pages, want %d over 1", len(seen), pages, want)
	}

	st, err := svc.GroupBySlug(ctx, fdStaff, "crowd")
	if err != nil {
		t.Fatal(err)
	}
	for i := range community.AuditPageSize + 5 {
		if err := svc.SetRole(ctx, fdStaff, "crowd", fdActor(i%10).ID(), []community.GroupRole{community.RoleModerator, community.RoleMember}[i/10%2]); err != nil {
			t.Fatal(err)
		}
	}
	entries := 0
	for before := ""; ; {
		_, page, err := svc.GroupAudit(ctx, fdStaff, "crowd", community.AuditFilter{Action: string(community.AuditRoleChange), Before: before})
		if err != nil {
			t.Fatal(err)
		}
		entries += len(page.Entries)
		if before = page.Next; before == "" {
			break
		}
	}
	if entries != community.AuditPageSize+5 {
		t.Errorf("the log pages through %d role changes in %s, want %d", entries, st.Group.Slug, community.AuditPageSize+5)
	}
}
