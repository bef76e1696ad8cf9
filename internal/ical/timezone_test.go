package ical_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"fanclub/internal/ical"
)

// observance is what a test expects of one STANDARD or DAYLIGHT.
type observance struct {
	kind, start, from, to, name string
}

// vtimezones returns the calendar's VTIMEZONE components by TZID, and
// their TZIDs in order.
func vtimezones(t *testing.T, cal *goical.Calendar) (map[string]*goical.Component, []string) {
	t.Helper()
	byID := map[string]*goical.Component{}
	var ids []string
	for _, c := range cal.Children {
		if c.Name != goical.CompTimezone {
			continue
		}
		id := text(t, c.Props, goical.PropTimezoneID)
		if byID[id] != nil {
			t.Errorf("two VTIMEZONEs for %s", id)
		}
		byID[id] = c
		ids = append(ids, id)
	}
	return byID, ids
}

func observances(t *testing.T, tz *goical.Component) []observance {
	t.Helper()
	var got []observance
	for _, c := range tz.Children {
		value := func(name string) string {
			if p := c.Props.Get(name); p != nil {
				return p.Value
			}
			return ""
		}
		got = append(got, observance{c.Name, value(goical.PropDateTimeStart),
			value(goical.PropTimezoneOffsetFrom), value(goical.PropTimezoneOffsetTo), value(goical.PropTimezoneName)})
	}
	return got
}

func TestTimezoneObservances(t *testing.T) {
	seoul, newYork := zone(t, "Asia/Seoul"), zone(t, "America/New_York")
	at := func(z *time.Location, month time.Month, day, hour, min int) time.Time {
		return time.Date(2026, month, day, hour, min, 0, 0, z)
	}
	tests := []struct {
		name   string
		events [][2]time.Time // start and end; the zone is the start's
		want   map[string][]observance
	}{
		{
			name:   "Seoul, one period since 1988",
			events: [][2]time.Time{{at(seoul, 12, 1, 19, 0), at(seoul, 12, 1, 21, 0)}},
			want: map[string][]observance{"Asia/Seoul": {
				{"STANDARD", "19881009T030000", "+1000", "+0900", "KST"},
			}},
		},
		{
			name: "New York on each side of the end of daylight saving",
			events: [][2]time.Time{
				{at(newYork, 10, 31, 19, 0), at(newYork, 10, 31, 21, 0)},
				{at(newYork, 11, 1, 19, 0), at(newYork, 11, 1, 21, 0)},
			},
			want: map[string][]observance{"America/New_York": {
				{"DAYLIGHT", "20260308T020000", "-0500", "-0400", "EDT"},
				{"STANDARD", "20261101T020000", "-0400", "-0500", "EST"},
			}},
		},
		{
			name:   "New York overnight across the change",
			events: [][2]time.Time{{at(newYork, 10, 31, 22, 0), at(newYork, 11, 1, 4, 0)}},
			want: map[string][]observance{"America/New_York": {
				{"DAYLIGHT", "20260308T020000", "-0500", "-0400", "EDT"},
				{"STANDARD", "20261101T020000", "-0400", "-0500", "EST"},
			}},
		},
		{
			name:   "New York after the change only",
			events: [][2]time.Time{{at(newYork, 12, 24, 19, 0), at(newYork, 12, 24, 21, 0)}},
			want: map[string][]observance{"America/New_York": {
				{"STANDARD", "20261101T020000", "-0400", "-0500", "EST"},
			}},
		},
		{
			name:   "half-hour daylight saving at Lord Howe",
			events: [][2]time.Time{{at(zone(t, "Australia/Lord_Howe"), 12, 1, 19, 0), time.Time{}}},
			want: map[string][]observance{"Australia/Lord_Howe": {
				{"DAYLIGHT", "20261004T020000", "+1030", "+1100", "+11"},
			}},
		},
		{
			name:   "a zone that never changes",
			events: [][2]time.Time{{at(zone(t, "Etc/GMT-9"), 12, 1, 19, 0), at(zone(t, "Etc/GMT-9"), 12, 1, 21, 0)}},
			want: map[string][]observance{"Etc/GMT-9": {
				{"STANDARD", "19700101T000000", "+0900", "+0900", "+09"},
			}},
		},
		{
			name: "an offset with seconds, Amsterdam in 1935",
			events: [][2]time.Time{{
				time.Date(1935, 1, 1, 19, 0, 0, 0, zone(t, "Europe/Amsterdam")), time.Time{},
			}},
			want: map[string][]observance{"Europe/Amsterdam": {
				{"STANDARD", "19341007T030000", "+011932", "+001932", "AMT"},
			}},
		},
		{
			name: "two zones, and UTC with none",
			events: [][2]time.Time{
				{at(seoul, 12, 1, 19, 0), at(seoul, 12, 1, 21, 0)},
				{at(newYork, 12, 24, 19, 0), at(newYork, 12, 24, 21, 0)},
				{at(time.UTC, 12, 31, 23, 0), time.Time{}},
				{at(seoul, 12, 2, 19, 0), at(seoul, 12, 2, 21, 0)},
			},
			want: map[string][]observance{
				"Asia/Seoul": {{"STANDARD", "19881009T030000", "+1000", "+0900", "KST"}},
				"America/New_York": {
					{"STANDARD", "20261101T020000", "-0400", "-0500", "EST"},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c ical.Calendar
			for _, se := range tt.events {
				e := event(t)
				e.Start, e.End, e.Zone = se[0], se[1], se[0].Location()
				c.Events = append(c.Events, e)
			}
			cal := decode(t, c.Bytes())
			byID, ids := vtimezones(t, cal)
			if len(ids) != len(tt.want) {
				t.Errorf("VTIMEZONEs %v, want %d", ids, len(tt.want))
			}
			for id, want := range tt.want {
				tz := byID[id]
				if tz == nil {
					t.Errorf("no VTIMEZONE %s", id)
					continue
				}
				got := observances(t, tz)
				if len(got) != len(want) {
					t.Errorf("%s: observances\n%v\nwant\n%v", id, got, want)
					continue
				}
				for i := range want {
					if got[i] != want[i] {
						t.Errorf("%s: observance %d = %v, want %v", id, i, got[i], want[i])
					}
				}
			}
			for _, ev := range cal.Events() {
				p := ev.Props.Get(goical.PropDateTimeStart)
				if id := p.Params.Get(goical.PropTimezoneID); id != "" && byID[id] == nil {
					t.Errorf("DTSTART names TZID %s, which has no VTIMEZONE", id)
				}
			}
		})
	}
}

// TestVTimezoneGivesGoInstants places every DTSTART and DTEND by the
// VTIMEZONE alone, as a client without zone data for the TZID would, and
// checks it gets the instant the event was given.
func TestVTimezoneGivesGoInstants(t *testing.T) {
	var c ical.Calendar
	var want []time.Time
	for _, name := range []string{"Asia/Seoul", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Etc/GMT-9", "America/Sao_Paulo"} {
		z := zone(t, name)
		add := func(start, end time.Time) {
			e := event(t)
			e.Start, e.End, e.Zone = start, end, z
			c.Events = append(c.Events, e)
			want = append(want, start, end)
		}
		// An evening each month, and around each change of 2026: from an
		// hour before it to an hour after, and from half an hour after it,
		// which when the clock goes back is a wall time shown twice.
		var last time.Time
		for month := time.January; month <= time.December; month++ {
			start := time.Date(2026, month, 15, 19, 0, 0, 0, z)
			add(start, start.Add(2*time.Hour))
			if _, change := start.ZoneBounds(); change.Year() == 2026 && !change.Equal(last) {
				add(change.Add(-time.Hour), change.Add(time.Hour))
				add(change.Add(30*time.Minute), change.Add(90*time.Minute))
				last = change
			}
		}
	}
	cal := decode(t, c.Bytes())
	byID, _ := vtimezones(t, cal)
	var got []time.Time
	for _, ev := range cal.Events() {
		for _, name := range []string{goical.PropDateTimeStart, goical.PropDateTimeEnd} {
			got = append(got, placeByVTimezone(t, byID, ev.Props.Get(name)))
		}
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("%v placed by its VTIMEZONE at %v", want[i], got[i].In(want[i].Location()))
		}
	}
}

// placeByVTimezone returns the instant p names. A UTC time is read as it
// is. A wall time is placed by the VTIMEZONE its TZID names, as a client
// without zone data for the TZID would: under an observance that is in
// force at the instant it gives, and of two such (when the clock goes
// back), the first (RFC 5545 §3.3.5).
func placeByVTimezone(t *testing.T, byID map[string]*goical.Component, p *goical.Prop) time.Time {
	t.Helper()
	const layout = "20060102T150405"
	if strings.HasSuffix(p.Value, "Z") {
		u, err := time.Parse(layout+"Z", p.Value)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	id := p.Params.Get(goical.PropTimezoneID)
	tz := byID[id]
	if tz == nil {
		t.Fatalf("no VTIMEZONE %q", id)
	}
	wall, err := time.Parse(layout, p.Value)
	if err != nil {
		t.Fatal(err)
	}
	type period struct {
		onset time.Time
		to    time.Duration
	}
	var periods []period
	for _, o := range tz.Children {
		onsetWall, err := time.Parse(layout, o.Props.Get(goical.PropDateTimeStart).Value)
		if err != nil {
			t.Fatal(err)
		}
		periods = append(periods, period{
			onset: onsetWall.Add(-offset(t, o.Props.Get(goical.PropTimezoneOffsetFrom).Value)),
			to:    offset(t, o.Props.Get(goical.PropTimezoneOffsetTo).Value),
		})
	}
	inForce := func(u time.Time) int {
		at := -1
		for i, pd := range periods {
			if !u.Before(pd.onset) && (at < 0 || pd.onset.After(periods[at].onset)) {
				at = i
			}
		}
		return at
	}
	var placed time.Time
	for i, pd := range periods {
		if u := wall.Add(-pd.to); inForce(u) == i && (placed.IsZero() || u.Before(placed)) {
			placed = u
		}
	}
	if placed.IsZero() {
		t.Fatalf("%s:%s is in no observance of %s", p.Name, p.Value, id)
	}
	return placed
}

// offset parses a UTC offset, ±hhmm or ±hhmmss.
func offset(t *testing.T, s string) time.Duration {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("malformed UTC offset %q", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second}[:(len(s)-1)/2] {
		n, err := strconv.Atoi(s[1+2*i : 3+2*i])
		if err != nil {
			t.Fatalf("malformed UTC offset %q", s)
		}
		d += time.Duration(n) * unit
	}
	if s[0] == '-' {
		d = -d
	}
	return d
}
