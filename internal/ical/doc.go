// Package ical writes events as iCalendar files (RFC 5545): the .ics a
// person downloads from an event page, and the private feed that Google
// Calendar and Apple Calendar poll for the events of one person.
//
// It exists so that fanclub needs no third-party calendar library for the
// little it writes: a VCALENDAR of VEVENTs, each in its own IANA zone, with
// a VTIMEZONE per zone built from Go's own zone data, so that a client that
// does not know the zone name still gets the right instant. It only writes;
// it knows nothing of where events come from, of HTTP or of who may see
// them.
package ical
