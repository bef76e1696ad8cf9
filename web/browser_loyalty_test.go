package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"fanclub/community"
)

// TestBrowserEarnAndRedeem is the loyalty programme on a phone: a member
// writes a post, finds her points through the menu, redeems a shop code
// with them from /rewards, and reads the code, without the page
// scrolling sideways.
func TestBrowserEarnAndRedeem(t *testing.T) {
	brChromium(t)
	rc := newRewardClub(t)
	rc.s.newGroup(t, rc.owner, community.GroupInput{Slug: "lounge", Name: "The lounge"})
	rc.s.join(t, "lounge", rc.member)
	if r := rc.owner.post("/admin/loyalty/rules", url.Values{"on": {"1"}, "points_post": {"60"}, "points_first_post": {"20"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rules: %d\n%s", r.Status, r.Body)
	}
	code := rc.createReward(t, url.Values{"name": {"Shop coupon"}, "description": {"10% off"}, "price": {"50"}, "kind": {"code"}})
	if r := rc.owner.postMultipart("/admin/loyalty/rewards/"+code+"/codes", url.Values{}, map[string][]byte{"codes": []byte("TEA-2026-XYZ\n")}); r.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.Status)
	}
	b := brOpen(t, 1)
	b.brSignIn(rc.s, rc.member.Email)
	b.do("write a post",
		chromedp.Navigate(rc.s.URL+"/groups/lounge"),
		brPage("en"),
		chromedp.SendKeys(chromedp.ID("body"), "Hello from my phone"),
		chromedp.Click(chromedp.CSS(`[data-testid="publish"]`)),
	)
	b.do("see it published",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="post-body"]`)),
		brShowsText(brT(t, "en", "flash.post_published")),
	)
	b.do("find the points through the menu",
		brMenu(),
		chromedp.Click(chromedp.CSS(`[data-testid="nav-rewards"]`)),
	)
	b.do("read them",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="points-balance"]`)),
		brShowsText(brT(t, "en", "rewards.points", "n", "80")),
		brShowsText(brT(t, "en", "loyalty.earning.first_post")),
	)
	b.noSideScroll("/rewards")
	b.do("redeem the coupon",
		chromedp.Click(chromedp.CSS(`[data-testid="offer-redeem"]`)),
	)
	b.do("confirm", chromedp.WaitVisible(chromedp.CSS(`[data-testid="redeem"]`)), chromedp.Click(chromedp.CSS(`[data-testid="redeem"]`)))
	b.do("see the code",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="redeemed-code"]`)),
	)
	if got := b.text("read the code", `[data-testid="redeemed-code"]`); got != "TEA-2026-XYZ" {
		t.Fatalf("the code reads %q", got)
	}
	b.noSideScroll("my rewards")
	if bal := rc.balance(t, rc.member); bal != 30 {
		t.Fatalf("balance %d, want 30", bal)
	}
}
