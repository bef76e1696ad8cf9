package web

import (
	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/views"
)

// showUnsubscribe asks to confirm stopping the brand's news for the
// account the link names. It works signed out and changes nothing:
// mail scanners open links too.
func (s *server) showUnsubscribe(c *fiber.Ctx) error {
	a, err := s.auth.UnsubscribeAccount(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.renderUnsubscribe(c, a)
}

// unsubscribe stops the brand's news for the account the link names.
// A mail program's one-click button posts here (RFC 8058) with no
// cookie and no CSRF token, so routes serves it before checkCSRF: the
// signed link is the credential. Posting again changes nothing.
func (s *server) unsubscribe(c *fiber.Ctx) error {
	a, err := s.auth.Unsubscribe(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.renderUnsubscribe(c, a)
}

// renderUnsubscribe shows the page about a's news, in the language a
// chose unless the visitor picked one with the switcher: the page is
// about them, and a mail program's post names no language. Its address
// is masked, as anyone the mail was forwarded to holds the link too.
func (s *server) renderUnsubscribe(c *fiber.Ctx, a auth.Account) error {
	if isLocale(a.Locale) && !isLocale(c.Cookies(langCookie)) {
		c.SetUserContext(s.catalogs.WithLocale(c.UserContext(), a.Locale))
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Robots-Tag", "noindex")
	return render(c, fiber.StatusOK, views.UnsubscribePage(views.Unsubscribe{Chrome: s.chrome(c),
		Email: views.MaskEmail(a.Email), Token: c.Params("token"), Done: !a.News}))
}
