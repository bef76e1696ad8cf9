package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
)

// TestDisplayNameRules: settings refuse a name with a control character
// or a direction override, or with nothing visible, with the message in
// the page in the viewer's language and the name as typed; a provider's
// name with them is cleaned at sign-up instead.
func TestDisplayNameRules(t *testing.T) {
	s := newSite(t, siteOptions{})
	mina := s.signUp(t, "mina@example.com")
	for _, tc := range []struct{ name, typed, en, ko string }{
		{"override", "nimdA \u202e운영팀", "characters that change the direction of text", "글의 방향을 바꾸는 문자"},
		{"isolate", "Mina\u2066", "characters that change the direction of text", "글의 방향을 바꾸는 문자"},
		{"control", "Mina\x07", "can’t contain control characters", "제어 문자"},
		{"zero-width only", "\u200b\u200d", "at least one visible character", "눈에 보이는 글자"},
		{"Hangul filler", "\u3164", "at least one visible character", "눈에 보이는 글자"},
	} {
		for _, lang := range []string{"en", "ko"} {
			mina.follow("/settings?lang=" + lang)
			r := setPost(mina.browser, "/settings/profile", url.Values{"name": {tc.typed}}, nil)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s (%s): %d", tc.name, lang, r.Status)
			}
			want := map[string]string{"en": tc.en, "ko": tc.ko}[lang]
			mustContain(t, r.Body, `data-testid="error-name"`, want, `value="`+tc.typed+`"`)
			mustNotContain(t, r.Body, "⟦missing")
		}
	}
	if got := setAccountByID(t, s, string(mina.ID)).Name; got != "mina" {
		t.Errorf("a refused name was saved: %q", got)
	}

	b := s.newBrowser()
	r := b.signInOIDC(&mockoidc.MockUser{Subject: "impostor", Email: "imp@example.com", EmailVerified: true,
		PreferredUsername: "\u202e운영팀 Admin\u200b"}, "")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", r.Status, r.Body)
	}
	mustContain(t, b.get("/settings").Body, `value="운영팀 Admin"`)
}
