package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
	"go.mongodb.org/mongo-driver/bson"

	"fanclub/views"
)

// setProfile is the profile part of an account document as stored.
type setProfile struct {
	ID         string `bson:"_id"`
	Name       string `bson:"name"`
	Email      string `bson:"email"`
	AvatarURL  string `bson:"avatarUrl"`
	Locale     string `bson:"locale"`
	TimeZone   string `bson:"timeZone"`
	BirthMonth int    `bson:"birthMonth"`
	BirthDay   int    `bson:"birthDay"`
}

// setAccountOf returns the stored account that signs in with the email
// link for email, found through that identity.
func setAccountOf(t *testing.T, s *site, email string) setProfile {
	t.Helper()
	var id struct {
		AccountID string `bson:"accountId"`
	}
	if err := s.DB.Collection("identities").FindOne(context.Background(), bson.M{"_id": "email:" + email}).Decode(&id); err != nil {
		t.Fatalf("identity of %s: %v", email, err)
	}
	return setAccountByID(t, s, id.AccountID)
}

func setAccountByID(t *testing.T, s *site, id string) setProfile {
	t.Helper()
	var p setProfile
	if err := s.DB.Collection("accounts").FindOne(context.Background(), bson.M{"_id": id}).Decode(&p); err != nil {
		t.Fatalf("account %s: %v", id, err)
	}
	return p
}

// setPost posts form from the settings page as a browser would, with the
// session's token, a same-origin Origin and any extra headers.
func setPost(b *browser, path string, form url.Values, headers map[string]string) response {
	b.t.Helper()
	form.Set("_csrf", b.csrf())
	h := map[string]string{"Origin": b.site.URL, "Referer": b.site.URL + "/settings"}
	for k, v := range headers {
		h[k] = v
	}
	return b.postRaw(path, form, h)
}

func TestSettingsSaveProfile(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")

	r := setPost(b, "/settings/profile", url.Values{"name": {"  Mina Park  "}, "locale": {"en"},
		"birth_month": {"2"}, "birth_day": {"29"}, "avatar": {""}}, nil)
	if r.Status != http.StatusSeeOther || r.Location != "/settings" {
		t.Fatalf("status %d to %q: %s", r.Status, r.Location, r.Body)
	}
	page := b.get("/settings")
	if page.Status != http.StatusOK {
		t.Fatalf("settings: %d", page.Status)
	}
	mustContain(t, page.Body, `data-testid="flash"`, "Your profile was saved.", `value="Mina Park"`,
		`<option value="2" selected>`, `<option value="29" selected>`, `value="en" lang="en" selected`)
	mustNotContain(t, b.get("/settings").Body, "Your profile was saved.") // a flash shows once

	got := setAccountOf(t, s, "mina@example.com")
	want := setProfile{ID: got.ID, Name: "Mina Park", Email: "mina@example.com", Locale: "en", BirthMonth: 2, BirthDay: 29}
	if got != want {
		t.Fatalf("stored %+v, want %+v", got, want)
	}

	t.Run("clearing the birthday and language", func(t *testing.T) {
		r := setPost(b, "/settings/profile", url.Values{"name": {"Mina Park"}, "locale": {""},
			"birth_month": {""}, "birth_day": {""}}, nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		got := setAccountOf(t, s, "mina@example.com")
		if got.Locale != "" || got.BirthMonth != 0 || got.BirthDay != 0 {
			t.Fatalf("stored %+v", got)
		}
	})
}

func TestSettingsProfileValidation(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	before := setAccountOf(t, s, "mina@example.com")
	longName := strings.Repeat("가", 61)

	scenarios := []struct {
		name    string
		form    url.Values
		lang    string
		want    []string
		wantNot []string
	}{
		{name: "empty name", form: url.Values{"name": {"   "}, "locale": {"en"}, "birth_month": {"3"}, "birth_day": {"14"}},
			want: []string{`data-testid="error-name"`, "Enter a display name.", `aria-invalid="true"`,
				`<option value="3" selected>`, `<option value="14" selected>`, `value="en" lang="en" selected`}},
		{name: "empty name, in Korean", form: url.Values{"name": {""}, "birth_month": {"7"}, "birth_day": {"1"}}, lang: "ko",
			want:    []string{`<html lang="ko">`, "표시 이름을 입력해 주세요.", `<option value="7" selected>`, `<option value="1" selected>`},
			wantNot: []string{"Enter a display name."}},
		{name: "61-character name", form: url.Values{"name": {longName}},
			want: []string{`data-testid="error-name"`, "Your name can be at most 60 characters.", `value="` + longName + `"`}},
		{name: "unknown language", form: url.Values{"name": {"Mina Typed"}, "locale": {"fr"}},
			want: []string{`data-testid="error-locale"`, "Choose one of the languages in the list.", `value="Mina Typed"`}},
		{name: "31 April", form: url.Values{"name": {"Mina Typed"}, "birth_month": {"4"}, "birth_day": {"31"}},
			want: []string{`data-testid="error-birthday"`, "Choose a real date, or leave both month and day empty.",
				`<option value="4" selected>`, `<option value="31" selected>`, `value="Mina Typed"`}},
		{name: "month without a day", form: url.Values{"name": {"Mina Typed"}, "birth_month": {"6"}, "birth_day": {""}},
			want: []string{`data-testid="error-birthday"`, "Choose a real date, or leave both month and day empty.",
				`<option value="6" selected>`, `value="Mina Typed"`}},
		{name: "avatar from no provider", form: url.Values{"name": {"Mina Typed"}, "avatar": {"https://evil.example/me.png"}},
			want:    []string{`data-testid="error-avatar"`, "Choose one of the pictures shown.", `value="Mina Typed"`},
			wantNot: []string{"evil.example"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			lang := sc.lang
			if lang == "" {
				lang = "en"
			}
			r := setPost(b, "/settings/profile", sc.form, map[string]string{"Accept-Language": lang})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			mustContain(t, r.Body, sc.want...)
			mustNotContain(t, r.Body, append(sc.wantNot, "Your profile was saved.", "⟦missing:")...)
			if after := setAccountOf(t, s, "mina@example.com"); after != before {
				t.Fatalf("stored %+v, want unchanged %+v", after, before)
			}
		})
	}
}

func TestSettingsLanguage(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	if r := setPost(b, "/settings/profile", url.Values{"name": {"Mina"}, "locale": {"ko"}}, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save locale: %d: %s", r.Status, r.Body)
	}

	t.Run("the account's language beats Accept-Language", func(t *testing.T) {
		page := b.get("/settings") // Accept-Language: en
		mustContain(t, page.Body, `<html lang="ko">`, "<h1>설정</h1>", "프로필을 저장했어요.")
		mustNotContain(t, page.Body, "<h1>Settings</h1>")
	})

	t.Run("the switcher redirects to the same page and remembers the choice", func(t *testing.T) {
		r := b.get("/settings?lang=en")
		if r.Status != http.StatusSeeOther || r.Location != "/settings" {
			t.Fatalf("status %d to %q", r.Status, r.Location)
		}
		if b.cookie("lang") != "en" {
			t.Fatalf("lang cookie %q", b.cookie("lang"))
		}
		page := b.get("/settings")
		mustContain(t, page.Body, `<html lang="en">`, "<h1>Settings</h1>")
		mustContain(t, b.get("/").Body, `<html lang="en">`, "Hello, Mina")
	})

	t.Run("an unknown language changes nothing", func(t *testing.T) {
		r := b.get("/settings?lang=fr")
		if r.Status != http.StatusSeeOther || r.Location != "/settings" {
			t.Fatalf("status %d to %q", r.Status, r.Location)
		}
		if b.cookie("lang") != "en" {
			t.Fatalf("lang cookie %q", b.cookie("lang"))
		}
	})

	t.Run("saving the profile clears the switcher's choice", func(t *testing.T) {
		r := setPost(b, "/settings/profile", url.Values{"name": {"Mina"}, "locale": {"ko"}}, nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		if c := b.cookie("lang"); c != "" {
			t.Fatalf("lang cookie still %q", c)
		}
		mustContain(t, b.get("/settings").Body, `<html lang="ko">`, "<h1>설정</h1>")
	})
}

func TestSettingsExport(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	csrf := b.csrf()
	token := b.cookie("fanclub_session")
	acc := setAccountOf(t, s, "mina@example.com")
	var sess struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("sessions").FindOne(context.Background(), bson.M{"accountId": acc.ID}).Decode(&sess); err != nil {
		t.Fatal(err)
	}

	r := b.get("/settings/export")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
		t.Errorf("Content-Type %q", ct)
	}
	var x struct {
		Account    struct{ Name, Email string }
		Identities []struct{ Provider, Email string }
		Sessions   []json.RawMessage
	}
	if err := json.Unmarshal([]byte(r.Body), &x); err != nil {
		t.Fatalf("not JSON: %v: %s", err, r.Body)
	}
	if x.Account.Name != "mina" || x.Account.Email != "mina@example.com" {
		t.Errorf("account %+v", x.Account)
	}
	if len(x.Identities) != 1 || x.Identities[0].Provider != "email" || x.Identities[0].Email != "mina@example.com" {
		t.Errorf("identities %+v", x.Identities)
	}
	if len(x.Sessions) == 0 {
		t.Error("no sessions listed")
	}
	for what, secret := range map[string]string{"session token": token, "session hash": sess.ID, "CSRF token": csrf} {
		if secret == "" || strings.Contains(r.Body, secret) {
			t.Errorf("export reveals the %s (or it is empty)", what)
		}
	}
	mustNotContain(t, r.Body, `"CSRF"`, `"csrf"`)
}

func TestSettingsDeleteAccount(t *testing.T) {
	s := newSite(t, siteOptions{})
	s.newBrowser().signInByEmailLink(t, s, "owner@example.com") // the site's owner, who may not go
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	other := s.newBrowser()
	other.signInByEmailLink(t, s, "mina@example.com")
	acc := setAccountOf(t, s, "mina@example.com")
	if n := s.count("sessions", bson.M{"accountId": acc.ID}); n != 2 {
		t.Fatalf("%d sessions before, want 2", n)
	}

	t.Run("the confirmation page says what goes", func(t *testing.T) {
		r := b.get("/settings/delete")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d", r.Status)
		}
		mustContain(t, r.Body, "<h1>Delete your account</h1>", "This cannot be undone.",
			"every sign-in method you have linked", `name="confirm"`, `data-testid="confirm-delete"`)
	})

	t.Run("without the box ticked nothing is deleted", func(t *testing.T) {
		r := setPost(b, "/settings/delete", url.Values{}, nil)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.Status)
		}
		mustContain(t, r.Body, `data-testid="error-confirm"`, "Tick the box to confirm that you want to delete your account.")
		if got := setAccountByID(t, s, acc.ID); got != acc {
			t.Fatalf("account changed: %+v", got)
		}
		if n := s.count("identities", bson.M{"accountId": acc.ID}); n != 1 {
			t.Fatalf("%d identities", n)
		}
		if n := s.count("sessions", bson.M{"accountId": acc.ID}); n != 2 {
			t.Fatalf("%d sessions", n)
		}
		if !b.signedIn() {
			t.Fatal("signed out")
		}
	})

	t.Run("confirmed, the account is emptied and signed out everywhere", func(t *testing.T) {
		r := setPost(b, "/settings/delete", url.Values{"confirm": {"yes"}}, nil)
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("status %d to %q: %s", r.Status, r.Location, r.Body)
		}
		home := b.get("/")
		mustContain(t, home.Body, "Your account was deleted.", `href="/signin"`)
		mustNotContain(t, home.Body, `data-testid="viewer-name"`)
		if r := b.get("/settings"); r.Status != http.StatusSeeOther || r.Location != "/signin" {
			t.Fatalf("settings after delete: %d to %q", r.Status, r.Location)
		}
		if r := other.get("/settings"); r.Status != http.StatusSeeOther || r.Location != "/signin" {
			t.Fatalf("second browser still signed in: %d", r.Status)
		}
		if n := s.count("identities", bson.M{"accountId": acc.ID}); n != 0 {
			t.Fatalf("%d identities left", n)
		}
		if n := s.count("sessions", bson.M{"accountId": acc.ID}); n != 0 {
			t.Fatalf("%d sessions left", n)
		}
		if n := s.count("accounts", bson.M{"_id": acc.ID, "email": bson.M{"$exists": true}}); n != 0 {
			t.Fatal("the email is still stored")
		}
		if got := setAccountByID(t, s, acc.ID); got.Name != "" || got.Email != "" || got.Locale != "" {
			t.Fatalf("personal data left: %+v", got)
		}
	})

	t.Run("signing in again with the address makes a new account", func(t *testing.T) {
		again := s.newBrowser()
		again.signInByEmailLink(t, s, "mina@example.com")
		if id := setAccountOf(t, s, "mina@example.com").ID; id == acc.ID {
			t.Fatal("the deleted account came back")
		}
	})
}

func TestSettingsSignedOut(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	scenarios := []struct {
		name, method, path string
		form               url.Values
		wantStatus         int
		wantLocation       string
		want               []string
	}{
		{name: "settings page", method: "GET", path: "/settings", wantStatus: http.StatusSeeOther, wantLocation: "/signin"},
		{name: "delete page", method: "GET", path: "/settings/delete", wantStatus: http.StatusSeeOther, wantLocation: "/signin"},
		{name: "export", method: "GET", path: "/settings/export", wantStatus: http.StatusSeeOther, wantLocation: "/signin"},
		{name: "save profile with a valid token", method: "POST", path: "/settings/profile",
			form: url.Values{"name": {"Nobody"}}, wantStatus: http.StatusForbidden, want: []string{"You are not allowed to do that."}},
		{name: "delete with a valid token", method: "POST", path: "/settings/delete",
			form: url.Values{"confirm": {"yes"}}, wantStatus: http.StatusForbidden, want: []string{"You are not allowed to do that."}},
		{name: "save mail choice with a valid token", method: "POST", path: "/settings/mail",
			form: url.Values{"mail": {"all"}}, wantStatus: http.StatusForbidden, want: []string{"You are not allowed to do that."}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var r response
			if sc.method == "GET" {
				r = b.get(sc.path)
			} else {
				r = b.post(sc.path, sc.form) // the signed-out session's real token
			}
			if r.Status != sc.wantStatus || r.Location != sc.wantLocation {
				t.Fatalf("status %d to %q, want %d to %q", r.Status, r.Location, sc.wantStatus, sc.wantLocation)
			}
			mustContain(t, r.Body, sc.want...)
			mustNotContain(t, r.Body, csrfMessage)
		})
	}
	if n := s.count("accounts", bson.M{}); n != 0 {
		t.Fatalf("%d accounts exist", n)
	}
}

var mailRadioRE = regexp.MustCompile(`<input[^>]*name="mail"[^>]*>`)

// checkedMail returns the values of the mail radio buttons on page that
// are checked.
func checkedMail(page string) []string {
	var out []string
	for _, in := range mailRadioRE.FindAllString(page, -1) {
		if strings.Contains(in, " checked") {
			out = append(out, regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(in)[1])
		}
	}
	return out
}

// storedMail returns the account's stored mail field, and whether there
// is one.
func storedMail(t *testing.T, s *site, id string) (string, bool) {
	t.Helper()
	var d struct {
		Mail *string `bson:"mail"`
	}
	if err := s.DB.Collection("accounts").FindOne(context.Background(), bson.M{"_id": id}).Decode(&d); err != nil {
		t.Fatalf("account %s: %v", id, err)
	}
	if d.Mail == nil {
		return "", false
	}
	return *d.Mail, true
}

func TestSettingsMailPreference(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	acc := setAccountOf(t, s, "mina@example.com")

	t.Run("nothing is mailed until asked", func(t *testing.T) {
		page := b.get("/settings")
		mustContain(t, page.Body, `<h2 id="mail-heading">Email about ideas and events</h2>`, "<legend>Email me about</legend>",
			`<label for="mail-status">News: status changes, official responses, invitations and event changes</label>`, `data-testid="save-mail"`)
		if got := checkedMail(page.Body); !slices.Equal(got, []string{"none"}) {
			t.Fatalf("checked %v, want [none]", got)
		}
		if v, ok := storedMail(t, s, acc.ID); ok {
			t.Fatalf("a new account stores mail %q", v)
		}
	})

	for _, p := range []string{"status", "all", "none"} {
		t.Run("saving "+p, func(t *testing.T) {
			r := setPost(b, "/settings/mail", url.Values{"mail": {p}}, nil)
			if r.Status != http.StatusSeeOther || r.Location != "/settings" {
				t.Fatalf("status %d to %q: %s", r.Status, r.Location, r.Body)
			}
			if v, _ := storedMail(t, s, acc.ID); v != p {
				t.Fatalf("stored %q, want %q", v, p)
			}
			page := b.get("/settings")
			mustContain(t, page.Body, `data-testid="flash"`, "Your email choice was saved.")
			if got := checkedMail(page.Body); !slices.Equal(got, []string{p}) {
				t.Fatalf("checked %v, want [%s]", got, p)
			}
		})
	}

	t.Run("the export says what was chosen", func(t *testing.T) {
		if r := setPost(b, "/settings/mail", url.Values{"mail": {"status"}}, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		var x struct{ Account struct{ Mail string } }
		if err := json.Unmarshal([]byte(b.get("/settings/export").Body), &x); err != nil || x.Account.Mail != "status" {
			t.Fatalf("export account mail %q, %v; want status", x.Account.Mail, err)
		}
	})

	forged := []struct {
		name, lang string
		form       url.Values
		want       []string
	}{
		{name: "made-up value", lang: "en", form: url.Values{"mail": {"weekly"}},
			want: []string{"Choose one of the options shown.", `<html lang="en">`}},
		{name: "no value", lang: "en", form: url.Values{},
			want: []string{"Choose one of the options shown."}},
		{name: "made-up value, in Korean", lang: "ko", form: url.Values{"mail": {"ALL"}},
			want: []string{"보이는 선택지 중에서 골라 주세요.", `<html lang="ko">`, "아이디어와 이벤트 이메일"}},
	}
	for _, sc := range forged {
		t.Run(sc.name, func(t *testing.T) {
			r := setPost(b, "/settings/mail", sc.form, map[string]string{"Accept-Language": sc.lang})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			mustContain(t, r.Body, sc.want...)
			mustContain(t, r.Body, `data-testid="error-mail"`, `aria-invalid="true"`,
				`value="mina"`, `data-testid="identities"`, `data-testid="export"`) // the rest of the page
			mustNotContain(t, r.Body, "Your email choice was saved.", views.Missing)
			if got := checkedMail(r.Body); !slices.Equal(got, []string{"status"}) {
				t.Errorf("checked %v, want the saved [status]", got)
			}
			if v, _ := storedMail(t, s, acc.ID); v != "status" {
				t.Fatalf("stored %q, want status unchanged", v)
			}
		})
	}

	t.Run("a forged request is refused", func(t *testing.T) {
		token := b.csrf()
		for name, sc := range map[string]struct {
			form    url.Values
			headers map[string]string
		}{
			"no token":           {url.Values{"mail": {"all"}}, map[string]string{"Origin": s.URL}},
			"token from abroad":  {url.Values{"mail": {"all"}, "_csrf": {token}}, map[string]string{"Origin": "https://evil.example"}},
			"cross-site request": {url.Values{"mail": {"all"}, "_csrf": {token}}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		} {
			r := b.postRaw("/settings/mail", sc.form, sc.headers)
			if r.Status != http.StatusForbidden {
				t.Fatalf("%s: status %d, want 403", name, r.Status)
			}
			mustContain(t, r.Body, csrfMessage)
			if v, _ := storedMail(t, s, acc.ID); v != "status" {
				t.Fatalf("%s: stored %q, want status unchanged", name, v)
			}
		}
	})
}

// TestSettingsNamesTheConfiguredProvider: a linked OpenID Connect method
// goes by the name the site gave the provider (FANCLUB_OIDC_NAME, "Test
// ID" here), in both languages, as on the sign-in button.
func TestSettingsNamesTheConfiguredProvider(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	if r := b.signInOIDC(&mockoidc.MockUser{Subject: "named-1", Email: "named@example.com", EmailVerified: true}, ""); r.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.Status)
	}
	identityName := regexp.MustCompile(`data-testid="identity-oidc:named-1"><p class="identity-name"[^>]*>([^<]*)<`)
	for _, lang := range []string{"en", "ko"} {
		req, _ := http.NewRequest("GET", s.URL+"/settings", nil)
		req.Header.Set("Accept-Language", lang)
		page := b.do(req, false)
		got := ""
		if m := identityName.FindStringSubmatch(page.Body); m != nil {
			got = m[1]
		}
		if got != "Test ID" {
			t.Errorf("%s: the linked method is named %q, want %q", lang, got, "Test ID")
		}
	}
}
