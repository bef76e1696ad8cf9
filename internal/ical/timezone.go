package ical

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// observance is one STANDARD or DAYLIGHT sub-component: a period of a zone
// during which one offset and abbreviation hold.
type observance struct {
	onset    time.Time // the period's first instant; zero if the zone has no earlier transition
	from, to int       // offsets in seconds east of UTC, before and during the period
	name     string    // abbreviation, e.g. KST or EDT
	daylight bool
}

// observanceAt returns the period of t's location that contains t.
func observanceAt(t time.Time) observance {
	name, to := t.Zone()
	onset, _ := t.ZoneBounds()
	o := observance{onset: onset, from: to, to: to, name: name, daylight: t.IsDST()}
	if !onset.IsZero() {
		_, o.from = onset.Add(-time.Second).Zone()
	}
	return o
}

// secondShowing reports whether t's wall clock already showed the same
// time once, before the clock went back at the start of t's period.
func secondShowing(t time.Time) bool {
	o := observanceAt(t)
	back := time.Duration(o.from-o.to) * time.Second
	return !o.onset.IsZero() && back > 0 && t.Before(o.onset.Add(back))
}

// timezones returns, keyed by zone name, for each zone the events use other
// than UTC, the periods that contain an event's start or end, sorted by
// onset. A client that does not know the zone name, or whose zone data is
// older than Go's, places each time by the VTIMEZONE, and needs no other
// period: an observance holds until the next one's onset.
func timezones(events []Event) map[string][]observance {
	zones := map[string][]observance{}
	for _, e := range events {
		if isUTC(e.Zone) {
			continue
		}
		name := e.Zone.String()
		for _, t := range []time.Time{e.Start, e.End} {
			if !t.IsZero() {
				zones[name] = append(zones[name], observanceAt(t.In(e.Zone)))
			}
		}
	}
	for name, obs := range zones {
		slices.SortFunc(obs, func(a, b observance) int { return a.onset.Compare(b.onset) })
		zones[name] = slices.CompactFunc(obs, func(a, b observance) bool { return a.onset.Equal(b.onset) })
	}
	return zones
}

// writeTimezones writes one VTIMEZONE per zone, sorted by name so that the
// same events always give the same bytes.
func (w *writer) writeTimezones(events []Event) {
	zones := timezones(events)
	for _, name := range slices.Sorted(maps.Keys(zones)) {
		w.line("BEGIN", "VTIMEZONE")
		w.line("TZID", name)
		for _, o := range zones[name] {
			kind := "STANDARD"
			if o.daylight {
				kind = "DAYLIGHT"
			}
			// A zone without transitions has one observance for all time;
			// DTSTART is required, and 1970 is what clients expect there.
			onset := "19700101T000000"
			if !o.onset.IsZero() {
				// DTSTART is the local time at which the period begins, read
				// on the clock of the offset it replaces (RFC 5545 §3.6.5).
				onset = o.onset.UTC().Add(time.Duration(o.from) * time.Second).Format(localLayout)
			}
			w.line("BEGIN", kind)
			w.line("DTSTART", onset)
			w.line("TZOFFSETFROM", utcOffset(o.from))
			w.line("TZOFFSETTO", utcOffset(o.to))
			w.line("TZNAME", text(o.name))
			w.line("END", kind)
		}
		w.line("END", "VTIMEZONE")
	}
}

// utcOffset formats seconds east of UTC as ±hhmm, or ±hhmmss for the odd
// historical offset with seconds.
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}
