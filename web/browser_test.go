package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

// The browser tests drive a real, headless Chromium against the site that
// newSite starts, at the size of a phone. They need Chromium on the PATH:
// without it they skip, except under CI, where they fail.

const (
	brWidth, brHeight = 390, 844 // a phone, in CSS pixels

	brOverall = 60 * time.Second // the whole browser session
	brStep    = 15 * time.Second // one step: a click and the page it leads to
)

// brChromium returns the path of Chromium or Chrome, skipping the test
// when there is none (or failing it under CI).
func brChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is required under CI")
	}
	t.Skip("no chromium on the PATH; run `apt-get install chromium` to run the browser tests")
	return ""
}

// brTab is one browser tab on a phone-sized screen.
type brTab struct {
	t   *testing.T
	ctx context.Context
}

// brOpen starts a fresh Chromium (its own profile, so no cookies) with a
// phone-sized, mobile viewport at the given device pixel ratio. The
// browser is stopped and its profile removed when the test ends, before
// the site shuts down.
func brOpen(t *testing.T, scale float64) *brTab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(brChromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(brWidth, brHeight),
	)
	ctx, cancelTime := context.WithTimeout(context.Background(), brOverall)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit
		cancelTime()
	})
	b := &brTab{t: t, ctx: tctx}
	// The first action starts the browser; it must run on the tab's own
	// context, since the browser lives only as long as that.
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(brWidth, brHeight,
		chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(scale))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// do runs the actions as one named step, with a time limit, and fails the
// test with the step's name, the page's address and its text if they fail.
func (b *brTab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, brStep)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\n%s", step, err, b.describe())
	}
}

// text returns the visible text of the first element matching css.
func (b *brTab) text(step, css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, brStep)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", step, err, b.describe())
	}
	return strings.TrimSpace(s)
}

// brEval evaluates a JavaScript expression in the page and decodes its value.
func brEval[T any](b *brTab, step, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, brStep)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", step, err, b.describe())
	}
	return v
}

// describe says where the tab is and what it shows, for failure messages.
func (b *brTab) describe() string {
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return "page " + loc + ":\n" + body
}

// brShowsText waits until the page shows text (in rendered, visible text).
func brShowsText(text string) chromedp.Action[chromedp.Void] {
	q, _ := json.Marshal(text)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`!!document.body && document.body.innerText.includes(`+string(q)+`)`)(ctx, t)
		return err
	})
}

// brPage waits for a whole page in language lang: its html element says so
// and its footer, the last thing on every page, is there.
func brPage(lang string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitReady(chromedp.CSS(`html[lang="`+lang+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`footer.site-footer`)),
	)
}

// brT is the site's text for key in lang, from the same catalogs the site
// uses, so the test follows changes of wording.
func brT(t *testing.T, lang, key string, args ...string) string {
	t.Helper()
	cs, err := views.LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	s := views.T(cs.WithLocale(context.Background(), lang), key, args...)
	if strings.HasPrefix(s, views.Missing) {
		t.Fatalf("no %s text for %q", lang, key)
	}
	return s
}

// brMenu opens the header's account menu as a person would, by pressing
// its toggle, and waits for its links.
func brMenu() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(`[data-testid="account-menu-toggle"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.menu-body .language-nav`)),
	)
}

// brSignIn signs in as a person would: asks for a link by email on
// /signin, opens the mailed link, presses the button, and lands home.
func (b *brTab) brSignIn(s *site, email string) {
	b.t.Helper()
	b.do("open /signin",
		chromedp.Navigate(s.URL+"/signin"),
		brPage("en"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.Click(chromedp.CSS(`[data-testid="email-submit"]`)),
	)
	b.do("wait for the check-your-email page",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sent-to"]`)),
		brShowsText(brT(b.t, "en", "signin.sent.title")),
		brShowsText(email),
	)
	link := s.Outbox.LinkTo(b.t, email)
	b.do("open the emailed link and confirm",
		chromedp.Navigate(link),
		chromedp.Click(chromedp.CSS(`[data-testid="confirm-signin"]`)),
	)
	b.do("wait for the home page, signed in",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="bell"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="greeting"]`)),
		brPage("en"),
	)
}

// noSideScroll fails the test if the page is wider than the phone.
func (b *brTab) noSideScroll(page string) {
	b.t.Helper()
	m := brEval[struct{ ScrollWidth, InnerWidth, ClientWidth int }](b, "measure "+page, `({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth,
		clientWidth: document.documentElement.clientWidth,
	})`)
	// A mobile browser zooms out to fit a page that is too wide, which
	// widens innerWidth to the page's width; so the viewport must also
	// still be the phone's, and the page no wider than the layout.
	if m.InnerWidth != brWidth || m.ScrollWidth > m.InnerWidth || m.ScrollWidth > m.ClientWidth {
		b.t.Errorf("%s scrolls sideways at phone width: scrollWidth %d, innerWidth %d (want %d), clientWidth %d",
			page, m.ScrollWidth, m.InnerWidth, brWidth, m.ClientWidth)
	}
}

// TestBrowserSignInByEmailLink goes through sign-in by email link, the
// language switcher and sign-out in a real browser on a phone-sized screen.
func TestBrowserSignInByEmailLink(t *testing.T) {
	brChromium(t) // skip before starting a database when there is no browser
	start := time.Now()
	s := newSite(t, siteOptions{})
	b := brOpen(t, 1)

	const email, name = "minji@example.com", "minji"
	b.brSignIn(s, email)
	b.noSideScroll("home, signed in")
	b.do("open the menu", brMenu())
	if got := b.text("read the viewer's name", `[data-testid="viewer-name"]`); got != name {
		t.Errorf("header names the viewer %q, want %q", got, name)
	}
	b.do("see the signed-in greeting",
		brShowsText(brT(t, "en", "flash.signed_in")),
		brShowsText(brT(t, "en", "home.hello", "name", name)),
		brShowsText(brT(t, "en", "dashboard.groups.heading")),
	)

	// Switch to Korean with the header's switcher.
	if href := brEval[string](b, "read the 한국어 link", `document.querySelector('.language-nav a[hreflang="ko"]').getAttribute("href")`); href != "/?lang=ko" {
		t.Errorf("한국어 link goes to %q, want %q (this page with ?lang=ko)", href, "/?lang=ko")
	}
	b.do("switch to 한국어",
		chromedp.Click(chromedp.CSS(`.language-nav a[hreflang="ko"]`)),
		brPage("ko"),
	)
	if lang := brEval[string](b, "read <html lang>", `document.documentElement.lang`); lang != "ko" {
		t.Errorf("<html lang> is %q after choosing 한국어, want ko", lang)
	}
	b.do("see the home page in Korean",
		brShowsText(brT(t, "ko", "home.hello", "name", name)),
		brShowsText(brT(t, "ko", "dashboard.groups.heading")),
		brMenu(),
		brShowsText(brT(t, "ko", "nav.signout")),
		chromedp.WaitVisible(chromedp.CSS(`.language-nav a[hreflang="ko"][aria-current="true"]`)),
	)
	if got := b.text("read the viewer's name in Korean", `[data-testid="viewer-name"]`); got != name {
		t.Errorf("in Korean the header names the viewer %q, want %q", got, name)
	}
	b.noSideScroll("home in Korean")

	// And back to English.
	b.do("switch back to English",
		chromedp.Click(chromedp.CSS(`.language-nav a[hreflang="en"]`)),
		brPage("en"),
		brShowsText(brT(t, "en", "dashboard.groups.heading")),
		brMenu(),
		brShowsText(brT(t, "en", "nav.signout")),
		chromedp.WaitVisible(chromedp.CSS(`.language-nav a[hreflang="en"][aria-current="true"]`)),
	)
	if got := b.text("read the viewer's name in English", `[data-testid="viewer-name"]`); got != name {
		t.Errorf("back in English the header names the viewer %q, want %q", got, name)
	}

	// Sign out with the header's button.
	b.do("sign out",
		chromedp.Click(chromedp.CSS(`.account-nav form[action="/signout"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-signin"]`)),
		brPage("en"),
		brShowsText(brT(t, "en", "flash.signed_out")),
	)
	if got := b.text("read the sign-in link", `[data-testid="nav-signin"]`); got != brT(t, "en", "nav.signin") {
		t.Errorf("after signing out the header's link reads %q, want %q", got, brT(t, "en", "nav.signin"))
	}
	if n := brEval[int](b, "look for the viewer's name", `document.querySelectorAll('[data-testid="viewer-name"]').length`); n != 0 {
		t.Errorf("after signing out the page still names a viewer (%d elements)", n)
	}
	b.noSideScroll("home, signed out")

	// Signed out for real: settings sends the browser to sign in.
	b.do("open /settings signed out",
		chromedp.Navigate(s.URL+"/settings"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="email-submit"]`)),
	)
	b.noSideScroll("/signin")
	t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
}

// TestBrowserScreenshot is not a test but the generator of the README's
// screenshots: with FANCLUB_SCREENSHOT set to a directory it signs in,
// fills a group with a few posts and ideas, and saves home.png,
// settings.png, group.png, moderation.png, ideas.png and site.png there: what a phone's screen (390x844 CSS
// pixels, at twice the density, so 780x1688 PNGs) shows of each page.
// Otherwise it skips. Korean text needs a Korean font (fonts-nanum or
// fonts-noto-cjk), reactions an emoji font (fonts-noto-color-emoji).
//
//	FANCLUB_SCREENSHOT=$PWD/docs go test ./web -run TestBrowserScreenshot -count=1
func TestBrowserScreenshot(t *testing.T) {
	dir := os.Getenv("FANCLUB_SCREENSHOT")
	if dir == "" {
		t.Skip("generates the README's screenshots; set FANCLUB_SCREENSHOT to the output directory to run it")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, crowd())
	b := brOpen(t, 2)
	b.brSignIn(s, "minji@example.com")
	brDemoGroup(t, s)

	for _, shot := range []struct{ path, file, ready string }{
		{"/", "home.png", `[data-testid="greeting"]`},
		{"/settings", "settings.png", `[data-testid="save-profile"]`},
		{"/groups/coffee-lovers#feed-heading", "group.png", `[data-testid="post"]`},
		{"/groups/coffee-lovers/moderation", "moderation.png", `[data-testid="queue-item"]`},
		{"/groups/coffee-lovers/ideas#ideas-heading", "ideas.png", `[data-testid="idea"]`},
		{"/admin/site", "site.png", `[name="name_en"]`},
	} {
		b.do("open "+shot.path,
			chromedp.Navigate(s.URL+shot.path),
			brPage("en"),
			chromedp.WaitVisible(chromedp.CSS(shot.ready)),
		)
		ctx, cancel := context.WithTimeout(b.ctx, brStep)
		img, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		cancel()
		if err != nil {
			t.Fatalf("screenshot %s: %v", shot.path, err)
		}
		out := filepath.Join(dir, shot.file)
		if err := os.WriteFile(out, img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", out, len(img))
	}
}

// brDemoGroup fills a group for the screenshots: the signed-in owner
// minji, two members, posts in both languages, reactions and a report.
func brDemoGroup(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	accounts := s.DB.Collection("accounts")
	named := func(email, name string) community.Actor {
		if _, err := accounts.UpdateOne(ctx, bson.M{"email": email}, bson.M{"$set": bson.M{"name": name}}); err != nil {
			t.Fatal(err)
		}
		var d struct {
			ID auth.AccountID `bson:"_id"`
		}
		if err := accounts.FindOne(ctx, bson.M{"email": email}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		a, err := s.Auth.AccountByID(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		return community.Actor{Account: a}
	}
	minji := named("minji@example.com", "Minji Kim")
	s.saveSite(t, minji.Account.ID, auth.Site{NameKo: "달빛 로스터스", NameEn: "Moonlight Roasters",
		Tagline: "Coffee people, roasting together", Accent: "#1a56db"})
	s.signUp(t, "emma@example.com")
	s.signUp(t, "jun@example.com")
	emma, jun := named("emma@example.com", "Emma Lee"), named("jun@example.com", "박준")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Community.CreateGroup(ctx, minji, community.GroupInput{Slug: "coffee-lovers", Name: "Coffee lovers · 커피 애호가",
		Description: "Tasting notes, brewing tips and first looks at new roasts.", Color: "teal",
		Visibility: community.Listed, Policy: community.JoinOpen})
	must(err)
	for _, a := range []community.Actor{emma, jun} {
		_, err := s.Community.Join(ctx, a, "coffee-lovers", "")
		must(err)
	}
	welcome, err := s.Community.CreatePost(ctx, minji, "coffee-lovers", "Welcome! Read the **house rules** and say hi 👋")
	must(err)
	s.Clock.Advance(time.Hour)
	guji, err := s.Community.CreatePost(ctx, emma, "coffee-lovers", "Tried the **Ethiopia Guji** pour-over this morning ☕️\n\n- blueberry\n- jasmine\n\nAnyone else, @[박준]?")
	must(err)
	s.Clock.Advance(time.Hour)
	class, err := s.Community.CreatePost(ctx, jun, "coffee-lovers", "다음 주 **로스팅 클래스** 신청하신 분 계신가요? 🙋")
	must(err)
	must(s.Community.ModeratePost(ctx, minji, "coffee-lovers", welcome.ID, community.ModPin, ""))
	for _, r := range []struct {
		a    community.Actor
		post community.PostID
		r    community.Reaction
	}{{jun, guji.ID, "love"}, {minji, guji.ID, "love"}, {minji, guji.ID, "like"}, {emma, class.ID, "like"}, {emma, welcome.ID, "thanks"}} {
		must(s.Community.ReactToPost(ctx, r.a, "coffee-lovers", r.post, r.r))
	}
	_, err = s.Community.CreateComment(ctx, jun, "coffee-lovers", community.OnPost(guji.ID), "저도요! Blueberry notes 최고예요.", "")
	must(err)
	must(s.Community.ReportContent(ctx, emma, "coffee-lovers", community.ReportInput{Post: class.ID, Reason: "offtopic", Note: "Looks like an ad?"}))

	// The idea board: tags, ideas in several statuses, votes, a response.
	beans, err := s.Community.AddIdeaTag(ctx, minji, "coffee-lovers", "Beans", "orange")
	must(err)
	app, err := s.Community.AddIdeaTag(ctx, minji, "coffee-lovers", "앱", "blue")
	must(err)
	ideas := map[string]community.Idea{}
	for _, in := range []struct {
		by    community.Actor
		title string
		tag   string
	}{
		{emma, "Decaf subscription every two weeks", beans.ID},
		{jun, "앱에서 원두 재입고 알림 받기", app.ID},
		{emma, "Tasting night for members", ""},
		{jun, "Oat milk at the café", ""},
	} {
		var tags []string
		if in.tag != "" {
			tags = []string{in.tag}
		}
		i, err := s.Community.CreateIdea(ctx, in.by, "coffee-lovers", community.IdeaInput{Title: in.title, Tags: tags})
		must(err)
		ideas[in.title] = i
		s.Clock.Advance(time.Hour)
	}
	for title, voters := range map[string][]community.Actor{
		"Decaf subscription every two weeks": {minji, jun, emma}, "앱에서 원두 재입고 알림 받기": {minji, emma},
		"Tasting night for members": {jun}, "Oat milk at the café": {emma, minji},
	} {
		for _, v := range voters {
			_, err := s.Community.Vote(ctx, v, "coffee-lovers", ideas[title].ID, true)
			must(err)
		}
	}
	_, err = s.Community.AnswerIdea(ctx, minji, "coffee-lovers", ideas["Decaf subscription every two weeks"].ID,
		community.Answer{Status: community.IdeaPlanned, Response: "Yes! We are picking the beans now."})
	must(err)
	_, err = s.Community.AnswerIdea(ctx, minji, "coffee-lovers", ideas["Oat milk at the café"].ID,
		community.Answer{Status: community.IdeaShipped, Response: "Oat milk is on the menu since Monday."})
	must(err)
}
