package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fanclub/community"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

// TestBrowserPremiumGroup is premium on a phone: the member follows the
// group's pointer to the pricing page and subscribes, which sends the
// browser to Stripe Checkout with the tier's price (Checkout is Stripe's
// page and cannot run here); the webhook Stripe would send then lets
// them into the premium-only group, where their name carries the badge; when
// Stripe reports it ended, the group's page tells them their membership
// no longer includes it and offers to renew.
func TestBrowserPremiumGroup(t *testing.T) {
	brChromium(t)
	s := newSite(t, siteOptions{stripe: true})
	owner := s.signUp(t, "owner@example.com")
	s.saveTier(t, owner, membership.TierInput{Key: "premium", Name: "Premium", Rank: "1", MonthlyPrice: "price_premium_month"})
	s.newGroup(t, owner, community.GroupInput{Slug: "lounge", Name: "Premium lounge", Policy: community.JoinTier, RequiredTier: "premium"})
	minji := s.signUp(t, "minji@example.com")
	b := brOpen(t, 1)
	b.brSignIn(s, minji.Email)

	b.do("a free member sees who the group is for",
		chromedp.Navigate(s.URL+"/groups/lounge"),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="tier-only"] a[href="/pricing"]`)),
		brShowsText(brT(t, "en", "feed.tier_only.title", "tier", "Premium")),
	)

	b.do("follow it to the pricing page",
		chromedp.Click(chromedp.CSS(`[data-testid="tier-only"] a[href="/pricing"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="tier-premium"] [data-testid="subscribe-premium-month"]`)),
	)
	b.noSideScroll("the pricing page")
	b.do("subscribe monthly",
		chromedp.Click(chromedp.CSS(`[data-testid="subscribe-premium-month"]`)),
	)
	var sent []stripemock.Request
	for deadline := time.Now().Add(10 * time.Second); len(sent) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		sent = s.Stripe.Requests("POST", "/v1/checkout/sessions")
	}
	if len(sent) != 1 || sent[0].Status != http.StatusOK || sent[0].Form.Get("line_items[0][price]") != "price_premium_month" ||
		sent[0].Form.Get("client_reference_id") != string(minji.ID) {
		t.Fatalf("Checkout sessions asked of Stripe: %+v", sent)
	}

	// Stripe's side: the session completes, the subscription starts, and
	// Checkout sends the member back to the welcome page.
	now := s.Clock.Now()
	sub := stripemock.Sub{ID: "sub_minji", Customer: "cus_minji", Account: string(minji.ID), Price: "price_premium_month",
		Start: now, PeriodEnd: now.AddDate(0, 1, 0)}
	s.deliver(t, "evt_checkout", "checkout.session.completed", now, stripemock.CheckoutSession("cs_minji", "cus_minji", "sub_minji", string(minji.ID)))
	s.deliver(t, "evt_created", "customer.subscription.created", now, sub.Object())
	b.do("come back from Checkout as a premium member",
		chromedp.Navigate(s.URL+"/membership/welcome"),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="welcome-premium"]`)),
		brShowsText(brT(t, "en", "welcome.premium", "tier", "Premium")),
	)
	b.do("see the plan marked, with billing to manage",
		chromedp.Navigate(s.URL+"/pricing"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="tier-premium"] [data-testid="your-plan"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="manage-billing"]`)),
	)
	b.do("join and post as a premium member",
		chromedp.Navigate(s.URL+"/groups/lounge"),
		brPage("en"),
		chromedp.Click(chromedp.CSS(`[data-testid="join"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="publish"]`)),
		chromedp.SendKeys(chromedp.ID("body"), "Glad to be in the lounge"),
		chromedp.Click(chromedp.CSS(`[data-testid="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="post-body"]`)),
	)
	// The badge shows the tier's name; screen readers hear what it is.
	b.text("see the badge by the author", `[data-testid="post"] [data-testid="premium-badge"]`)
	label := brEval[string](b, "the badge's words", `document.querySelector('[data-testid="premium-badge"]').textContent.trim()`)
	if label != brT(t, "en", "feed.premium_member")+": Premium" {
		t.Errorf("the badge says %q", label)
	}
	b.noSideScroll("the premium group")

	ended := sub
	ended.Status = "canceled"
	s.deliver(t, "evt_deleted", "customer.subscription.deleted", now.Add(time.Hour), ended.Object())
	b.do("the lapsed member is told, and offered to renew",
		chromedp.Navigate(s.URL+"/groups/lounge"),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lapsed"] a[data-testid="renew"][href="/pricing"]`)),
		brShowsText(brT(t, "en", "feed.lapsed.title")),
	)
	if n := brEval[int](b, "count posts", `document.querySelectorAll('[data-testid="post"]').length`); n != 0 {
		t.Errorf("the lapsed member sees %d posts", n)
	}
	b.noSideScroll("the lapsed notice")
}
