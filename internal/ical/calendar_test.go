package ical_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"

	"fanclub/internal/ical"
)

// stamp is a fixed DTSTAMP, given in Seoul to show it is written in UTC.
var stamp = time.Date(2026, 11, 20, 9, 30, 0, 0, time.FixedZone("KST", 9*3600))

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// event returns a plain event in Seoul at 19:00, which tests change.
func event(t *testing.T) ical.Event {
	seoul := zone(t, "Asia/Seoul")
	return ical.Event{
		UID:     "6650f1c2@fanclub.example",
		Start:   time.Date(2026, 12, 1, 19, 0, 0, 0, seoul),
		End:     time.Date(2026, 12, 1, 21, 0, 0, 0, seoul),
		Zone:    seoul,
		Summary: "Fan meeting",
		Stamp:   stamp,
	}
}

// decode checks that every line of b is at most 75 octets of valid UTF-8
// ending in CRLF, then parses b with go-ical, and checks that go-ical's
// encoder finds the required properties there.
func decode(t *testing.T, b []byte) *goical.Calendar {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("output does not end in CRLF: %q", b)
	}
	for i, l := range strings.SplitAfter(string(b[:len(b)-2]), "\r\n") {
		l = strings.TrimSuffix(l, "\r\n")
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(l), l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, l)
		}
	}
	cal, err := goical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot parse the output: %v\n%s", err, b)
	}
	if err := goical.NewEncoder(io.Discard).Encode(cal); err != nil {
		t.Fatalf("go-ical finds the output incomplete: %v\n%s", err, b)
	}
	return cal
}

// only decodes a calendar of one event and returns that event.
func only(t *testing.T, e ical.Event) goical.Event {
	t.Helper()
	events := decode(t, ical.Calendar{Events: []ical.Event{e}}.Bytes()).Events()
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	return events[0]
}

func text(t *testing.T, props goical.Props, name string) string {
	t.Helper()
	p := props.Get(name)
	if p == nil {
		t.Fatalf("no %s", name)
	}
	s, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func TestCalendarHeader(t *testing.T) {
	tests := []struct {
		name       string
		cal        ical.Calendar
		want       map[string]string
		wantNoneOf []string
	}{
		{
			name: "feed with a name",
			cal:  ical.Calendar{Name: "민지의 팬클럽, 일정", Method: "PUBLISH"},
			want: map[string]string{
				"PRODID": "-//fanclub//events//EN", "VERSION": "2.0", "CALSCALE": "GREGORIAN",
				"METHOD": "PUBLISH", "X-WR-CALNAME": "민지의 팬클럽, 일정",
			},
		},
		{
			name:       "download without name or method",
			cal:        ical.Calendar{},
			want:       map[string]string{"PRODID": "-//fanclub//events//EN", "VERSION": "2.0"},
			wantNoneOf: []string{"METHOD", "X-WR-CALNAME"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cal.Events = []ical.Event{event(t)}
			cal := decode(t, tt.cal.Bytes())
			for name, want := range tt.want {
				if got := text(t, cal.Props, name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			for _, name := range tt.wantNoneOf {
				if p := cal.Props.Get(name); p != nil {
					t.Errorf("unexpected %s:%s", name, p.Value)
				}
			}
		})
	}
}

func TestEventTimes(t *testing.T) {
	seoul, newYork := zone(t, "Asia/Seoul"), zone(t, "America/New_York")
	tests := []struct {
		name     string
		start    time.Time
		zone     *time.Location
		wantLine string
		wantUTC  time.Time
		wantWall string // wall time in zone
	}{
		{
			name:     "19:00 in Seoul",
			start:    time.Date(2026, 12, 1, 19, 0, 0, 0, seoul),
			zone:     seoul,
			wantLine: "DTSTART;TZID=Asia/Seoul:20261201T190000",
			wantUTC:  time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
			wantWall: "19:00",
		},
		{
			name:     "Seoul event given in UTC",
			start:    time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
			zone:     seoul,
			wantLine: "DTSTART;TZID=Asia/Seoul:20261201T190000",
			wantUTC:  time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
			wantWall: "19:00",
		},
		{
			name:     "New York the evening before daylight saving ends",
			start:    time.Date(2026, 10, 31, 19, 0, 0, 0, newYork),
			zone:     newYork,
			wantLine: "DTSTART;TZID=America/New_York:20261031T190000",
			wantUTC:  time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC),
			wantWall: "19:00",
		},
		{
			name:     "New York the evening daylight saving ended",
			start:    time.Date(2026, 11, 1, 19, 0, 0, 0, newYork),
			zone:     newYork,
			wantLine: "DTSTART;TZID=America/New_York:20261101T190000",
			wantUTC:  time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
			wantWall: "19:00",
		},
		{
			name:     "the first 01:30 in New York as the clock goes back",
			start:    time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC),
			zone:     newYork,
			wantLine: "DTSTART;TZID=America/New_York:20261101T013000",
			wantUTC:  time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC),
			wantWall: "01:30",
		},
		{
			name:     "the second 01:30 in New York is written in UTC",
			start:    time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC),
			zone:     newYork,
			wantLine: "DTSTART:20261101T063000Z",
			wantUTC:  time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC),
			wantWall: "01:30",
		},
		{
			name:     "UTC zone",
			start:    time.Date(2026, 12, 1, 19, 0, 0, 0, seoul),
			zone:     time.UTC,
			wantLine: "DTSTART:20261201T100000Z",
			wantUTC:  time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
			wantWall: "10:00",
		},
		{
			name:     "no zone is UTC",
			start:    time.Date(2026, 12, 1, 19, 0, 0, 0, seoul),
			wantLine: "DTSTART:20261201T100000Z",
			wantUTC:  time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
			wantWall: "10:00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := event(t)
			e.Start, e.End, e.Zone = tt.start, tt.start.Add(2*time.Hour), tt.zone
			out := string(ical.Calendar{Events: []ical.Event{e}}.Bytes())
			if !strings.Contains(out, "\r\n"+tt.wantLine+"\r\n") {
				t.Errorf("no line %q in\n%s", tt.wantLine, out)
			}
			ev := only(t, e)
			// Parsing in UTC: a TZID go-ical could not resolve would give
			// the wall time as a UTC instant, hours off.
			start, err := ev.Props.Get(goical.PropDateTimeStart).DateTime(time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if !start.Equal(tt.wantUTC) {
				t.Errorf("DTSTART = %v, want %v", start, tt.wantUTC)
			}
			z := tt.zone
			if z == nil {
				z = time.UTC
			}
			if tzid := ev.Props.Get(goical.PropDateTimeStart).Params.Get(goical.PropTimezoneID); tzid != "" && start.Location().String() != tzid {
				t.Errorf("DTSTART resolved in %v, want %v", start.Location(), tzid)
			}
			if got := start.In(z).Format("15:04"); got != tt.wantWall {
				t.Errorf("DTSTART wall time %s, want %s", got, tt.wantWall)
			}
			end, err := ev.DateTimeEnd(time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.wantUTC.Add(2 * time.Hour); !end.Equal(want) {
				t.Errorf("DTEND = %v, want %v", end, want)
			}
		})
	}
}

func TestEventWithoutEndHasNoDTEND(t *testing.T) {
	e := event(t)
	e.End = time.Time{}
	if p := only(t, e).Props.Get(goical.PropDateTimeEnd); p != nil {
		t.Errorf("DTEND:%s written for a zero End", p.Value)
	}
}

func TestEventIdentityAndStatus(t *testing.T) {
	tests := []struct {
		name       string
		uid        string
		sequence   int
		cancelled  bool
		wantStatus goical.EventStatus
	}{
		{"first version", "6650f1c2@fanclub.example", 0, false, goical.EventConfirmed},
		{"moved twice", "6650f1c3@fanclub.example", 2, false, goical.EventConfirmed},
		{"cancelled after a move", "6650f1c4@fanclub.example", 3, true, goical.EventCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := event(t)
			e.UID, e.Sequence, e.Cancelled = tt.uid, tt.sequence, tt.cancelled
			ev := only(t, e)
			if got := text(t, ev.Props, goical.PropUID); got != tt.uid {
				t.Errorf("UID = %q, want %q", got, tt.uid)
			}
			seq, err := ev.Props.Get(goical.PropSequence).Int()
			if err != nil || seq != tt.sequence {
				t.Errorf("SEQUENCE = %d (%v), want %d", seq, err, tt.sequence)
			}
			status, err := ev.Status()
			if err != nil || status != tt.wantStatus {
				t.Errorf("STATUS = %q (%v), want %q", status, err, tt.wantStatus)
			}
		})
	}
}

func TestEventStampIsUTC(t *testing.T) {
	ev := only(t, event(t))
	for _, name := range []string{goical.PropDateTimeStamp, goical.PropLastModified} {
		p := ev.Props.Get(name)
		if p == nil || p.Value != "20261120T003000Z" {
			t.Errorf("%s = %v, want 20261120T003000Z", name, p)
		}
	}
}

func TestTextSurvivesEscapingAndFolding(t *testing.T) {
	long := "입장은 18:00부터, 공연은 19:00; 굿즈 판매는 공연 후.\n" +
		`경로: C:\fanclub\tickets, 좌석은 A; B; C 구역.` + "\n\n" +
		strings.Repeat("함께 응원해요, 감사합니다; ", 12)
	tests := []struct {
		name  string
		set   func(*ical.Event, string)
		prop  string
		value string
		want  string
	}{
		{"Korean summary", func(e *ical.Event, s string) { e.Summary = s }, goical.PropSummary,
			"2026 민지 단독 팬미팅 〈겨울의 우리〉 — 서울 올림픽공원 핸드볼경기장", ""},
		{"long description", func(e *ical.Event, s string) { e.Description = s }, goical.PropDescription,
			long, ""},
		{"address with commas", func(e *ical.Event, s string) { e.Location = s }, goical.PropLocation,
			"424 Olympic-ro, Songpa-gu, Seoul; Gate 3", ""},
		{"CRLF and CR become LF", func(e *ical.Event, s string) { e.Description = s }, goical.PropDescription,
			"one\r\ntwo\rthree", "one\ntwo\nthree"},
		{"control characters are dropped", func(e *ical.Event, s string) { e.Summary = s }, goical.PropSummary,
			"fan\x00 meet\x1bing\x7f\tday", "fan meeting\tday"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == "" {
				want = tt.value
			}
			e := event(t)
			tt.set(&e, tt.value)
			if got := text(t, only(t, e).Props, tt.prop); got != want {
				t.Errorf("%s = %q, want %q", tt.prop, got, want)
			}
		})
	}
}

// TestFoldingKeepsKoreanWhole puts the Korean at each offset a three-octet
// character can have relative to the fold, so a fold at a fixed octet
// count would split one of them.
func TestFoldingKeepsKoreanWhole(t *testing.T) {
	korean := strings.Repeat("가나다라마바사아자차카타파하", 8)
	for pad := range 3 {
		t.Run(strings.Repeat("x", pad)+"가", func(t *testing.T) {
			e := event(t)
			e.Summary = strings.Repeat("x", pad) + korean
			b := ical.Calendar{Events: []ical.Event{e}}.Bytes()
			if !bytes.Contains(b, []byte("\r\n ")) {
				t.Fatal("nothing was folded")
			}
			if got := text(t, only(t, e).Props, goical.PropSummary); got != e.Summary {
				t.Errorf("SUMMARY = %q, want %q", got, e.Summary)
			}
		})
	}
}

func TestURLCannotAddLines(t *testing.T) {
	e := event(t)
	e.URL = "https://fanclub.example/events/6650f1c2\r\nX-INJECTED:1"
	ev := only(t, e)
	if p := ev.Props.Get("X-INJECTED"); p != nil {
		t.Errorf("URL added a property: X-INJECTED:%s", p.Value)
	}
	if got, want := ev.Props.Get(goical.PropURL).Value, "https://fanclub.example/events/6650f1c2X-INJECTED:1"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}
