package views

import (
	"strings"
	"time"

	"fanclub/auth"
	"fanclub/membership"
)

// Chrome is what the frame of every page needs. The web layer builds it
// once per request (web/render.go).
type Chrome struct {
	Viewer *auth.Account // nil when signed out
	Locale string        // "ko" or "en"
	CSRF   string        // the session's CSRF token, for forms
	Flash  Flash
	Path   string // the current path and query, for the language switcher
	Unread int    // unread notifications, for the bell
	// Zone is the viewer's time zone, chosen or the browser's; nil when
	// unknown, and times show in their own zone.
	Zone *time.Location
	// Entitlement is the viewer's tier and why they hold it (free when
	// signed out), for the pricing page and the past-due banner.
	Entitlement membership.Entitlement
	// Site is the club's name, look and pages as the brand set them.
	Site auth.Site
}

// ClubName is the club's name in the page's language.
func (c Chrome) ClubName() string { return c.Site.Name(c.Locale) }

// LangURL is the switcher's link to this page in language l.
func (c Chrome) LangURL(l string) string {
	sep := "?"
	if strings.Contains(c.Path, "?") {
		sep = "&"
	}
	return c.Path + sep + "lang=" + l
}

// Flash is a one-time notice carried across a redirect.
type Flash struct {
	Kind string // "ok" or "error"; empty for none
	Key  string // a catalog key
}

// SignedIn reports whether someone is signed in.
func (c Chrome) SignedIn() bool { return c.Viewer != nil }

// Staff reports whether the viewer runs the site: its owner or an admin.
func (c Chrome) Staff() bool {
	return c.Viewer != nil && (c.Viewer.Role == auth.RoleOwner || c.Viewer.Role == auth.RoleAdmin)
}
