package web

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/assets"
	"fanclub/community"
	"fanclub/views"
)

// The club's own files and pages: its uploaded images, the stylesheet
// carrying its accent colour, and its About, Terms and Privacy pages.

// immutable is the caching of a URL whose content never changes: it is
// named by a hash of it.
const immutable = "public, max-age=31536000, immutable"

// serveSiteFile serves an uploaded logo or favicon by its content hash.
func (s *server) serveSiteFile(c *fiber.Ctx) error {
	f, err := s.auth.SiteFile(c.UserContext(), c.Params("hash"))
	if err != nil {
		return err
	}
	return sendImage(c, f.Type, f.Data)
}

// sendImage sends an image cached for good, as the type it was sniffed
// to be and never another.
func sendImage(c *fiber.Ctx, typ string, b []byte) error {
	c.Set(fiber.HeaderCacheControl, immutable)
	c.Set(fiber.HeaderContentType, typ)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(b)
}

// serveFavicon answers browsers and tools that ask for /favicon.ico
// without reading the page: the brand's favicon, else the default one.
func (s *server) serveFavicon(c *fiber.Ctx) error {
	if h := s.readSite(c).Favicon; h != "" {
		return c.Redirect("/site/files/"+h, fiber.StatusFound)
	}
	b, _ := assets.Read("favicon.png")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(b)
}

// serveTheme serves the stylesheet that gives buttons and links the
// brand's accent colour. The Content-Security-Policy refuses inline
// styles, so it is a file of its own, linked as views.ThemePath names
// it; a link to another colour than today's is not cached.
func (s *server) serveTheme(c *fiber.Ctx) error {
	accent := s.readSite(c).Accent
	if accent == "" {
		return fiber.ErrNotFound
	}
	if c.Query("v") == strings.TrimPrefix(accent, "#") {
		c.Set(fiber.HeaderCacheControl, immutable)
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	// Dark mode keeps its own light accent: the brand's colour is chosen
	// to carry white text, which is what the light scheme puts on it.
	return c.SendString(fmt.Sprintf("@media (prefers-color-scheme: light) {\n  :root { --accent: %s; --accent-hover: %s; --on-accent: #ffffff; }\n}\n",
		accent, darker(accent)))
}

// darker is the colour hex (#rrggbb) a fifth darker, for hover: darker
// keeps white text on it readable.
func darker(hex string) string {
	var r, g, b uint8
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return hex
	}
	return fmt.Sprintf("#%02x%02x%02x", int(r)*4/5, int(g)*4/5, int(b)*4/5)
}

// showSitePage shows the club's About, Terms or Privacy page, which the
// brand writes in Markdown; a page not written is not there.
func (s *server) showSitePage(c *fiber.Ctx) error {
	st := siteOf(c)
	page := strings.TrimPrefix(c.Path(), "/")
	text := map[string]string{"about": st.About, "terms": st.Terms, "privacy": st.Privacy}[page]
	if text == "" {
		return fiber.ErrNotFound
	}
	return render(c, fiber.StatusOK, views.SitePageView(views.SitePage{Chrome: s.chrome(c), Page: page,
		HTML: s.siteMarkdown(page, text)}))
}

// siteMarkdown renders one of the brand's Markdown texts, once for as
// long as it stays the same: every visitor reads them, and a long page
// takes milliseconds to render.
func (s *server) siteMarkdown(page, text string) string {
	if v, ok := s.siteHTML.Load(page); ok && v.(renderedText).text == text {
		return v.(renderedText).html
	}
	html := community.RenderMarkdown(text)
	s.siteHTML.Store(page, renderedText{text: text, html: html})
	return html
}
