package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fanclub/auth"
	"fanclub/views"
)

// newsReader signs email up, with news turned on, and returns the
// account's id and unsubscribe link.
func newsReader(t *testing.T, s *site, email string) (string, string) {
	t.Helper()
	s.newBrowser().signInByEmailLink(t, s, email)
	id := setAccountOf(t, s, email).ID
	if err := s.Auth.SetNews(context.Background(), auth.AccountID(id), true); err != nil {
		t.Fatal(err)
	}
	link, err := s.Auth.UnsubscribeURL(context.Background(), auth.AccountID(id))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, s.URL+"/unsubscribe/") {
		t.Fatalf("unsubscribe link %q is not on the site", link)
	}
	return id, link
}

// oneClick posts as a mail program's unsubscribe button does (RFC 8058):
// the one form field, no cookie, no CSRF token, no Origin.
func oneClick(s *site, link string) response {
	return s.newBrowser().postRaw(link, url.Values{"List-Unsubscribe": {"One-Click"}}, nil)
}

// TestUnsubscribeSignedOut: the link from a news mail opens, signed out,
// a page that names the address only masked and changes nothing; its
// button, or a mail program's one-click post with no cookie or CSRF
// token, turns news off, and doing it again is the same success.
func TestUnsubscribeSignedOut(t *testing.T) {
	s := newSite(t, siteOptions{})
	id, link := newsReader(t, s, "mina@example.com")

	stranger := s.newBrowser()
	page := stranger.get(link)
	if page.Status != http.StatusOK {
		t.Fatalf("opening the link signed out: status %d: %s", page.Status, page.Body)
	}
	mustContain(t, page.Body, "Stop news mail from fanclub?", "m***@example.com", `data-testid="confirm-unsubscribe"`,
		`action="`+strings.TrimPrefix(link, s.URL)+`"`)
	mustNotContain(t, page.Body, "mina@example.com", views.Missing)
	if cc := page.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q; a page about someone's address must not be kept", cc)
	}
	if on, _ := storedNews(t, s, id); !on {
		t.Fatal("opening the link turned news off; only confirming may")
	}
	if stranger.cookie("fanclub_session") != "" {
		t.Error("opening the link started a session: mail scanners would make one per mail")
	}

	for _, try := range []string{"first post", "replayed"} {
		r := oneClick(s, link)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", try, r.Status, r.Body)
		}
		mustContain(t, r.Body, "You won&#39;t get news mail from us any more at m***@example.com.", `href="/settings#mail"`)
		mustNotContain(t, r.Body, "mina@example.com", `data-testid="confirm-unsubscribe"`)
		if on, since := storedNews(t, s, id); on || !since.IsZero() {
			t.Fatalf("%s: news stored %v since %v; want off", try, on, since)
		}
	}
	// Opened again later, the page says it is done and asks nothing.
	page = stranger.get(link)
	mustContain(t, page.Body, `data-testid="unsubscribe-done"`)
	mustNotContain(t, page.Body, `data-testid="confirm-unsubscribe"`)
}

// TestUnsubscribeForged: a link changed in any way, or made from another
// account's pieces, is a 404 that says why, by GET and by POST, and
// changes nobody's news.
func TestUnsubscribeForged(t *testing.T) {
	s := newSite(t, siteOptions{})
	mina, minaLink := newsReader(t, s, "mina@example.com")
	jun, junLink := newsReader(t, s, "jun@example.com")
	base := s.URL + "/unsubscribe/"
	minaID, minaSig, _ := strings.Cut(strings.TrimPrefix(minaLink, base), ".")
	junID, _, _ := strings.Cut(strings.TrimPrefix(junLink, base), ".")

	for _, tt := range []struct{ name, link string }{
		{"signature changed", base + minaID + "." + elFlip(minaSig)},
		{"Jun's id with Mina's signature", base + junID + "." + minaSig},
		{"cut short", minaLink[:len(minaLink)-5]},
		{"no signature", base + minaID},
		{"garbage", base + "hello"},
		{"very long", base + strings.Repeat("a", 500) + "." + minaSig},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []response{s.newBrowser().get(tt.link), oneClick(s, tt.link)} {
				if r.Status != http.StatusNotFound {
					t.Fatalf("status %d, want 404: %s", r.Status, r.Body)
				}
				mustContain(t, r.Body, "This unsubscribe link is not valid")
				mustNotContain(t, r.Body, "@example.com")
			}
			for _, id := range []string{mina, jun} {
				if on, _ := storedNews(t, s, id); !on {
					t.Fatalf("a forged link turned off the news of %s", id)
				}
			}
		})
	}
}

// TestUnsubscribeSpeaksTheirLanguage: the page speaks the language the
// account chose, even to a mail program that names another, else the
// browser's.
func TestUnsubscribeSpeaksTheirLanguage(t *testing.T) {
	s := newSite(t, siteOptions{})
	_, minaLink := newsReader(t, s, "mina@example.com")
	jun, junLink := newsReader(t, s, "jun@example.com")
	if err := s.Auth.UpdateProfile(context.Background(), auth.AccountID(jun), auth.ProfileInput{Name: "Jun", Locale: "ko"}); err != nil {
		t.Fatal(err)
	}
	b := s.newBrowser()
	ask := func(link, lang string) response {
		req, _ := http.NewRequest("GET", link, nil)
		req.Header.Set("Accept-Language", lang)
		return b.do(req, false)
	}
	mustContain(t, ask(minaLink, "ko-KR,ko;q=0.9").Body, `<html lang="ko">`, "fanclub의 소식 메일을 그만 받을까요?")
	mustContain(t, ask(minaLink, "en").Body, `<html lang="en">`, "Stop news mail from fanclub?")
	mustContain(t, ask(junLink, "en").Body, `<html lang="ko">`, "j***@example.com 주소의 링크예요")
	r := oneClick(s, junLink)
	mustContain(t, r.Body, `<html lang="ko">`, "이제 j***@example.com 주소로 소식 메일을 보내지 않아요.")
}

// TestUnsubscribeLeavesCSRFElsewhere: only the unsubscribe post goes
// without a CSRF token; every other form still needs one.
func TestUnsubscribeLeavesCSRFElsewhere(t *testing.T) {
	s := newSite(t, siteOptions{})
	id, _ := newsReader(t, s, "mina@example.com")
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	for _, path := range []string{"/settings/mail", "/signout", "/unsubscribe/x/y"} {
		r := b.postRaw(path, url.Values{"mail": {"none"}}, map[string]string{"Origin": s.URL})
		if r.Status != http.StatusForbidden {
			t.Errorf("POST %s without a token: status %d, want 403", path, r.Status)
		}
	}
	if on, _ := storedNews(t, s, id); !on {
		t.Fatal("a form without a token turned news off")
	}
	if !b.signedIn() {
		t.Fatal("a sign-out without a token signed out")
	}
}
