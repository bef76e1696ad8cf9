package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
)

// mdClub is a group with a site admin, a group moderator (not staff) and
// two members, one of whom has posted.
type mdClub struct {
	s                          *site
	admin, mod, author, reader person
	post                       string // the author's post
}

func mdNewClub(t *testing.T, in community.GroupInput) mdClub {
	t.Helper()
	s := newSite(t, crowd())
	c := mdClub{s: s, admin: s.signUp(t, "admin@example.com")}
	s.newGroup(t, c.admin, in)
	c.mod, c.author, c.reader = s.signUp(t, "mod@example.com"), s.signUp(t, "author@example.com"), s.signUp(t, "reader@example.com")
	for _, p := range []person{c.mod, c.author, c.reader} {
		s.join(t, in.Slug, p)
	}
	if res := c.admin.post("/groups/"+in.Slug+"/members/"+string(c.mod.ID)+"/role", url.Values{"role": {"moderator"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("appoint a moderator: %d", res.Status)
	}
	c.author.post("/groups/"+in.Slug+"/posts", url.Values{"body": {"Buy cheap watches at spam.example"}})
	c.post = fdPostID(t, s, "Buy cheap watches at spam.example")
	return c
}

// TestReportsReachTheQueues: a report lands in the group's queue and the
// site's, with the reporter, reason and count; a second report by the same
// person, a report on one's own post and one on deleted content change
// nothing.
func TestReportsReachTheQueues(t *testing.T) {
	c := mdNewClub(t, community.GroupInput{Slug: "coffee", Name: "Coffee"})
	path := "/groups/coffee/posts/" + c.post
	res := c.reader.post(path+"/report", url.Values{"reason": {"spam"}, "note": {"Obvious spam"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("report: %d", res.Status)
	}
	mustContain(t, c.reader.follow(path).Body, "the moderators will look at it")
	c.mod.post(path+"/report", url.Values{"reason": {"offtopic"}})

	again := c.reader.post(path+"/report", url.Values{"reason": {"harassment"}})
	mustContain(t, c.reader.follow(again.Location).Body, "You have already reported this.")
	own := c.author.post(path+"/report", url.Values{"reason": {"spam"}})
	mustContain(t, c.author.follow(own.Location).Body, "You cannot report your own post.")
	if res := c.reader.post(path+"/report", url.Values{"reason": {"boredom"}}); res.Status != http.StatusSeeOther {
		t.Errorf("unknown reason: %d", res.Status)
	}
	if n := c.s.count("reports", bson.M{}); n != 2 {
		t.Errorf("%d reports stored, want 2", n)
	}

	queue := c.mod.get("/groups/coffee/moderation")
	if queue.Status != http.StatusOK {
		t.Fatalf("queue: %d", queue.Status)
	}
	mustContain(t, queue.Body, "Buy cheap watches", "Reports: 2", "reader: Spam or advertising", "Obvious spam", "mod: Off-topic")
	site := c.admin.get("/moderation")
	mustContain(t, site.Body, "Buy cheap watches", "Reports: 2", "Coffee", `data-testid="site-moderation"`)
	mustNotContain(t, c.mod.get("/groups").Body, `data-testid="site-moderation"`)
	if res := c.mod.get("/moderation"); res.Status != http.StatusNotFound {
		t.Errorf("a group moderator opens the site queue: %d, want 404", res.Status)
	}
	mustContain(t, c.mod.get("/groups/coffee").Body, `data-testid="reported"`, "Reports: 2")
	mustNotContain(t, c.reader.get("/groups/coffee").Body, `data-testid="reported"`)
	if res := c.reader.get("/groups/coffee/moderation"); res.Status != http.StatusForbidden {
		t.Errorf("a member opens the queue: %d, want 403", res.Status)
	}
	stranger := c.s.signUp(t, "stranger@example.com")
	if res := stranger.post(path+"/report", url.Values{"reason": {"spam"}}); res.Status != http.StatusNotFound {
		t.Errorf("a non-member reports: %d, want 404", res.Status)
	}

	c.author.post(path+"/delete", nil)
	gone := c.reader.post(path+"/report", url.Values{"reason": {"spam"}})
	if gone.Status != http.StatusGone {
		t.Errorf("report deleted content: %d, want 410", gone.Status)
	}
	mustContain(t, gone.Body, "That has already been deleted.")
	mustContain(t, c.mod.get("/groups/coffee/moderation").Body, `data-testid="queue-empty"`)
}

// TestModeratorHidesAndRestores: hiding from the queue takes the post
// from members' feeds, closes its reports, and is audited with the
// reason; restoring brings it back.
func TestModeratorHidesAndRestores(t *testing.T) {
	c := mdNewClub(t, community.GroupInput{Slug: "coffee"})
	path := "/groups/coffee/posts/" + c.post
	c.reader.post(path+"/report", url.Values{"reason": {"spam"}})
	if res := c.reader.post(path+"/moderate", url.Values{"action": {"hide"}}); res.Status != http.StatusForbidden {
		t.Errorf("a member hides: %d, want 403", res.Status)
	}
	res := c.mod.post(path+"/moderate", url.Values{"action": {"hide"}, "reason": {"Advertising"}, "return": {"/groups/coffee/moderation"}})
	if res.Status != http.StatusSeeOther || res.Location != "/groups/coffee/moderation" {
		t.Fatalf("hide: %d to %q", res.Status, res.Location)
	}
	mustNotContain(t, c.reader.get("/groups/coffee").Body, "Buy cheap watches")
	if res := c.reader.get(path); res.Status != http.StatusNotFound {
		t.Errorf("a member opens a hidden post: %d, want 404", res.Status)
	}
	mustContain(t, c.author.get("/groups/coffee").Body, "Buy cheap watches", "Hidden by a moderator")
	mustContain(t, c.mod.get("/groups/coffee").Body, "Buy cheap watches", "Hidden by a moderator")
	if n := c.s.count("reports", bson.M{"resolved": false}); n != 0 {
		t.Errorf("%d open reports after hiding, want 0", n)
	}
	// A second moderator acting on what the first already did, and an
	// action that does not exist, are told so and change nothing.
	for action, want := range map[string]string{"hide": "Someone else changed this at the same time.", "explode": "Unknown action."} {
		res := c.mod.post(path+"/moderate", url.Values{"action": {action}})
		if res.Status != http.StatusSeeOther {
			t.Errorf("%s: %d", action, res.Status)
		}
		mustContain(t, c.mod.follow(res.Location).Body, want)
	}
	if n := c.s.count("audit_log", bson.M{"action": "content.hide"}); n != 1 {
		t.Errorf("%d hide entries in the log, want the one that happened", n)
	}
	c.mod.post(path+"/moderate", url.Values{"action": {"restore"}})
	mustContain(t, c.reader.get("/groups/coffee").Body, "Buy cheap watches")

	audit := c.admin.get("/groups/coffee/audit?action=content.hide")
	mustContain(t, audit.Body, `data-testid="audit-action">hid content by<`, "author", "Advertising")
	mustNotContain(t, audit.Body, `data-testid="audit-action">restored content by<`)
	mustContain(t, c.admin.get("/groups/coffee/audit").Body, `data-testid="audit-action">restored content by<`,
		`data-testid="audit-action">changed the role of<`)
	if res := c.admin.get("/groups/coffee/audit?action=drop.tables"); res.Status != http.StatusBadRequest {
		t.Errorf("an unknown filter: %d, want 400", res.Status)
	}
	if res := c.reader.get("/groups/coffee/audit"); res.Status != http.StatusForbidden {
		t.Errorf("a member opens the audit log: %d, want 403", res.Status)
	}
	mustContain(t, c.admin.get("/moderation/audit").Body, "Advertising")
}

// TestHeldPostsWaitForApproval: with "hold first posts" on, a new
// member's post waits in the queue until a moderator approves it.
func TestHeldPostsWaitForApproval(t *testing.T) {
	c := mdNewClub(t, community.GroupInput{Slug: "careful", HoldFirstPosts: 1})
	held := c.s.count("posts", bson.M{"state": "held"})
	if held != 1 {
		t.Fatalf("%d held posts, want the author's first", held)
	}
	mustNotContain(t, c.reader.get("/groups/careful").Body, "Buy cheap watches")
	mustContain(t, c.author.get("/groups/careful").Body, "Awaiting a moderator")
	mustContain(t, c.mod.get("/groups/careful/moderation").Body, "Buy cheap watches", "held for approval")
	c.author.post("/groups/careful/posts/"+c.post+"/edit", url.Values{"body": {"Buy cheap watches, @reader"}})
	if n := c.s.count("notifications", bson.M{"kind": "mention"}); n != 0 {
		t.Errorf("editing a held post told %d people of their mention, want nobody yet", n)
	}
	if res := c.author.post("/groups/careful/posts/"+c.post+"/react", url.Values{"reaction": {"like"}}); res.Status != http.StatusForbidden {
		t.Errorf("a reaction to a held post: %d, want 403", res.Status)
	}
	if res := c.author.post("/groups/careful/posts/"+c.post+"/comments", url.Values{"body": {"bump"}}); res.Status != http.StatusForbidden {
		t.Errorf("a comment on a held post: %d, want 403", res.Status)
	}
	if res := c.mod.post("/groups/careful/posts/"+c.post+"/moderate", url.Values{"action": {"approve"}}); res.Status != http.StatusSeeOther {
		t.Fatal(res.Status)
	}
	if n := c.s.count("notifications", bson.M{"kind": "mention", "account": c.reader.ID}); n != 1 {
		t.Errorf("approving told the mentioned reader %d times, want once", n)
	}
	mustContain(t, c.reader.get("/groups/careful").Body, "Buy cheap watches")
	c.author.post("/groups/careful/posts", url.Values{"body": {"My second post"}})
	if n := c.s.count("posts", bson.M{"body": "My second post", "state": "published"}); n != 1 {
		t.Errorf("the second post is not published at once")
	}
}

// TestMuteAndBan: a muted member reads but cannot write until the mute
// ends; a banned one loses the group (404) and cannot rejoin, other
// groups unaffected; unbanning lets them rejoin.
func TestMuteAndBan(t *testing.T) {
	c := mdNewClub(t, community.GroupInput{Slug: "coffee"})
	c.s.newGroup(t, c.admin, community.GroupInput{Slug: "tea"})
	c.s.join(t, "tea", c.reader)
	member := "/groups/coffee/members/" + string(c.reader.ID) + "/moderate"

	res := c.mod.post(member, url.Values{"action": {"mute"}, "duration": {"forever"}})
	mustContain(t, c.mod.follow(res.Location).Body, "Choose how long to mute for.")
	if n := c.s.count("group_members", bson.M{"account": c.reader.ID, "mutedUntil": bson.M{"$exists": true}}); n != 0 {
		t.Errorf("a mute with a bad duration muted the member")
	}
	if res := c.mod.post(member, url.Values{"action": {"mute"}, "duration": {"24h"}, "reason": {"Cool off"}}); res.Status != http.StatusSeeOther {
		t.Fatal(res.Status)
	}
	page := c.reader.get("/groups/coffee")
	mustContain(t, page.Body, "Buy cheap watches", `data-testid="muted-notice"`)
	res = c.reader.post("/groups/coffee/posts", url.Values{"body": {"Let me talk"}})
	if res.Status != http.StatusForbidden {
		t.Errorf("a muted member posts: %d, want 403", res.Status)
	}
	mustContain(t, res.Body, "A moderator has muted you")
	if res := c.reader.post("/groups/coffee/posts/"+c.post+"/react", url.Values{"reaction": {"like"}}); res.Status != http.StatusForbidden {
		t.Errorf("a muted member reacts: %d, want 403", res.Status)
	}
	c.s.Clock.Advance(25 * time.Hour)
	if res := c.reader.post("/groups/coffee/posts", url.Values{"body": {"Back again"}}); res.Status != http.StatusSeeOther {
		t.Errorf("after the mute ends: %d, want 303", res.Status)
	}

	if res := c.mod.post(member, url.Values{"action": {"ban"}, "reason": {"Spam"}}); res.Status != http.StatusSeeOther {
		t.Fatal(res.Status)
	}
	for _, path := range []string{"/groups/coffee", "/groups/coffee/members", "/groups/coffee/posts/" + c.post} {
		if res := c.reader.get(path); res.Status != http.StatusNotFound {
			t.Errorf("banned: %s is %d, want 404", path, res.Status)
		}
	}
	if res := c.reader.post("/groups/coffee/join", nil); res.Status != http.StatusNotFound {
		t.Errorf("banned: rejoin %d, want 404", res.Status)
	}
	mustNotContain(t, c.reader.get("/groups").Body, `href="/groups/coffee"`)
	if res := c.reader.get("/groups/tea"); res.Status != http.StatusOK {
		t.Errorf("banned from coffee, tea is %d, want 200", res.Status)
	}
	var g struct{ Members int }
	_ = c.s.DB.Collection("groups").FindOne(context.Background(), bson.M{"slug": "coffee"}).Decode(&g)
	if g.Members != 3 {
		t.Errorf("coffee counts %d members after the ban, want 3", g.Members)
	}
	mustContain(t, c.mod.get("/groups/coffee/members").Body, `data-testid="unban"`)
	if res := c.mod.post(member, url.Values{"action": {"unban"}}); res.Status != http.StatusSeeOther {
		t.Fatal(res.Status)
	}
	if res := c.reader.post("/groups/coffee/join", nil); res.Status != http.StatusSeeOther {
		t.Errorf("unbanned: rejoin %d, want 303", res.Status)
	}
	// Only the owner and staff act on a moderator.
	c.admin.post("/groups/coffee/members/"+string(c.reader.ID)+"/role", url.Values{"role": {"moderator"}})
	if res := c.mod.post(member, url.Values{"action": {"mute"}, "duration": {"1h"}}); res.Status != http.StatusForbidden {
		t.Errorf("a moderator mutes another moderator: %d, want 403", res.Status)
	}
	for _, action := range []string{"member.mute", "member.ban", "member.unban"} {
		if n := c.s.count("audit_log", bson.M{"action": action, "subject": "reader"}); n != 1 {
			t.Errorf("%d %s entries, want 1", n, action)
		}
	}
}

// TestModerateComments: hiding a comment takes it off the page and out
// of the post's count; removing deletes it.
func TestModerateComments(t *testing.T) {
	c := mdNewClub(t, community.GroupInput{Slug: "coffee"})
	path := "/groups/coffee/posts/" + c.post
	c.reader.post(path+"/comments", url.Values{"body": {"Rude words"}})
	var cm struct {
		ID string `bson:"_id"`
	}
	if err := c.s.DB.Collection("comments").FindOne(context.Background(), bson.M{}).Decode(&cm); err != nil {
		t.Fatal(err)
	}
	c.author.post(path+"/comments/"+cm.ID+"/report", url.Values{"reason": {"harassment"}})
	c.author.post(path+"/comments", url.Values{"body": {"Please be kind"}, "reply_to": {cm.ID}})
	mustContain(t, c.author.get(path).Body, `data-testid="reply-quote"`, "<p>Rude words</p>")
	mustContain(t, c.mod.get("/groups/coffee/moderation").Body, "Rude words", "Comment")
	c.mod.post(path+"/comments/"+cm.ID+"/moderate", url.Values{"action": {"hide"}})
	mustNotContain(t, c.author.get(path).Body, "Rude words") // nor in the reply's quote
	mustContain(t, c.author.get(path).Body, "1 comment", "Please be kind")
	c.mod.post(path+"/comments/"+cm.ID+"/moderate", url.Values{"action": {"restore"}})
	mustContain(t, c.author.get(path).Body, "Rude words", "2 comments")
	other := c.s.signUp(t, "other@example.com")
	c.s.join(t, "coffee", other)
	c.mod.post(path+"/moderate", url.Values{"action": {"hide"}})
	if res := other.post(path+"/comments/"+cm.ID+"/report", url.Values{"reason": {"spam"}}); res.Status != http.StatusNotFound {
		t.Errorf("report a comment under a hidden post: %d, want 404", res.Status)
	}
	c.mod.post(path+"/moderate", url.Values{"action": {"restore"}})
	c.mod.post(path+"/comments/"+cm.ID+"/moderate", url.Values{"action": {"remove"}})
	mustNotContain(t, c.mod.get(path).Body, "Rude words")
	if n := c.s.count("comments", bson.M{"state": "deleted"}); n != 1 {
		t.Errorf("%d deleted comments, want 1", n)
	}
}
