package community

import (
	"testing"
	"time"
)

// A time typed for an event is read in the event's zone; one the clocks
// skip or show twice that night is refused, never moved.
func TestLocalTime(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	la, seoul, berlin, lordHowe := zone("America/Los_Angeles"), zone("Asia/Seoul"), zone("Europe/Berlin"), zone("Australia/Lord_Howe")
	for _, c := range []struct {
		typed   string
		loc     *time.Location
		want    string // the instant, RFC 3339; "" when refused
		refused string
	}{
		{"2027-03-14T01:59", la, "2027-03-14T01:59:00-08:00", ""},
		{"2027-03-14T02:00", la, "", "event.error.time_skipped"},
		{"2027-03-14T02:30", la, "", "event.error.time_skipped"},
		{"2027-03-14T02:59", la, "", "event.error.time_skipped"},
		{"2027-03-14T03:00", la, "2027-03-14T03:00:00-07:00", ""},
		{"2027-11-07T00:59", la, "2027-11-07T00:59:00-07:00", ""},
		{"2027-11-07T01:00", la, "", "event.error.time_repeated"},
		{"2027-11-07T01:30", la, "", "event.error.time_repeated"},
		{"2027-11-07T01:59", la, "", "event.error.time_repeated"},
		{"2027-11-07T02:00", la, "2027-11-07T02:00:00-08:00", ""},
		{"2027-03-28T02:15", berlin, "", "event.error.time_skipped"},
		{"2027-10-31T02:15", berlin, "", "event.error.time_repeated"},
		{"2027-10-31T03:00", berlin, "2027-10-31T03:00:00+01:00", ""},
		// Lord Howe Island moves its clocks by half an hour.
		{"2027-10-03T02:15", lordHowe, "", "event.error.time_skipped"},
		{"2027-04-04T01:45", lordHowe, "", "event.error.time_repeated"},
		{"2027-04-04T02:00", lordHowe, "2027-04-04T02:00:00+10:30", ""},
		{"2027-03-14T02:30", seoul, "2027-03-14T02:30:00+09:00", ""},
		{"2027-03-14T02:30", time.UTC, "2027-03-14T02:30:00Z", ""},
		{"2027-03-14T2:30", la, "", "event.error.time_skipped"},
		{"2027-03-14 02:30", la, "", "event.error.time_format"},
		{"2027-02-30T10:00", la, "", "event.error.time_format"},
		{"yesterday", la, "", "event.error.time_format"},
	} {
		got, refused := localTime(c.typed, c.loc)
		if refused != c.refused || (c.want == "") != got.IsZero() || (c.want != "" && got.Format(time.RFC3339) != c.want) {
			t.Errorf("%s in %s: %s %q, want %s %q", c.typed, c.loc, got.Format(time.RFC3339), refused, c.want, c.refused)
		}
	}
}
