package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fanclub/community"
)

// TestFormFromAnotherAddress opens the site at an address other than the
// one it is set up for (FANCLUB_BASE_URL): a form sent from there is
// refused with a page that says where the site lives and how to change
// that, in the viewer's language, and the log says so once. A form forged
// on another site still gets the plain refusal.
func TestFormFromAnotherAddress(t *testing.T) {
	const base = "http://club.example.com"
	s := newSite(t, siteOptions{baseURL: base})
	b := s.newBrowser()
	form := func() url.Values { return url.Values{"_csrf": {b.csrf()}, "email": {"mina@example.com"}} }

	r := b.postRaw("/signin/email", form(), map[string]string{"Origin": s.URL, "Referer": s.URL + "/signin?next=%2Fgroups"})
	if r.Status != http.StatusForbidden {
		t.Fatalf("status %d, want 403: %s", r.Status, r.Body)
	}
	mustContain(t, r.Body, "This site is set up for "+base+", but this page was opened at "+s.URL,
		`href="`+base+`/signin?next=%2Fgroups"`, "Go to "+base, "FANCLUB_BASE_URL="+s.URL)
	mustNotContain(t, r.Body, csrfMessage)

	r = b.postRaw("/signin/email", form(), map[string]string{"Origin": s.URL, "Sec-Fetch-Site": "same-origin", "Accept-Language": "ko"})
	if r.Status != http.StatusForbidden {
		t.Fatalf("status %d, want 403", r.Status)
	}
	mustContain(t, r.Body, "이 사이트는 "+base+" 주소로 설정되어 있는데", `href="`+base+`/"`, "FANCLUB_BASE_URL="+s.URL)

	for name, h := range map[string]map[string]string{
		"a foreign Origin":             {"Origin": "https://evil.example"},
		"a foreign Referer":            {"Referer": "https://evil.example/x"},
		"this address, but cross-site": {"Origin": s.URL, "Sec-Fetch-Site": "cross-site"},
		"a foreign Origin, same-site":  {"Origin": "http://evil.club.example.com", "Sec-Fetch-Site": "same-site"},
	} {
		r := b.postRaw("/signin/email", form(), h)
		if r.Status != http.StatusForbidden {
			t.Fatalf("%s: status %d, want 403", name, r.Status)
		}
		mustContain(t, r.Body, csrfMessage)
		mustNotContain(t, r.Body, "FANCLUB_BASE_URL")
	}

	if mails := s.Outbox.Mails(); len(mails) != 0 {
		t.Errorf("a refused form sent mail: %+v", mails)
	}
	if n := strings.Count(s.Outbox.String(), "opened at another address"); n != 1 {
		t.Errorf("the log tells of the other address %d times, want once:\n%s", n, s.Outbox)
	}
	mustContain(t, s.Outbox.String(), `"url":"`+base+`"`, `"opened_at":"`+s.URL+`"`, "FANCLUB_BASE_URL")
}

// TestPagesAndStylesAreCompressed asks for a page and the style sheet
// as a browser does, accepting gzip: both come compressed, decompress to
// what an uncompressed request gets, and the style sheet keeps its
// year-long caching.
func TestPagesAndStylesAreCompressed(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	get := func(path, encoding string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Header.Set("Accept-Encoding", encoding) // set by hand, so the client leaves the body as sent
		res, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}
	css := regexp.MustCompile(`/assets/app\.css\?v=[0-9a-f]+`).FindString(b.get("/signin").Body)
	if css == "" {
		t.Fatal("no style sheet linked from /signin")
	}
	for _, path := range []string{"/signin", css} {
		plainRes, plain := get(path, "identity")
		res, zipped := get(path, "gzip, deflate, br;q=0")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: status %d, Content-Encoding %q, want gzip", path, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q lacks Accept-Encoding: a cache would hand gzip to a client that cannot read it", path, res.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(zipped) >= len(plain) || plainRes.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: %d bytes gzipped, %d plain (encoding %q)", path, len(zipped), len(plain), plainRes.Header.Get("Content-Encoding"))
		}
		if path == css {
			if !bytes.Equal(unzipped, plain) {
				t.Errorf("%s: the gzipped style sheet differs from the plain one", path)
			}
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
				t.Errorf("%s: Cache-Control %q, want the year-long immutable caching kept", path, cc)
			}
		} else {
			mustContain(t, string(unzipped), "<html", `name="_csrf"`, "</html>")
		}
	}
}

// TestStandingSecretsGoOutUncompressed: My events shows the calendar
// feed's secret address, the same on every visit, and a new invite link
// shows its token; compressed beside text an attacker can put in the URL,
// their size would leak them (BREACH), so those answers alone are sent as
// they are, while others are compressed.
func TestStandingSecretsGoOutUncompressed(t *testing.T) {
	s := newSite(t, crowd())
	b := s.signUp(t, "mina@example.com")
	s.newGroup(t, b, community.GroupInput{Slug: "secret", Name: "Secret", Visibility: community.Unlisted, Policy: community.JoinInvite})
	link := b.postRaw("/groups/secret/invites?x=invite%2F", url.Values{"uses": {"5"}, "days": {"7"}, "_csrf": {b.csrf()}},
		map[string]string{"Origin": s.URL, "Accept-Encoding": "gzip"})
	if link.Status != http.StatusCreated || link.Header.Get("Content-Encoding") != "" || !strings.Contains(link.Body, "/invite/") {
		t.Errorf("a new invite link: %d, Content-Encoding %q", link.Status, link.Header.Get("Content-Encoding"))
	}
	for _, tc := range []struct {
		path, encoding string
	}{{"/events?x=calendar%2F", ""}, {"/settings?x=calendar%2F", "gzip"}} {
		req, _ := http.NewRequest("GET", s.URL+tc.path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != tc.encoding {
			t.Errorf("%s: %d, Content-Encoding %q, want %q", tc.path, res.StatusCode, res.Header.Get("Content-Encoding"), tc.encoding)
		}
		if tc.encoding == "" {
			mustContain(t, string(body), `data-testid="feed-url"`, "/calendar/")
		}
	}
}
