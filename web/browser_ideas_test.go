package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"fanclub/community"
)

// TestBrowserVoteAnswerNotify is the idea loop in a real browser on a
// phone: a member votes and the count changes in place, with no page
// load; an admin marks the idea planned with a response; the voter sees
// the notification.
func TestBrowserVoteAnswerNotify(t *testing.T) {
	brChromium(t)
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee", Name: "Coffee lovers"})
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, "coffee", minji)
	s.join(t, "coffee", jun)
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, jun), "coffee", community.IdeaInput{Title: "Oat milk at the café"})
	if err != nil {
		t.Fatal(err)
	}
	card := `#idea-` + string(idea.ID) + ` `
	b := brOpen(t, 1)

	b.brSignIn(s, minji.Email)
	b.do("open the board and mark the page",
		chromedp.Navigate(s.URL+"/groups/coffee/ideas"),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(card+`[data-testid="vote"][aria-pressed="false"]`)),
	)
	brEval[bool](b, "mark the page", `window.sameDocument = true`)
	b.noSideScroll("the idea board")
	b.do("vote",
		chromedp.Click(chromedp.CSS(card+`[data-testid="vote"]`)),
	)
	b.do("see the vote counted",
		chromedp.WaitVisible(chromedp.CSS(card+`[data-testid="vote"][aria-pressed="true"]`)),
	)
	if got := b.text("read the count", card+`[data-testid="vote-count"]`); got != "1" {
		t.Errorf("the vote button counts %q, want 1", got)
	}
	if !brEval[bool](b, "check the page did not reload", `window.sameDocument === true`) {
		t.Error("the page reloaded to vote")
	}
	if n := s.count("votes", map[string]any{"idea": idea.ID}); n != 1 {
		t.Errorf("%d votes stored, want 1", n)
	}
	b.brSignOut()

	b.brSignIn(s, admin.Email)
	b.do("answer the idea",
		chromedp.Navigate(s.URL+"/groups/coffee/ideas/"+string(idea.ID)),
		brPage("en"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="answer-status"]`), "planned"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="answer-response"]`), "Coming this **spring**."),
		chromedp.Click(chromedp.CSS(`[data-testid="answer-submit"]`)),
	)
	b.do("see the answer shown",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="official-response"] strong`)),
		brShowsText(brT(t, "en", "flash.idea_answered")),
	)
	b.noSideScroll("an answered idea")
	b.brSignOut()
	s.drain(t)

	b.brSignIn(s, minji.Email)
	b.do("follow the bell to the notice",
		chromedp.Click(chromedp.CSS(`a[href="/notifications"]`)),
	)
	b.do("see the notice",
		brPage("en"),
		brShowsText(brT(t, "en", "notifications.kind.idea_status", "name", "admin", "idea", "Oat milk at the café",
			"status", brT(t, "en", "idea.status.planned"))),
	)
	b.do("open the idea from the notice",
		chromedp.Click(chromedp.CSS(`[data-testid="open-notice"]`)),
	)
	b.do("see it planned, with the response",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="official-response"]`)),
		brShowsText(brT(t, "en", "idea.status.planned")),
	)
	b.do("open the roadmap in Korean",
		chromedp.Navigate(s.URL+"/groups/coffee/ideas/roadmap?lang=ko"),
		brPage("ko"),
		brShowsText("Oat milk at the café"),
		brShowsText(brT(t, "ko", "idea.status.planned")),
	)
	b.noSideScroll("the roadmap in Korean")
}
