package community_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/internal/ratelimit"
)

// roomyLimits are limits no test here runs into; a test of a limit sets
// its own.
var roomyLimits = community.Limits{
	PostsPerMinute: ratelimit.Rule{Max: 100000, Window: time.Minute}, PostsPerDay: ratelimit.Rule{Max: 100000, Window: time.Hour},
	VotesPerMinute: ratelimit.Rule{Max: 100000, Window: time.Minute}, VotesPerDay: ratelimit.Rule{Max: 100000, Window: time.Hour},
}

// fdService is community on db with limits no test trips over.
func fdService(t testing.TB, db *mongodb.DB) *community.Service {
	svc, _ := fdServiceJobs(t, db)
	return svc
}

// fdServiceJobs is fdService with the job queue its news goes through,
// for tests to drain with RunDue.
func fdServiceJobs(t testing.TB, db *mongodb.DB) (*community.Service, *jobs.Queue) {
	t.Helper()
	r := newRig(t, db, time.Now)
	return r.svc, r.jobs
}

// rig is community on a database, on a clock, wired as cmd/fanclub
// wires it: news through a job queue (tests drain it with RunDue), and
// engagement reported to the activity record.
type rig struct {
	svc      *community.Service
	jobs     *jobs.Queue
	activity *activity.Recorder
}

func newRig(t testing.TB, db *mongodb.DB, clock func() time.Time) rig {
	t.Helper()
	return buildRig(t, db, clock, true)
}

// buildRig is newRig, with the activity record left out unless record.
func buildRig(t testing.TB, db *mongodb.DB, clock func() time.Time, record bool) rig {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := community.New(db, roomyLimits, clock, log)
	ctx := context.Background()
	if err := svc.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	queue := jobs.New(db, clock, log)
	if err := queue.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	au, err := auth.New(db, auth.Config{}, mail.Log{Logger: log}, clock, log)
	if err != nil {
		t.Fatal(err)
	}
	var rec *activity.Recorder
	if record {
		rec = activity.New(db, au.Zone, clock, log)
		if err := rec.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	}
	svc.Deliver(community.Delivery{Jobs: queue, Accounts: au, Mail: mail.Log{Logger: log}, BaseURL: "http://fanclub.test", Activity: rec})
	return rig{svc: svc, jobs: queue, activity: rec}
}

// fdActor is a signed-in person; accounts live in auth, which community
// does not read.
func fdActor(i int) community.Actor {
	return community.Actor{Account: auth.Account{ID: auth.AccountID(fmt.Sprintf("%024x", i+1)), Name: fmt.Sprintf("member%d", i), Role: auth.RoleMember}}
}

var fdStaff = community.Actor{Account: auth.Account{ID: "5f0000000000000000000001", Name: "Admin", Role: auth.RoleAdmin}}

// fdGroup creates an open group and fills it with n posts by a member.
func fdGroup(t testing.TB, svc *community.Service, slug string, n int) community.Actor {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.CreateGroup(ctx, fdStaff, community.GroupInput{Slug: slug, Name: "Group " + slug,
		Visibility: community.Listed, Policy: community.JoinOpen}); err != nil {
		t.Fatal(err)
	}
	author := fdActor(1000)
	if _, err := svc.Join(ctx, author, slug, ""); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := svc.CreatePost(ctx, author, slug, fmt.Sprintf("Post %d for @member1001", i)); err != nil {
			t.Fatal(err)
		}
	}
	return author
}

// TestFeedRoundTrips proves a feed page costs the same number of database
// commands whatever its length: authors ride on the posts and the
// viewer's reactions come in one $in query.
func TestFeedRoundTrips(t *testing.T) {
	var counting atomic.Bool
	var commands atomic.Int64
	mon := func(op mongodb.Op) {
		if counting.Load() {
			commands.Add(1)
		}
	}
	svc := fdService(t, mongotest.NewObserved(t, mon))
	ctx := context.Background()
	count := func(slug string) (int64, int) {
		reader := fdActor(1)
		if _, err := svc.Join(ctx, reader, slug, ""); err != nil {
			t.Fatal(err)
		}
		_, page, err := svc.Feed(ctx, reader, slug, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Posts[:3] { // some marks to fetch
			if err := svc.ReactToPost(ctx, reader, slug, p.ID, "like"); err != nil {
				t.Fatal(err)
			}
		}
		commands.Store(0)
		counting.Store(true)
		_, page, err = svc.Feed(ctx, reader, slug, "")
		counting.Store(false)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Mine) != 3 {
			t.Errorf("%s: the page marks %d posts as liked by the reader, want 3", slug, len(page.Mine))
		}
		return commands.Load(), len(page.Posts)
	}
	fdGroup(t, svc, "five", 5)
	fdGroup(t, svc, "fifty", 50)
	small, n5 := count("five")
	large, n50 := count("fifty")
	if n5 != 5 || n50 != community.FeedPageSize {
		t.Fatalf("pages hold %d and %d posts, want 5 and %d", n5, n50, community.FeedPageSize)
	}
	if small != large || small == 0 {
		t.Errorf("a feed page of 5 posts cost %d commands and one of %d cost %d; want the same", small, n50, large)
	}
	t.Logf("a feed page costs %d database commands", small)
}

// TestFeedPagesByKey walks the whole feed with "older posts" and sees
// every post once, newest first.
func TestFeedPagesByKey(t *testing.T) {
	svc := fdService(t, mongotest.New(t))
	ctx := context.Background()
	fdGroup(t, svc, "long", 45)
	reader := fdActor(2)
	if _, err := svc.Join(ctx, reader, "long", ""); err != nil {
		t.Fatal(err)
	}
	seen := map[community.PostID]bool{}
	var last time.Time
	before, pages := "", 0
	for {
		_, page, err := svc.Feed(ctx, reader, "long", before)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, p := range page.Posts {
			if seen[p.ID] {
				t.Errorf("post %s shown twice", p.ID)
			}
			if !last.IsZero() && p.CreatedAt.After(last) {
				t.Errorf("post %s is newer than the one before it", p.ID)
			}
			seen[p.ID], last = true, p.CreatedAt
		}
		if before = page.Next; before == "" {
			break
		}
	}
	if len(seen) != 45 || pages != 3 {
		t.Errorf("saw %d posts on %d pages, want 45 on 3", len(seen), pages)
	}
}

// TestCountersUnderConcurrency has 50 people join, react and comment at
// once, then checks every counter against a recount of the documents, and
// that Reconcile repairs a counter drifted by hand.
func TestCountersUnderConcurrency(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	fdGroup(t, svc, "busy", 1)
	_, page, err := svc.Feed(ctx, fdStaff, "busy", "")
	if err != nil || len(page.Posts) != 1 {
		t.Fatalf("feed: %v %d", err, len(page.Posts))
	}
	post := page.Posts[0].ID

	var wg sync.WaitGroup
	errs := make(chan error, 50*4)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := fdActor(i)
			if _, err := svc.Join(ctx, a, "busy", ""); err != nil {
				errs <- err
				return
			}
			for _, r := range []community.Reaction{"like", "love"} {
				if err := svc.ReactToPost(ctx, a, "busy", post, r); err != nil {
					errs <- err
				}
			}
			if _, err := svc.CreateComment(ctx, a, "busy", community.OnPost(post), "Me too!", ""); err != nil {
				errs <- err
			}
			if i%5 == 0 { // and some take their love back
				if err := svc.ReactToPost(ctx, a, "busy", post, "love"); err != nil {
					errs <- err
				}
			}
		}()
	}
	// One person double-clicking "like" ten times at once.
	clicker := fdActor(999)
	if _, err := svc.Join(ctx, clicker, "busy", ""); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := svc.ReactToPost(ctx, clicker, "busy", post, "like"); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	check := func(when string) {
		t.Helper()
		var g struct{ Members, Posts int }
		if err := db.Collection("groups").FindOne(ctx, bson.M{"slug": "busy"}).Decode(&g); err != nil {
			t.Fatal(err)
		}
		members := fdCount(t, db, "group_members", bson.M{"state": "active"})
		if int64(g.Members) != members || members != 53 { // 50, the creator, the author and the clicker
			t.Errorf("%s: group counts %d members, documents say %d, want 53", when, g.Members, members)
		}
		var p struct {
			Comments  int
			Reactions map[string]int
		}
		if err := db.Collection("posts").FindOne(ctx, bson.M{"_id": post}).Decode(&p); err != nil {
			t.Fatal(err)
		}
		if c := fdCount(t, db, "comments", bson.M{"post": post, "state": "published"}); int64(p.Comments) != c || c != 50 {
			t.Errorf("%s: post counts %d comments, documents say %d, want 50", when, p.Comments, c)
		}
		for _, r := range []string{"like", "love"} {
			if n := fdCount(t, db, "reactions", bson.M{"target": "post:" + string(post), "reaction": r}); int64(p.Reactions[r]) != n {
				t.Errorf("%s: post counts %d %q, documents say %d", when, p.Reactions[r], r, n)
			}
		}
		if n := fdCount(t, db, "reactions", bson.M{"target": "post:" + string(post), "reaction": "love"}); n != 40 {
			t.Errorf("%s: %d loves, want 40 (50 given, 10 taken back)", when, n)
		}
	}
	// Each reader's marks follow their reaction documents, the clicker's
	// ten racing clicks included.
	marks := func(when string) {
		t.Helper()
		for _, a := range []community.Actor{clicker, fdActor(0), fdActor(3), fdActor(4), fdActor(5)} {
			_, page, err := svc.Feed(ctx, a, "busy", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []community.Reaction{"like", "love", "wow"} {
				has := fdCount(t, db, "reactions", bson.M{"target": "post:" + string(post), "account": a.ID(), "reaction": r}) == 1
				if page.Mine[post][r] != has {
					t.Errorf("%s: %s: %q marked %t on the feed, documents say %t", when, a.Account.Name, r, page.Mine[post][r], has)
				}
			}
		}
	}
	check("after the burst")
	marks("after the burst")

	// Drift the counters by hand, as a crash between write and count would.
	if _, err := db.Collection("posts").UpdateOne(ctx, bson.M{"_id": post}, bson.M{"$set": bson.M{"comments": 7, "reactions.like": 99, "reports": 4}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("groups").UpdateOne(ctx, bson.M{"slug": "busy"}, bson.M{"$inc": bson.M{"members": 3}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("group_members").UpdateMany(ctx, bson.M{"account": fdActor(1000).ID()}, bson.M{"$set": bson.M{"published": 9}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("reaction_sets").DeleteOne(ctx, bson.M{"_id": "post:" + string(post) + ":" + string(fdActor(3).ID())}); err != nil { // a set lost
		t.Fatal(err)
	}
	if _, err := db.Collection("reaction_sets").UpdateOne(ctx, bson.M{"_id": "post:" + string(post) + ":" + string(fdActor(4).ID())},
		bson.M{"$set": bson.M{"reactions": bson.A{"wow"}}}); err != nil { // a set gone wrong
		t.Fatal(err)
	}
	st, err := svc.GroupBySlug(ctx, fdStaff, "busy")
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := svc.Reconcile(ctx, st.Group.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fixed != (community.Repairs{Groups: 1, Posts: 1, Members: 1, Reactions: 2}) {
		t.Errorf("Reconcile repaired %+v, want the group, the post, the author and two reaction sets", fixed)
	}
	if n := fdCount(t, db, "posts", bson.M{"_id": post, "reports": 0}); n != 1 {
		t.Errorf("the post's report count is not back to 0")
	}
	if n := fdCount(t, db, "group_members", bson.M{"account": fdActor(1000).ID(), "published": 1}); n != 1 {
		t.Errorf("the author's published count is not back to 1")
	}
	check("after Reconcile")
	marks("after Reconcile")
	if again, _ := svc.Reconcile(ctx, st.Group.ID); again != (community.Repairs{}) {
		t.Errorf("a second Reconcile repaired %+v, want nothing", again)
	}
}

func fdCount(t *testing.T, db *mongodb.DB, coll string, filter bson.M) int64 {
	t.Helper()
	n, err := db.Collection(coll).CountDocuments(context.Background(), filter, options.Count())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMentionsAndReplies checks who hears of a comment: the post's
// author, the replied-to commenter, and mentioned members, never oneself.
func TestMentionsAndReplies(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	author := fdGroup(t, svc, "talk", 0)
	a, b := fdActor(1), fdActor(2)
	for _, x := range []community.Actor{a, b} {
		if _, err := svc.Join(ctx, x, "talk", ""); err != nil {
			t.Fatal(err)
		}
	}
	p, err := svc.CreatePost(ctx, author, "talk", "Hello @member1 and @[nobody here]")
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateComment(ctx, a, "talk", community.OnPost(p.ID), "First! "+strings.Repeat("long ", 50), "")
	if err != nil {
		t.Fatal(err)
	}
	reply, err := svc.CreateComment(ctx, b, "talk", community.OnPost(p.ID), "Replying to you, @member1000", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if reply.ReplyToName != "member1" || !strings.HasPrefix(reply.ReplyToQuote, "First! long") || len([]rune(reply.ReplyToQuote)) > 140 {
		t.Errorf("reply quotes %q by %q", reply.ReplyToQuote, reply.ReplyToName)
	}
	notices := func(who community.Actor, kind string) int64 {
		return fdCount(t, db, "notifications", bson.M{"account": who.ID(), "kind": kind})
	}
	for _, tc := range []struct {
		who   community.Actor
		kind  string
		count int64
	}{
		{a, "mention", 1},      // in the post
		{author, "reply", 2},   // a's comment and b's reply, both on the author's post
		{a, "reply", 1},        // b replied to a
		{author, "mention", 0}, // b's reply mentions the author, who is told of it as a reply already
		{b, "reply", 0},
	} {
		if got := notices(tc.who, tc.kind); got != tc.count {
			t.Errorf("%s has %d %q notices, want %d", tc.who.Account.Name, got, tc.kind, tc.count)
		}
	}
	if n, _ := svc.Unread(ctx, a); n != 2 {
		t.Errorf("member1 has %d unread, want 2", n)
	}
}

// TestReconcileUnread puts drifted bell counts right: one too high, one
// missing, one left behind after everything was read.
func TestReconcileUnread(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	author := fdGroup(t, svc, "talk", 1)
	_, page, err := svc.Feed(ctx, author, "talk", "")
	if err != nil {
		t.Fatal(err)
	}
	a, b := fdActor(1), fdActor(2)
	for _, x := range []community.Actor{a, b} {
		if _, err := svc.Join(ctx, x, "talk", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateComment(ctx, x, "talk", community.OnPost(page.Posts[0].ID), "hello", ""); err != nil {
			t.Fatal(err)
		}
	}
	counts := db.Collection("notification_counts")
	if _, err := counts.UpdateOne(ctx, bson.M{"_id": author.ID()}, bson.M{"$set": bson.M{"unread": 9}}); err != nil {
		t.Fatal(err)
	}
	if _, err := counts.InsertOne(ctx, bson.M{"_id": a.ID(), "unread": 4}); err != nil {
		t.Fatal(err)
	}
	fixed, err := svc.ReconcileUnread(ctx)
	if err != nil || fixed != 2 {
		t.Fatalf("repaired %d counts (%v), want 2", fixed, err)
	}
	for _, c := range []struct {
		who  community.Actor
		want int
	}{{author, 2}, {a, 0}, {b, 0}} {
		if n, _ := svc.Unread(ctx, c.who); n != c.want {
			t.Errorf("%s has %d unread after reconcile, want %d", c.who.Account.Name, n, c.want)
		}
	}
}

// TestReactionSetsBackfill: a database from before reaction sets has
// only the reaction documents; the migration builds each reader's sets
// from them, completing one a run cut short left, so the feed marks their
// reactions again, and running it twice changes nothing.
func TestReactionSetsBackfill(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	author := fdGroup(t, svc, "old", 2)
	_, page, err := svc.Feed(ctx, author, "old", "")
	if err != nil {
		t.Fatal(err)
	}
	reader := fdActor(7)
	if _, err := svc.Join(ctx, reader, "old", ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"like", "wow"} { // as the code before reaction sets stored them
		target := "post:" + string(page.Posts[1].ID)
		if _, err := db.Collection("reactions").InsertOne(ctx, bson.M{"_id": target + ":" + string(reader.ID()) + ":" + r,
			"target": target, "group": page.Posts[1].Group, "account": reader.ID(), "reaction": r, "createdAt": time.Now()}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Collection("posts").UpdateOne(ctx, bson.M{"_id": page.Posts[1].ID}, bson.M{"$inc": bson.M{"reactions." + r: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	// A run cut short had stored part of the set already.
	target := "post:" + string(page.Posts[1].ID)
	if _, err := db.Collection("reaction_sets").InsertOne(ctx, bson.M{"_id": target + ":" + string(reader.ID()), "target": target,
		"group": page.Posts[1].Group, "reactions": bson.A{"like"}}); err != nil {
		t.Fatal(err)
	}
	svc = fdService(t, db) // the new version starts on the old data
	marked := func() map[community.Reaction]bool {
		_, p, err := svc.Feed(ctx, reader, "old", "")
		if err != nil {
			t.Fatal(err)
		}
		return p.Mine[page.Posts[1].ID]
	}
	if m := marked(); len(m) != 1 {
		t.Fatalf("marks before the backfill: %v, want the one stored (is the test still starting from the old data?)", m)
	}
	for range 2 {
		if err := svc.BackfillReactionSets(ctx); err != nil {
			t.Fatal(err)
		}
		if m := marked(); !m["like"] || !m["wow"] || len(m) != 2 {
			t.Errorf("marks after the backfill: %v, want like and wow", m)
		}
	}
}
