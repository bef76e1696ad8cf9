package ical

import (
	"strconv"
	"time"
	_ "time/tzdata" // zones must load on hosts without /usr/share/zoneinfo
)

// Event is one VEVENT.
type Event struct {
	UID      string // stable across edits, e.g. "<eventid>@<host>"
	Sequence int    // bumped by the caller on each change of date, time or place

	// Start and End may be in any location; they are written as wall
	// time in Zone. A zero End leaves DTEND out.
	Start, End time.Time
	// Zone is the event's own IANA zone, e.g. Asia/Seoul, as returned by
	// time.LoadLocation. Nil or time.UTC writes UTC times and no VTIMEZONE.
	Zone *time.Location

	Summary     string
	Description string    // plain text
	Location    string    // venue address or "Online"
	URL         string    // link to the event page
	Cancelled   bool      // STATUS:CANCELLED, else CONFIRMED
	Stamp       time.Time // DTSTAMP and LAST-MODIFIED, written in UTC; required
}

// Calendar is a VCALENDAR: one event for a download, or the events of
// one person for a feed.
type Calendar struct {
	Name   string // X-WR-CALNAME, the name a subscribed feed shows; optional
	Method string // METHOD, usually "PUBLISH"; optional
	Events []Event
}

// Bytes returns the calendar as an iCalendar file: CRLF line endings,
// lines folded at 75 octets, and one VTIMEZONE for each zone the events
// use, built from Go's zone data.
func (c Calendar) Bytes() []byte {
	var w writer
	w.line("BEGIN", "VCALENDAR")
	w.line("PRODID", "-//fanclub//events//EN")
	w.line("VERSION", "2.0")
	w.line("CALSCALE", "GREGORIAN")
	if c.Method != "" {
		w.line("METHOD", text(c.Method))
	}
	if c.Name != "" {
		w.line("X-WR-CALNAME", text(c.Name))
	}
	w.writeTimezones(c.Events)
	for _, e := range c.Events {
		e.write(&w)
	}
	w.line("END", "VCALENDAR")
	return w.buf.Bytes()
}

// write writes e as a VEVENT.
func (e Event) write(w *writer) {
	w.line("BEGIN", "VEVENT")
	w.line("UID", text(e.UID))
	w.line("DTSTAMP", utc(e.Stamp))
	w.line("LAST-MODIFIED", utc(e.Stamp))
	w.line("SEQUENCE", strconv.Itoa(e.Sequence))
	w.dateTime("DTSTART", e.Start, e.Zone)
	if !e.End.IsZero() {
		w.dateTime("DTEND", e.End, e.Zone)
	}
	w.line("SUMMARY", text(e.Summary))
	if e.Description != "" {
		w.line("DESCRIPTION", text(e.Description))
	}
	if e.Location != "" {
		w.line("LOCATION", text(e.Location))
	}
	if e.URL != "" {
		w.line("URL", uri(e.URL))
	}
	status := "CONFIRMED"
	if e.Cancelled {
		status = "CANCELLED"
	}
	w.line("STATUS", status)
	w.line("END", "VEVENT")
}

// isUTC reports whether times in z are written in UTC form, with no TZID.
func isUTC(z *time.Location) bool {
	return z == nil || z == time.UTC
}

const localLayout = "20060102T150405"

// utc formats t in UTC form, e.g. 20261201T100000Z.
func utc(t time.Time) string {
	return t.UTC().Format(localLayout + "Z")
}

// dateTime writes t as wall time in z with a TZID naming z, or in UTC form
// when z is UTC, and when t is the second showing of a wall time that the
// clock shows twice as it goes back: RFC 5545 §3.3.5 reads such a wall time
// as its first showing, an hour off.
func (w *writer) dateTime(name string, t time.Time, z *time.Location) {
	if isUTC(z) || secondShowing(t.In(z)) {
		w.line(name, utc(t))
		return
	}
	w.line(name+";TZID="+z.String(), t.In(z).Format(localLayout))
}
