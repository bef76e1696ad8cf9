package community_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// feedView reads every page of the feed as viewer sees it, pinned posts
// first, as one comparable text.
func feedView(t *testing.T, svc *community.Service, viewer community.Actor, slug string) string {
	t.Helper()
	var b strings.Builder
	before := ""
	for page := 0; page < 50; page++ {
		_, p, err := svc.Feed(context.Background(), viewer, slug, before)
		if err != nil {
			t.Fatalf("feed as %s: %v", viewer.Account.Name, err)
		}
		for _, post := range append(p.Pinned, p.Posts...) {
			fmt.Fprintf(&b, "%s:%s:%t:%d:%d ", strings.TrimSpace(post.Body), post.State, post.Pinned, post.Comments, post.Reactions["like"])
		}
		b.WriteString("|")
		if before = p.Next; before == "" {
			break
		}
	}
	return b.String()
}

// TestFeedInMemoryAgreesWithQueries: on the embedded store a feed page's
// posts are found in the feed's order in memory; a service that does not
// trust memory (as on MongoDB) asks the database. After each kind of
// write, through the first, a moderator, the author of held and hidden
// posts, another member and a visitor must see the same pages from both.
func TestFeedInMemoryAgreesWithQueries(t *testing.T) {
	db := mongotest.New(t)
	mem := fdService(t, db)
	ctx := context.Background()
	const slug = "agree"
	if _, err := mem.CreateGroup(ctx, fdStaff, community.GroupInput{Slug: slug, Name: "Agree", Visibility: community.Listed,
		Policy: community.JoinOpen, HoldFirstPosts: 1}); err != nil {
		t.Fatal(err)
	}
	author, other, newcomer := fdActor(1), fdActor(2), fdActor(3)
	for _, m := range []community.Actor{author, other, newcomer} {
		if _, err := mem.Join(ctx, m, slug, ""); err != nil {
			t.Fatal(err)
		}
	}
	viewers := []community.Actor{fdStaff, author, other, newcomer, {}}
	check := func(step string) {
		t.Helper()
		query := fdService(t, db.Shared())
		for _, v := range viewers {
			if got, want := feedView(t, mem, v, slug), feedView(t, query, v, slug); got != want {
				t.Fatalf("after %s, as %q, the feed from memory differs from the database:\nmemory:   %s\ndatabase: %s", step, v.Account.Name, got, want)
			}
		}
	}
	// The author's first post is held; staff posts are not.
	var posts []community.Post
	for i := range 45 {
		who := author
		if i%3 == 1 {
			who = fdStaff
		}
		p, err := mem.CreatePost(ctx, who, slug, fmt.Sprintf("post %d", i))
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
		if i == 0 {
			check("a held first post")
			if err := mem.ModeratePost(ctx, fdStaff, slug, p.ID, community.ModApprove, ""); err != nil {
				t.Fatal(err)
			}
			check("approving it")
		}
		time.Sleep(time.Millisecond) // posts a millisecond apart, and some on the same one below
	}
	check("posting three pages")
	if _, err := mem.CreatePost(ctx, newcomer, slug, "held for review"); err != nil {
		t.Fatal(err)
	}
	check("a newcomer's held post")
	for _, step := range []struct {
		post   int
		action community.ModAction
	}{{40, community.ModPin}, {3, community.ModPin}, {22, community.ModHide}, {3, community.ModLock}, {40, community.ModUnpin},
		{22, community.ModRestore}, {7, community.ModHide}} {
		if err := mem.ModeratePost(ctx, fdStaff, slug, posts[step.post].ID, step.action, "because"); err != nil {
			t.Fatalf("%s post %d: %v", step.action, step.post, err)
		}
		check(fmt.Sprintf("%s post %d", step.action, step.post))
	}
	if err := mem.DeletePost(ctx, author, slug, posts[9].ID, ""); err != nil {
		t.Fatal(err)
	}
	check("deleting a post")
	if _, err := mem.EditPost(ctx, author, slug, posts[12].ID, "post 12, edited"); err != nil {
		t.Fatal(err)
	}
	check("editing a post")
	if _, err := mem.CreateComment(ctx, other, slug, community.OnPost(posts[30].ID), "nice", ""); err != nil {
		t.Fatal(err)
	}
	if err := mem.ReactToPost(ctx, other, slug, posts[31].ID, "like"); err != nil {
		t.Fatal(err)
	}
	check("a comment and a reaction")
}

// threadView reads every page of a parent's comments as viewer sees
// them, as one comparable text.
func threadView(t *testing.T, svc *community.Service, viewer community.Actor, slug string, on community.Parent) string {
	t.Helper()
	var b strings.Builder
	after := ""
	for page := 0; page < 20; page++ {
		var cs []community.Comment
		var next string
		if on.Idea != "" {
			v, _, err := svc.IdeaPage(context.Background(), viewer, slug, on.Idea, after)
			if err != nil {
				t.Fatalf("idea page as %s: %v", viewer.Account.Name, err)
			}
			cs, next = v.Comments, v.Next
		} else {
			th, _, err := svc.ThreadOf(context.Background(), viewer, slug, on.Post, after)
			if err != nil {
				t.Fatalf("thread as %s: %v", viewer.Account.Name, err)
			}
			cs, next = th.Comments, th.Next
		}
		for _, c := range cs {
			fmt.Fprintf(&b, "%s:%s:%q ", c.Body, c.State, c.ReplyToQuote)
		}
		b.WriteString("|")
		if after = next; after == "" {
			break
		}
	}
	return b.String()
}

// TestThreadInMemoryAgreesWithQueries: on the embedded store the comments
// of a post or an idea are found in the thread's order in memory; a
// service that does not trust memory asks the database. After each kind
// of write, a moderator, an author of hidden comments and another member
// must read the same pages of both threads from both.
func TestThreadInMemoryAgreesWithQueries(t *testing.T) {
	db := mongotest.New(t)
	mem := fdService(t, db)
	ctx := context.Background()
	const slug = "threads"
	members := ideaGroup(t, mem, slug, 3)
	post, err := mem.CreatePost(ctx, members[0], slug, "a post to talk about")
	if err != nil {
		t.Fatal(err)
	}
	idea := newIdea(t, mem, members[0], slug, "An idea to talk about")
	parents := []community.Parent{community.OnPost(post.ID), community.OnIdea(idea.ID)}
	viewers := []community.Actor{fdStaff, members[1], members[2]}
	check := func(step string) {
		t.Helper()
		query := fdService(t, db.Shared())
		for _, on := range parents {
			for _, v := range viewers {
				if got, want := threadView(t, mem, v, slug, on), threadView(t, query, v, slug, on); got != want {
					t.Fatalf("after %s, as %q, the thread from memory differs from the database:\nmemory:   %s\ndatabase: %s", step, v.Account.Name, got, want)
				}
			}
		}
	}
	var comments [2][]community.Comment
	for k, on := range parents {
		for i := range community.CommentPageSize + 7 {
			reply := community.CommentID("")
			if i%10 == 9 {
				reply = comments[k][i-1].ID
			}
			c, err := mem.CreateComment(ctx, members[1+i%2], slug, on, fmt.Sprintf("comment %d", i), reply)
			if err != nil {
				t.Fatal(err)
			}
			comments[k] = append(comments[k], c)
		}
	}
	check("commenting past a page")
	for k, on := range parents {
		if on.Post != "" {
			if err := mem.ModerateComment(ctx, fdStaff, slug, on.Post, comments[k][8].ID, community.ModHide, "rude"); err != nil {
				t.Fatal(err)
			}
		}
		if err := mem.DeleteComment(ctx, members[1], slug, on, comments[k][4].ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	check("hiding and deleting")
	if err := mem.ModerateComment(ctx, fdStaff, slug, post.ID, comments[0][8].ID, community.ModRestore, "fine"); err != nil {
		t.Fatal(err)
	}
	if _, err := mem.EditComment(ctx, members[2], slug, parents[1], comments[1][1].ID, "comment 1, edited"); err != nil {
		t.Fatal(err)
	}
	check("restoring and editing")
}

// TestPagesReadDuringAWriteAreNotKeptStale reads the feed and the board
// in the middle of a new post, a moderator's hide and an answer, at the
// moment each write reads its document back into memory or logs itself,
// and then again: the second reads must show the write (a page or stats
// read in between used to be kept under the new version, or for ten
// minutes).
func TestPagesReadDuringAWriteAreNotKeptStale(t *testing.T) {
	ctx := context.Background()
	var svc *community.Service
	var during func(op mongodb.Op)
	var inside bool
	db := mongotest.NewObserved(t, func(op mongodb.Op) {
		if during != nil && !inside {
			inside = true
			during(op)
			inside = false
		}
	})
	svc = fdService(t, db)
	if err := svc.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	members := ideaGroup(t, svc, "mid", 2)
	post, err := svc.CreatePost(ctx, members[0], "mid", "soon hidden")
	if err != nil {
		t.Fatal(err)
	}
	idea := newIdea(t, svc, members[0], "mid", "Soon answered")
	shows := func() bool {
		_, page, err := svc.Feed(ctx, members[1], "mid", "")
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Posts) == 1
	}
	answered := func() int {
		_, page, err := svc.Board(ctx, members[1], "mid", community.BoardQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return page.Stats.Answered
	}
	shows()
	answered()

	inserted := false
	during = func(op mongodb.Op) {
		switch {
		case op.Name == "insert" && op.Collection == "posts":
			inserted = true
		case inserted && op.Name == "find" && op.Collection == "posts": // the new post read back into memory
			inserted = false
			shows()
		}
	}
	if _, err := svc.CreatePost(ctx, members[0], "mid", "a second post"); err != nil {
		t.Fatal(err)
	}
	during = nil
	_, page, err := svc.Feed(ctx, members[1], "mid", "")
	if err != nil || len(page.Posts) != 2 {
		t.Fatalf("after a new post, the member's feed shows %d posts (%v), want 2", len(page.Posts), err)
	}
	shows = func() bool {
		_, page, err := svc.Feed(ctx, members[1], "mid", "")
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(page.Posts, func(p community.Post) bool { return p.ID == post.ID })
	}

	postReads := 0
	during = func(op mongodb.Op) {
		if op.Name == "find" && op.Collection == "posts" {
			if postReads++; postReads == 2 { // the first is the moderator's own look at the post
				shows()
			}
		}
	}
	if err := svc.ModeratePost(ctx, fdStaff, "mid", post.ID, community.ModHide, "off topic"); err != nil {
		t.Fatal(err)
	}
	during = nil
	if shows() {
		t.Error("after the hide, the member's feed still shows the hidden post")
	}

	during = func(op mongodb.Op) {
		if op.Name == "insert" && op.Collection == "audit_log" {
			answered()
		}
	}
	if _, err := svc.AnswerIdea(ctx, fdStaff, "mid", idea.ID, community.Answer{Status: community.IdeaPlanned, Response: "Coming"}); err != nil {
		t.Fatal(err)
	}
	during = nil
	if n := answered(); n != 1 {
		t.Errorf("after the first answer, the board's stats count %d answered, want 1", n)
	}
}

// TestHotPagesScanNothing: on the embedded store, which answers any
// filter but an _id by reading the whole collection, the pages members
// read again and again, and the votes, posts, comments and reactions they
// make, read no collection whole (with the lists in memory taken away,
// every board, feed and thread page would).
func TestHotPagesScanNothing(t *testing.T) {
	ctx := context.Background()
	var counting bool
	var scans []string
	svc := fdService(t, mongotest.NewObserved(t, func(op mongodb.Op) {
		if counting && op.Scan {
			scans = append(scans, op.Name+" "+op.Collection)
		}
	}))
	if err := svc.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	members := ideaGroup(t, svc, "hot", 3)
	var ideas []community.Idea
	for i := range 5 {
		ideas = append(ideas, newIdea(t, svc, members[i%3], "hot", fmt.Sprintf("Hot idea number %d", i)))
	}
	var posts []community.Post
	for i := range 25 {
		p, err := svc.CreatePost(ctx, members[i%3], "hot", fmt.Sprint("hot post ", i))
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	if _, err := svc.GroupBySlug(ctx, members[0], "hot"); err != nil { // the slug, found once
		t.Fatal(err)
	}
	counting = true
	reader := members[1]
	if _, err := svc.Vote(ctx, reader, "hot", ideas[0].ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Vote(ctx, reader, "hot", ideas[0].ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreatePost(ctx, reader, "hot", "one more"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateComment(ctx, reader, "hot", community.OnPost(posts[3].ID), "a comment", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateComment(ctx, reader, "hot", community.OnIdea(ideas[1].ID), "an idea comment", ""); err != nil {
		t.Fatal(err)
	}
	if err := svc.ReactToPost(ctx, reader, "hot", posts[4].ID, "like"); err != nil {
		t.Fatal(err)
	}
	for _, sort := range community.BoardSorts {
		for _, q := range []community.BoardQuery{{Sort: sort}, {Sort: sort, Status: community.StatusAll}, {Sort: sort, Voted: true}, {Sort: sort, Mine: true}} {
			_, page, err := svc.Board(ctx, reader, "hot", q)
			if err != nil {
				t.Fatal(err)
			}
			q.After = page.Next
		}
	}
	if _, _, err := svc.Roadmap(ctx, reader, "hot"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Unanswered(ctx, fdStaff, "hot", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SimilarIdeas(ctx, reader, "hot", "hot idea"); err != nil {
		t.Fatal(err)
	}
	_, page, err := svc.Feed(ctx, reader, "hot", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Feed(ctx, reader, "hot", page.Next); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.ThreadOf(ctx, reader, "hot", posts[3].ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.IdeaPage(ctx, reader, "hot", ideas[1].ID, ""); err != nil {
		t.Fatal(err)
	}
	counting = false
	if len(scans) > 0 {
		t.Errorf("read whole collections: %v", scans)
	}
}
