package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// pgRequest sends method path in language lang (an Accept-Language
// value); a form is posted with a same-origin Origin and sent as given.
func pgRequest(b *browser, method, path string, form url.Values, lang string) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.abs(path), body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.site.URL)
	}
	req.Header.Set("Accept-Language", lang)
	return b.do(req, false)
}

func TestPagesInBothLanguages(t *testing.T) {
	s := newSite(t, siteOptions{})
	visitor := s.newBrowser()
	member := s.newBrowser()
	member.signInByEmailLink(t, s, "mina@example.com")
	if r := visitor.post("/signin/email", url.Values{"email": {"guest@example.com"}}); r.Status != http.StatusOK {
		t.Fatalf("request link: %d", r.Status)
	}
	link, _ := url.Parse(s.Outbox.LinkTo(t, "guest@example.com"))
	visitorToken := visitor.csrf()

	// text is what a page must say, by language.
	type text struct{ en, ko string }
	pages := []struct {
		name       string
		as         *browser
		method     string
		path       string
		form       func(lang string) url.Values
		wantStatus int
		want       text
	}{
		{name: "home", as: visitor, method: "GET", path: "/", wantStatus: http.StatusOK,
			want: text{"Welcome to fanclub", "fanclub에 오신 것을 환영해요"}},
		{name: "member home", as: member, method: "GET", path: "/", wantStatus: http.StatusOK,
			want: text{"Hello, mina", "mina님, 안녕하세요"}},
		{name: "sign in", as: visitor, method: "GET", path: "/signin", wantStatus: http.StatusOK,
			want: text{"Email me a sign-in link", "로그인 링크 받기"}},
		{name: "sign-in link sent", as: visitor, method: "POST", path: "/signin/email", wantStatus: http.StatusOK,
			form: func(lang string) url.Values {
				return url.Values{"_csrf": {visitorToken}, "email": {"sent-" + lang + "@example.com"}}
			},
			want: text{"Check your email", "이메일을 확인해 주세요"}},
		{name: "email link confirm", as: visitor, method: "GET", path: link.RequestURI(), wantStatus: http.StatusOK,
			want: text{"Press the button to sign in on this device.", "버튼을 누르면 이 기기에서 로그인돼요."}},
		{name: "settings", as: member, method: "GET", path: "/settings", wantStatus: http.StatusOK,
			want: text{"Save profile", "프로필 저장"}},
		{name: "delete account, refused to the site's only owner", as: member, method: "GET", path: "/settings/delete", wantStatus: http.StatusOK,
			want: text{"You are the only owner of this site", "이 사이트의 소유자는 나 한 명뿐이라"}},
		{name: "not found", as: visitor, method: "GET", path: "/no-such-page", wantStatus: http.StatusNotFound,
			want: text{"We could not find that page.", "페이지를 찾을 수 없어요."}},
		{name: "CSRF failure", as: member, method: "POST", path: "/settings/profile", wantStatus: http.StatusForbidden,
			form: func(string) url.Values { return url.Values{"_csrf": {"forged"}, "name": {"x"}} },
			want: text{csrfMessage, "양식이 만료되었거나 다른 사이트에서 보낸 요청이에요."}},
		{name: "forbidden", as: visitor, method: "POST", path: "/settings/profile", wantStatus: http.StatusForbidden,
			form: func(string) url.Values { return url.Values{"_csrf": {visitorToken}, "name": {"x"}} },
			want: text{"You are not allowed to do that.", "이 작업을 할 수 있는 권한이 없어요."}},
	}
	for _, lang := range []string{"en", "ko"} {
		for _, p := range pages {
			t.Run(lang+" "+p.name, func(t *testing.T) {
				var form url.Values
				if p.form != nil {
					form = p.form(lang)
				}
				r := pgRequest(p.as, p.method, p.path, form, lang)
				if r.Status != p.wantStatus {
					t.Fatalf("status %d, want %d", r.Status, p.wantStatus)
				}
				want, other := p.want.en, p.want.ko
				if lang == "ko" {
					want, other = other, want
				}
				mustContain(t, r.Body, `<html lang="`+lang+`">`, want)
				mustNotContain(t, r.Body, other, "⟦missing:")
			})
		}
	}
}

func TestPagesPickLanguageFromAcceptLanguage(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	scenarios := []struct{ header, wantLang, want string }{
		{"ko-KR,ko;q=0.9", "ko", "fanclub에 오신 것을 환영해요"},
		{"ko-KR", "ko", "fanclub에 오신 것을 환영해요"},
		{"ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko", "fanclub에 오신 것을 환영해요"},
		{"en-US,en;q=0.9,ko;q=0.8", "en", "Welcome to fanclub"},
		{"fr-FR,ko;q=0.5", "ko", "fanclub에 오신 것을 환영해요"},
		{"fr-FR,fr;q=0.9", "en", "Welcome to fanclub"},
	}
	for _, sc := range scenarios {
		t.Run(sc.header, func(t *testing.T) {
			r := pgRequest(b, "GET", "/", nil, sc.header)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			mustContain(t, r.Body, `<html lang="`+sc.wantLang+`">`, sc.want)
		})
	}
}

func TestPagesLanguageSwitcherStaysOnSite(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	for _, path := range []string{"/signin?lang=ko", "//evil.example?lang=ko", "/%2Fevil.example?lang=ko", "/\\evil.example?lang=ko"} {
		t.Run(path, func(t *testing.T) {
			r := b.get(path)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("status %d", r.Status)
			}
			if !strings.HasPrefix(r.Location, "/") || strings.HasPrefix(r.Location, "//") || strings.HasPrefix(r.Location, "/\\") {
				t.Fatalf("redirects off the site to %q", r.Location)
			}
		})
	}
}

func TestPagesSecurityHeaders(t *testing.T) {
	s := newSite(t, siteOptions{})
	for _, path := range []string{"/", "/signin", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			r := s.newBrowser().get(path)
			csp := r.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") ||
				!strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if got := r.Header.Get("Referrer-Policy"); got != "same-origin" {
				t.Errorf("Referrer-Policy %q", got)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := r.Header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("Strict-Transport-Security %q on a plain-http site", got)
			}
			mustNotContain(t, r.Body, "<script>", " style=\"")
		})
	}
}

func TestPagesHealthAndReadiness(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	for _, sc := range []struct{ path, want string }{{"/healthz", "ok"}, {"/readyz", "ok"}} {
		t.Run(sc.path, func(t *testing.T) {
			r := b.get(sc.path)
			if r.Status != http.StatusOK || strings.TrimSpace(r.Body) != sc.want {
				t.Fatalf("status %d body %q", r.Status, r.Body)
			}
		})
	}
	if b.cookie("fanclub_session") != "" {
		t.Error("a probe started a session")
	}
}

var pgStylesheetRE = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`)

func TestPagesStylesheet(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	m := pgStylesheetRE.FindStringSubmatch(b.get("/").Body)
	if m == nil {
		t.Fatal("the page links no stylesheet")
	}
	href := strings.ReplaceAll(m[1], "&amp;", "&")
	r := b.get(href)
	if r.Status != http.StatusOK {
		t.Fatalf("%s: status %d", href, r.Status)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("Cache-Control %q", cc)
	}
	if len(r.Body) == 0 {
		t.Error("empty stylesheet")
	}
	if r := b.get("/assets/no-such.css"); r.Status != http.StatusNotFound {
		t.Errorf("unknown asset: status %d", r.Status)
	}
}

func TestPagesUnknownProvider(t *testing.T) {
	s := newSite(t, siteOptions{})
	for _, lang := range []struct{ header, want string }{
		{"en", "That sign-in method is not available."},
		{"ko", "사용할 수 없는 로그인 방법이에요."},
	} {
		t.Run(lang.header, func(t *testing.T) {
			r := pgRequest(s.newBrowser(), "GET", "/auth/nope", nil, lang.header)
			if r.Status != http.StatusNotFound {
				t.Fatalf("status %d", r.Status)
			}
			mustContain(t, r.Body, `data-testid="error-message"`, lang.want, `href="/signin"`)
			mustNotContain(t, r.Body, "⟦missing:")
		})
	}
}

var pgSwitchToKoreanRE = regexp.MustCompile(`<a href="([^"]*)" lang="ko"`)

func TestPagesLanguageSwitcherOnEmailLinkPage(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	if r := b.post("/signin/email", url.Values{"email": {"mina@example.com"}}); r.Status != http.StatusOK {
		t.Fatalf("request link: %d", r.Status)
	}
	link := s.Outbox.LinkTo(t, "mina@example.com")
	page := b.get(link)
	m := pgSwitchToKoreanRE.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no switch to Korean on the page")
	}
	korean := b.follow(strings.ReplaceAll(m[1], "&amp;", "&"))
	mustContain(t, korean.Body, `<html lang="ko">`, "로그인 완료하기")
	token := regexp.MustCompile(`name="token" value="([^"]*)"`).FindStringSubmatch(korean.Body)
	if token == nil || token[1] == "" {
		t.Fatalf("switching language lost the link's token (switcher href %q)", m[1])
	}
	r := b.post("/signin/link", url.Values{"token": {token[1]}})
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("confirm after switching: %d: %s", r.Status, r.Body)
	}
}
