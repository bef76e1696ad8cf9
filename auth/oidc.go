package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v3"
	"github.com/go-jose/go-jose/v3/jwt"
)

// oidcIssuer checks what one OpenID Connect provider says about a person.
// goth's openidConnect provider checks an ID token's issuer, audience and
// expiry (against the wall clock), but not its signature, and it sends no
// nonce; so the token is verified here, in full, against the keys the
// provider publishes, and userinfo is read here when the token leaves the
// email or name out.
type oidcIssuer struct {
	issuer      string // as the discovery document gives it; tokens must name it
	clientID    string
	jwksURL     string
	userinfoURL string // may be empty: then the ID token is all there is
	client      *http.Client

	mu      sync.Mutex
	keys    []jose.JSONWebKey
	fetched time.Time
}

// The provider's keys are read again after keysMaxAge, so a key it drops
// stops working; a token naming a key not seen yet (a rotation) reads them
// again, but not more often than keysMinAge.
const (
	keysMaxAge = time.Hour
	keysMinAge = time.Minute
	// tokenLeeway allows for clocks that differ a little.
	tokenLeeway = time.Minute
	// maxProviderBody bounds what is read from a provider's answer.
	maxProviderBody = 1 << 20
)

// signingAlgs are the signatures an ID token may carry: asymmetric ones
// only, so neither "none" nor a MAC keyed with something public passes.
var signingAlgs = map[string]bool{
	string(jose.RS256): true, string(jose.RS384): true, string(jose.RS512): true,
	string(jose.PS256): true, string(jose.PS384): true, string(jose.PS512): true,
	string(jose.ES256): true, string(jose.ES384): true, string(jose.ES512): true,
	string(jose.EdDSA): true,
}

// oidcDiscovery is what is read of a provider's discovery document.
type oidcDiscovery struct {
	Issuer           string `json:"issuer"`
	AuthEndpoint     string `json:"authorization_endpoint"`
	TokenEndpoint    string `json:"token_endpoint"`
	UserinfoEndpoint string `json:"userinfo_endpoint"`
	JWKSURI          string `json:"jwks_uri"`
}

// discoverOIDC reads issuer's discovery document.
func discoverOIDC(client *http.Client, issuer string) (oidcDiscovery, error) {
	var d oidcDiscovery
	url := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	if err := getJSON(context.Background(), client, url, "", &d); err != nil {
		return d, err
	}
	if d.Issuer == "" || d.AuthEndpoint == "" || d.TokenEndpoint == "" || d.JWKSURI == "" {
		return d, fmt.Errorf("%s lacks issuer, authorization_endpoint, token_endpoint or jwks_uri", url)
	}
	return d, nil
}

// verify checks the ID token raw: signed by one of the provider's keys,
// from its issuer, for this client, not expired, and carrying nonce. It
// returns the token's claims. A token that fails is ErrTokenInvalid; keys
// that cannot be read are ErrProviderFailed.
func (o *oidcIssuer) verify(ctx context.Context, raw, nonce string, now time.Time) (map[string]any, error) {
	tok, err := jwt.ParseSigned(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTokenInvalid, err)
	}
	if len(tok.Headers) != 1 || !signingAlgs[tok.Headers[0].Algorithm] {
		return nil, fmt.Errorf("%w: not signed with one supported algorithm", ErrTokenInvalid)
	}
	h := tok.Headers[0]
	keys, err := o.keysFor(ctx, h.KeyID, now)
	if err != nil {
		return nil, err
	}
	var std jwt.Claims
	var claims map[string]any
	verified := false
	for _, k := range keys {
		if k.Algorithm != "" && k.Algorithm != h.Algorithm {
			continue
		}
		if tok.Claims(k.Key, &std, &claims) == nil {
			verified = true
			break
		}
	}
	switch {
	case !verified:
		return nil, fmt.Errorf("%w: the signature matches none of the provider's keys", ErrTokenInvalid)
	case std.Expiry == nil:
		return nil, fmt.Errorf("%w: no expiry", ErrTokenInvalid)
	case std.Subject == "":
		return nil, fmt.Errorf("%w: no subject", ErrTokenInvalid)
	}
	want := jwt.Expected{Issuer: o.issuer, Audience: jwt.Audience{o.clientID}, Time: now}
	if err := std.ValidateWithLeeway(want, tokenLeeway); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTokenInvalid, err)
	}
	if azp, ok := claims["azp"].(string); ok && azp != o.clientID {
		return nil, fmt.Errorf("%w: issued to another party", ErrTokenInvalid)
	}
	// The nonce ties the token to the round trip this browser started,
	// so a token taken from another sign-in cannot be replayed here.
	got, _ := claims["nonce"].(string)
	if nonce == "" || subtle.ConstantTimeCompare([]byte(got), []byte(nonce)) != 1 {
		return nil, fmt.Errorf("%w: wrong or missing nonce", ErrTokenInvalid)
	}
	return claims, nil
}

// keysFor returns the provider's signing keys that kid may name (all of
// them when the token names none), reading the key set when it is old or
// does not know kid.
func (o *oidcIssuer) keysFor(ctx context.Context, kid string, now time.Time) ([]jose.JSONWebKey, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	match := func() []jose.JSONWebKey {
		var out []jose.JSONWebKey
		for _, k := range o.keys {
			if (kid == "" || k.KeyID == kid) && (k.Use == "" || k.Use == "sig") && k.IsPublic() {
				out = append(out, k)
			}
		}
		return out
	}
	age := now.Sub(o.fetched)
	if !o.fetched.IsZero() && age < keysMaxAge {
		if m := match(); len(m) > 0 || age < keysMinAge {
			return m, nil
		}
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := getJSON(ctx, o.client, o.jwksURL, "", &set); err != nil {
		return nil, fmt.Errorf("%w: keys: %v", ErrProviderFailed, err)
	}
	o.keys = o.keys[:0]
	for _, raw := range set.Keys {
		// A key of a kind this library does not read (an encryption
		// key, say) is skipped rather than failing the whole set.
		var k jose.JSONWebKey
		if k.UnmarshalJSON(raw) == nil {
			o.keys = append(o.keys, k)
		}
	}
	o.fetched = now
	return match(), nil
}

// person verifies the ID token of a finished exchange and returns who it
// names, reading userinfo when the token leaves out the email or name.
// Userinfo's sub must be the token's: userinfo naming someone else is
// ErrTokenInvalid, and one without a sub (the spec requires it) is not
// used at all.
func (o *oidcIssuer) person(ctx context.Context, idToken, accessToken, nonce string, now time.Time, log *slog.Logger) (External, error) {
	claims, err := o.verify(ctx, idToken, nonce, now)
	if err != nil {
		return External{}, err
	}
	var info map[string]any
	if needsUserinfo(claims) && o.userinfoURL != "" {
		if info, err = o.userinfo(ctx, accessToken); err != nil {
			return External{}, err
		}
		switch sub := claimString(info, "sub"); {
		case sub == "":
			log.WarnContext(ctx, "OpenID Connect userinfo has no sub; not used", "issuer", o.issuer)
			info = nil
		case sub != claimString(claims, "sub"):
			return External{}, fmt.Errorf("%w: userinfo names another subject", ErrTokenInvalid)
		}
	}
	return oidcExternal(claims, info), nil
}

// userinfo reads the userinfo endpoint with the access token.
func (o *oidcIssuer) userinfo(ctx context.Context, accessToken string) (map[string]any, error) {
	var info map[string]any
	if err := getJSON(ctx, o.client, o.userinfoURL, accessToken, &info); err != nil {
		return nil, fmt.Errorf("%w: userinfo: %v", ErrProviderFailed, err)
	}
	return info, nil
}

// needsUserinfo reports whether the ID token leaves out what an account
// is made from: a verified email, or a name. OpenID Connect lets a
// provider put these in userinfo only (Zitadel does by default; Okta's
// org server does when it also issues an access token).
func needsUserinfo(claims map[string]any) bool {
	return claimString(claims, "email") == "" || !claimVerified(claims) || claimString(claims, "name") == ""
}

// oidcExternal is the person the ID token's claims and userinfo name. The
// token comes first; userinfo fills in what it left out. The email and its
// verified flag are taken together from one or the other, so a flag never
// vouches for another address.
func oidcExternal(tok, info map[string]any) External {
	e := External{Provider: "oidc", Subject: claimString(tok, "sub"),
		Email: claimString(tok, "email"), EmailVerified: claimVerified(tok)}
	if !e.EmailVerified && claimString(info, "email") != "" {
		e.Email, e.EmailVerified = claimString(info, "email"), claimVerified(info)
	}
	e.Email = strings.ToLower(strings.TrimSpace(e.Email))
	for _, c := range []string{"name", "nickname", "preferred_username"} {
		if e.Name = firstClaim(c, tok, info); e.Name != "" {
			break
		}
	}
	if e.AvatarURL = firstClaim("picture", tok, info); !strings.HasPrefix(e.AvatarURL, "https://") {
		e.AvatarURL = "" // only https images reach a page
	}
	return e
}

func firstClaim(name string, sources ...map[string]any) string {
	for _, s := range sources {
		if v := claimString(s, name); v != "" {
			return v
		}
	}
	return ""
}

func claimString(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return strings.TrimSpace(s)
}

// claimVerified reads email_verified: only an explicit true counts (some
// providers send it as the string "true").
func claimVerified(claims map[string]any) bool {
	switch v := claims["email_verified"].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

// getJSON GETs url, with a bearer token when one is given, and decodes
// its JSON answer into out.
func getJSON(ctx context.Context, client *http.Client, url, bearer string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", url, res.StatusCode)
	}
	// A userinfo answer may be a signed JWT instead, which a provider
	// sends only to a client registered for it; it is not read.
	if ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); ct == "application/jwt" {
		return fmt.Errorf("%s answered a JWT, not JSON", url)
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, maxProviderBody)).Decode(out); err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	return nil
}
