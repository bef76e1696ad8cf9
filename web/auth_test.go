package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/internal/ratelimit"

	"github.com/oauth2-proxy/mockoidc"
	"go.mongodb.org/mongo-driver/bson"
)

// pkceSpy records what the provider received, to prove PKCE is used.
type pkceSpy struct {
	mu                 sync.Mutex
	challenge, method  string
	verifierAtExchange string
}

func (p *pkceSpy) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		p.mu.Lock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/authorize"):
			p.challenge, p.method = r.Form.Get("code_challenge"), r.Form.Get("code_challenge_method")
		case strings.HasSuffix(r.URL.Path, "/token"):
			p.verifierAtExchange = r.Form.Get("code_verifier")
		}
		p.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func TestOIDCSignInAndLinking(t *testing.T) {
	spy := &pkceSpy{}
	s := newSite(t, siteOptions{oidc: startProvider(t, spy.middleware)})
	mina := &mockoidc.MockUser{Subject: "mina-1", Email: "mina@example.com", EmailVerified: true}

	b := s.newBrowser()
	before := b.get("/signin")
	mustContain(t, before.Body, `href="/auth/oidc"`, "Test ID")
	preSignIn := b.cookie("fanclub_session")

	r := b.signInOIDC(mina, "")
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("callback: %d to %q: %s", r.Status, r.Location, r.Body)
	}
	t.Run("PKCE S256 was sent and checked", func(t *testing.T) {
		if spy.method != "S256" || len(spy.challenge) != 43 || spy.verifierAtExchange == "" {
			t.Fatalf("challenge %q method %q verifier %q", spy.challenge, spy.method, spy.verifierAtExchange)
		}
	})
	home := b.get("/")
	mustContain(t, home.Body, "mina")
	if n := s.count("accounts", bson.M{"role": "owner", "email": "mina@example.com", "emailVerified": true}); n != 1 {
		t.Fatalf("first account should be the verified owner; found %d", n)
	}

	t.Run("the pre-sign-in cookie is worthless after sign-in", func(t *testing.T) {
		if b.cookie("fanclub_session") == preSignIn {
			t.Fatal("session token was not rotated at sign-in")
		}
		thief := s.newBrowser()
		u, _ := url.Parse(s.URL)
		thief.client.Jar.SetCookies(u, []*http.Cookie{{Name: "fanclub_session", Value: preSignIn}})
		if r := thief.get("/settings"); r.Status != http.StatusSeeOther {
			t.Fatalf("old token reached settings: %d", r.Status)
		}
	})

	t.Run("second sign-in reaches the same account", func(t *testing.T) {
		b2 := s.newBrowser()
		r := b2.signInOIDC(&mockoidc.MockUser{Subject: "mina-1", Email: "mina@example.com", EmailVerified: true}, "")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		if n := s.count("accounts", bson.M{}); n != 1 {
			t.Fatalf("%d accounts, want 1", n)
		}
	})

	t.Run("a new identity with an existing verified email is not merged", func(t *testing.T) {
		b3 := s.newBrowser()
		r := b3.signInOIDC(&mockoidc.MockUser{Subject: "other-2", Email: "MINA@example.com", EmailVerified: true}, "")
		if r.Status != http.StatusConflict {
			t.Fatalf("status %d, want 409", r.Status)
		}
		mustContain(t, r.Body, "already exists", "Settings")
		if n := s.count("accounts", bson.M{}); n != 1 {
			t.Fatalf("%d accounts, want 1", n)
		}
		if n := s.count("identities", bson.M{"_id": "oidc:other-2"}); n != 0 {
			t.Fatal("identity was created")
		}
	})

	t.Run("an unverified email matches nothing", func(t *testing.T) {
		b4 := s.newBrowser()
		r := b4.signInOIDC(&mockoidc.MockUser{Subject: "unverified-3", Email: "mina@example.com"}, "")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		if n := s.count("accounts", bson.M{}); n != 2 {
			t.Fatalf("%d accounts, want a separate second one", n)
		}
		if n := s.count("accounts", bson.M{"role": "member", "emailVerified": false}); n != 1 {
			t.Fatal("second account should be an unverified member")
		}
	})

	t.Run("link a second identity from settings", func(t *testing.T) {
		r := b.signInOIDC(&mockoidc.MockUser{Subject: "mina-work", Email: "mina.work@example.com"}, "link")
		if r.Status != http.StatusSeeOther || r.Location != "/settings" {
			t.Fatalf("link: %d to %q: %s", r.Status, r.Location, r.Body)
		}
		page := b.get("/settings")
		mustContain(t, page.Body, "mina.work@example.com", "mina@example.com")
		if n := s.count("identities", bson.M{"_id": "oidc:mina-work"}); n != 1 {
			t.Fatal("identity not linked")
		}
	})

	t.Run("an identity of another account is refused, never moved", func(t *testing.T) {
		r := b.signInOIDC(&mockoidc.MockUser{Subject: "unverified-3"}, "link")
		if r.Status != http.StatusConflict {
			t.Fatalf("status %d, want 409", r.Status)
		}
		mustContain(t, r.Body, "another account")
		var doc struct {
			AccountID string `bson:"accountId"`
		}
		_ = s.DB.Collection("identities").FindOne(t.Context(), bson.M{"_id": "oidc:unverified-3"}).Decode(&doc)
		if n := s.count("identities", bson.M{"accountId": doc.AccountID}); n != 1 || doc.AccountID == "" {
			t.Fatal("the other account lost its identity")
		}
	})

	t.Run("a forged or missing state is refused", func(t *testing.T) {
		b5 := s.newBrowser()
		r := b5.get("/auth/oidc")
		authorize := b5.get(r.Location)
		cb, _ := url.Parse(authorize.Location)
		q := cb.Query()
		q.Set("state", "forged")
		cb.RawQuery = q.Encode()
		if r := b5.get(cb.String()); r.Status != http.StatusBadRequest {
			t.Fatalf("forged state: %d, want 400", r.Status)
		}
		q.Del("state")
		cb.RawQuery = q.Encode()
		if r := b5.get(cb.String()); r.Status != http.StatusBadRequest {
			t.Fatalf("missing state: %d, want 400", r.Status)
		}
		if b5.signedIn() {
			t.Fatal("signed in with a forged state")
		}
	})

	t.Run("a callback cannot be replayed", func(t *testing.T) {
		b6 := s.newBrowser()
		s.OIDC.QueueUser(&mockoidc.MockUser{Subject: "replay-4"})
		r := b6.get("/auth/oidc")
		authorize := b6.get(r.Location)
		if r := b6.get(authorize.Location); r.Status != http.StatusSeeOther {
			t.Fatalf("first use: %d", r.Status)
		}
		if r := b6.get(authorize.Location); r.Status != http.StatusBadRequest {
			t.Fatalf("replay: %d, want 400", r.Status)
		}
	})

	t.Run("an unknown provider is a clear 404", func(t *testing.T) {
		r := s.newBrowser().get("/auth/myspace")
		if r.Status != http.StatusNotFound {
			t.Fatalf("status %d", r.Status)
		}
		mustContain(t, r.Body, `data-testid="error-message"`)
	})
}

func TestUnlinkNeverTheLastMethod(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "solo@example.com")
	r := b.post("/settings/sign-in/unlink", url.Values{"identity": {"email:solo@example.com"}})
	if r.Status != http.StatusConflict {
		t.Fatalf("unlink last: %d, want 409", r.Status)
	}
	mustContain(t, r.Body, "only sign-in method")
	if n := s.count("identities", bson.M{"_id": "email:solo@example.com"}); n != 1 {
		t.Fatal("last identity was removed")
	}

	// With a second method, the first can go.
	if r := b.signInOIDC(&mockoidc.MockUser{Subject: "solo-oidc"}, "link"); r.Status != http.StatusSeeOther {
		t.Fatalf("link: %d %s", r.Status, r.Body)
	}
	r = b.post("/settings/sign-in/unlink", url.Values{"identity": {"email:solo@example.com"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("unlink one of two: %d", r.Status)
	}
	if n := s.count("identities", bson.M{"_id": "email:solo@example.com"}); n != 0 {
		t.Fatal("identity not removed")
	}
	// And another account's identity is not ours to remove.
	other := s.newBrowser()
	other.signInByEmailLink(t, s, "other@example.com")
	if r := other.post("/settings/sign-in/unlink", url.Values{"identity": {"oidc:solo-oidc"}}); r.Status != http.StatusNotFound {
		t.Fatalf("unlink someone else's: %d, want 404", r.Status)
	}
}

// TestSignInRateLimitPerIP: starting sign-ins and using links count
// against one budget per address, kept in the database: 600 in ten
// minutes, enough for a launch's fans behind one carrier's address.
func TestSignInRateLimitPerIP(t *testing.T) {
	s := newSite(t, siteOptions{})
	now := s.Clock.Now() // a minute into a fresh ten-minute window
	s.Clock.Advance(now.Truncate(10 * time.Minute).Add(11 * time.Minute).Sub(now))
	b := s.newBrowser()
	for i := range 600 {
		if r := b.get("/auth/oidc"); r.Status != http.StatusSeeOther {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	r := b.get("/auth/oidc")
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("601st attempt: %d, want 429", r.Status)
	}
	mustContain(t, r.Body, "Too many attempts")
	// The budget is the address's, not the browser's: using a link from
	// a fresh browser on the same address is refused too.
	if r := s.newBrowser().post("/signin/link", url.Values{"token": {"whatever"}}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("link use over the limit: %d, want 429", r.Status)
	}
	if n := s.count("rate_limits", bson.M{"_id": bson.M{"$regex": "^signin-ip:"}}); n != 1 {
		t.Fatalf("%d sign-in counters, want 1", n)
	}
}

// TestRateLimitUsesClientBehindProxy: behind a trusted proxy the limit
// counts the address the proxy saw, not what the client wrote further
// left in X-Forwarded-For.
func TestRateLimitUsesClientBehindProxy(t *testing.T) {
	lim := auth.DefaultLimits // ten links per address, so the test need not send hundreds
	lim.LinkPerIP = ratelimit.Rule{Max: 10, Window: 15 * time.Minute}
	s := newSite(t, siteOptions{trustedProxies: []string{"127.0.0.1"}, authLimits: lim})
	b := s.newBrowser()
	csrf := b.csrf()
	status := 0
	for i := range 11 {
		form := url.Values{"_csrf": {csrf}, "email": {"p" + strconv.Itoa(i) + "@example.com"}}
		r := b.postRaw("/signin/email", form, map[string]string{"Origin": s.URL,
			"X-Forwarded-For": "198.51.100." + strconv.Itoa(i) + ", 203.0.113.9"})
		status = r.Status
	}
	if status != http.StatusTooManyRequests {
		t.Fatalf("11th request from one client with spoofed hops: %d, want 429", status)
	}
	if n := s.count("rate_limits", bson.M{"_id": bson.M{"$regex": `^link-ip:203\.0\.113\.9@`}}); n != 1 {
		t.Fatalf("counter for the proxy-seen client: %d, want 1", n)
	}
}

// TestSecondVerifiedEmailAsksToLink: a person who added a second address
// in Settings and then signs in with a provider reporting that address,
// verified, is asked to link it rather than given a second account, and
// can then link it.
func TestSecondVerifiedEmailAsksToLink(t *testing.T) {
	s := newSite(t, siteOptions{})
	mina := s.newBrowser()
	mina.signInByEmailLink(t, s, "mina@example.com")
	if r := mina.post("/settings/sign-in/email", url.Values{"email": {"mina.work@example.com"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add address: %d", r.Status)
	}
	if r := elConfirm(t, mina, s.Outbox.LinkTo(t, "mina.work@example.com")); r.Status != http.StatusSeeOther || r.Location != "/settings" {
		t.Fatalf("confirm address: %d to %q", r.Status, r.Location)
	}

	atWork := &mockoidc.MockUser{Subject: "mina-at-work", Email: "Mina.Work@example.com", EmailVerified: true}
	b := s.newBrowser()
	r := b.signInOIDC(atWork, "")
	if r.Status != http.StatusConflict {
		t.Fatalf("status %d, want 409", r.Status)
	}
	mustContain(t, r.Body, "An account with this email address already exists", "Settings → Sign-in methods")
	if b.signedIn() {
		t.Fatal("signed in to a new account")
	}
	if n := s.count("accounts", bson.M{}); n != 1 {
		t.Fatalf("%d accounts, want mina's only", n)
	}
	if r := mina.signInOIDC(atWork, "link"); r.Status != http.StatusSeeOther || r.Location != "/settings" {
		t.Fatalf("link: %d to %q: %s", r.Status, r.Location, r.Body)
	}
	if r := s.newBrowser().signInOIDC(atWork, ""); r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("sign in with the linked method: %d to %q", r.Status, r.Location)
	}
	if n := s.count("identities", bson.M{"accountId": elAccountID(t, s, "mina@example.com")}); n != 3 {
		t.Fatalf("%d sign-in methods on mina's account, want 3", n)
	}
}
