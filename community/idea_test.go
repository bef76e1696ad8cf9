package community_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// ideaGroup makes an open group with its board, joins n members (fdActor
// 0..n-1) and returns them.
func ideaGroup(t testing.TB, svc *community.Service, slug string, n int) []community.Actor {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.CreateGroup(ctx, fdStaff, community.GroupInput{Slug: slug, Name: "Group " + slug,
		Visibility: community.Listed, Policy: community.JoinOpen}); err != nil {
		t.Fatal(err)
	}
	var out []community.Actor
	for i := range n {
		a := fdActor(i)
		if _, err := svc.Join(ctx, a, slug, ""); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func newIdea(t testing.TB, svc *community.Service, a community.Actor, slug, title string) community.Idea {
	t.Helper()
	i, err := svc.CreateIdea(context.Background(), a, slug, community.IdeaInput{Title: title})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// voteState is the idea's counter and its vote documents, counted apart.
func voteState(t *testing.T, db *mongodb.DB, id community.IdeaID) (counter, docs int) {
	t.Helper()
	ctx := context.Background()
	var d struct {
		Votes int `bson:"votes"`
	}
	if err := db.Collection("ideas").FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	n, err := db.Collection("votes").CountDocuments(ctx, bson.M{"idea": id})
	if err != nil {
		t.Fatal(err)
	}
	return d.Votes, int(n)
}

// TestVotesExactUnderConcurrency: 50 members voting at once make 50 votes
// and a counter of 50; one member double-clicking makes one; a storm of
// votes and unvotes ends with the counter equal to the documents, and
// each voter's ballot listing exactly their votes.
func TestVotesExactUnderConcurrency(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	members := ideaGroup(t, svc, "votes", 50)
	author := members[0]
	idea := newIdea(t, svc, author, "votes", "Night mode for the shop")

	var wg sync.WaitGroup
	for _, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Vote(ctx, m, "votes", idea.ID, true); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if counter, docs := voteState(t, db, idea.ID); counter != 50 || docs != 50 {
		t.Fatalf("50 voters at once: counter %d, documents %d; want 50 and 50", counter, docs)
	}

	double := newIdea(t, svc, author, "votes", "Gift wrapping at checkout")
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Vote(ctx, members[1], "votes", double.ID, true); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if counter, docs := voteState(t, db, double.ID); counter != 1 || docs != 1 {
		t.Fatalf("one member clicking ten times at once: counter %d, documents %d; want 1 and 1", counter, docs)
	}

	storm := newIdea(t, svc, author, "votes", "Pickup lockers")
	for i, m := range members[:20] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 8 {
				if _, err := svc.Vote(ctx, m, "votes", storm.ID, (i+k)%3 != 0); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	counter, docs := voteState(t, db, storm.ID)
	if counter != docs {
		t.Fatalf("after a storm of votes and unvotes: counter %d, documents %d", counter, docs)
	}
	// Each ballot says what the documents say (the board's "you voted"
	// marks read the ballot): a reconcile finds nothing to repair.
	r, err := svc.Reconcile(ctx, storm.Group)
	if err != nil || r.Ideas != 0 || r.Ballots != 0 {
		t.Errorf("reconcile after the storm repaired %+v (%v), want nothing", r, err)
	}
	t.Logf("storm ended with %d votes", docs)
}

// TestMergeMovesVotesOnce merges a duplicate into its original: its voters
// move, someone who voted for both counts once, the duplicate is closed,
// and the bad merges are refused without changing anything.
func TestMergeMovesVotesOnce(t *testing.T) {
	db := mongotest.New(t)
	svc, queue := fdServiceJobs(t, db)
	ctx := context.Background()
	members := ideaGroup(t, svc, "shop", 16)
	ideaGroup(t, svc, "other", 0)
	dup := newIdea(t, svc, members[0], "shop", "Dark mode please")
	orig := newIdea(t, svc, members[1], "shop", "Dark mode for the app")
	elsewhere := newIdea(t, svc, fdStaff, "other", "Dark mode elsewhere")
	for i, m := range members {
		if i < 10 {
			if _, err := svc.Vote(ctx, m, "shop", dup.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if i >= 5 {
			if _, err := svc.Vote(ctx, m, "shop", orig.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name string
		into community.IdeaID
		key  string
	}{
		{"itself", dup.ID, "idea.error.merge_self"},
		{"another group's idea", elsewhere.ID, "idea.error.merge_unknown"},
		{"no idea at all", "0123456789abcdef01234567", "idea.error.merge_unknown"},
		{"garbage", "../../etc", "idea.error.merge_unknown"},
	} {
		_, err := svc.MergeIdea(ctx, fdStaff, "shop", dup.ID, tc.into, "")
		var invalid community.ValidationError
		if !errors.As(err, &invalid) || invalid["into"] != tc.key {
			t.Errorf("merging into %s: %v, want %s", tc.name, err, tc.key)
		}
	}
	if _, err := svc.MergeIdea(ctx, members[2], "shop", dup.ID, orig.ID, ""); !errors.Is(err, community.ErrForbidden) {
		t.Errorf("a member merging: %v, want ErrForbidden", err)
	}
	if counter, _ := voteState(t, db, dup.ID); counter != 10 {
		t.Fatalf("refused merges moved votes: the duplicate has %d, want 10", counter)
	}

	if _, err := svc.MergeIdea(ctx, fdStaff, "shop", dup.ID, orig.ID, "Same as this one"); err != nil {
		t.Fatal(err)
	}
	if counter, docs := voteState(t, db, orig.ID); counter != 16 || docs != 16 {
		t.Errorf("the original has counter %d and %d documents, want 16 distinct voters", counter, docs)
	}
	if counter, docs := voteState(t, db, dup.ID); counter != 0 || docs != 0 {
		t.Errorf("the duplicate keeps counter %d and %d documents, want 0", counter, docs)
	}
	merged, _, err := svc.IdeaByID(ctx, members[3], "shop", dup.ID)
	if err != nil || merged.Status != community.IdeaMerged || merged.MergedInto.ID != orig.ID {
		t.Errorf("the duplicate: %+v, %v; want merged into the original", merged.MergedInto, err)
	}
	if _, err := svc.Vote(ctx, members[15], "shop", dup.ID, true); !errors.Is(err, community.ErrIdeaClosed) {
		t.Errorf("voting on a merged idea: %v, want ErrIdeaClosed", err)
	}
	if _, err := svc.MergeIdea(ctx, fdStaff, "shop", orig.ID, dup.ID, ""); err == nil {
		t.Error("merging into a merged idea was accepted")
	}
	// The moved voters (and the duplicate's author) hear of it; the one
	// who merged does not.
	if _, err := queue.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := db.Collection("notifications").CountDocuments(ctx, bson.M{"kind": community.NoticeIdeaMerged, "idea": dup.ID})
	if err != nil || n != 10 {
		t.Errorf("%d merge notices (%v), want 10: the duplicate's voters, its author among them", n, err)
	}
}

// TestReconcileRepairsIdeaDrift makes the counters and a ballot lie by
// hand; Reconcile sets them back from the documents.
func TestReconcileRepairsIdeaDrift(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	members := ideaGroup(t, svc, "drift", 5)
	idea := newIdea(t, svc, members[0], "drift", "Loyalty stamps")
	for _, m := range members {
		if _, err := svc.Vote(ctx, m, "drift", idea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Collection("ideas").UpdateOne(ctx, bson.M{"_id": idea.ID}, bson.M{"$set": bson.M{"votes": 999, "score": 0}}); err != nil {
		t.Fatal(err)
	}
	ballot := fmt.Sprintf("%s:%s", idea.Group, members[2].ID())
	if _, err := db.Collection("idea_ballots").UpdateOne(ctx, bson.M{"_id": ballot}, bson.M{"$set": bson.M{"ideas": bson.A{}}}); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Reconcile(ctx, idea.Group)
	if err != nil {
		t.Fatal(err)
	}
	if r.Ideas != 1 || r.Ballots != 1 {
		t.Errorf("repairs %+v, want one idea and one ballot", r)
	}
	if counter, docs := voteState(t, db, idea.ID); counter != docs || docs != 5 {
		t.Errorf("after reconcile: counter %d, documents %d; want 5", counter, docs)
	}
	got, _, err := svc.IdeaByID(ctx, members[0], "drift", idea.ID)
	if err != nil || got.Score <= 0 {
		t.Errorf("score after reconcile %v (%v), want it recomputed", got.Score, err)
	}
	_, page, err := svc.Board(ctx, members[2], "drift", community.BoardQuery{})
	if err != nil || !page.Voted[idea.ID] {
		t.Errorf("member 2's vote mark after reconcile: %v (%v), want true", page.Voted[idea.ID], err)
	}
	if r, err := svc.Reconcile(ctx, idea.Group); err != nil || r.Ideas+r.Ballots != 0 {
		t.Errorf("a second reconcile repaired %+v (%v), want nothing", r, err)
	}
	// An idea nobody voted for is as reconcile would count it.
	newIdea(t, svc, members[1], "drift", "Nobody votes for this")
	if r, err := svc.Reconcile(ctx, idea.Group); err != nil || r.Ideas != 0 {
		t.Errorf("reconcile repaired %+v (%v) after a new unvoted idea, want nothing", r, err)
	}
}

// TestBoardRoundTrips: a board page costs the same number of database
// commands whatever its length, the reader's vote marks included.
func TestBoardRoundTrips(t *testing.T) {
	var counting atomic.Bool
	var commands atomic.Int64
	mon := func(op mongodb.Op) {
		if counting.Load() {
			commands.Add(1)
		}
	}
	svc := fdService(t, mongotest.NewObserved(t, mon))
	ctx := context.Background()
	if err := svc.Warm(ctx); err != nil { // the embedded store reads the boards into memory once
		t.Fatal(err)
	}
	cost := func(slug string, n int, q community.BoardQuery) (int64, int) {
		members := ideaGroup(t, svc, slug, 2)
		for i := range n {
			idea := newIdea(t, svc, members[0], slug, fmt.Sprintf("Idea number %d", i))
			if i%2 == 0 {
				if _, err := svc.Vote(ctx, members[1], slug, idea.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		commands.Store(0)
		counting.Store(true)
		_, page, err := svc.Board(ctx, members[1], slug, q)
		counting.Store(false)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Voted) == 0 {
			t.Errorf("%s: no vote marks on the page", slug)
		}
		return commands.Load(), len(page.Ideas)
	}
	for k, q := range []community.BoardQuery{{}, {Sort: community.SortTop}, {Voted: true}} {
		small, n1 := cost(fmt.Sprintf("few%d", k), 4, q)
		large, n2 := cost(fmt.Sprintf("many%d", k), 2*community.BoardPageSize+2, q)
		if n1 == n2 || n2 != community.BoardPageSize && !q.Voted || small != large || small == 0 {
			t.Errorf("%+v: %d ideas cost %d commands, %d cost %d; want the same cost", q, n1, small, n2, large)
		}
		t.Logf("%+v: a board page costs %d database commands", q, small)
	}
}

// TestIdeaInputRefused: bad input changes nothing.
func TestIdeaInputRefused(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	members := ideaGroup(t, svc, "input", 1)
	tag, err := svc.AddIdeaTag(ctx, fdStaff, "input", "Payments", "green")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		in    community.IdeaInput
		field string
		key   string
	}{
		{"empty title", community.IdeaInput{Title: "   "}, "title", "idea.error.title_required"},
		{"300-character title", community.IdeaInput{Title: strings.Repeat("가", 300)}, "title", "idea.error.title_long"},
		{"unknown tag", community.IdeaInput{Title: "Fine", Tags: []string{"0123456789abcdef01234567"}}, "tags", "idea.error.tag_unknown"},
		{"body too long", community.IdeaInput{Title: "Fine", Body: strings.Repeat("x", 10001)}, "body", "post.error.body_long"},
	} {
		_, err := svc.CreateIdea(ctx, members[0], "input", tc.in)
		var invalid community.ValidationError
		if !errors.As(err, &invalid) || invalid[tc.field] != tc.key {
			t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.key, tc.field)
		}
	}
	if n, _ := db.Collection("ideas").CountDocuments(ctx, bson.M{}); n != 0 {
		t.Errorf("%d ideas stored after refused input, want 0", n)
	}
	ok, err := svc.CreateIdea(ctx, members[0], "input", community.IdeaInput{Title: "  Split   payments ", Tags: []string{tag.ID, tag.ID}})
	if err != nil || ok.Title != "Split payments" || len(ok.Tags) != 1 {
		t.Errorf("a good idea: %q %v (%v)", ok.Title, ok.Tags, err)
	}
}

// TestSimilarIdeas is the rule for "is it one of these?": titles sharing
// at least half of the new title's words, and two of them unless a title
// has only one, once normalised.
func TestSimilarIdeas(t *testing.T) {
	svc := fdService(t, mongotest.New(t))
	ctx := context.Background()
	members := ideaGroup(t, svc, "similar", 1)
	for _, title := range []string{"Dark mode for the app", "앱에서 다크 모드 지원", "Free shipping over 50,000 won", "Gift cards"} {
		newIdea(t, svc, members[0], "similar", title)
	}
	for _, tc := range []struct {
		title string
		want  string // the best match, "" for none
	}{
		{"Please add DARK MODE!", "Dark mode for the app"},
		{"dark-mode", "Dark mode for the app"},
		{"다크 모드를 지원해 주세요", "앱에서 다크 모드 지원"},
		{"앱 다크", "앱에서 다크 모드 지원"},
		{"Free shipping", "Free shipping over 50,000 won"},
		{"Light mode", ""},
		{"Please add", ""},    // nothing but common words
		{"Gift wrapping", ""}, // one word of two in common is not enough
		{"Giftcards", ""},
		{"Gift", "Gift cards"},
	} {
		got, err := svc.SimilarIdeas(ctx, members[0], "similar", tc.title)
		if err != nil {
			t.Fatal(err)
		}
		best := ""
		if len(got) > 0 {
			best = got[0].Title
		}
		if best != tc.want {
			t.Errorf("%q: best match %q, want %q", tc.title, best, tc.want)
		}
	}
}

// TestIdeaNewsReachFollowersOnce: a status change tells the author and
// every voter once, not the moderator who made it, not someone who
// unsubscribed; two instances draining the queue at once tell nobody
// twice.
func TestIdeaNewsReachFollowersOnce(t *testing.T) {
	db := mongotest.New(t)
	svc, queue := fdServiceJobs(t, db)
	_, other := fdServiceJobs(t, db) // a second instance's queue on the same database
	ctx := context.Background()
	members := ideaGroup(t, svc, "news", 8)
	idea := newIdea(t, svc, members[0], "news", "Member prices")
	for _, m := range members[1:] {
		if _, err := svc.Vote(ctx, m, "news", idea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Subscribe(ctx, members[7], "news", idea.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AnswerIdea(ctx, fdStaff, "news", idea.ID, community.Answer{Status: community.IdeaPlanned,
		Note: "Next quarter", Response: "We love this."}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, q := range []interface {
		RunDue(context.Context) (int, error)
	}{queue, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := q.RunDue(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	told := map[auth.AccountID]int{}
	cur, err := db.Collection("notifications").Find(ctx, bson.M{"idea": idea.ID})
	if err != nil {
		t.Fatal(err)
	}
	var notices []struct {
		Account auth.AccountID       `bson:"account"`
		Kind    community.NoticeKind `bson:"kind"`
		Status  community.IdeaStatus `bson:"status"`
	}
	if err := cur.All(ctx, &notices); err != nil {
		t.Fatal(err)
	}
	for _, n := range notices {
		told[n.Account]++
		if n.Kind != community.NoticeIdeaStatus || n.Status != community.IdeaPlanned {
			t.Errorf("notice %+v, want a status notice for planned", n)
		}
	}
	for i, m := range members {
		want := 1
		if i == 7 {
			want = 0
		}
		if told[m.ID()] != want {
			t.Errorf("member %d was told %d times, want %d", i, told[m.ID()], want)
		}
	}
	if told[fdStaff.ID()] != 0 {
		t.Error("the moderator was told of their own change")
	}
	if n, _ := svc.Unread(ctx, members[1]); n != 1 {
		t.Errorf("a voter's bell shows %d, want 1", n)
	}
}

// TestTrendingWeighsVotesAgainstAge is the trending rule: three days of
// youth weigh as much as doubling the votes, so an idea from nine days ago
// needs more than 2³ = 8 times the votes (plus one) of a new one to stay
// above it.
func TestTrendingWeighsVotesAgainstAge(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	for k, tc := range []struct {
		oldVotes, newVotes int
		oldFirst           bool
	}{
		{oldVotes: 15, newVotes: 0, oldFirst: true},  // log2(16) = 4 > 3 + log2(1)
		{oldVotes: 3, newVotes: 0, oldFirst: false},  // log2(4) = 2 < 3
		{oldVotes: 15, newVotes: 2, oldFirst: false}, // 4 < 3 + log2(3)
	} {
		slug := fmt.Sprint("trend", k)
		members := ideaGroup(t, svc, slug, 16)
		old := newIdea(t, svc, members[0], slug, "Old idea")
		// Nine days older, before any vote scores it.
		if _, err := db.Collection("ideas").UpdateOne(ctx, bson.M{"_id": old.ID},
			bson.M{"$set": bson.M{"createdAt": old.CreatedAt.Add(-9 * 24 * time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		fresh := newIdea(t, svc, members[0], slug, "New idea")
		for i, m := range members {
			if i < tc.oldVotes {
				if _, err := svc.Vote(ctx, m, slug, old.ID, true); err != nil {
					t.Fatal(err)
				}
			}
			if i < tc.newVotes {
				if _, err := svc.Vote(ctx, m, slug, fresh.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, page, err := svc.Board(ctx, members[0], slug, community.BoardQuery{})
		if err != nil || len(page.Ideas) != 2 {
			t.Fatalf("board: %d ideas, %v", len(page.Ideas), err)
		}
		if got := page.Ideas[0].ID == old.ID; got != tc.oldFirst {
			t.Errorf("%d votes 9 days ago against %d now: old first %t, want %t", tc.oldVotes, tc.newVotes, got, tc.oldFirst)
		}
		_, top, err := svc.Board(ctx, members[0], slug, community.BoardQuery{Sort: community.SortTop})
		if err != nil || top.Ideas[0].Votes < top.Ideas[1].Votes {
			t.Errorf("most votes sort: %d then %d (%v)", top.Ideas[0].Votes, top.Ideas[1].Votes, err)
		}
	}
}
