package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"fanclub/internal/activity"
)

// TestBrowserCampaign is a campaign in a real browser on a phone, in
// Korean: an admin follows "act on this segment" from the at-risk list
// on the insight page, writes a message and sends it, and lands on the
// campaign's page with its audience; once the queue has run, the member
// at risk finds the notice among their notifications and opens the
// message.
func TestBrowserCampaign(t *testing.T) {
	brChromium(t)
	s := newSite(t, crowd())
	s.signUp(t, "owner@example.com") // the first account owns the site
	admin, minji := s.signUp(t, "admin@example.com"), s.signUp(t, "minji@example.com")
	s.makeSiteAdmin(t, admin)
	s.keep(t, rollup(minji, insightToday(t, s), 200, 200, 25, activity.Visit)) // silent 25 days: at risk
	const subject, body = "다시 만나요", "이번 주 토요일에 커피 한잔해요."
	b := brOpen(t, 1)

	b.brSignIn(s, admin.Email)
	b.do("open the insight page in Korean",
		chromedp.Navigate(s.URL+"/admin/insights?lang=ko"),
		brPage("ko"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="act-at-risk"]`)),
	)
	b.do("act on the at-risk list",
		chromedp.Click(chromedp.CSS(`[data-testid="act-at-risk"]`)),
		brPage("ko"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="campaign-form"]`)),
		brShowsText(brT(t, "ko", "campaigns.reach", "n", "1")),
	)
	b.noSideScroll("the campaign form")
	b.do("write the message and send it",
		chromedp.SendKeys(chromedp.ID("subject"), subject),
		chromedp.SendKeys(chromedp.ID("body"), body),
		chromedp.Click(chromedp.CSS(`[data-testid="send-campaign"]`)),
	)
	b.do("land on the campaign's page",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="campaign-audience"]`)),
		brPage("ko"),
		brShowsText(brT(t, "ko", "campaigns.audience")),
		brShowsText(subject),
	)
	if got := b.text("read the audience", `[data-testid="campaign-audience"]`); got != "1" {
		t.Errorf("the campaign's audience reads %q, want 1", got)
	}
	b.noSideScroll("the campaign's page")
	b.brSignOut()
	s.drain(t) // the fan-out
	s.drain(t) // the delivery

	b.do("hand the phone back in English", chromedp.Navigate(s.URL+"/?lang=en"), brPage("en"))
	b.brSignIn(s, minji.Email)
	notice := brT(t, "ko", "notifications.kind.brand_message", "subject", subject)
	b.do("find the notice among the notifications",
		chromedp.Navigate(s.URL+"/notifications?lang=ko"),
		brPage("ko"),
		brShowsText(notice),
	)
	b.do("open the message from the notice",
		chromedp.Click(chromedp.CSS(`[data-testid="open-notice"]`)),
	)
	b.do("read the message",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="message"]`)),
		brShowsText(body),
	)
	b.noSideScroll("the message")
}
