package views

import (
	"context"
	"fmt"
	"strings"

	"fanclub/assets"
	"fanclub/auth"
)

// SiteSettings is the club's settings page: the form as saved or as
// typed, with each refused field's message.
type SiteSettings struct {
	Chrome Chrome
	// Form holds the settings shown in the fields; its Logo and Favicon
	// are not used: the images shown are the saved ones (Chrome.Site).
	Form auth.Site
	// TrueFans is the true-fans target as typed; empty shows Form's.
	TrueFans string
	// Errors holds catalog keys by form field.
	Errors map[string]string
}

// SitePage is one of the club's own pages: About, Terms or Privacy.
type SitePage struct {
	Chrome Chrome
	Page   string // "about", "terms" or "privacy"
	HTML   string // the brand's Markdown, rendered and sanitised
}

// imageKeys are the catalog keys of an image field's texts.
type imageKeys struct{ label, hint, current, remove string }

// SiteFileURL is where an uploaded image named by hash is served.
func SiteFileURL(hash string) string { return "/site/files/" + hash }

// ThemePath is the stylesheet with the brand's accent colour, versioned by
// the colour so a change is fetched at once; empty when there is none.
func ThemePath(st auth.Site) string {
	if st.Accent == "" {
		return ""
	}
	return "/site/theme.css?v=" + strings.TrimPrefix(st.Accent, "#")
}

// faviconURL is the brand's favicon, else fanclub's.
func faviconURL(st auth.Site) string {
	if st.Favicon != "" {
		return SiteFileURL(st.Favicon)
	}
	return assets.Path("favicon.png")
}

// Description is the page's summary for search engines: the tagline, or
// a sentence naming the club in the page's language.
func (c Chrome) Description(ctx context.Context) string {
	if c.Site.Tagline != "" {
		return c.Site.Tagline
	}
	return T(ctx, "brand.description")
}

// footerNote is the footer's line about the club.
func footerNote(ctx context.Context, ch Chrome) string {
	if ch.Site.Tagline != "" {
		return ch.ClubName() + " · " + ch.Site.Tagline
	}
	return T(ctx, "footer.note")
}

// sitePageTitle is the title of one of the club's pages.
func sitePageTitle(ctx context.Context, page string) string {
	switch page {
	case "terms":
		return T(ctx, "brand.terms.title")
	case "privacy":
		return T(ctx, "brand.privacy.title")
	}
	return T(ctx, "brand.about.title")
}

// trueFansValue is what the target field shows: as typed, else the
// target in force, with thousands commas.
func trueFansValue(p SiteSettings) string {
	if p.TrueFans != "" {
		return p.TrueFans
	}
	return groupThousands(int64(p.Form.TrueFans()))
}

// siteErrorText is the message for a refused field; the contrast message
// names the colour and its ratio.
func siteErrorText(ctx context.Context, p SiteSettings, field string) string {
	key := p.Errors[field]
	if key == "site.error.accent_contrast" {
		ratio, _ := auth.ContrastOnWhite(strings.ToLower(strings.TrimSpace(p.Form.Accent)))
		return T(ctx, key, "colour", p.Form.Accent, "ratio", fmt.Sprintf("%.2f", ratio))
	}
	return T(ctx, key)
}
