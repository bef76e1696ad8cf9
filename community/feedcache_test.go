package community_test

import (
	"context"
	"sync/atomic"
	"testing"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// TestFeedCacheFollowsEveryWrite reads a feed through one instance and
// changes it through another (two services on one database, as two app
// instances would be): every change shows at once on the first, a hidden
// post never lingers for members, and an unchanged feed is served
// without reading posts.
func TestFeedCacheFollowsEveryWrite(t *testing.T) {
	var postReads atomic.Int64
	mon := func(op mongodb.Op) {
		if op.Name == "find" && op.Collection == "posts" {
			postReads.Add(1)
		}
	}
	db := mongotest.NewObserved(t, mon)
	// Two instances share the database, as on MongoDB: neither may trust
	// what it keeps in memory.
	reader, writer := fdService(t, db.Shared()), fdService(t, db.Shared())
	ctx := context.Background()
	author := fdGroup(t, writer, "club", 3)
	member, mod := fdActor(1), fdActor(2)
	for _, a := range []community.Actor{member, mod} {
		if _, err := writer.Join(ctx, a, "club", ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := writer.SetRole(ctx, fdStaff, "club", mod.ID(), community.RoleModerator); err != nil {
		t.Fatal(err)
	}
	feed := func(who community.Actor) []community.Post {
		t.Helper()
		_, page, err := reader.Feed(ctx, who, "club", "")
		if err != nil {
			t.Fatal(err)
		}
		return append(page.Pinned, page.Posts...)
	}
	shows := func(posts []community.Post, id community.PostID) bool {
		for _, p := range posts {
			if p.ID == id {
				return true
			}
		}
		return false
	}

	countOf := func(posts []community.Post, id community.PostID) community.Post {
		for _, p := range posts {
			if p.ID == id {
				return p
			}
		}
		return community.Post{}
	}

	first := feed(member)
	before := postReads.Load()
	if again := feed(fdActor(3)); len(again) != 0 {
		t.Fatalf("a stranger to an open group reads %d posts", len(again))
	}
	feed(member)
	if postReads.Load() != before {
		t.Errorf("an unchanged feed read posts again (%d reads)", postReads.Load()-before)
	}

	target := first[0].ID
	steps := []struct {
		name   string
		change func() error
		check  func() bool
	}{
		{"hide", func() error { return writer.ModeratePost(ctx, mod, "club", target, community.ModHide, "") },
			func() bool {
				return !shows(feed(member), target) && shows(feed(mod), target) && shows(feed(author), target)
			}},
		{"restore", func() error { return writer.ModeratePost(ctx, mod, "club", target, community.ModRestore, "") },
			func() bool { return shows(feed(member), target) }},
		{"react", func() error { return writer.ReactToPost(ctx, member, "club", target, "love") },
			func() bool { return feed(mod)[0].Reactions["love"] == 1 }},
		{"comment", func() error {
			_, err := writer.CreateComment(ctx, member, "club", community.OnPost(target), "hi", "")
			return err
		},
			func() bool { return feed(mod)[0].Comments == 1 }},
		{"edit", func() error { _, err := writer.EditPost(ctx, author, "club", target, "edited text"); return err },
			func() bool { return feed(member)[0].Body == "edited text" }},
		{"pin", func() error { return writer.ModeratePost(ctx, mod, "club", first[2].ID, community.ModPin, "") },
			func() bool { return feed(member)[0].ID == first[2].ID && feed(member)[0].Pinned }},
		{"new post", func() error { _, err := writer.CreatePost(ctx, author, "club", "fresh"); return err },
			func() bool { return len(feed(member)) == 4 }},
		{"report", func() error {
			return writer.ReportContent(ctx, member, "club", community.ReportInput{Post: target, Reason: "spam"})
		}, func() bool { return countOf(feed(mod), target).Reports == 1 }},
		{"dismiss", func() error { return writer.DismissReports(ctx, mod, "club", target, "", "") },
			func() bool { return countOf(feed(mod), target).Reports == 0 }},
		{"delete", func() error { return writer.DeletePost(ctx, author, "club", target, "") },
			func() bool { return !shows(feed(member), target) && !shows(feed(mod), target) }},
	}
	for _, step := range steps {
		feed(member) // warm the cache on the reading instance
		feed(mod)
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if !step.check() {
			t.Errorf("after %s on another instance, the feed is stale", step.name)
		}
	}
}
