package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
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

// TestBrowserZoneLookedUpOncePerSession: the page's script looks the
// browser's zone up on the first page of a session, and on later pages,
// the cookie set, does nothing.
func TestBrowserZoneLookedUpOncePerSession(t *testing.T) {
	brChromium(t)
	s := newSite(t, siteOptions{})
	b := brOpen(t, 1)
	b.do("count the zone look-ups of every page",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
				window.zoneLookups = 0;
				const resolved = Intl.DateTimeFormat.prototype.resolvedOptions;
				Intl.DateTimeFormat.prototype.resolvedOptions = function () {
					window.zoneLookups++;
					return resolved.apply(this, arguments);
				};`})
			return err
		}),
	)
	for i, path := range []string{"/signin", "/groups", "/signin"} {
		b.do("open "+path,
			chromedp.Navigate(s.URL+path),
			brPage("en"),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Poll[bool](`document.readyState === "complete"`)(ctx, tg)
				return err
			}),
		)
		want := 0
		if i == 0 {
			want = 1
		}
		if n := brEval[int](b, "count the look-ups", `window.zoneLookups`); n != want {
			t.Errorf("page %d (%s) looked the zone up %d times, want %d", i+1, path, n, want)
		}
	}
	if !brEval[bool](b, "read the cookie", `document.cookie.split("; ").some(c => c.startsWith("tz="))`) {
		t.Error("no tz cookie after the first page")
	}
}
