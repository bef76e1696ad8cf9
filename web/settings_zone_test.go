package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestSettingsTimeZone saves a time zone through the profile form, sees it
// chosen on the page and in the data export, and gets a refused one back
// as typed, with the message in the page's language.
func TestSettingsTimeZone(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	mustContain(t, b.get("/settings").Body, `<label for="time_zone">Time zone</label>`,
		`<option value="" selected>Automatic (from this browser)</option>`, `<option value="Asia/Seoul">Asia/Seoul</option>`)

	save := func(zone, lang string) response {
		t.Helper()
		return setPost(b, "/settings/profile", url.Values{"name": {"Mina"}, "time_zone": {zone}},
			map[string]string{"Accept-Language": lang})
	}
	if r := save("America/New_York", "en"); r.Status != http.StatusSeeOther {
		t.Fatalf("save: status %d: %s", r.Status, r.Body)
	}
	mustContain(t, b.get("/settings").Body, `<option value="America/New_York" selected>America/New_York</option>`,
		`<option value="">Automatic (from this browser)</option>`)
	if got := storedZone(t, s, "mina@example.com"); got != "America/New_York" {
		t.Fatalf("stored zone %q", got)
	}
	mustContain(t, b.get("/settings/export").Body, `"TimeZone":"America/New_York"`)

	refused := []struct{ name, zone, lang, message string }{
		{"unknown zone, in Korean", "Mars/Olympus_Mons", "ko", "목록에 있는 시간대 중에서 골라 주세요."},
		{"the server's zone", "Local", "en", "Choose one of the time zones in the list."},
	}
	for _, sc := range refused {
		t.Run(sc.name, func(t *testing.T) {
			r := save(sc.zone, sc.lang)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			mustContain(t, r.Body, `<html lang="`+sc.lang+`">`, `data-testid="error-time_zone"`, sc.message,
				`<option value="`+sc.zone+`" selected>`, `aria-describedby="time_zone-hint error-time_zone"`)
			mustNotContain(t, r.Body, `<option value="America/New_York" selected>`, "⟦missing:")
			if got := storedZone(t, s, "mina@example.com"); got != "America/New_York" {
				t.Fatalf("stored zone %q, want America/New_York kept", got)
			}
		})
	}

	t.Run("a zone not in the list stays chosen", func(t *testing.T) {
		if r := save("Africa/Nairobi", "en"); r.Status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		mustContain(t, b.get("/settings").Body, `<option value="Africa/Nairobi" selected>Africa/Nairobi</option>`)
	})

	t.Run("automatic clears it", func(t *testing.T) {
		if r := save("", "en"); r.Status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		if got := storedZone(t, s, "mina@example.com"); got != "" {
			t.Fatalf("stored zone %q, want none", got)
		}
		mustContain(t, b.get("/settings").Body, `<option value="" selected>Automatic (from this browser)</option>`)
	})
}

// storedZone is the time zone on the account that signs in with email.
func storedZone(t *testing.T, s *site, email string) string {
	t.Helper()
	return setAccountOf(t, s, email).TimeZone
}
