package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
)

// brSignOut signs out with the header's button.
func (b *brTab) brSignOut() {
	b.t.Helper()
	b.do("sign out",
		brMenu(),
		chromedp.Click(chromedp.CSS(`.account-nav form[action="/signout"] button[type="submit"]`)),
	)
	b.do("see the site signed out",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-signin"]`)),
	)
}

// TestBrowserPostReactReportHide is the feed and its moderation in a real
// browser on a phone: a member writes a post in Markdown, another member
// reacts to it and reports it, and a moderator hides it from the queue.
func TestBrowserPostReactReportHide(t *testing.T) {
	brChromium(t)
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee", Name: "Coffee lovers"})
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, "coffee", minji)
	s.join(t, "coffee", jun)
	b := brOpen(t, 1)

	b.brSignIn(s, minji.Email)
	b.do("open the group and write a post",
		chromedp.Navigate(s.URL+"/groups/coffee"),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="feed-empty"]`)),
		chromedp.SendKeys(chromedp.ID("body"), "Our **new roast** is out:\n\n- smooth\n- _nutty_"),
		chromedp.Click(chromedp.CSS(`[data-testid="publish"]`)),
	)
	b.do("see the post published",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="post-body"] strong`)),
		brShowsText(brT(t, "en", "flash.post_published")),
	)
	if got := b.text("read the bold text", `[data-testid="post-body"] strong`); got != "new roast" {
		t.Errorf("the post's bold text reads %q, want %q", got, "new roast")
	}
	b.noSideScroll("the feed")
	var p struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("posts").FindOne(context.Background(), bson.M{}).Decode(&p); err != nil {
		t.Fatal(err)
	}
	post := `#post-` + p.ID + ` `
	b.brSignOut()

	b.brSignIn(s, jun.Email)
	b.do("love the post",
		chromedp.Navigate(s.URL+"/groups/coffee"),
		brPage("en"),
		chromedp.Click(chromedp.CSS(post+`[data-testid="react-picker"]`)),
		chromedp.Click(chromedp.CSS(post+`[data-testid="react-love"]`)),
	)
	b.do("see the love given",
		chromedp.WaitVisible(chromedp.CSS(post+`[data-testid="react-love"][aria-pressed="true"]`)),
	)
	if got := b.text("read the love count", post+`[data-testid="react-love"] .reaction-count`); got != "1" {
		t.Errorf("the love button counts %q, want 1", got)
	}
	b.do("report the post",
		chromedp.Click(chromedp.CSS(post+`[data-testid="content-menu"]`)),
		chromedp.Click(chromedp.CSS(post+`[data-testid="report"]`)),
		chromedp.Click(chromedp.CSS(post+`[data-testid="reason-offtopic"]`)),
		chromedp.Click(chromedp.CSS(post+`[data-testid="send-report"]`)),
	)
	b.do("see the report sent",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
		brShowsText(brT(t, "en", "flash.reported")),
	)
	b.brSignOut()

	b.brSignIn(s, admin.Email)
	b.do("open the queue",
		chromedp.Navigate(s.URL+"/groups/coffee/moderation"),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-item"]`)),
		brShowsText("new roast"),
		brShowsText(brT(t, "en", "moderation.reported_by", "name", "jun", "reason", brT(t, "en", "report.reason.offtopic"))),
	)
	b.noSideScroll("the moderation queue")
	b.do("hide the post",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="queue-item"] input[name="reason"]`), "Not about coffee"),
		chromedp.Click(chromedp.CSS(`[data-testid="queue-item"] [data-testid="mod-hide"]`)),
	)
	b.do("see the queue cleared",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-empty"]`)),
		brShowsText(brT(t, "en", "flash.moderated.hide")),
	)
	b.do("open the group's pages in Korean",
		chromedp.Navigate(s.URL+"/groups/coffee?lang=ko"),
		brPage("ko"),
		brShowsText(brT(t, "ko", "feed.compose.heading")),
	)
	b.noSideScroll("the feed in Korean")
	b.do("open the audit log in Korean",
		chromedp.Navigate(s.URL+"/groups/coffee/audit"),
		brPage("ko"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-entry"]`)),
	)
	b.noSideScroll("the audit log in Korean")
	if n := s.count("posts", bson.M{"_id": p.ID, "state": "hidden", "reports": 0}); n != 1 {
		t.Errorf("the post is not hidden with its reports closed")
	}
	if n := s.count("audit_log", bson.M{"action": "content.hide", "reason": "Not about coffee"}); n != 1 {
		t.Errorf("no audit entry for the hide with its reason")
	}
}
