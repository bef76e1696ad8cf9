package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"fanclub/assets"
)

// Every answer to a signed-in viewer says no cache may keep it: pages,
// redirects with a flash, and error pages. Assets and signed-out pages
// keep their own caching.
func TestSignedInPagesAreNotStored(t *testing.T) {
	s := newSite(t, siteOptions{})
	minji := s.signUp(t, "minji@example.com")
	const private = "private, no-store"
	for _, c := range []struct {
		name string
		r    response
		want int
	}{
		{"a page", minji.get("/settings"), http.StatusOK},
		{"the home page", minji.get("/"), http.StatusOK},
		{"a redirect with a flash", minji.post("/settings/profile", url.Values{"name": {"Minji"}, "locale": {"en"}}), http.StatusSeeOther},
		{"a form with an error", minji.post("/settings/profile", url.Values{"name": {""}, "locale": {"en"}}), http.StatusUnprocessableEntity},
		{"an error page", minji.get("/groups/no-such-group"), http.StatusNotFound},
		{"a forbidden form", minji.postRaw("/settings/profile", url.Values{"name": {"x"}}, nil), http.StatusForbidden},
	} {
		if c.r.Status != c.want || c.r.Header.Get("Cache-Control") != private {
			t.Errorf("%s, signed in: %d with Cache-Control %q, want %d with %q", c.name, c.r.Status, c.r.Header.Get("Cache-Control"), c.want, private)
		}
	}
	if r := minji.get(assets.Path("app.css")); r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("an asset, signed in: %d with Cache-Control %q", r.Status, r.Header.Get("Cache-Control"))
	}
	stranger := s.newBrowser()
	for _, path := range []string{"/", "/groups", "/pricing"} {
		if r := stranger.get(path); r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "" {
			t.Errorf("%s, signed out: %d with Cache-Control %q, want none", path, r.Status, r.Header.Get("Cache-Control"))
		}
	}
}
