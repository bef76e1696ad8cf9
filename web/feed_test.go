package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/internal/ratelimit"
)

// fdPostID returns the id of the newest post with body in the database.
func fdPostID(t *testing.T, s *site, body string) string {
	t.Helper()
	var d struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("posts").FindOne(context.Background(), bson.M{"body": body}).Decode(&d); err != nil {
		t.Fatalf("find post %q: %v", body, err)
	}
	return d.ID
}

// TestFeedPostsRenderSafely writes Markdown through the composer and sees
// it rendered, with no script or javascript: link reaching the page.
func TestFeedPostsRenderSafely(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "coffee", minji)

	empty := minji.get("/groups/coffee")
	mustContain(t, empty.Body, `data-testid="feed-empty"`, "No posts yet")

	body := "**Roast day** is _Friday_\n\n- beans\n- cups\n\n<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>"
	res := minji.post("/groups/coffee/posts", url.Values{"body": {body}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	page := minji.follow("/groups/coffee")
	mustContain(t, page.Body, "<strong>Roast day</strong>", "<em>Friday</em>", "<li>beans</li>", "Your post is up.")
	mustNotContain(t, page.Body, "<script>alert", "javascript:alert", "onerror=")
	if got := s.count("posts", bson.M{"state": "published"}); got != 1 {
		t.Errorf("%d published posts, want 1", got)
	}
}

// TestFeedRefusesBadPosts: empty, too long and unknown reactions get a
// clear answer, keep what was typed, and store nothing.
func TestFeedRefusesBadPosts(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})

	for _, tc := range []struct {
		name, body, want string
	}{
		{"empty", "   \n ", "Write something first."},
		{"100 kB", strings.Repeat("가나다라마 ", 6400), "That is too long"},
	} {
		res := admin.post("/groups/coffee/posts", url.Values{"body": {tc.body}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s post: status %d, want 422", tc.name, res.Status)
		}
		mustContain(t, res.Body, tc.want, `aria-invalid="true"`)
		if tc.name == "100 kB" {
			mustContain(t, res.Body, "가나다라마 가나다라마")
		}
	}
	if n := s.count("posts", bson.M{}); n != 0 {
		t.Errorf("%d posts stored after refused posts, want 0", n)
	}

	ok := admin.post("/groups/coffee/posts", url.Values{"body": {"Hello"}})
	if ok.Status != http.StatusSeeOther {
		t.Fatal(ok.Status)
	}
	id := fdPostID(t, s, "Hello")
	res := admin.post("/groups/coffee/posts/"+id+"/react", url.Values{"reaction": {"dance"}})
	if res.Status != http.StatusBadRequest {
		t.Errorf("unknown reaction: status %d, want 400", res.Status)
	}
	if n := s.count("reactions", bson.M{}); n != 0 {
		t.Errorf("%d reactions stored after an unknown one, want 0", n)
	}
}

// TestFeedPaginatesAndPinsFirst walks "older posts" and sees the pinned
// post on top of the first page only.
func TestFeedPaginatesAndPinsFirst(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	a := s.actor(t, admin)
	for i := range 25 {
		if _, err := s.Community.CreatePost(context.Background(), a, "coffee", "Post number "+string(rune('A'+i))); err != nil {
			t.Fatal(err)
		}
		s.Clock.Advance(time.Second)
	}
	pin := fdPostID(t, s, "Post number A") // the oldest
	if res := admin.post("/groups/coffee/posts/"+pin+"/moderate", url.Values{"action": {"pin"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("pin: %d", res.Status)
	}
	first := admin.get("/groups/coffee")
	if i, j := strings.Index(first.Body, "Post number A"), strings.Index(first.Body, "Post number Y"); i < 0 || j < 0 || i > j {
		t.Errorf("the pinned post is not above the newest one (at %d and %d)", i, j)
	}
	mustContain(t, first.Body, `data-testid="pinned"`, `data-testid="older-posts"`)
	for _, bad := range []string{"yesterday", "1-notanid", "-" + fdPostID(t, s, "Post number B")} {
		if res := admin.get("/groups/coffee?before=" + url.QueryEscape(bad)); res.Status != http.StatusNotFound {
			t.Errorf("a made-up cursor %q: %d, want 404", bad, res.Status)
		}
	}
	mustNotContain(t, first.Body, "Post number E") // the 20 newest are Y…F; A is pinned
	m := regexpFind(t, first.Body, `href="(/groups/coffee\?before=[^"]+)"`)
	second := admin.get(strings.ReplaceAll(m, "&amp;", "&"))
	if second.Status != http.StatusOK {
		t.Fatalf("older posts: %d", second.Status)
	}
	mustContain(t, second.Body, "Post number E", "Post number B")
	mustNotContain(t, second.Body, "Post number F", `data-testid="older-posts"`, "Post number A")
}

// TestPostEditDeleteAndComments: the author edits (marked edited) and
// deletes; comments reply with a quote; a locked post refuses comments.
func TestPostEditDeleteAndComments(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, "coffee", minji)
	s.join(t, "coffee", jun)

	minji.post("/groups/coffee/posts", url.Values{"body": {"Best beans in Seoul?"}})
	id := fdPostID(t, s, "Best beans in Seoul?")
	path := "/groups/coffee/posts/" + id
	if res := jun.get(path + "/edit"); res.Status != http.StatusForbidden {
		t.Errorf("another member opens the edit form: %d, want 403", res.Status)
	}
	if res := jun.post(path+"/edit", url.Values{"body": {"hijacked"}}); res.Status != http.StatusForbidden {
		t.Errorf("another member edits: %d, want 403", res.Status)
	}
	if res := minji.post(path+"/edit", url.Values{"body": {""}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("empty edit: %d, want 422", res.Status)
	}
	if res := minji.post(path+"/edit", url.Values{"body": {"Best beans in **Busan**?"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.Status)
	}
	page := jun.get(path)
	mustContain(t, page.Body, "<strong>Busan</strong>", `data-testid="edited"`)

	jun.post(path+"/comments", url.Values{"body": {"Try Fritz, near the station."}})
	var c struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("comments").FindOne(context.Background(), bson.M{"post": id}).Decode(&c); err != nil {
		t.Fatal(err)
	}
	if res := minji.post(path+"/comments", url.Values{"body": {"Thanks!"}, "reply_to": {c.ID}}); res.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", res.Status, res.Body)
	}
	if res := minji.post(path+"/comments", url.Values{"body": {"To nowhere"}, "reply_to": {"000000000000000000000000"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("reply to a missing comment: %d, want 422", res.Status)
	}
	page = minji.get(path)
	mustContain(t, page.Body, `data-testid="reply-quote"`, "In reply to jun", "Try Fritz, near the station.", "2 comments")

	if res := admin.post(path+"/moderate", url.Values{"action": {"lock"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("lock: %d", res.Status)
	}
	res := jun.post(path+"/comments", url.Values{"body": {"One more"}})
	if res.Status != http.StatusConflict {
		t.Errorf("comment on a locked post: %d, want 409", res.Status)
	}
	mustContain(t, res.Body, "Comments on this post are locked.")
	mustContain(t, jun.get(path).Body, `data-testid="locked-notice"`)

	if res := jun.post(path+"/delete", nil); res.Status != http.StatusForbidden {
		t.Errorf("another member deletes: %d, want 403", res.Status)
	}
	if res := minji.post(path+"/delete", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.Status)
	}
	if res := jun.get(path); res.Status != http.StatusNotFound {
		t.Errorf("a deleted post: %d, want 404", res.Status)
	}
	var g struct{ Posts int }
	if err := s.DB.Collection("groups").FindOne(context.Background(), bson.M{"slug": "coffee"}).Decode(&g); err != nil || g.Posts != 0 {
		t.Errorf("group counts %d posts after the delete (%v), want 0", g.Posts, err)
	}
}

// TestReactionsToggle: a reaction is given once per person and taken back
// by a second press; the button says which are mine.
func TestReactionsToggle(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	admin.post("/groups/coffee/posts", url.Values{"body": {"React to me"}})
	id := fdPostID(t, s, "React to me")
	react := func() response {
		return admin.post("/groups/coffee/posts/"+id+"/react", url.Values{"reaction": {"love"}, "return": {"/groups/coffee#post-" + id}})
	}
	res := react()
	if res.Status != http.StatusSeeOther || res.Location != "/groups/coffee#post-"+id {
		t.Fatalf("react: %d to %q", res.Status, res.Location)
	}
	mustContain(t, admin.get("/groups/coffee").Body, `aria-pressed="true"`)
	var p struct{ Reactions map[string]int }
	_ = s.DB.Collection("posts").FindOne(context.Background(), bson.M{"_id": id}).Decode(&p)
	if p.Reactions["love"] != 1 {
		t.Errorf("love counter %d, want 1", p.Reactions["love"])
	}
	react()
	_ = s.DB.Collection("posts").FindOne(context.Background(), bson.M{"_id": id}).Decode(&p)
	if p.Reactions["love"] != 0 || s.count("reactions", bson.M{}) != 0 {
		t.Errorf("after a second press: counter %d, %d documents; want none", p.Reactions["love"], s.count("reactions", bson.M{}))
	}
	// A forged return address sends the browser to the post, not away.
	for _, forged := range []string{"https://evil.example/", "//evil.example/groups/", "/groups/\\evil.example", "/settings"} {
		res = admin.post("/groups/coffee/posts/"+id+"/react", url.Values{"reaction": {"like"}, "return": {forged}})
		if res.Location != "/groups/coffee/posts/"+id {
			t.Errorf("forged return %q: redirected to %q", forged, res.Location)
		}
	}
}

// TestMentionsNotify: @name tells a member; the bell counts it.
func TestMentionsNotify(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "coffee", minji)
	admin.post("/groups/coffee/posts", url.Values{"body": {"Welcome @minji, and @nobody!"}})
	if n := s.count("notifications", bson.M{"account": minji.ID, "kind": "mention"}); n != 1 {
		t.Fatalf("%d mention notices for minji, want 1", n)
	}
	home := minji.get("/")
	if got := accessibleName(t, home.Body, "bell"); got != "Notifications, 1 unread" {
		t.Errorf("the bell is named %q, want %q", got, "Notifications, 1 unread")
	}
	mustContain(t, minji.get("/notifications").Body, "admin mentioned you in Group coffee")
}

// TestPostingLimit: past the per-minute limit a member is told to wait,
// and nothing is stored.
func TestPostingLimit(t *testing.T) {
	o := crowd()
	o.limits = community.Limits{PostsPerMinute: ratelimit.Rule{Max: 2, Window: time.Minute}, PostsPerDay: ratelimit.Rule{Max: 100, Window: 24 * time.Hour}}
	s := newSite(t, o)
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	for i := range 2 {
		if res := admin.post("/groups/coffee/posts", url.Values{"body": {"fast " + string(rune('a'+i))}}); res.Status != http.StatusSeeOther {
			t.Fatalf("post %d: %d", i, res.Status)
		}
	}
	res := admin.post("/groups/coffee/posts", url.Values{"body": {"too fast"}})
	if res.Status != http.StatusTooManyRequests {
		t.Errorf("third post in a minute: %d, want 429", res.Status)
	}
	mustContain(t, res.Body, "You are posting very fast.", ">too fast</textarea>")
	if n := s.count("posts", bson.M{}); n != 2 {
		t.Errorf("%d posts stored, want 2", n)
	}
	s.Clock.Advance(time.Minute)
	if res := admin.post("/groups/coffee/posts", url.Values{"body": {"later"}}); res.Status != http.StatusSeeOther {
		t.Errorf("a minute later: %d, want 303", res.Status)
	}
}

// TestFeedPageRoundTrips counts the database commands a whole feed page
// costs through HTTP (session, account, bell, group, member, posts,
// reactions): the same for 5 posts as for a full page out of 50.
func TestFeedPageRoundTrips(t *testing.T) {
	var counting atomic.Bool
	var commands atomic.Int64
	mon := func(op mongodb.Op) {
		if counting.Load() {
			commands.Add(1)
		}
	}
	o := crowd()
	o.db = mongotest.NewObserved(t, mon)
	s := newSite(t, o)
	admin := s.signUp(t, "admin@example.com")
	reader := s.signUp(t, "reader@example.com")
	for _, g := range []struct {
		slug string
		n    int
	}{{"five", 5}, {"fifty", 50}} {
		s.newGroup(t, admin, community.GroupInput{Slug: g.slug})
		s.join(t, g.slug, reader)
		for i := range g.n {
			p, err := s.Community.CreatePost(context.Background(), s.actor(t, admin), g.slug, fmt.Sprintf("%s %d by @reader", g.slug, i))
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				if err := s.Community.ReactToPost(context.Background(), s.actor(t, reader), g.slug, p.ID, "like"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	measure := func(slug string) int64 {
		commands.Store(0)
		counting.Store(true)
		res := reader.get("/groups/" + slug)
		counting.Store(false)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `aria-pressed="true"`) {
			t.Fatalf("%s: %d, or no reaction marked", slug, res.Status)
		}
		return commands.Load()
	}
	cost := func(slug string) (cold, warm int64) {
		// A reaction changes the feed: the next page is read from the store.
		p := fdPostID(t, s, slug+" 1 by @reader")
		if err := s.Community.ReactToPost(context.Background(), s.actor(t, admin), slug, community.PostID(p), "wow"); err != nil {
			t.Fatal(err)
		}
		return measure(slug), measure(slug)
	}
	// Any once-per-session write happens here, and the embedded store
	// loads each feed's order once (community/content_index.go).
	reader.get("/groups/five")
	reader.get("/groups/fifty")
	coldSmall, warmSmall := cost("five")
	coldLarge, warmLarge := cost("fifty")
	if coldSmall != coldLarge || warmSmall != warmLarge {
		t.Errorf("a feed page of 5 posts cost %d commands (%d cached), one of 20 of 50 cost %d (%d cached); want the same",
			coldSmall, warmSmall, coldLarge, warmLarge)
	}
	t.Logf("a feed page costs %d database commands through HTTP, %d from the cache", coldSmall, warmSmall)
}

// TestPinsAreFew: the feed shows five pinned posts on top, so a sixth pin
// is refused with a message and the post stays where it was.
func TestPinsAreFew(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	for i := range 6 {
		body := fmt.Sprintf("Pin me %d", i)
		admin.post("/groups/coffee/posts", url.Values{"body": {body}})
		res := admin.post("/groups/coffee/posts/"+fdPostID(t, s, body)+"/moderate", url.Values{"action": {"pin"}})
		if i == 5 {
			mustContain(t, admin.follow(res.Location).Body, "Five posts are pinned already.")
		}
	}
	if n := s.count("posts", bson.M{"pinned": true}); n != 5 {
		t.Errorf("%d pinned posts, want 5", n)
	}
	// Two moderators pinning at once can get past the count; the sixth
	// pin still shows, in its place in time.
	if _, err := s.DB.Collection("posts").UpdateOne(context.Background(), bson.M{"body": "Pin me 5"}, bson.M{"$set": bson.M{"pinned": true}}); err != nil {
		t.Fatal(err)
	}
	page := admin.get("/groups/coffee").Body
	for i := range 6 {
		if n := strings.Count(page, fmt.Sprintf("Pin me %d", i)); n != 1 {
			t.Errorf("post %d shows %d times, want once", i, n)
		}
	}
}
