package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/kakao"
	"github.com/markbates/goth/providers/naver"
	"github.com/markbates/goth/providers/openidConnect"
)

// ProviderConfig turns on one sign-in provider.
type ProviderConfig struct {
	ID           string // "google", "github", "kakao", "naver" or "oidc"
	Name         string // the button's label; the OpenID Connect provider's display name
	ClientID     string
	ClientSecret string
	Issuer       string // OpenID Connect only: the issuer URL
}

// Sign-in intents: a round trip either signs in or links to the signed-in
// account.
const (
	IntentSignIn = "signin"
	IntentLink   = "link"
)

type provider struct {
	info ProviderInfo
	goth goth.Provider
	oidc *oidcIssuer // OpenID Connect only: verifies its ID tokens
}

var providerNames = map[string]string{"google": "Google", "github": "GitHub", "kakao": "Kakao", "naver": "Naver"}

func newProvider(pc ProviderConfig, callback string) (provider, error) {
	var p goth.Provider
	var oidc *oidcIssuer
	switch pc.ID {
	case "google":
		p = google.New(pc.ClientID, pc.ClientSecret, callback, "openid", "email", "profile")
	case "github":
		p = github.New(pc.ClientID, pc.ClientSecret, callback, "read:user", "user:email")
	case "kakao":
		p = kakao.New(pc.ClientID, pc.ClientSecret, callback)
	case "naver":
		p = naver.New(pc.ClientID, pc.ClientSecret, callback)
	case "oidc":
		client := &http.Client{Timeout: 20 * time.Second}
		d, err := discoverOIDC(client, pc.Issuer)
		if err != nil {
			return provider{}, fmt.Errorf("auth: OpenID Connect provider %s: %w", pc.Issuer, err)
		}
		op, err := openidConnect.NewCustomisedURL(pc.ClientID, pc.ClientSecret, callback,
			d.AuthEndpoint, d.TokenEndpoint, d.Issuer, d.UserinfoEndpoint, "", "openid", "email", "profile")
		if err != nil {
			return provider{}, fmt.Errorf("auth: OpenID Connect provider %s: %w", pc.Issuer, err)
		}
		op.HTTPClient = client
		p = op
		oidc = &oidcIssuer{issuer: d.Issuer, clientID: pc.ClientID, jwksURL: d.JWKSURI,
			userinfoURL: d.UserinfoEndpoint, client: client}
	default:
		return provider{}, fmt.Errorf("auth: unknown provider %q", pc.ID)
	}
	name := pc.Name
	if name == "" {
		name = providerNames[pc.ID]
	}
	return provider{info: ProviderInfo{ID: pc.ID, Name: name}, goth: p, oidc: oidc}, nil
}

func (s *Service) provider(id string) (provider, error) {
	for _, p := range s.providers {
		if p.info.ID == id {
			return p, nil
		}
	}
	return provider{}, ErrUnknownProvider
}

// BeginOAuth starts a round trip with provider id for the session: it
// keeps a fresh state, PKCE verifier and (for OpenID Connect) nonce in the
// session and returns the provider URL to send the browser to.
func (s *Service) BeginOAuth(ctx context.Context, sess Session, id, intent, ip string) (string, error) {
	p, err := s.provider(id)
	if err != nil {
		return "", err
	}
	if intent != IntentLink {
		intent = IntentSignIn
	}
	if intent == IntentLink && !sess.SignedIn() {
		return "", ErrForbidden
	}
	if err := s.allow(ctx, "signin-ip:"+ip, s.limits.SignInPerIP); err != nil {
		return "", err
	}
	st := oauthState{Provider: id, State: randomToken(24), Verifier: randomToken(48), Intent: intent}
	if p.oidc != nil {
		st.Nonce = randomToken(24)
	}
	gs, err := p.goth.BeginAuth(st.State)
	if err != nil {
		return "", fmt.Errorf("auth: begin %s: %w", id, err)
	}
	raw, err := gs.GetAuthURL()
	if err != nil {
		return "", fmt.Errorf("auth: begin %s: %w", id, err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("auth: begin %s: %w", id, err)
	}
	// goth adds no PKCE; S256 is added here and the verifier sent back at
	// the exchange.
	q := u.Query()
	q.Set("code_challenge", pkceChallenge(st.Verifier))
	q.Set("code_challenge_method", "S256")
	if st.Nonce != "" {
		q.Set("nonce", st.Nonce)
	}
	u.RawQuery = q.Encode()
	if err := s.setSessionOAuth(ctx, sess.ID, st); err != nil {
		return "", err
	}
	return u.String(), nil
}

// Callback is what a provider's redirect brings back.
type Callback struct {
	State string
	Code  string
	Error string // the provider's error code, when it refused
}

// FinishOAuth checks the callback against the session's state, which it
// uses up, exchanges the code with the PKCE verifier, and signs in as the
// person the provider names, or links them to the session's account when
// the round trip was started for linking.
func (s *Service) FinishOAuth(ctx context.Context, sess Session, id string, cb Callback, ip string) (Outcome, error) {
	p, err := s.provider(id)
	if err != nil {
		return Outcome{}, err
	}
	if err := s.allow(ctx, "signin-ip:"+ip, s.limits.SignInPerIP); err != nil {
		return Outcome{}, err
	}
	if cb.State == "" {
		return Outcome{}, ErrBadState
	}
	st, err := s.takeSessionOAuth(ctx, sess.ID, id, cb.State)
	if err != nil {
		return Outcome{}, err
	}
	if cb.Error != "" || cb.Code == "" {
		// The person pressed Cancel at the provider (access_denied), or
		// it sent them back without a code: nobody is signed in, and
		// nothing is wrong with the site.
		s.log.InfoContext(ctx, "sign-in not completed at the provider", "provider", id, "error", cb.Error)
		return Outcome{}, ErrSignInCancelled
	}
	ext, err := s.exchange(ctx, p, st, cb.Code)
	if err != nil {
		return Outcome{}, err
	}
	var linkTo AccountID
	if st.Intent == IntentLink {
		linkTo = sess.AccountID
	}
	return s.finish(ctx, sess, ext, linkTo)
}

// exchange trades the code for tokens and asks who this is.
func (s *Service) exchange(ctx context.Context, p provider, st oauthState, code string) (External, error) {
	gp := withVerifier(p.goth, st.Verifier)
	gs, err := gp.BeginAuth(st.State)
	if err != nil {
		return External{}, fmt.Errorf("auth: %s: %w", p.info.ID, err)
	}
	params := url.Values{"code": {code}, "code_verifier": {st.Verifier}}
	if _, err := gs.Authorize(gp, params); err != nil {
		s.log.WarnContext(ctx, "sign-in exchange failed", "provider", p.info.ID, "err", err)
		return External{}, ErrProviderFailed
	}
	if oc, ok := gs.(*openidConnect.Session); ok && p.oidc != nil {
		ext, err := p.oidc.person(ctx, oc.IDToken, oc.AccessToken, st.Nonce, s.now(), s.log)
		if err != nil {
			s.log.WarnContext(ctx, "sign-in refused", "provider", p.info.ID, "err", err)
		}
		return ext, err
	}
	u, err := gp.FetchUser(gs)
	if err != nil || u.UserID == "" {
		s.log.WarnContext(ctx, "sign-in user fetch failed", "provider", p.info.ID, "err", err)
		return External{}, ErrProviderFailed
	}
	return externalFrom(p.info.ID, u), nil
}

// HasProvider reports whether provider id is configured.
func (s *Service) HasProvider(id string) bool {
	_, err := s.provider(id)
	return err == nil
}

// FormTargets lists the origins of the configured providers' sign-in
// pages: linking starts from a form post that redirects there, and the
// page's CSP form-action must allow it.
func (s *Service) FormTargets() []string {
	var out []string
	for _, p := range s.providers {
		gs, err := p.goth.BeginAuth("x")
		if err != nil {
			continue
		}
		raw, err := gs.GetAuthURL()
		if err != nil {
			continue
		}
		if u, err := url.Parse(raw); err == nil && u.Host != "" && !slices.Contains(out, u.Scheme+"://"+u.Host) {
			out = append(out, u.Scheme+"://"+u.Host)
		}
	}
	return out
}

// externalFrom maps a goth user to an External. Only an explicit
// verification flag marks an email verified: Kakao and Naver give none.
func externalFrom(provider string, u goth.User) External {
	e := External{Provider: provider, Subject: u.UserID, Email: strings.ToLower(strings.TrimSpace(u.Email)),
		Name: u.Name, AvatarURL: u.AvatarURL}
	if e.Name == "" {
		e.Name = u.NickName
	}
	switch provider {
	case "google":
		e.EmailVerified = u.RawData["verified_email"] == true || u.RawData["email_verified"] == true
	case "github":
		// goth takes GitHub's email from the profile (which GitHub only
		// lets be a verified address) or the verified primary address.
		e.EmailVerified = e.Email != ""
	}
	if !strings.HasPrefix(e.AvatarURL, "https://") {
		e.AvatarURL = "" // only https images reach a page
	}
	return e
}

func pkceChallenge(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// withVerifier returns the provider set to send the PKCE verifier at the
// token exchange. goth's OpenID Connect session sends a code_verifier
// parameter itself; the others ignore it, so their token request gets it
// from an HTTP client of this round trip's own.
func withVerifier(p goth.Provider, verifier string) goth.Provider {
	client := &http.Client{Timeout: 20 * time.Second, Transport: pkceTransport{verifier: verifier}}
	switch p := p.(type) {
	case *google.Provider:
		c := *p
		c.HTTPClient = client
		return &c
	case *github.Provider:
		c := *p
		c.HTTPClient = client
		return &c
	case *kakao.Provider:
		c := *p
		c.HTTPClient = client
		return &c
	case *naver.Provider:
		c := *p
		c.HTTPClient = client
		return &c
	}
	return p
}

// pkceTransport adds code_verifier to form posts, which for these
// providers is only the token exchange.
type pkceTransport struct{ verifier string }

func (t pkceTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && r.Body != nil &&
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, errors.New("auth: token request is not a form")
		}
		if form.Get("code_verifier") == "" {
			form.Set("code_verifier", t.verifier)
		}
		body := form.Encode()
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewBufferString(body))
		r.ContentLength = int64(len(body))
	}
	return http.DefaultTransport.RoundTrip(r)
}
