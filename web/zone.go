package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
)

// zoneCookie holds the browser's IANA time zone, URL-encoded; it is
// written by assets/js/zone.js.
const zoneCookie = "tz"

// viewerZone is the time zone to show times in to this viewer: the
// signed-in account's choice, else the browser's (the tz cookie), else the
// zone the brand chose for the site, else nil, and the caller shows each
// time in its own zone (an event's, say).
func (s *server) viewerZone(c *fiber.Ctx) *time.Location {
	if v := viewer(c); v != nil && v.TimeZone != "" {
		if loc := s.loadZone(v.TimeZone); loc != nil {
			return loc
		}
	}
	name, err := url.PathUnescape(c.Cookies(zoneCookie)) // PathUnescape keeps the "+" of "Etc/GMT+5"
	if err == nil && name != "" {
		if loc := s.loadZone(name); loc != nil {
			return loc
		}
	}
	if st := siteOf(c); st.TimeZone != "" {
		return s.loadZone(st.TimeZone)
	}
	return nil
}

// loadZone returns the zone called name, or nil if auth refuses it.
func (s *server) loadZone(name string) *time.Location {
	if loc, ok := s.zones.Load(name); ok {
		return loc.(*time.Location)
	}
	// name may point into the request's buffer, which fasthttp reuses; the
	// cache key and the zone (which keeps its name) need their own copy.
	name = strings.Clone(name)
	loc, ok := auth.LoadZone(name)
	if !ok {
		return nil
	}
	s.zones.Store(name, loc)
	return loc
}
