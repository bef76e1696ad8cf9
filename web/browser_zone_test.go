package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserZoneCookie loads a page in a browser whose clock is in New
// York and finds the tz cookie set to that zone by the page's own script,
// with no reload, ready for the next request.
func TestBrowserZoneCookie(t *testing.T) {
	brChromium(t)
	s := newSite(t, siteOptions{})
	b := brOpen(t, 1)
	b.do("put the browser in New York",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
			return err
		}),
	)
	b.do("open the sign-in page",
		chromedp.Navigate(s.URL+"/signin"),
		brPage("en"),
	)
	b.do("wait for the zone cookie",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.cookie.split("; ").includes("tz=America%2FNew_York")`)(ctx, tg)
			return err
		}),
	)
}
