package web_test

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
	"go.mongodb.org/mongo-driver/bson"
)

// oidcRefusedText is what a person reads when the provider's answer
// fails verification.
const oidcRefusedText = "We could not verify what the sign-in service sent, so nobody was signed in."

// startProvider starts an in-process OpenID Connect provider with mws
// around its endpoints.
func startProvider(t *testing.T, mws ...func(http.Handler) http.Handler) *mockoidc.MockOIDC {
	t.Helper()
	provider, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, mw := range mws {
		if err := provider.AddMiddleware(mw); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := provider.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = provider.Shutdown() })
	return provider
}

// thinUser is a person at a provider that, like Zitadel by default or
// Okta's org server, issues an ID token with little more than sub and
// gives the email and name only in userinfo.
type thinUser struct {
	sub, email, name string
	verified         bool
	infoSub          string // the sub userinfo reports; empty: sub
}

func (u thinUser) ID() string { return u.sub }

func (u thinUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return base, nil
}

func (u thinUser) Userinfo([]string) ([]byte, error) {
	sub := u.infoSub
	if sub == "" {
		sub = u.sub
	}
	return json.Marshal(map[string]any{"sub": sub, "email": u.email, "email_verified": u.verified, "name": u.name})
}

// tokenUser is a person whose ID token the provider issues with tweak
// applied to its standard claims.
type tokenUser struct {
	*mockoidc.MockUser
	tweak func(*mockoidc.IDTokenClaims)
}

func (u tokenUser) Claims(scope []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	u.tweak(base)
	return u.MockUser.Claims(scope, base)
}

// idTokenForger rewrites the ID token the provider's token endpoint
// answers with, as a broken provider or someone in between would.
type idTokenForger struct {
	mu      sync.Mutex
	rewrite func(idToken string) string // nil: the token passes unchanged
}

func (f *idTokenForger) set(rewrite func(string) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rewrite = rewrite
}

func (f *idTokenForger) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		rewrite := f.rewrite
		f.mu.Unlock()
		if rewrite == nil || !strings.HasSuffix(r.URL.Path, "/token") {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err == nil {
			if idt, ok := body["id_token"].(string); ok {
				body["id_token"] = rewrite(idt)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_ = json.NewEncoder(w).Encode(body)
	})
}

// resignWith returns a rewrite that signs the token's claims again with
// kp, under whatever key id kp carries.
func resignWith(t *testing.T, kp *mockoidc.Keypair) func(string) string {
	return func(idToken string) string {
		claims := jwt.MapClaims{}
		if _, _, err := jwt.NewParser().ParseUnverified(idToken, claims); err != nil {
			t.Errorf("parse ID token: %v", err)
		}
		signed, err := kp.SignJWT(claims)
		if err != nil {
			t.Errorf("sign: %v", err)
		}
		return signed
	}
}

// unsigned keeps the token's claims under an "alg: none" header.
func unsigned(idToken string) string {
	parts := strings.Split(idToken, ".")
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return header + "." + parts[1] + "."
}

// TestOIDCClaimsOnlyInUserinfo: with a provider that puts the email and
// name only in userinfo, the account gets them, a verified email that
// belongs to an account is asked to link rather than made a second
// account, and userinfo naming another person signs nobody in.
func TestOIDCClaimsOnlyInUserinfo(t *testing.T) {
	s := newSite(t, siteOptions{})
	hana := s.newBrowser()
	hana.signInByEmailLink(t, s, "hana@example.com")

	t.Run("the account is made from userinfo's name and verified email", func(t *testing.T) {
		b := s.newBrowser()
		r := b.signInOIDC(thinUser{sub: "yuna-1", email: "Yuna@Example.com", name: "Yuna Kim", verified: true}, "")
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("callback: %d to %q: %s", r.Status, r.Location, r.Body)
		}
		mustContain(t, b.get("/").Body, `data-testid="greeting">Hello, Yuna Kim<`)
		mustContain(t, b.get("/settings").Body, "yuna@example.com")
		if n := s.count("accounts", bson.M{"name": "Yuna Kim", "email": "yuna@example.com", "emailVerified": true}); n != 1 {
			t.Fatal("the account lacks the name and verified email userinfo gave")
		}
	})

	t.Run("an existing account's verified email is asked to link, and linking works", func(t *testing.T) {
		hanaAtIdP := thinUser{sub: "hana-idp", email: "hana@example.com", name: "Hana", verified: true}
		r := s.newBrowser().signInOIDC(hanaAtIdP, "")
		if r.Status != http.StatusConflict {
			t.Fatalf("status %d, want 409: %s", r.Status, r.Body)
		}
		mustContain(t, r.Body, "An account with this email address already exists")
		if n := s.count("accounts", bson.M{}); n != 2 {
			t.Fatalf("%d accounts, want hana's and yuna's only", n)
		}
		r = hana.signInOIDC(hanaAtIdP, "link")
		if r.Status != http.StatusSeeOther || r.Location != "/settings" {
			t.Fatalf("link: %d to %q: %s", r.Status, r.Location, r.Body)
		}
		if n := s.count("identities", bson.M{"_id": "oidc:hana-idp", "accountId": elAccountID(t, s, "hana@example.com")}); n != 1 {
			t.Fatal("the provider was not linked to hana's account")
		}
	})

	t.Run("userinfo naming another person signs nobody in", func(t *testing.T) {
		b := s.newBrowser()
		r := b.signInOIDC(thinUser{sub: "mallory", infoSub: "yuna-1", email: "yuna@example.com", name: "Yuna Kim", verified: true}, "")
		if r.Status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400: %s", r.Status, r.Body)
		}
		mustContain(t, r.Body, oidcRefusedText, `href="/signin"`)
		if b.signedIn() {
			t.Fatal("signed in")
		}
		if n := s.count("identities", bson.M{"_id": "oidc:mallory"}); n != 0 {
			t.Fatal("an identity was made")
		}
		if n := s.count("accounts", bson.M{}); n != 2 {
			t.Fatalf("%d accounts, want 2", n)
		}
	})
}

// TestOIDCIDTokenIsVerified: an ID token that is not signed by the
// provider's keys, or is from another issuer, for another client, expired
// or without this round trip's nonce signs nobody in and makes nothing.
func TestOIDCIDTokenIsVerified(t *testing.T) {
	forger := &idTokenForger{}
	provider := startProvider(t, forger.middleware)
	s := newSite(t, siteOptions{oidc: provider})
	attacker, err := mockoidc.RandomKeypair(2048)
	if err != nil {
		t.Fatal(err)
	}
	if attacker.Kid, err = provider.Keypair.KeyID(); err != nil { // claims to be the provider's key
		t.Fatal(err)
	}
	past := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(time.Now().Add(-d)) }
	tests := []struct {
		name    string
		tweak   func(*mockoidc.IDTokenClaims)
		rewrite func(string) string
	}{
		{name: "signed by another key under the provider's key id", rewrite: resignWith(t, attacker)},
		{name: "not signed (alg none)", rewrite: unsigned},
		{name: "from another issuer", tweak: func(c *mockoidc.IDTokenClaims) { c.Issuer = "https://evil.example/oidc" }},
		{name: "for another client", tweak: func(c *mockoidc.IDTokenClaims) { c.Audience = jwt.ClaimStrings{"another-client"} }},
		{name: "expired", tweak: func(c *mockoidc.IDTokenClaims) {
			c.IssuedAt, c.NotBefore, c.ExpiresAt = past(time.Hour), past(time.Hour), past(10*time.Minute)
		}},
		{name: "with another round trip's nonce", tweak: func(c *mockoidc.IDTokenClaims) { c.Nonce = "nonce-of-another-sign-in" }},
		{name: "without a nonce", tweak: func(c *mockoidc.IDTokenClaims) { c.Nonce = "" }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forger.set(tt.rewrite)
			defer forger.set(nil)
			victim := "victim-" + strconv.Itoa(i)
			var user mockoidc.User = &mockoidc.MockUser{Subject: victim, Email: victim + "@example.com", EmailVerified: true}
			if tt.tweak != nil {
				user = tokenUser{MockUser: user.(*mockoidc.MockUser), tweak: tt.tweak}
			}
			b := s.newBrowser()
			r := b.signInOIDC(user, "")
			if r.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.Status)
			}
			mustContain(t, r.Body, oidcRefusedText, `href="/signin"`)
			if b.signedIn() {
				t.Fatal("signed in")
			}
			if n := s.count("accounts", bson.M{}); n != 0 {
				t.Fatalf("%d accounts made", n)
			}
			if n := s.count("identities", bson.M{}); n != 0 {
				t.Fatalf("%d identities made", n)
			}
		})
	}

	t.Run("the provider's own token still signs in", func(t *testing.T) {
		b := s.newBrowser()
		r := b.signInOIDC(&mockoidc.MockUser{Subject: "victim-ok", Email: "victim-ok@example.com", EmailVerified: true}, "")
		if r.Status != http.StatusSeeOther || !b.signedIn() {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
	})
}

// TestOIDCCancelledAtProvider: a person who presses Cancel at the
// provider, or whom it sends back without a code, gets a page saying so in
// their language with a way back, never a 502, and nothing is made.
func TestOIDCCancelledAtProvider(t *testing.T) {
	s := newSite(t, siteOptions{})
	member := s.newBrowser()
	member.signInByEmailLink(t, s, "member@example.com")
	tests := []struct {
		name      string
		b         *browser
		intent    string
		query     string
		lang      string
		want      string
		wantRetry string
	}{
		{name: "cancelled", b: s.newBrowser(), query: "&error=access_denied&error_description=User+cancelled",
			want: "Signing in with that service was cancelled, so nothing was changed.", wantRetry: "/signin"},
		{name: "no code", b: s.newBrowser(),
			want: "Signing in with that service was cancelled, so nothing was changed.", wantRetry: "/signin"},
		{name: "cancelled, in Korean", b: s.newBrowser(), query: "&error=access_denied", lang: "ko",
			want: "그 서비스로 로그인하는 것을 취소해서 아무것도 바뀌지 않았어요.", wantRetry: "/signin"},
		{name: "linking cancelled leads back to settings", b: member, intent: "link", query: "&error=access_denied",
			want: "Signing in with that service was cancelled, so nothing was changed.", wantRetry: "/settings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.b.get("/auth/oidc")
			if tt.intent == "link" {
				r = tt.b.post("/auth/oidc/link", nil)
			}
			if r.Status != http.StatusSeeOther {
				t.Fatalf("begin: %d", r.Status)
			}
			authorize, err := url.Parse(r.Location)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", s.URL+"/auth/oidc/callback?state="+url.QueryEscape(authorize.Query().Get("state"))+tt.query, nil)
			if tt.lang != "" {
				req.Header.Set("Accept-Language", tt.lang)
			}
			r = tt.b.do(req, false)
			if r.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.Status)
			}
			mustContain(t, r.Body, tt.want, `data-testid="error-retry"`, `href="`+tt.wantRetry+`"`)
			if n := s.count("accounts", bson.M{}); n != 1 {
				t.Fatalf("%d accounts, want the member's only", n)
			}
			if n := s.count("identities", bson.M{}); n != 1 {
				t.Fatalf("%d identities, want the member's only", n)
			}
		})
	}
	if !member.signedIn() {
		t.Fatal("cancelling a link signed the member out")
	}
}
