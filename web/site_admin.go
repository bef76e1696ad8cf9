package web

import (
	"errors"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

// The club's settings page: owners and admins name the club and choose
// its look, pages and defaults. auth judges and keeps them; the change is
// logged in the site's audit log here, as changes to the team are.

func (s *server) showSiteSettings(c *fiber.Ctx) error {
	return s.renderSiteSettings(c, fiber.StatusOK, views.SiteSettings{Form: siteOf(c)})
}

func (s *server) renderSiteSettings(c *fiber.Ctx, status int, p views.SiteSettings) error {
	p.Chrome = s.chrome(c)
	return render(c, status, views.SiteSettingsPage(p))
}

// saveSiteSettings saves the form; a refused one comes back with what
// was typed and each field's message.
func (s *server) saveSiteSettings(c *fiber.Ctx) error {
	ch, err := siteChangeOf(c)
	if err != nil {
		return err
	}
	if _, err := s.auth.SaveSite(c.UserContext(), *viewer(c), ch); err != nil {
		var invalid auth.ValidationError
		if errors.As(err, &invalid) {
			return s.renderSiteSettings(c, fiber.StatusUnprocessableEntity, views.SiteSettings{Form: ch.Site, TrueFans: ch.TrueFans, Errors: invalid})
		}
		return err
	}
	if err := s.community.RecordSiteAction(c.UserContext(), actor(c), community.AuditSiteSettings, "site", "settings", "", ""); err != nil {
		s.log.ErrorContext(c.UserContext(), "audit log write refused", "action", community.AuditSiteSettings, "err", err)
	}
	return s.redirectWithFlash(c, "/admin/site", "ok", "flash.site_saved")
}

// siteChangeOf reads the settings form, a multipart form with the images.
func siteChangeOf(c *fiber.Ctx) (auth.SiteChange, error) {
	// Copies: fasthttp reuses the request's memory once the handler ends.
	v := func(field string) string { return strings.Clone(c.FormValue(field)) }
	ch := auth.SiteChange{Site: auth.Site{
		NameKo: v("name_ko"), NameEn: v("name_en"), Tagline: v("tagline"), Accent: v("accent"),
		Welcome: v("welcome"), About: v("about"), Terms: v("terms"), Privacy: v("privacy"), Contact: v("contact"),
		DefaultLocale: v("default_locale"), TimeZone: v("time_zone"), MailSender: v("mail_sender"),
		HidePoweredBy: v("hide_powered_by") == "1",
	}, DropLogo: v("logo_remove") == "1", DropFavicon: v("favicon_remove") == "1", TrueFans: v("true_fans")}
	var err error
	if ch.NewLogo, err = upload(c, "logo", auth.MaxLogoBytes); err != nil {
		return ch, err
	}
	ch.NewFavicon, err = upload(c, "favicon", auth.MaxFaviconBytes)
	return ch, err
}

// upload reads the file sent as field, up to one byte past max so auth
// sees it is too big; nil when none was chosen.
func upload(c *fiber.Ctx, field string, max int) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 { // none chosen
		return nil, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, int64(max)+1))
}
