package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"fanclub/community"
)

// brBox is where an element sits on the screen, in CSS pixels.
type brBox struct{ Top, Bottom, Height float64 }

// brBoxOf measures the first element matching css.
func brBoxOf(b *brTab, step, css string) brBox {
	b.t.Helper()
	return brEval[brBox](b, step, `(() => {
		const r = document.querySelector(`+"`"+css+"`"+`).getBoundingClientRect();
		return {top: r.top, bottom: r.bottom, height: r.height};
	})()`)
}

// TestBrowserPhoneHeader is the header on a phone (390×844) for a site
// admin, in English and Korean: one row under 64 px, with the club's name,
// the bell and the menu side by side; the menu opens by a tap with the
// page's scripts switched off, and holds the language switcher and the
// Admin entry.
func TestBrowserPhoneHeader(t *testing.T) {
	brChromium(t)
	s := newSite(t, crowd())
	s.signUp(t, "owner@example.com")
	admin := s.signUp(t, "admin.with.a.long.name@example.com")
	s.makeSiteAdmin(t, admin)
	b := brOpen(t, 1)
	b.brSignIn(s, admin.Email)

	for _, lang := range []string{"en", "ko"} {
		b.do("open the home page in "+lang,
			chromedp.Navigate(s.URL+"/?lang="+lang),
			brPage(lang),
		)
		header := brBoxOf(b, "measure the header", `.site-header`)
		if header.Height >= 64 {
			t.Errorf("%s: the header is %.0f px tall on a phone, want one row under 64 px", lang, header.Height)
		}
		for _, css := range []string{`.site-name`, `[data-testid="bell"]`, `[data-testid="account-menu-toggle"]`} {
			if box := brBoxOf(b, "measure "+css, css); box.Top < header.Top || box.Bottom > header.Bottom {
				t.Errorf("%s: %s spans %.0f–%.0f px, outside the header's row %.0f–%.0f", lang, css, box.Top, box.Bottom, header.Top, header.Bottom)
			}
		}
		b.noSideScroll("home, " + lang)
	}

	b.do("switch the page's scripts off",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}),
		chromedp.Navigate(s.URL+"/?lang=en"),
		brPage("en"),
	)
	if open := brEval[bool](b, "is the menu open?", `document.querySelector('.language-nav a[hreflang="ko"]').checkVisibility()`); open {
		t.Errorf("the language switcher shows before the menu is opened")
	}
	b.do("open the menu without scripts", brMenu())
	admins := b.text("read the Admin entry", `[data-testid="nav-admin"]`)
	if want := brT(t, "en", "chrome.admin"); admins != want {
		t.Errorf("the menu's admin entry reads %q, want %q", admins, want)
	}
	b.do("switch to Korean from the menu",
		chromedp.Click(chromedp.CSS(`.language-nav a[hreflang="ko"]`)),
		brPage("ko"),
	)
}

// TestBrowserPhoneGroupPages: on a phone, a group's cover and description
// are on its front page only; on an event, under a compact line with the
// group's name and tabs, the RSVP button is on the first screen, however
// long the group's description and the event's text.
func TestBrowserPhoneGroupPages(t *testing.T) {
	brChromium(t)
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	long := strings.Repeat("Tasting notes, brewing tips and first looks at new roasts, every week. ", 12)
	s.newGroup(t, owner, community.GroupInput{Slug: "coffee", Name: "Coffee lovers", Description: long, Color: "teal"})
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "coffee", minji)
	start := s.Clock.Now().Add(72 * time.Hour).In(mustZone(t, "Asia/Seoul"))
	e, err := s.Community.CreateEvent(context.Background(), s.actor(t, owner), "coffee", community.EventInput{Title: "Roastery tour",
		Body: strings.Repeat("We meet at the door and walk through the roastery together.\n\n", 20), Zone: "Asia/Seoul",
		Start: start.Format(community.LocalTimeLayout), End: start.Add(2 * time.Hour).Format(community.LocalTimeLayout),
		Venue: "42 Seongsu-ro, Seongdong-gu, Seoul", Capacity: "10", Access: community.AccessMembers})
	if err != nil {
		t.Fatal(err)
	}
	b := brOpen(t, 1)
	b.brSignIn(s, minji.Email)

	b.do("open the group's front page",
		chromedp.Navigate(s.URL+"/groups/coffee"),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="group-header"] .group-description`)),
	)
	for _, path := range []string{"/groups/coffee/events/" + string(e.ID), "/groups/coffee/events", "/groups/coffee/members", "/groups/coffee/ideas"} {
		b.do("open "+path,
			chromedp.Navigate(s.URL+path),
			brPage("en"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="group-bar"]`)),
		)
		if n := brEval[int](b, "look for the cover on "+path, `document.querySelectorAll('[data-testid="group-header"], .group-description').length`); n != 0 {
			t.Errorf("%s shows the group's full cover (%d elements)", path, n)
		}
		b.noSideScroll(path)
	}
	b.do("open the event",
		chromedp.Navigate(s.URL+"/groups/coffee/events/"+string(e.ID)),
		brPage("en"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="rsvp-going"]`)),
	)
	rsvp := brBoxOf(b, "measure the RSVP button", `[data-testid="rsvp-going"]`)
	if rsvp.Bottom > brHeight {
		t.Errorf("the RSVP button spans %.0f–%.0f px down the event page, want it on the first %d px", rsvp.Top, rsvp.Bottom, brHeight)
	}
	if rsvp.Height < 44 {
		t.Errorf("the RSVP button is %.0f px tall, want at least 44", rsvp.Height)
	}
	for _, css := range []string{`[data-testid="event-when"]`, `[data-testid="event-where"]`, `[data-testid="event-seats"]`} {
		if box := brBoxOf(b, "measure "+css, css); box.Top > rsvp.Top {
			t.Errorf("%s is below the RSVP button", css)
		}
	}
	for _, css := range []string{`[data-testid="ics-link"]`, `.group-tabs a`} {
		if box := brBoxOf(b, "measure "+css, css); box.Height < 24 {
			t.Errorf("%s is %.0f px tall, want a target of at least 24", css, box.Height)
		}
	}
}

// brSmallTargets lists what can be tapped on the page and is smaller
// than 24×24 px (WCAG 2.2, 2.5.8), and the primary actions (buttons that
// send a form, RSVP, vote, join) under 44 px tall. Links inside running
// text are exempt, as WCAG has them; so is the skip link, shown on focus.
const brSmallTargets = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, summary, input:not([type=hidden]), select, textarea')) {
    if (!el.checkVisibility() || el.classList.contains('skip-link')) continue;
    const r = el.getBoundingClientRect();
    const p = el.parentElement;
    const inText = el.tagName === 'A' && getComputedStyle(el).display === 'inline' &&
      p.closest('.prose, p, li, dd') && p.textContent.trim() !== el.textContent.trim();
    const primary = el.matches('.button, button[type=submit]:not(.button-quiet):not(.notice-open):not(.reaction), [data-testid=vote]');
    if ((r.width < 24 || r.height < 24) && !inText || primary && r.height < 44) {
      out.push(el.tagName.toLowerCase() + ' "' + el.textContent.trim().replace(/\s+/g, ' ').slice(0, 30) + '" ' +
        Math.round(r.width) + '×' + Math.round(r.height));
    }
  }
  return out;
})()`

// brLowContrast lists badges and text on colour whose contrast with
// their background is under 4.5:1.
const brLowContrast = `(() => {
  const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (c, b) => [0, 1, 2].map(i => c[i] * c[3] + b[i] * (1 - c[3])).concat([1]);
  const bgOf = el => el ? over(parse(getComputedStyle(el).backgroundColor), bgOf(el.parentElement)) : [255, 255, 255, 1];
  const lum = c => c.slice(0, 3).map(v => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const out = [];
  for (const el of document.querySelectorAll('.badge, .tag, .bell-count, .group-card p, .group-card h2, .group-bar-name, .hint, .notice')) {
    if (!el.checkVisibility()) continue;
    const bg = bgOf(el), a = lum(over(parse(getComputedStyle(el).color), bg)), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push(el.className + ' "' + el.textContent.trim().slice(0, 25) + '" ' + ratio.toFixed(2) + ':1');
  }
  return out;
})()`

// TestBrowserPhoneTargetsAndContrast opens the member's main pages on a
// phone, as a group's owner, and finds every tap target at least 24×24
// px, the primary actions 44 px tall, and the badges and text on colour
// at 4.5:1 or more, in light and dark colours.
func TestBrowserPhoneTargetsAndContrast(t *testing.T) {
	brChromium(t)
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	s.newGroup(t, owner, community.GroupInput{Slug: "coffee", Name: "Coffee lovers", Description: "Tasting notes"})
	for _, c := range community.CoverColors {
		s.newGroup(t, owner, community.GroupInput{Slug: "g-" + c, Name: "Group " + c, Color: c, Description: "Some words",
			Policy: community.JoinApproval, Visibility: community.Unlisted})
	}
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "coffee", minji)
	ctx := context.Background()
	post, err := s.Community.CreatePost(ctx, s.actor(t, owner), "coffee", "Hello **all**")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Community.CreateComment(ctx, s.actor(t, minji), "coffee", community.OnPost(post.ID), "Hi!", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Community.ReactToPost(ctx, s.actor(t, minji), "coffee", post.ID, "love"); err != nil {
		t.Fatal(err)
	}
	idea, err := s.Community.CreateIdea(ctx, s.actor(t, minji), "coffee", community.IdeaInput{Title: "Decaf nights"})
	if err != nil {
		t.Fatal(err)
	}
	start := s.Clock.Now().Add(72 * time.Hour).In(mustZone(t, "Asia/Seoul"))
	e, err := s.Community.CreateEvent(ctx, s.actor(t, owner), "coffee", community.EventInput{Title: "Roastery tour", Body: "Meet at the door.",
		Zone: "Asia/Seoul", Start: start.Format(community.LocalTimeLayout), End: start.Add(2 * time.Hour).Format(community.LocalTimeLayout),
		Venue: "Seoul", Capacity: "10", Access: community.AccessMembers})
	if err != nil {
		t.Fatal(err)
	}
	b := brOpen(t, 1)
	b.brSignIn(s, owner.Email)
	for _, path := range []string{"/", "/groups", "/groups/coffee", "/groups/coffee/posts/" + string(post.ID), "/groups/coffee/ideas",
		"/groups/coffee/ideas/" + string(idea.ID), "/groups/coffee/ideas/roadmap", "/groups/coffee/events",
		"/groups/coffee/events/" + string(e.ID), "/events", "/notifications", "/settings", "/pricing", "/moderation",
		"/groups/coffee/moderation", "/groups/coffee/members", "/admin/subscribers", "/no-such-page"} {
		b.do("open "+path, chromedp.Navigate(s.URL+path), brPage("en"))
		for _, small := range brEval[[]string](b, "measure the targets on "+path, brSmallTargets) {
			t.Errorf("%s: %s is too small a target", path, small)
		}
		for _, scheme := range []string{"light", "dark"} {
			b.do("show "+path+" in "+scheme+" colours", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
				return err
			}))
			for _, low := range brEval[[]string](b, "measure the contrast on "+path, brLowContrast) {
				t.Errorf("%s, %s colours: %s is under 4.5:1", path, scheme, low)
			}
		}
	}
}
