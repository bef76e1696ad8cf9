package web

import (
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"fanclub/views"
)

// chrome builds what every page's frame needs, once per request.
func (s *server) chrome(c *fiber.Ctx) views.Chrome {
	ch := views.Chrome{Viewer: viewer(c), Locale: views.LocaleOf(c.UserContext()), Path: s.switcherPath(c), Zone: s.viewerZone(c),
		Entitlement: entitlement(c).Entitlement}
	if sess, _, ok := session(c); ok {
		ch.CSRF = maskCSRF(sess.CSRF)
	}
	ch.Site = siteOf(c)
	if ch.Viewer != nil {
		n, err := s.community.Unread(c.UserContext(), actor(c))
		if err != nil { // the bell is not worth failing a page for
			s.log.WarnContext(c.UserContext(), "count unread notifications", "err", err)
		}
		ch.Unread = n
	}
	if f := c.Cookies(flashCookie); f != "" {
		kind, key, _ := cutFlash(f)
		if _, known := s.catalogs[ch.Locale][key]; known {
			ch.Flash = views.Flash{Kind: kind, Key: key}
		}
		s.clearCookie(c, flashCookie)
	}
	return ch
}

// render writes page with status. On a render error the body is reset so
// no half page reaches the browser, and the error handler takes over.
func render(c *fiber.Ctx, status int, page templ.Component) error {
	c.Status(status).Type("html", "utf-8")
	if err := page.Render(c.UserContext(), c.Response().BodyWriter()); err != nil {
		c.Response().ResetBody()
		return err
	}
	return nil
}

// redirectWithFlash redirects (303) and shows the message keyed key on the
// next page. kind is "ok" or "error".
func (s *server) redirectWithFlash(c *fiber.Ctx, to, kind, key string) error {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: kind + ":" + key, Path: "/", MaxAge: 60,
		HTTPOnly: true, Secure: s.secure, SameSite: fiber.CookieSameSiteLaxMode})
	return c.Redirect(to, fiber.StatusSeeOther)
}

func cutFlash(v string) (kind, key string, ok bool) {
	kind, key, ok = strings.Cut(v, ":")
	if kind != "ok" && kind != "error" {
		return "", "", false
	}
	return kind, key, ok
}

// switcherPath is where the language switcher leads back to: this page
// with its query, or for the answer to a form post (which has no GET route
// of its own) the page the form was on.
func (s *server) switcherPath(c *fiber.Ctx) string {
	if isSafeMethod(c.Method()) {
		return localPath(c.Path(), c.Context().QueryArgs().String())
	}
	if u, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && u.Scheme+"://"+u.Host == s.origin {
		return localPath(u.Path, u.RawQuery)
	}
	return "/"
}

// localPath joins a path and a query, less any lang parameter, into a
// link that cannot leave the site: "//host" and "/\\host" become "/".
func localPath(path, rawQuery string) string {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || strings.HasPrefix(path, "/\\") {
		path = "/"
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return path
	}
	q.Del("lang")
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
