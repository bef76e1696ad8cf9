package auth

import (
	"context"
	"time"
	// The zone database is built in, so zones load on a machine without
	// /usr/share/zoneinfo (a slim container) exactly as on a full one.
	_ "time/tzdata"
)

// maxZoneLen bounds a time zone name. The longest IANA name is 32
// characters; the cap keeps a forged value from reaching the zone loader.
const maxZoneLen = 64

// LoadZone returns the IANA time zone called name ("Asia/Seoul"), and
// false for anything else: an empty or overlong name, an unknown one, and
// "Local", which is the server's zone, not a person's.
func LoadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || len(name) > maxZoneLen {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// Zone is the site's time zone, in which its days and weeks are counted:
// the one in the settings (read at most every siteTTL), or the default
// while they cannot be read. Each zone is loaded once: the activity
// record asks on every request.
func (s *Service) Zone(ctx context.Context) *time.Location {
	st, err := s.Site(ctx)
	if err != nil {
		st = Site{} // the default zone: a day counted there beats an action refused
	}
	if loc, ok := s.zones.Load(st.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc := st.Location()
	s.zones.Store(st.TimeZone, loc)
	return loc
}
