package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

const (
	sessionCookie = "fanclub_session"
	langCookie    = "lang"
	flashCookie   = "flash"
)

// errCSRF refuses a state-changing request without a valid token.
var errCSRF = errors.New("web: missing or invalid CSRF token")

// securityHeaders sets the headers every response carries. The CSP allows
// no inline script or style; the referrer policy keeps same-origin
// referers (which the CSRF check may read) and sends none elsewhere.
func (s *server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", s.csp)
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.secure {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

// request-scoped values, read through the typed accessors below.
type (
	sessionKey struct{}
	viewerKey  struct{}
	tokenKey   struct{}
	entKey     struct{}
	siteKey    struct{}
)

// loadSession reads the session cookie and, when signed in, the account.
func (s *server) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(sessionCookie)
	if token == "" {
		return c.Next()
	}
	sess, err := s.auth.SessionByToken(c.UserContext(), token)
	if errors.Is(err, auth.ErrNotFound) {
		s.clearCookie(c, sessionCookie)
		return c.Next()
	}
	if err != nil {
		return err
	}
	c.Locals(sessionKey{}, sess)
	c.Locals(tokenKey{}, token)
	if sess.SignedIn() {
		acc, err := s.auth.AccountByID(c.UserContext(), sess.AccountID)
		if err == nil {
			c.Locals(viewerKey{}, &acc)
			// A signed-in page is its viewer's alone: no shared cache may
			// keep it, nor the browser a copy once they sign out. Set
			// before the handler runs, so redirects and error pages carry
			// it too.
			c.Set(fiber.HeaderCacheControl, "private, no-store")
		} else if !errors.Is(err, auth.ErrNotFound) {
			return err
		}
		if err == nil {
			ent, err := s.entitlementOf(c.UserContext(), acc.ID)
			if err != nil {
				return err
			}
			c.Locals(entKey{}, ent)
		}
	}
	return c.Next()
}

// noteVisit reports a signed-in request to the activity record as the
// viewer's visit today. The record writes the first of each day and
// remembers it, so later requests cost nothing. Assets, health checks and
// webhooks are served before the session is read, and never count.
func (s *server) noteVisit(c *fiber.Ctx) error {
	// Opening a mail's unsubscribe link is not coming back: it would count
	// a campaign's leavers as active again.
	if v := viewer(c); v != nil && s.activity != nil && !strings.HasPrefix(c.Path(), "/unsubscribe/") {
		s.activity.Visit(c.UserContext(), string(v.ID))
	}
	return c.Next()
}

// session returns the request's session and its cookie token, if any.
func session(c *fiber.Ctx) (auth.Session, string, bool) {
	sess, ok := c.Locals(sessionKey{}).(auth.Session)
	token, _ := c.Locals(tokenKey{}).(string)
	return sess, token, ok
}

// viewer returns the signed-in account, or nil.
func viewer(c *fiber.Ctx) *auth.Account {
	a, _ := c.Locals(viewerKey{}).(*auth.Account)
	return a
}

// actor is the person making the request, as community sees them: the
// account and the tiers its entitlement includes.
func actor(c *fiber.Ctx) community.Actor {
	if a := viewer(c); a != nil {
		return community.Actor{Account: *a, Tiers: entitlement(c).covered}
	}
	return community.Actor{}
}

// ensureSession returns the request's session, starting a signed-out one
// (for a form's CSRF token or an OAuth round trip) when there is none.
func (s *server) ensureSession(c *fiber.Ctx) (auth.Session, error) {
	if sess, _, ok := session(c); ok {
		return sess, nil
	}
	token, sess, err := s.auth.NewSession(c.UserContext(), s.clientIP(c))
	if err != nil {
		return auth.Session{}, err
	}
	s.setSessionCookie(c, token, time.Time{})
	c.Locals(sessionKey{}, sess)
	c.Locals(tokenKey{}, token)
	return sess, nil
}

func (s *server) requireSignedIn(c *fiber.Ctx) error {
	if viewer(c) == nil {
		if isSafeMethod(c.Method()) {
			return c.Redirect("/signin", fiber.StatusSeeOther)
		}
		return fiber.ErrForbidden
	}
	return c.Next()
}

// hideFromSignedOut answers 404 to a signed-out visitor, for a group's
// pages that only members use: a redirect to sign-in would tell them the
// group exists.
func (s *server) hideFromSignedOut(c *fiber.Ctx) error {
	if viewer(c) == nil {
		return fiber.ErrNotFound
	}
	return c.Next()
}

// pickLocale chooses the page language: a switcher choice (?lang=, kept in
// a cookie), else the account's setting, else Accept-Language, else the
// site's default. It also reads the club's settings for the request.
func (s *server) pickLocale(c *fiber.Ctx) error {
	if l := c.Query("lang"); l != "" && isSafeMethod(c.Method()) {
		if isLocale(l) {
			c.Cookie(&fiber.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HTTPOnly: true, Secure: s.secure, SameSite: fiber.CookieSameSiteLaxMode})
		}
		return c.Redirect(localPath(c.Path(), c.Context().QueryArgs().String()), fiber.StatusSeeOther)
	}
	locale := c.Cookies(langCookie)
	if !isLocale(locale) {
		locale = ""
	}
	if v := viewer(c); locale == "" && v != nil && isLocale(v.Locale) {
		locale = v.Locale
	}
	st := s.readSite(c)
	if locale == "" {
		locale = st.Locale() // when the browser names no language either
		if header := c.Get(fiber.HeaderAcceptLanguage); header != "" {
			locale = c.AcceptsLanguages(views.Locales...)
			if !isLocale(locale) {
				locale = acceptPrefix(header, st.Locale())
			}
		}
	}
	ctx := views.WithSite(s.catalogs.WithLocale(c.UserContext(), locale), st)
	c.SetUserContext(views.WithImageHosts(ctx, s.imageHosts)) // member content is drawn under the image policy too
	return c.Next()
}

func isLocale(l string) bool { return l == "ko" || l == "en" }

// acceptPrefix matches regional tags such as ko-KR, which Fiber's exact
// matching misses, in the header's order; def when none matches.
func acceptPrefix(header, def string) string {
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if isLocale(base) {
			return base
		}
	}
	return def
}

// checkCSRF refuses a state-changing request unless it carries the
// session's token and, when the browser says where it comes from, comes
// from this site. The origin is compared with the configured base URL, not
// the request's scheme, so a TLS-terminating proxy changes nothing.
func (s *server) checkCSRF(c *fiber.Ctx) error {
	if isSafeMethod(c.Method()) {
		return c.Next()
	}
	sess, _, ok := session(c)
	if !ok {
		return errCSRF
	}
	sent := c.FormValue("_csrf")
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	if !csrfMatches(sent, sess.CSRF) {
		return errCSRF
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return errCSRF
	}
	from := c.Get(fiber.HeaderOrigin)
	if r := c.Get(fiber.HeaderReferer); from == "" && r != "" {
		u, err := url.Parse(r)
		if err != nil {
			return errCSRF
		}
		from = u.Scheme + "://" + u.Host
	}
	if from != "" && from != s.origin {
		if s.openedElsewhere(c, from) {
			return &wrongAddress{opened: from}
		}
		return errCSRF
	}
	return c.Next()
}

// maskCSRF returns the session's CSRF token as pages carry it: XORed with
// a fresh random pad, the pad in front, so that no two answers hold the
// same bytes. Pages are compressed and reflect what a URL asks for (the
// language switcher keeps the query), and a fixed secret in such pages
// can be guessed byte by byte from their compressed size (BREACH).
func maskCSRF(token string) string {
	pad := make([]byte, len(token))
	if _, err := rand.Read(pad); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	out := make([]byte, 2*len(token))
	copy(out, pad)
	for i := range len(token) {
		out[len(token)+i] = pad[i] ^ token[i]
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// csrfMatches reports whether sent is the session's token, masked as
// pages carry it or, for scripts that read it elsewhere, as it is.
func csrfMatches(sent, token string) bool {
	if token == "" {
		return false
	}
	if b, err := base64.RawURLEncoding.DecodeString(sent); err == nil && len(b) == 2*len(token) {
		for i := range len(token) {
			b[i] ^= b[len(token)+i]
		}
		return subtle.ConstantTimeCompare(b[:len(token)], []byte(token)) == 1
	}
	return subtle.ConstantTimeCompare([]byte(sent), []byte(token)) == 1
}

// wrongAddress refuses a form sent from this site's own page, opened at
// another address than the one it is set up for. It is refused all the
// same: at that address mail links, cookies and redirects would go astray.
type wrongAddress struct{ opened string }

func (e *wrongAddress) Error() string {
	return "web: a form from " + e.opened + ", not the site's address"
}

// openedElsewhere reports whether a form whose origin is not the site's
// came from the site itself, opened at another address (say
// 127.0.0.1:8080 for localhost:8080): the browser says the page and the
// form's target share an origin, or the origin is the host the request
// was sent to. A form forged on another site is neither. Either way the
// form is refused: this only chooses the page that says why.
func (s *server) openedElsewhere(c *fiber.Ctx, from string) bool {
	if c.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	u, err := url.Parse(from)
	return err == nil && u.Host != "" && u.Host == string(c.Request().Host())
}

// showWrongAddress renders the page for a wrongAddress error and, the
// first time, tells the log the same.
func (s *server) showWrongAddress(c *fiber.Ctx, e *wrongAddress) error {
	s.wrongAddressOnce.Do(func() {
		s.log.Warn("a form was sent from the site opened at another address than FANCLUB_BASE_URL, and refused; "+
			"open the site at url, or set FANCLUB_BASE_URL to the address people open and restart", "url", s.origin, "opened_at", e.opened)
	})
	link := s.origin + "/"
	if r, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && r.Path != "" {
		link = s.origin + localPath(r.Path, r.RawQuery)
	}
	return render(c, fiber.StatusForbidden, views.WrongAddressPage(views.WrongAddress{Chrome: s.chrome(c),
		Base: s.origin, Opened: e.opened, Link: link}))
}

func (s *server) setSessionCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: s.secure, SameSite: fiber.CookieSameSiteLaxMode})
}

func (s *server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0),
		HTTPOnly: true, Secure: s.secure, SameSite: fiber.CookieSameSiteLaxMode})
}

// clientIP is the address rate limits count against. Behind trusted
// proxies it is the right-most X-Forwarded-For entry that is not one of
// them: entries further left were written by the client and prove nothing.
func (s *server) clientIP(c *fiber.Ctx) string {
	remote, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	addr := remote.Unmap()
	if !s.trusted(addr) {
		return addr.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled entry: trust nothing further left
		}
		addr = hop.Unmap()
		if !s.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func (s *server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// readSite reads the club's settings once per request, for siteOf. A
// failed read shows the unnamed look rather than fail the page.
func (s *server) readSite(c *fiber.Ctx) auth.Site {
	st, err := s.auth.Site(c.UserContext())
	if err != nil {
		s.log.WarnContext(c.UserContext(), "read site settings", "err", err)
	}
	c.Locals(siteKey{}, st)
	return st
}

// siteOf returns the club's settings as read for this request by
// pickLocale; the zero Site (the unnamed look) before that.
func siteOf(c *fiber.Ctx) auth.Site {
	st, _ := c.Locals(siteKey{}).(auth.Site)
	return st
}
