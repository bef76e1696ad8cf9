package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
