package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRedeem is a member redeeming on a phone, in Korean: a code,
// which /rewards/mine then shows, and a gift, whose address form comes
// back with what was typed when the postal code is wrong. No page
// scrolls sideways, the owner's reward list and fulfilment page
// included.
func TestBrowserRedeem(t *testing.T) {
	brChromium(t)
	rc := newRewardClub(t)
	code := rc.createReward(t, url.Values{"name": {"쇼핑 쿠폰"}, "price": {"50"}, "kind": {"code"}})
	if r := rc.owner.postMultipart("/admin/loyalty/rewards/"+code+"/codes", url.Values{}, map[string][]byte{"codes": []byte("GIFT-2026-ABCD\n")}); r.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.Status)
	}
	gift := rc.createReward(t, url.Values{"name": {"에코백"}, "price": {"30"}, "kind": {"gift"}})
	rc.give(t, rc.member, "100")
	b := brOpen(t, 1)
	b.brSignIn(rc.s, rc.member.Email)

	b.do("open the code reward in Korean",
		chromedp.Navigate(rc.s.URL+"/rewards/redeem/"+code+"?lang=ko"),
		brPage("ko"),
		brShowsText(brT(t, "ko", "loyalty_rewards.redeem_title", "name", "쇼핑 쿠폰")),
		brShowsText(brT(t, "ko", "loyalty_rewards.points", "n", "50")),
	)
	b.noSideScroll("the redeem page")
	b.do("redeem it",
		chromedp.Click(chromedp.CSS(`[data-testid="redeem"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="redeemed-code"]`)),
		brPage("ko"),
		brShowsText(brT(t, "ko", "loyalty_rewards.flash.redeemed")),
	)
	if got := b.text("read the code", `[data-testid="redeemed-code"]`); got != "GIFT-2026-ABCD" {
		t.Fatalf("the code reads %q", got)
	}
	b.noSideScroll("my rewards")

	b.do("open the gift and give a bad postal code",
		chromedp.Navigate(rc.s.URL+"/rewards/redeem/"+gift+"?lang=ko"),
		chromedp.SendKeys(chromedp.ID("addr-name"), "김민아"),
		chromedp.SendKeys(chromedp.ID("addr-line1"), "서울시 성동구 성수이로 12"),
		chromedp.SendKeys(chromedp.ID("addr-postal"), "04<780>"),
		chromedp.SendKeys(chromedp.ID("addr-phone"), "010-1234-5678"),
		chromedp.Click(chromedp.CSS(`[data-testid="redeem"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-addr-postal"]`)),
		brShowsText(brT(t, "ko", "loyalty_rewards.error.postal")),
	)
	if got := brEval[string](b, "read the name kept", `document.getElementById("addr-name").value`); got != "김민아" {
		t.Fatalf("the name typed came back as %q", got)
	}
	b.noSideScroll("the gift form with an error")
	b.do("fix it and redeem",
		chromedp.SetValue(chromedp.ID("addr-postal"), "04780"),
		chromedp.Click(chromedp.CSS(`[data-testid="redeem"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="gift-status"]`)),
		brShowsText(brT(t, "ko", "loyalty_rewards.gift_waiting")),
	)
	if b := rc.balance(t, rc.member); b != 20 {
		t.Fatalf("balance %d, want 20", b)
	}
	b.brSignOut()

	b.do("hand the phone to the owner in English", chromedp.Navigate(rc.s.URL+"/?lang=en"), brPage("en"))
	b.brSignIn(rc.s, rc.owner.Email)
	for _, page := range []string{"/admin/loyalty/rewards", "/admin/loyalty/rewards/" + code, "/admin/loyalty/fulfilment"} {
		b.do("open "+page, chromedp.Navigate(rc.s.URL+page+"?lang=ko"), brPage("ko"))
		b.noSideScroll(page)
	}
	b.do("mark the gift sent",
		chromedp.Click(chromedp.CSS(`[data-testid="mark-sent"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="gift-sent"]`)),
		brShowsText("김민아"),
	)
}
