package web

import (
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
)

// zoneCookie holds the browser's IANA time zone, URL-encoded; it is
// written by assets/js/zone.js.
const zoneCookie = "tz"

// zones caches the time zones loaded so far by name (string →
// *time.Location), so a request does not parse the zone database again.
// Like a compiled regexp it is derived from fixed data, not configuration,
// and it holds only names that loaded, of which there are a few hundred:
// made-up cookies cannot make it grow.
var zones sync.Map

// viewerZone is the time zone to show times in to this viewer: the
// signed-in account's choice, else the browser's (the tz cookie), else nil,
// and the caller shows each time in its own zone (an event's, say).
func viewerZone(c *fiber.Ctx) *time.Location {
	if v := viewer(c); v != nil && v.TimeZone != "" {
		if loc := loadZone(v.TimeZone); loc != nil {
			return loc
		}
	}
	name, err := url.PathUnescape(c.Cookies(zoneCookie)) // PathUnescape keeps the "+" of "Etc/GMT+5"
	if err != nil {
		return nil
	}
	return loadZone(name)
}

// loadZone returns the zone called name, or nil if auth refuses it.
func loadZone(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	// name may point into the request's buffer, which fasthttp reuses; the
	// cache key and the zone (which keeps its name) need their own copy.
	name = strings.Clone(name)
	loc, ok := auth.LoadZone(name)
	if !ok {
		return nil
	}
	zones.Store(name, loc)
	return loc
}
