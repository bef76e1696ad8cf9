package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/views"
)

func (s *server) showSignIn(c *fiber.Ctx) error {
	if viewer(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	s.rememberReturn(c, c.Query("next"))
	return s.renderSignIn(c, fiber.StatusOK, "", nil)
}

func (s *server) renderSignIn(c *fiber.Ctx, status int, email string, errs map[string]string) error {
	return render(c, status, views.SignInPage(views.SignIn{Chrome: s.chrome(c),
		Providers: s.auth.Providers(), Email: email, Errors: errs}))
}

// requestEmailLink mails a sign-in link. The answer is the same page
// whether or not the address belongs to an account.
func (s *server) requestEmailLink(c *fiber.Ctx) error {
	email := c.FormValue("email")
	err := s.auth.RequestEmailLink(c.UserContext(), auth.EmailLinkRequest{
		Email: email, IP: s.clientIP(c), Locale: views.LocaleOf(c.UserContext())})
	var invalid auth.ValidationError
	switch {
	case errors.As(err, &invalid):
		return s.renderSignIn(c, fiber.StatusUnprocessableEntity, email, invalid)
	case errors.Is(err, auth.ErrRateLimited):
		return s.renderSignIn(c, fiber.StatusTooManyRequests, email, map[string]string{"form": "signin.error.rate_limited"})
	case err != nil:
		return err
	}
	normalised, _ := auth.NormaliseEmail(email)
	return render(c, fiber.StatusOK, views.SignInSentPage(views.SignInSent{Chrome: s.chrome(c), Email: normalised}))
}

// showEmailLink only shows a confirm button, naming the account it opens:
// mail scanners that open every link must not use up a single-use link,
// and nobody should be signed in to an account they did not ask for.
func (s *server) showEmailLink(c *fiber.Ctx) error {
	token := c.Query("token")
	email, err := s.auth.PeekEmailLink(c.UserContext(), token)
	if err != nil {
		return err
	}
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.EmailLinkPage(views.EmailLink{Chrome: s.chrome(c), Token: token, Email: email}))
}

func (s *server) useEmailLink(c *fiber.Ctx) error {
	sess, _, _ := session(c)
	out, err := s.auth.UseEmailLink(c.UserContext(), sess, c.FormValue("token"), s.clientIP(c))
	if err != nil {
		return err
	}
	return s.finishSignIn(c, out)
}

// beginOAuth starts signing in with a provider. It is a plain link, so it
// may only sign in: linking a provider to an account is a form post.
func (s *server) beginOAuth(c *fiber.Ctx) error {
	return s.startOAuth(c, auth.IntentSignIn)
}

// beginLink starts linking a provider to the signed-in account.
func (s *server) beginLink(c *fiber.Ctx) error {
	return s.startOAuth(c, auth.IntentLink)
}

func (s *server) startOAuth(c *fiber.Ctx, intent string) error {
	provider := c.Params("provider")
	if !s.auth.HasProvider(provider) {
		return auth.ErrUnknownProvider // before a session is made for it
	}
	sess, err := s.ensureSession(c)
	if err != nil {
		return err
	}
	to, err := s.auth.BeginOAuth(c.UserContext(), sess, provider, intent, s.clientIP(c))
	if err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

func (s *server) completeOAuth(c *fiber.Ctx) error {
	sess, _, ok := session(c)
	if !ok {
		return auth.ErrBadState
	}
	out, err := s.auth.FinishOAuth(c.UserContext(), sess, c.Params("provider"),
		auth.Callback{State: c.Query("state"), Code: c.Query("code"), Error: c.Query("error")}, s.clientIP(c))
	if err != nil {
		return err
	}
	return s.finishSignIn(c, out)
}

// finishSignIn leaves a linked identity on settings, or signs the browser
// in on a fresh session, so a token planted before sign-in is worthless.
func (s *server) finishSignIn(c *fiber.Ctx, out auth.Outcome) error {
	if out.Linked {
		return s.redirectWithFlash(c, "/settings", "ok", "flash.identity_linked")
	}
	s.noteReferral(c, out) // before the account can take part
	if err := s.signInAs(c, out.Account.ID); err != nil {
		return err
	}
	to := "/"
	if back := c.Cookies(returnCookie); isReturnPath(back) {
		to = back
		s.clearCookie(c, returnCookie)
	}
	return s.redirectWithFlash(c, to, "ok", "flash.signed_in")
}

// signInAs signs the browser in as account a, on a fresh session.
func (s *server) signInAs(c *fiber.Ctx, a auth.AccountID) error {
	_, old, _ := session(c)
	token, sess, err := s.auth.StartSignedIn(c.UserContext(), old, a)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, sess.EndsAt)
	return nil
}

// returnCookie holds where a visitor was going when sent to sign in (an
// invitation link, say), to go back there after.
const returnCookie = "fanclub_return"

// rememberReturn keeps to for after sign-in, if it is a path on this site.
func (s *server) rememberReturn(c *fiber.Ctx, to string) {
	if !isReturnPath(to) {
		return
	}
	c.Cookie(&fiber.Cookie{Name: returnCookie, Value: to, Path: "/", MaxAge: 3600,
		HTTPOnly: true, Secure: s.secure, SameSite: fiber.CookieSameSiteLaxMode})
}

// isReturnPath reports whether p is a path on this site. Anything else,
// such as "//evil.example" or a backslash or control character that
// browsers read as a slash or drop, would make an open redirect.
func isReturnPath(p string) bool {
	if len(p) > 500 || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for _, r := range p {
		if r <= ' ' || r == '\\' || r == 0x7f {
			return false
		}
	}
	return true
}

func (s *server) signOut(c *fiber.Ctx) error {
	if _, token, ok := session(c); ok {
		if err := s.auth.EndSession(c.UserContext(), token); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	return s.redirectWithFlash(c, "/", "ok", "flash.signed_out")
}

func (s *server) signOutEverywhere(c *fiber.Ctx) error {
	if err := s.auth.EndAllSessions(c.UserContext(), viewer(c).ID); err != nil {
		return err
	}
	s.clearCookie(c, sessionCookie)
	return s.redirectWithFlash(c, "/", "ok", "flash.signed_out_everywhere")
}
