package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// csrfMessage is the start of the English "error.csrf" text.
const csrfMessage = "This form expired or came from another site."

func TestCSRFRefusesForgedProfileChanges(t *testing.T) {
	s := newSite(t, siteOptions{})
	mina := s.newBrowser()
	mina.signInByEmailLink(t, s, "mina@example.com")
	token := mina.csrf()
	eve := s.newBrowser()
	eve.signInByEmailLink(t, s, "eve@example.com")
	evesToken := eve.csrf()
	if evesToken == token {
		t.Fatal("two sessions share a CSRF token")
	}

	rename := func(csrf string) url.Values {
		f := url.Values{"name": {"Hacked Name"}, "locale": {""}}
		if csrf != "" {
			f.Set("_csrf", csrf)
		}
		return f
	}
	scenarios := []struct {
		name    string
		form    url.Values
		headers map[string]string
	}{
		{name: "no token", form: rename(""),
			headers: map[string]string{"Origin": s.URL}},
		{name: "forged token", form: rename("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
			headers: map[string]string{"Origin": s.URL}},
		{name: "another session's valid token", form: rename(evesToken),
			headers: map[string]string{"Origin": s.URL}},
		{name: "right token from a foreign Origin", form: rename(token),
			headers: map[string]string{"Origin": "https://evil.example"}},
		{name: "right token, no Origin, foreign Referer", form: rename(token),
			headers: map[string]string{"Referer": "https://evil.example/x"}},
		{name: "right token, Sec-Fetch-Site cross-site", form: rename(token),
			headers: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{name: "right token in the header from a foreign Origin", form: url.Values{"name": {"Hacked Name"}},
			headers: map[string]string{"X-CSRF-Token": token, "Origin": "https://evil.example"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := mina.postRaw("/settings/profile", sc.form, sc.headers)
			if r.Status != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %s", r.Status, r.Body)
			}
			mustContain(t, r.Body, csrfMessage, `data-testid="error-message"`)
			if n := s.count("accounts", bson.M{"email": "mina@example.com", "name": "mina"}); n != 1 {
				t.Fatal("the name in the database changed")
			}
			if n := s.count("accounts", bson.M{"name": "Hacked Name"}); n != 0 {
				t.Fatal("a forged request renamed an account")
			}
		})
	}

	t.Run("signed out with no session at all, nothing is mailed", func(t *testing.T) {
		stranger := s.newBrowser()
		before := len(s.Outbox.Mails())
		r := stranger.postRaw("/signin/email", url.Values{"email": {"victim@example.com"}, "_csrf": {token}},
			map[string]string{"Origin": s.URL})
		if r.Status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.Status)
		}
		mustContain(t, r.Body, csrfMessage)
		if after := len(s.Outbox.Mails()); after != before {
			t.Fatalf("%d mails sent", after-before)
		}
		if n := s.count("email_links", bson.M{"email": "victim@example.com"}); n != 0 {
			t.Fatal("a sign-in link was stored")
		}
	})

	t.Run("the right token from this site is accepted", func(t *testing.T) {
		r := mina.postRaw("/settings/profile", url.Values{"_csrf": {token}, "name": {"Mina Kim"}},
			map[string]string{"Origin": s.URL, "Referer": s.URL + "/settings", "Sec-Fetch-Site": "same-origin"})
		if r.Status != http.StatusSeeOther || r.Location != "/settings" {
			t.Fatalf("status %d to %q: %s", r.Status, r.Location, r.Body)
		}
		if n := s.count("accounts", bson.M{"email": "mina@example.com", "name": "Mina Kim"}); n != 1 {
			t.Fatal("the name was not saved")
		}
		mustContain(t, mina.get("/settings").Body, `value="Mina Kim"`)
	})
}

// csrfProxyBrowser is a browser talking to https://club.test through a
// TLS-terminating proxy on loopback: every request carries the proxy's
// X-Forwarded-* headers. It keeps cookies itself, because the hop it
// stands for is https, where a browser sends Secure cookies; a cookie jar
// would withhold them from the plain-http listener behind the proxy.
type csrfProxyBrowser struct {
	t       *testing.T
	site    *site
	client  *http.Client
	cookies map[string]*http.Cookie
	set     map[string]*http.Cookie // every cookie as last set by the site
}

func csrfNewProxyBrowser(t *testing.T, s *site) *csrfProxyBrowser {
	return &csrfProxyBrowser{t: t, site: s, cookies: map[string]*http.Cookie{}, set: map[string]*http.Cookie{},
		client: &http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *csrfProxyBrowser) do(method, path string, form url.Values, headers map[string]string) response {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, p.site.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("Accept-Language", "en")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	for _, c := range p.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		p.set[c.Name] = c
		if c.MaxAge < 0 || c.Value == "" {
			delete(p.cookies, c.Name)
		} else {
			p.cookies[c.Name] = c
		}
	}
	return response{Status: res.StatusCode, Location: res.Header.Get("Location"), Body: string(b), Header: res.Header}
}

func csrfTokenIn(t *testing.T, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the page")
	}
	return m[1]
}

func TestCSRFBehindTLSProxy(t *testing.T) {
	const public = "https://club.test"
	s := newSite(t, siteOptions{baseURL: public, trustedProxies: []string{"127.0.0.1"}})
	p := csrfNewProxyBrowser(t, s)
	fromSite := map[string]string{"Origin": public, "Referer": public + "/settings"}

	signin := p.do("GET", "/signin", nil, nil)
	if signin.Status != http.StatusOK {
		t.Fatalf("sign-in page: %d", signin.Status)
	}
	if hsts := signin.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q", hsts)
	}
	r := p.do("POST", "/signin/email", url.Values{"_csrf": {csrfTokenIn(t, signin.Body)}, "email": {"mina@example.com"}},
		map[string]string{"Origin": public, "Referer": public + "/signin"})
	if r.Status != http.StatusOK {
		t.Fatalf("request link: %d: %s", r.Status, r.Body)
	}
	link := s.Outbox.LinkTo(t, "mina@example.com")
	if !strings.HasPrefix(link, public+"/signin/link?token=") {
		t.Fatalf("mailed link %q is not on the public URL", link)
	}
	confirm := p.do("GET", strings.TrimPrefix(link, public), nil, nil)
	if confirm.Status != http.StatusOK {
		t.Fatalf("open link: %d", confirm.Status)
	}
	u, _ := url.Parse(link)
	r = p.do("POST", "/signin/link", url.Values{"_csrf": {csrfTokenIn(t, confirm.Body)}, "token": {u.Query().Get("token")}},
		map[string]string{"Origin": public})
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("confirm link: %d to %q: %s", r.Status, r.Location, r.Body)
	}

	t.Run("the session cookie is Secure and HttpOnly", func(t *testing.T) {
		c := p.set["fanclub_session"]
		if c == nil || c.Value == "" {
			t.Fatal("no session cookie was set at sign-in")
		}
		if !c.Secure || !c.HttpOnly {
			t.Fatalf("session cookie Secure=%v HttpOnly=%v", c.Secure, c.HttpOnly)
		}
	})

	t.Run("a form posted from the public origin is accepted", func(t *testing.T) {
		page := p.do("GET", "/settings", nil, nil)
		if page.Status != http.StatusOK {
			t.Fatalf("settings: %d", page.Status)
		}
		if page.Header.Get("Strict-Transport-Security") == "" {
			t.Error("no Strict-Transport-Security on the settings page")
		}
		r := p.do("POST", "/settings/profile", url.Values{"_csrf": {csrfTokenIn(t, page.Body)}, "name": {"Mina Behind Proxy"}}, fromSite)
		if r.Status != http.StatusSeeOther || r.Location != "/settings" {
			t.Fatalf("status %d to %q: %s", r.Status, r.Location, r.Body)
		}
		if r.Header.Get("Strict-Transport-Security") == "" {
			t.Error("no Strict-Transport-Security on the redirect")
		}
		if n := s.count("accounts", bson.M{"email": "mina@example.com", "name": "Mina Behind Proxy"}); n != 1 {
			t.Fatal("the change was not saved")
		}
		mustContain(t, p.do("GET", "/settings", nil, nil).Body, "Your profile was saved.", `value="Mina Behind Proxy"`)
	})

	t.Run("the listener's own origin is foreign to the public site", func(t *testing.T) {
		page := p.do("GET", "/settings", nil, nil)
		r := p.do("POST", "/settings/profile", url.Values{"_csrf": {csrfTokenIn(t, page.Body)}, "name": {"Wrong Origin"}},
			map[string]string{"Origin": s.URL})
		if r.Status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.Status)
		}
		// The site itself, opened at another address: the page says where it lives.
		mustContain(t, r.Body, "This site is set up for "+public+", but this page was opened at "+s.URL)
		if n := s.count("accounts", bson.M{"name": "Wrong Origin"}); n != 0 {
			t.Fatal("the change was saved")
		}
	})
}

// TestCSRFTokenDiffersOnEveryPage: compressed pages that also reflect the
// URL must not carry a fixed secret (BREACH), so each page carries the
// session's token under a fresh mask: never the stored token, never the
// same twice, and each one accepted; a masked token of another session,
// or one with a bit flipped, is refused.
func TestCSRFTokenDiffersOnEveryPage(t *testing.T) {
	s := newSite(t, siteOptions{})
	mina := s.newBrowser()
	mina.signInByEmailLink(t, s, "mina@example.com")
	var stored struct {
		CSRF string `bson:"csrf"`
	}
	if err := s.DB.Collection("sessions").FindOne(t.Context(), bson.M{"accountId": s.accountOf(t, "mina@example.com")}).Decode(&stored); err != nil {
		t.Fatal(err)
	}
	first, second := mina.csrf(), mina.csrf()
	if first == second || first == stored.CSRF || strings.Contains(mina.get("/settings").Body, stored.CSRF) {
		t.Fatalf("pages carry a fixed token: %q, %q (stored %q)", first, second, stored.CSRF)
	}
	eve := s.newBrowser()
	eve.signInByEmailLink(t, s, "eve@example.com")
	// The first character: all six of its bits count, while the last
	// one of unpadded base64 may carry unused bits, and flipping only
	// those would leave the token as it was.
	flipped := []byte(second)
	if flipped[0] == 'A' {
		flipped[0] = 'B'
	} else {
		flipped[0] = 'A'
	}
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"the first page's token", first, http.StatusSeeOther},
		{"the second page's token", second, http.StatusSeeOther},
		{"another session's masked token", eve.csrf(), http.StatusForbidden},
		{"a token with a bit flipped", string(flipped), http.StatusForbidden},
	} {
		r := mina.postRaw("/settings/profile", url.Values{"name": {"Mina"}, "locale": {""}, "_csrf": {tc.token}},
			map[string]string{"Origin": s.URL})
		if r.Status != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, r.Status, tc.want)
		}
	}
}
