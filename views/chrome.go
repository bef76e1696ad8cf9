package views

import "fanclub/auth"

// Chrome is what the frame of every page needs. The web layer builds it
// once per request (web/render.go).
type Chrome struct {
	Viewer *auth.Account // nil when signed out
	Locale string        // "ko" or "en"
	CSRF   string        // the session's CSRF token, for forms
	Flash  Flash
	Path   string // the current path, for the language switcher
}

// Flash is a one-time notice carried across a redirect.
type Flash struct {
	Kind string // "ok" or "error"; empty for none
	Key  string // a catalog key
}

// SignedIn reports whether someone is signed in.
func (c Chrome) SignedIn() bool { return c.Viewer != nil }
