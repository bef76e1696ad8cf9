package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fanclub/community"
)

// widePost is Markdown written to make a page wider than a phone: long
// unbroken words, an address and Korean without spaces, a long line of
// code, a table of pipes, a long heading, and quotes and lists nested far
// deeper than anyone writes.
func widePost() string {
	var b strings.Builder
	b.WriteString("# " + strings.Repeat("Heading", 40) + "\n\n")
	b.WriteString("A word " + strings.Repeat("loooong", 60) + " and an address https://example.com/" + strings.Repeat("path/", 60) + "\n\n")
	b.WriteString(strings.Repeat("띄어쓰기없는한국어문장", 30) + "\n\n")
	b.WriteString("Inline `" + strings.Repeat("code_", 80) + "` code.\n\n")
	b.WriteString("```\n" + strings.Repeat("wide_code_line ", 1) + strings.Repeat("x", 400) + "\n```\n\n")
	b.WriteString("| " + strings.Repeat("column | ", 30) + "\n|" + strings.Repeat("---|", 30) + "\n| " + strings.Repeat("cell | ", 30) + "\n\n")
	b.WriteString(strings.Repeat("> ", 60) + "a quote sixty deep " + strings.Repeat("q", 100) + "\n\n")
	for i := range 40 {
		b.WriteString(strings.Repeat("  ", i) + "- item " + strings.Repeat("i", 30) + "\n")
	}
	b.WriteString("\n")
	for range 20 {
		b.WriteString("> - ")
	}
	b.WriteString("quotes in lists in quotes\n")
	return b.String()
}

// TestBrowserNoPostMakesThePageWide: on a phone, a post (and a comment)
// written to be as wide as it can be still fits the screen, on the feed,
// on the post's own page and in the moderation queue; so do an idea and
// an event described the same way.
func TestBrowserNoPostMakesThePageWide(t *testing.T) {
	brChromium(t)
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Name: "Club"})
	p, err := s.Community.CreatePost(context.Background(), s.actor(t, admin), "club", widePost())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Community.CreateComment(context.Background(), s.actor(t, admin), "club", community.OnPost(p.ID), widePost(), ""); err != nil {
		t.Fatal(err)
	}
	reader := s.signUp(t, "reader@example.com")
	s.join(t, "club", reader)
	if err := s.Community.ReportContent(context.Background(), s.actor(t, reader), "club", community.ReportInput{Post: p.ID, Reason: "spam"}); err != nil {
		t.Fatal(err)
	}
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, reader), "club", community.IdeaInput{Title: "Wide idea", Body: widePost()})
	if err != nil {
		t.Fatal(err)
	}
	start := s.Clock.Now().Add(48 * time.Hour).In(mustZone(t, "Asia/Seoul"))
	ev, err := s.Community.CreateEvent(context.Background(), s.actor(t, admin), "club", community.EventInput{Title: "Wide event", Body: widePost(),
		Zone: "Asia/Seoul", Start: start.Format(community.LocalTimeLayout), End: start.Add(time.Hour).Format(community.LocalTimeLayout),
		Venue: "Seoul", Access: community.AccessMembers})
	if err != nil {
		t.Fatal(err)
	}
	b := brOpen(t, 1)
	b.brSignIn(s, admin.Email)
	for _, page := range []struct{ name, path, body string }{
		{"the feed", "/groups/club", "post-body"},
		{"the post's page", "/groups/club/posts/" + string(p.ID), "post-body"},
		{"the moderation queue", "/groups/club/moderation", "queue-content"},
		{"an idea's page", "/groups/club/ideas/" + string(idea.ID), "idea-body"},
		{"an event's page", "/groups/club/events/" + string(ev.ID), "event-body"},
	} {
		b.do("open "+page.name,
			chromedp.Navigate(s.URL+page.path),
			brPage("en"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="`+page.body+`"] h1`)),
			brShowsText("a quote sixty deep"),
			brShowsText("quotes in lists in quotes"),
		)
		b.noSideScroll(page.name)
	}
}
