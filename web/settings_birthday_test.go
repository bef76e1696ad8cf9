package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestSettingsBirthdayOnceAYear: the first birthday entered is saved;
// another date within the year is refused with 422, the message in the
// member's language and what they typed kept, the saved date untouched;
// a year later it may change. The page says the rules near the field.
func TestSettingsBirthdayOnceAYear(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	profile := func(month, day string) url.Values {
		return url.Values{"name": {"Mina"}, "locale": {""}, "birth_month": {month}, "birth_day": {day}}
	}

	mustContain(t, b.get("/settings").Body, `data-testid="birthday-rules"`, "It can be changed once a year.",
		"within the 30 days before it is celebrated from next year")
	if r := setPost(b, "/settings/profile", profile("5", "20"), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("first entry: %d: %s", r.Status, r.Body)
	}
	page := b.get("/settings").Body
	mustContain(t, page, `data-testid="birthday-locked"`, "You can change it to another date from")
	if r := setPost(b, "/settings/profile", profile("5", "20"), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("saving the same date: %d: %s", r.Status, r.Body)
	}

	s.Clock.Advance(20 * 24 * time.Hour) // within the session's life
	for _, tc := range []struct{ lang, message string }{
		{"en", "it can be changed only once a year"},
		{"ko", "생일은 1년에 한 번만 바꿀 수 있어요"},
	} {
		r := setPost(b, "/settings/profile", profile("4", "1"), map[string]string{"Accept-Language": tc.lang})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: a change within the year: %d, want 422", tc.lang, r.Status)
		}
		mustContain(t, r.Body, `data-testid="error-birthday"`, tc.message, `<option value="4" selected>`,
			`<option value="1" selected>`, `aria-describedby="birthday-hint birthday-rules error-birthday"`)
	}
	if got := setAccountOf(t, s, "mina@example.com"); got.BirthMonth != 5 || got.BirthDay != 20 {
		t.Fatalf("stored %d/%d after a refused change, want 5/20", got.BirthMonth, got.BirthDay)
	}

	s.Clock.Advance(345 * 24 * time.Hour) // a year after the first entry
	b = s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	if r := setPost(b, "/settings/profile", profile("4", "1"), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("a change a year later: %d: %s", r.Status, r.Body)
	}
	if got := setAccountOf(t, s, "mina@example.com"); got.BirthMonth != 4 || got.BirthDay != 1 {
		t.Fatalf("stored %d/%d, want 4/1", got.BirthMonth, got.BirthDay)
	}
}
