package views

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"fanclub/auth"
)

// TestPagesRender renders every page, signed in and out, in every
// language, and checks what a reviewer would otherwise check by eye: no
// missing text, one h1, no inline styles or scripts (the CSP forbids them).
func TestPagesRender(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	viewer := &auth.Account{ID: "a1", Name: "Mina"}
	linked := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	ids := []auth.Identity{
		{ID: "google:1", Provider: "google", Email: "mina@example.com", EmailVerified: true, LinkedAt: linked},
		{ID: "kakao:2", Provider: "kakao", LinkedAt: linked},
	}
	for _, l := range Locales {
		out := Chrome{Locale: l, Path: "/"}
		in := Chrome{Locale: l, Path: "/settings", Viewer: viewer, CSRF: "tok", Flash: Flash{Kind: "ok", Key: "flash.profile_saved"}}
		pages := map[string]templ.Component{
			"home out": HomePage(Home{Chrome: out}),
			"home in":  HomePage(Home{Chrome: in}),
			"signin": SignInPage(SignIn{Chrome: out, Email: "x@", Providers: []auth.ProviderInfo{{ID: "google", Name: "Google"}},
				Errors: map[string]string{"email": "validation.email.invalid", "form": "signin.error.bad_state"}}),
			"sent": SignInSentPage(SignInSent{Chrome: out, Email: "mina@example.com"}),
			"link": EmailLinkPage(EmailLink{Chrome: out, Token: "t"}),
			"settings": SettingsPage(Settings{Chrome: in, Identities: ids, EmailSent: "m@example.com",
				Linkable: []auth.ProviderInfo{{ID: "github", Name: "GitHub"}},
				Profile:  ProfileForm{Name: "Mina", AvatarURL: "https://img.example/a.png", AvatarChoices: []string{"https://img.example/a.png"}, BirthMonth: "05"},
				Errors:   map[string]string{"name": "validation.name.too_long", "birthday": "validation.birthday.invalid"}}),
			"settings one": SettingsPage(Settings{Chrome: in, Identities: ids[:1]}),
			"delete":       DeleteAccountPage(DeleteAccount{Chrome: in, Errors: map[string]string{"confirm": "validation.confirm.required"}}),
			"error":        ErrorPage(Error{Chrome: out, Status: 404, Key: "error.404", Retry: "/signin"}),
		}
		for name, page := range pages {
			var b strings.Builder
			if err := page.Render(cs.WithLocale(context.Background(), l), &b); err != nil {
				t.Fatalf("%s/%s: %v", l, name, err)
			}
			html := b.String()
			for _, bad := range []string{Missing, " style="} {
				if strings.Contains(html, bad) {
					t.Errorf("%s/%s contains %q", l, name, bad)
				}
			}
			// Scripts come from our own files only: the CSP forbids inline ones.
			if strings.Count(html, "<script") != strings.Count(html, `<script src="/assets/`) {
				t.Errorf("%s/%s has an inline script", l, name)
			}
			if n := strings.Count(html, "<h1"); n != 1 {
				t.Errorf("%s/%s has %d h1 elements, want 1", l, name, n)
			}
		}
	}
}
