package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"fanclub/internal/mongotest"

	"go.mongodb.org/mongo-driver/bson"
)

func TestSignOut(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "hana@example.com")
	acc := elAccountID(t, s, "hana@example.com")
	token := b.cookie("fanclub_session")
	if n := s.count("sessions", bson.M{"accountId": acc}); n != 1 {
		t.Fatalf("%d sessions before sign-out, want 1", n)
	}

	r := b.post("/signout", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("sign-out: status %d to %q", r.Status, r.Location)
	}
	c := sessCookie(r, "fanclub_session")
	if c == nil || c.Value != "" || (c.MaxAge >= 0 && !c.Expires.Before(time.Now())) {
		t.Fatalf("the session cookie was not cleared: %+v", c)
	}
	if b.cookie("fanclub_session") != "" {
		t.Fatal("the browser still holds a session cookie")
	}
	if n := s.count("sessions", bson.M{"accountId": acc}); n != 0 {
		t.Fatalf("%d sessions left after sign-out, want 0", n)
	}
	home := b.get("/")
	mustContain(t, home.Body, "You are signed out.", `data-testid="signin-cta"`)
	mustNotContain(t, home.Body, "Hello, hana")
	if r := b.get("/settings"); r.Status != http.StatusSeeOther || r.Location != "/signin" {
		t.Fatalf("settings after sign-out: status %d to %q", r.Status, r.Location)
	}
	// The old cookie, had anyone kept it, is worth nothing now.
	if r := sessWithCookie(s, token).get("/settings"); r.Status != http.StatusSeeOther {
		t.Fatalf("old token reached settings: status %d", r.Status)
	}
}

func TestSignOutEverywhere(t *testing.T) {
	s := newSite(t, siteOptions{})
	laptop, phone, someoneElse := s.newBrowser(), s.newBrowser(), s.newBrowser()
	laptop.signInByEmailLink(t, s, "jun@example.com")
	phone.signInByEmailLink(t, s, "jun@example.com")
	someoneElse.signInByEmailLink(t, s, "mia@example.com")
	jun := elAccountID(t, s, "jun@example.com")
	if n := s.count("sessions", bson.M{"accountId": jun}); n != 2 {
		t.Fatalf("%d sessions for jun, want 2", n)
	}

	r := laptop.post("/signout/everywhere", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("sign out everywhere: status %d to %q", r.Status, r.Location)
	}
	mustContain(t, laptop.get("/").Body, "You are signed out on every device.")
	for name, b := range map[string]*browser{"laptop": laptop, "phone": phone} {
		if r := b.get("/settings"); r.Status != http.StatusSeeOther || r.Location != "/signin" {
			t.Fatalf("%s: settings gave %d to %q, want 303 to /signin", name, r.Status, r.Location)
		}
	}
	if n := s.count("sessions", bson.M{"accountId": jun}); n != 0 {
		t.Fatalf("%d sessions left for jun, want 0", n)
	}
	if !someoneElse.signedIn() {
		t.Fatal("another account was signed out too")
	}
}

func TestSignOutEverywhereNeedsSignIn(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	if r := b.post("/signout/everywhere", nil); r.Status != http.StatusForbidden {
		t.Fatalf("status %d, want 403", r.Status)
	}
}

func TestSessionSharedAcrossInstances(t *testing.T) {
	a := newSite(t, siteOptions{db: mongotest.New(t).Shared()}) // two instances: as on MongoDB, neither trusts memory
	z := newSite(t, siteOptions{db: a.DB})
	ba := a.newBrowser()
	ba.signInByEmailLink(t, a, "sora@example.com")

	bz := sessWithCookie(z, ba.cookie("fanclub_session"))
	r := bz.get("/settings")
	if r.Status != http.StatusOK {
		t.Fatalf("settings on the second instance: status %d", r.Status)
	}
	mustContain(t, r.Body, `data-testid="viewer-name">sora<`, `value="sora"`)

	// Signing out on one instance signs out on the other.
	if r := bz.post("/signout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-out on the second instance: status %d", r.Status)
	}
	if r := ba.get("/settings"); r.Status != http.StatusSeeOther {
		t.Fatalf("first instance still signed in: status %d", r.Status)
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Run("30 idle days end a session", func(t *testing.T) {
		s := newSite(t, siteOptions{})
		busy, idle := s.newBrowser(), s.newBrowser()
		busy.signInByEmailLink(t, s, "busy@example.com")
		idle.signInByEmailLink(t, s, "idle@example.com")

		s.Clock.Advance(29 * 24 * time.Hour)
		if r := busy.get("/settings"); r.Status != http.StatusOK {
			t.Fatalf("busy at 29 days: status %d", r.Status)
		}
		s.Clock.Advance(2 * 24 * time.Hour)
		if r := idle.get("/settings"); r.Status != http.StatusSeeOther || r.Location != "/signin" {
			t.Fatalf("idle for 31 days: status %d to %q, want 303 to /signin", r.Status, r.Location)
		}
		mustNotContain(t, idle.get("/").Body, "Hello, idle")
		if r := busy.get("/settings"); r.Status != http.StatusOK {
			t.Fatalf("busy, idle for 2 days: status %d", r.Status)
		}
	})

	t.Run("90 days end a session however active", func(t *testing.T) {
		s := newSite(t, siteOptions{})
		b := s.newBrowser()
		b.signInByEmailLink(t, s, "keen@example.com")
		for day := 20; day <= 80; day += 20 {
			s.Clock.Advance(20 * 24 * time.Hour)
			if r := b.get("/settings"); r.Status != http.StatusOK {
				t.Fatalf("day %d: status %d, want 200", day, r.Status)
			}
		}
		s.Clock.Advance(20 * 24 * time.Hour) // day 100
		if r := b.get("/settings"); r.Status != http.StatusSeeOther || r.Location != "/signin" {
			t.Fatalf("day 100: status %d to %q, want 303 to /signin", r.Status, r.Location)
		}
	})
}

func TestSessionCookieAttributes(t *testing.T) {
	check := func(t *testing.T, r response, wantSecure bool) {
		t.Helper()
		c := sessCookie(r, "fanclub_session")
		if c == nil || c.Value == "" {
			t.Fatalf("no session cookie set; Set-Cookie: %q", r.Header.Values("Set-Cookie"))
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != wantSecure || c.Path != "/" {
			t.Fatalf("cookie %q: HttpOnly %v, SameSite %v, Secure %v (want %v), Path %q",
				r.Header.Values("Set-Cookie"), c.HttpOnly, c.SameSite, c.Secure, wantSecure, c.Path)
		}
	}

	t.Run("on an http site", func(t *testing.T) {
		s := newSite(t, siteOptions{})
		b := s.newBrowser()
		check(t, b.get("/signin"), false) // the signed-out session
		if r := b.post("/signin/email", url.Values{"email": {"nari@example.com"}}); r.Status != http.StatusOK {
			t.Fatalf("request link: status %d", r.Status)
		}
		r := elConfirm(t, b, s.Outbox.LinkTo(t, "nari@example.com"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("confirm: status %d", r.Status)
		}
		check(t, r, false) // the signed-in session
	})

	t.Run("on an https site", func(t *testing.T) {
		s := newSite(t, siteOptions{baseURL: "https://club.example.test"})
		check(t, s.newBrowser().get("/signin"), true)
	})
}

func TestSessionStoresOnlyAHash(t *testing.T) {
	s := newSite(t, siteOptions{})
	visitor := s.newBrowser()
	visitor.get("/signin")
	member := s.newBrowser()
	member.signInByEmailLink(t, s, "dami@example.com")
	tokens := map[string]string{"signed-out": visitor.cookie("fanclub_session"), "signed-in": member.cookie("fanclub_session")}

	if n := s.count("sessions", bson.M{"accountId": elAccountID(t, s, "dami@example.com")}); n != 1 {
		t.Fatalf("%d sessions for the member, want 1", n)
	}
	docs := elDocs(t, s, "sessions", bson.M{})
	if len(docs) < 2 {
		t.Fatalf("%d sessions stored, want at least 2", len(docs))
	}
	for kind, token := range tokens {
		if token == "" {
			t.Fatalf("no %s session cookie", kind)
		}
		if n := s.count("sessions", bson.M{"_id": token}); n != 0 {
			t.Fatalf("the %s session is stored under its cookie token", kind)
		}
		for _, d := range docs {
			if elHolds(t, d, token) {
				t.Fatalf("a session document holds the %s cookie token: %v", kind, d)
			}
		}
	}
}

// sessCookie returns the cookie named name that r sets, or nil.
func sessCookie(r response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// sessWithCookie returns a browser on s holding the session token, as if
// the cookie had been copied into it.
func sessWithCookie(s *site, token string) *browser {
	b := s.newBrowser()
	u, _ := url.Parse(s.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "fanclub_session", Value: token, Path: "/"}})
	return b
}
