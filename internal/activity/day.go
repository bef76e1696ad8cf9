package activity

import "time"

// Day is a calendar day in the site's time zone, counted from 1970-01-01.
type Day int32

// DayOf returns the day t falls on in loc.
func DayOf(t time.Time, loc *time.Location) Day {
	y, m, d := t.In(loc).Date()
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Start returns the day's first instant in loc.
func (d Day) Start(loc *time.Location) time.Time {
	y, m, dd := time.Unix(int64(d)*86400, 0).UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// Weekday returns the day of the week.
func (d Day) Weekday() time.Weekday {
	return time.Weekday((int64(d) + 4) % 7) // 1970-01-01 was a Thursday
}

// Week returns the Monday that starts d's week: weeks run Monday to
// Sunday, as in Korea and ISO 8601.
func (d Day) Week() Day {
	return d - Day((int(d.Weekday())+6)%7)
}
