package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fanclub/auth"
	"fanclub/community"
)

// TestBrowserInviteWaitlistPromote is the event loop in a real browser on
// a phone: an invited member finds the invitation on My events and takes
// the only seat; a second member joins the waitlist at position 1; the
// first cancels, and the second, seated with nobody acting, follows the
// notice and sees they are going.
func TestBrowserInviteWaitlistPromote(t *testing.T) {
	brChromium(t)
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee", Name: "Coffee lovers"})
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, "coffee", minji)
	s.join(t, "coffee", jun)
	ctx := context.Background()
	start := s.Clock.Now().Add(72 * time.Hour).In(mustZone(t, "Asia/Seoul"))
	host := s.actor(t, admin)
	e, err := s.Community.CreateEvent(ctx, host, "coffee", community.EventInput{Title: "Roastery tour",
		Zone: "Asia/Seoul", Start: start.Format(community.LocalTimeLayout), End: start.Add(2 * time.Hour).Format(community.LocalTimeLayout),
		Venue: "42 Seongsu-ro, Seongdong-gu, Seoul", Capacity: "1", Access: community.AccessInvited})
	if err != nil {
		t.Fatal(err)
	}
	invitees := []auth.Account{s.actor(t, minji).Account, s.actor(t, jun).Account}
	if _, err := s.Community.InvitePeople(ctx, host, "coffee", e.ID, invitees); err != nil {
		t.Fatal(err)
	}
	s.drain(t)
	b := brOpen(t, 1)

	b.brSignIn(s, minji.Email)
	b.do("find the invitation on My events",
		brMenu(),
		chromedp.Click(chromedp.CSS(`[data-testid="my-events"]`)),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-invitations"] [data-testid="event-card"]`)),
	)
	b.noSideScroll("My events")
	b.do("open it",
		chromedp.Click(chromedp.CSS(`[data-testid="my-invitations"] [data-testid="event-card"] a`)),
	)
	b.do("see the invitation",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="invitation-banner"]`)),
	)
	b.noSideScroll("the event page")
	b.do("take the seat",
		chromedp.Click(chromedp.CSS(`[data-testid="rsvp-going"]`)),
	)
	b.do("see the seat taken",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="rsvp-state"]`)),
		brShowsText(brT(t, "en", "event.you.going")),
	)
	b.brSignOut()

	b.brSignIn(s, jun.Email)
	b.do("open the full event",
		chromedp.Navigate(s.URL+"/groups/coffee/events/"+string(e.ID)),
		brPage("en"),
		brShowsText(brT(t, "en", "event.seats.full", "going", "1", "waiting", "0")),
	)
	b.do("join the waitlist",
		chromedp.Click(chromedp.CSS(`[data-testid="rsvp-going"]`)),
	)
	b.do("see the place in line",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="rsvp-state"]`)),
		brShowsText(brT(t, "en", "event.you.waitlist", "n", "1")),
	)
	b.noSideScroll("the event page, waiting")
	b.brSignOut()

	b.brSignIn(s, minji.Email)
	b.do("give the seat back",
		chromedp.Navigate(s.URL+"/groups/coffee/events/"+string(e.ID)),
		brPage("en"),
		chromedp.Click(chromedp.CSS(`[data-testid="rsvp-not-going"]`)),
	)
	b.do("see the seat given back",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="rsvp-going"]`)),
		brShowsText(brT(t, "en", "event.you.declined")),
	)
	b.brSignOut()
	s.drain(t)

	b.brSignIn(s, jun.Email)
	b.do("follow the bell to the notice",
		chromedp.Click(chromedp.CSS(`a[href="/notifications"]`)),
	)
	b.do("see the notice",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="open-notice"]`)),
		brShowsText(brT(t, "en", "notifications.kind.event_promoted", "event", "Roastery tour")),
	)
	b.do("open the event from the notice",
		chromedp.Click(chromedp.CSS(`[data-testid="open-notice"]`)),
	)
	b.do("see the seat",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="event-page"]`)),
		brShowsText(brT(t, "en", "event.you.going")),
	)
	b.noSideScroll("the event page, seated")
}
