package views

import "slices"

// commonZones are the time zones the settings page offers, the brand's
// home first, then roughly east to west by region. Any other IANA name is
// still valid; the browser's own zone needs no choice at all.
var commonZones = []string{
	"Asia/Seoul", "Asia/Tokyo", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei",
	"Asia/Manila", "Asia/Singapore", "Asia/Jakarta", "Asia/Bangkok", "Asia/Ho_Chi_Minh",
	"Asia/Kolkata", "Asia/Dubai",
	"Europe/Moscow", "Europe/Istanbul", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/London",
	"America/Sao_Paulo", "America/New_York", "America/Toronto", "America/Chicago", "America/Mexico_City",
	"America/Denver", "America/Los_Angeles", "America/Vancouver", "Pacific/Honolulu",
	"Australia/Sydney", "Australia/Perth", "Pacific/Auckland",
	"UTC",
}

// zoneChoices are the zones to offer when zone is chosen or typed: the
// common ones, and zone itself first when it is not among them, so a saved
// or refused value still shows as selected.
func zoneChoices(zone string) []string {
	if zone == "" || slices.Contains(commonZones, zone) {
		return commonZones
	}
	return append([]string{zone}, commonZones...)
}
