package auth

import (
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
