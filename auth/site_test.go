package auth_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"fanclub/auth"
)

func TestSiteNameFallsBackAcrossLanguages(t *testing.T) {
	for _, tc := range []struct {
		site   auth.Site
		locale string
		want   string
	}{
		{auth.Site{}, "ko", "fanclub"},
		{auth.Site{NameKo: "달빛 팬클럽"}, "en", "달빛 팬클럽"},
		{auth.Site{NameKo: "달빛 팬클럽", NameEn: "Moonlight Club"}, "en", "Moonlight Club"},
		{auth.Site{NameKo: "달빛 팬클럽", NameEn: "Moonlight Club"}, "ko", "달빛 팬클럽"},
		{auth.Site{NameEn: "Moonlight Club"}, "ko", "Moonlight Club"},
	} {
		if got := tc.site.Name(tc.locale); got != tc.want {
			t.Errorf("%+v.Name(%q) = %q, want %q", tc.site, tc.locale, got, tc.want)
		}
	}
}

func TestSiteSettingsSavedAreReadBack(t *testing.T) {
	r := newStaffRig(t)
	ctx := context.Background()
	st, err := r.a.Site(ctx)
	if err != nil || st.Named() || st.Location().String() != "Asia/Seoul" || st.Locale() != "en" {
		t.Fatalf("fresh site = %+v, %v; want unnamed, Seoul, English", st, err)
	}
	owner := r.signUp(t, "owner@example.com")
	if owner.Role != auth.RoleOwner {
		t.Fatalf("first account's role = %q, want owner", owner.Role)
	}
	if _, err := r.a.SaveSite(ctx, owner, auth.SiteChange{Site: auth.Site{NameKo: "달빛", TimeZone: "Europe/Berlin", DefaultLocale: "ko"}}); err != nil {
		t.Fatal(err)
	}
	st, err = r.a.Site(ctx)
	if err != nil || st.Name("en") != "달빛" || st.Location().String() != "Europe/Berlin" || st.Locale() != "ko" || st.UpdatedBy != owner.ID {
		t.Fatalf("after save = %+v, %v", st, err)
	}
}

// pngOf is a w×h PNG image.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSiteSettingsRefusedFieldByField: each wrong field alone is refused
// with its own message, and nothing else is.
func TestSiteSettingsRefusedFieldByField(t *testing.T) {
	ok := auth.Site{NameKo: "달빛", NameEn: "Moonlight", Tagline: "Fans of the moon", Accent: "#1a56db",
		Contact: "hello@moon.example", DefaultLocale: "en", TimeZone: "Europe/Berlin", MailSender: "Moonlight Club"}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)
	for _, tc := range []struct {
		name   string
		change func(*auth.SiteChange)
		field  string
		key    string
	}{
		{"Korean name over 60", func(c *auth.SiteChange) { c.Site.NameKo = strings.Repeat("달", 61) }, "name_ko", "site.error.name_ko_too_long"},
		{"English name over 60", func(c *auth.SiteChange) { c.Site.NameEn = strings.Repeat("m", 61) }, "name_en", "site.error.name_en_too_long"},
		{"name with a line break", func(c *auth.SiteChange) { c.Site.NameEn = "Moon\nlight" }, "name_en", "site.error.control"},
		{"tagline over 140", func(c *auth.SiteChange) { c.Site.Tagline = strings.Repeat("t", 141) }, "tagline", "site.error.tagline_too_long"},
		{"welcome over 10 000", func(c *auth.SiteChange) { c.Site.Welcome = strings.Repeat("w", 10_001) }, "welcome", "site.error.welcome_too_long"},
		{"about over 50 000", func(c *auth.SiteChange) { c.Site.About = strings.Repeat("a", 50_001) }, "about", "site.error.about_too_long"},
		{"terms over 50 000", func(c *auth.SiteChange) { c.Site.Terms = strings.Repeat("약", 50_001) }, "terms", "site.error.terms_too_long"},
		{"privacy over 50 000", func(c *auth.SiteChange) { c.Site.Privacy = strings.Repeat("p", 50_001) }, "privacy", "site.error.privacy_too_long"},
		{"contact not an address", func(c *auth.SiteChange) { c.Site.Contact = "hello at moon" }, "contact", "site.error.contact"},
		{"unknown language", func(c *auth.SiteChange) { c.Site.DefaultLocale = "fr" }, "default_locale", "site.error.default_locale"},
		{"unknown zone", func(c *auth.SiteChange) { c.Site.TimeZone = "Mars/Olympus" }, "time_zone", "site.error.time_zone"},
		{"the server's zone", func(c *auth.SiteChange) { c.Site.TimeZone = "Local" }, "time_zone", "site.error.time_zone"},
		{"sender with CR LF", func(c *auth.SiteChange) { c.Site.MailSender = "Moon\r\nBcc: x@y.z" }, "mail_sender", "site.error.control"},
		{"sender with a control character", func(c *auth.SiteChange) { c.Site.MailSender = "Moon\x07" }, "mail_sender", "site.error.control"},
		{"sender over 60", func(c *auth.SiteChange) { c.Site.MailSender = strings.Repeat("s", 61) }, "mail_sender", "site.error.mail_sender_too_long"},
		{"accent not a colour", func(c *auth.SiteChange) { c.Site.Accent = "blue" }, "accent", "site.error.accent_format"},
		{"accent short form", func(c *auth.SiteChange) { c.Site.Accent = "#12f" }, "accent", "site.error.accent_format"},
		{"accent white text cannot be read on", func(c *auth.SiteChange) { c.Site.Accent = "#ffff00" }, "accent", "site.error.accent_contrast"},
		{"accent just under 4.5", func(c *auth.SiteChange) { c.Site.Accent = "#808080" }, "accent", "site.error.accent_contrast"},
		{"logo over 512 KB", func(c *auth.SiteChange) {
			c.NewLogo = append(pngOf(t, 8, 8), make([]byte, auth.MaxLogoBytes)...)
		}, "logo", "site.error.logo_too_big"},
		{"logo is text", func(c *auth.SiteChange) { c.NewLogo = []byte("just some words") }, "logo", "site.error.logo_type"},
		{"logo is SVG", func(c *auth.SiteChange) { c.NewLogo = svg }, "logo", "site.error.logo_type"},
		{"logo a truncated PNG", func(c *auth.SiteChange) { c.NewLogo = pngOf(t, 8, 8)[:20] }, "logo", "site.error.logo_type"},
		{"logo too many pixels", func(c *auth.SiteChange) { c.NewLogo = pngOf(t, 5000, 1) }, "logo", "site.error.image_size"},
		{"favicon over 128 KB", func(c *auth.SiteChange) {
			c.NewFavicon = append(pngOf(t, 8, 8), make([]byte, auth.MaxFaviconBytes)...)
		}, "favicon", "site.error.favicon_too_big"},
		{"favicon is SVG", func(c *auth.SiteChange) { c.NewFavicon = svg }, "favicon", "site.error.favicon_type"},
		{"true fans zero", func(c *auth.SiteChange) { c.TrueFans = "0" }, "true_fans", "site.error.true_fans"},
		{"true fans not a number", func(c *auth.SiteChange) { c.TrueFans = "천 명" }, "true_fans", "site.error.true_fans"},
		{"true fans negative", func(c *auth.SiteChange) { c.TrueFans = "-5" }, "true_fans", "site.error.true_fans"},
		{"true fans over ten million", func(c *auth.SiteChange) { c.TrueFans = "10,000,001" }, "true_fans", "site.error.true_fans"},
		{"favicon is a GIF", func(c *auth.SiteChange) { c.NewFavicon = []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;") }, "favicon", "site.error.favicon_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := auth.SiteChange{Site: ok}
			tc.change(&c)
			_, _, _, err := c.Validate()
			var v auth.ValidationError
			if !errors.As(err, &v) || len(v) != 1 || v[tc.field] != tc.key {
				t.Fatalf("err = %v (%v), want only %s: %s", err, v, tc.field, tc.key)
			}
		})
	}
	c := auth.SiteChange{Site: ok, NewLogo: pngOf(t, 120, 40), NewFavicon: pngOf(t, 32, 32)}
	if _, logo, _, err := c.Validate(); err != nil || logo == nil || logo.Type != "image/png" {
		t.Fatalf("good settings: logo %+v, err %v", logo, err)
	}
}

// TestTrueFansTarget: the target reads as typed, commas and all, from 1
// to ten million; left empty it is the default 1,000.
func TestTrueFansTarget(t *testing.T) {
	for _, tc := range []struct {
		typed string
		want  int
	}{{"", 1000}, {" 1 ", 1}, {"1,000", 1000}, {"250", 250}, {"10,000,000", 10_000_000}} {
		st, _, _, err := auth.SiteChange{TrueFans: tc.typed}.Validate()
		if err != nil || st.TrueFans() != tc.want {
			t.Errorf("typed %q: target %d, err %v; want %d", tc.typed, st.TrueFans(), err, tc.want)
		}
	}
}

// TestAccentContrast: the ratio is WCAG's, so a dark blue passes and
// yellow fails.
func TestAccentContrast(t *testing.T) {
	for _, tc := range []struct {
		hex      string
		min, max float64
	}{
		{"#1a56db", 6.1, 6.2},
		{"#ffff00", 1.07, 1.08},
		{"#000000", 21, 21.01},
		{"#ffffff", 1, 1.001},
		{"#767676", 4.5, 4.6}, // the lightest grey AA allows on white
	} {
		got, ok := auth.ContrastOnWhite(tc.hex)
		if !ok || got < tc.min || got > tc.max {
			t.Errorf("ContrastOnWhite(%s) = %.3f, %v; want %.2f–%.2f", tc.hex, got, ok, tc.min, tc.max)
		}
	}
}

// TestSiteImagesStoredByHash: an uploaded logo is stored under its hash
// and read back; a member cannot save settings; a removed logo is gone.
func TestSiteImagesStoredByHash(t *testing.T) {
	r := newStaffRig(t)
	owner := r.signUp(t, "owner@example.com")
	member := r.signUp(t, "member@example.com")
	logo := pngOf(t, 60, 20)
	if _, err := r.a.SaveSite(r.ctx, member, auth.SiteChange{Site: auth.Site{NameEn: "Mine"}}); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("member's save: %v, want ErrForbidden", err)
	}
	st, err := r.a.SaveSite(r.ctx, owner, auth.SiteChange{Site: auth.Site{NameEn: "Moon"}, NewLogo: logo})
	if err != nil || len(st.Logo) != 64 {
		t.Fatalf("save with logo: %+v, %v", st, err)
	}
	f, err := r.b.SiteFile(r.ctx, st.Logo)
	if err != nil || f.Type != "image/png" || !bytes.Equal(f.Data, logo) {
		t.Fatalf("logo read back: %s, %d bytes, %v", f.Type, len(f.Data), err)
	}
	// A save without an upload keeps the logo; a removal deletes it.
	if st2, err := r.a.SaveSite(r.ctx, owner, auth.SiteChange{Site: auth.Site{NameEn: "Moon 2"}}); err != nil || st2.Logo != st.Logo {
		t.Fatalf("save without upload: logo %q, %v; want %q", st2.Logo, err, st.Logo)
	}
	if st3, err := r.a.SaveSite(r.ctx, owner, auth.SiteChange{DropLogo: true}); err != nil || st3.Logo != "" {
		t.Fatalf("drop logo: %+v, %v", st3, err)
	}
	if _, err := r.a.SiteFile(r.ctx, st.Logo); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("removed logo: %v, want ErrNotFound", err)
	}
	if _, err := r.a.SiteFile(r.ctx, "../../etc/passwd"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("a made-up name: %v, want ErrNotFound", err)
	}
}
