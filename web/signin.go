package web

import (
	"errors"

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
		Email: email, IP: c.IP(), Locale: views.LocaleOf(c.UserContext())})
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

// showEmailLink only shows a confirm button: mail scanners that open every
// link must not use up a single-use link.
func (s *server) showEmailLink(c *fiber.Ctx) error {
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.EmailLinkPage(views.EmailLink{Chrome: s.chrome(c), Token: c.Query("token")}))
}

func (s *server) useEmailLink(c *fiber.Ctx) error {
	ext, linkTo, err := s.auth.ConsumeEmailLink(c.UserContext(), c.FormValue("token"), c.IP())
	if err != nil {
		return err
	}
	if linkTo != "" {
		return s.link(c, linkTo, ext)
	}
	return s.signIn(c, ext)
}

func (s *server) beginOAuth(c *fiber.Ctx) error {
	sess, err := s.ensureSession(c)
	if err != nil {
		return err
	}
	to, err := s.auth.BeginOAuth(c.UserContext(), sess, c.Params("provider"), c.Query("intent"), c.IP())
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
	ext, intent, err := s.auth.CompleteOAuth(c.UserContext(), sess, c.Params("provider"),
		auth.Callback{State: c.Query("state"), Code: c.Query("code"), Error: c.Query("error")}, c.IP())
	if err != nil {
		return err
	}
	if intent == auth.IntentLink {
		return s.link(c, sess.AccountID, ext)
	}
	return s.signIn(c, ext)
}

// link adds ext to account a, which must be the one signed in here.
func (s *server) link(c *fiber.Ctx, a auth.AccountID, ext auth.External) error {
	if v := viewer(c); v == nil || v.ID != a {
		return auth.ErrForbidden
	}
	if err := s.auth.Link(c.UserContext(), a, ext); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/settings", "ok", "flash.identity_linked")
}

// signIn signs the browser in as ext's account on a fresh session.
func (s *server) signIn(c *fiber.Ctx, ext auth.External) error {
	acc, err := s.auth.SignIn(c.UserContext(), ext)
	if err != nil {
		return err
	}
	_, old, _ := session(c)
	token, sess, err := s.auth.StartSignedIn(c.UserContext(), old, acc.ID)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, sess.EndsAt)
	return s.redirectWithFlash(c, "/", "ok", "flash.signed_in")
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
