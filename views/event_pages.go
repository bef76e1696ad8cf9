package views

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"fanclub/community"
	"fanclub/membership"
)

// EventList is a group's upcoming or past events.
type EventList struct {
	Chrome   Chrome
	Standing community.Standing
	Past     bool
	List     community.EventList
	Tiers    []membership.Tier // to name the tier a tier event needs
}

// EventForm creates or edits an event. Going is set when a capacity below
// the number going was refused, to offer moving the last to the line.
type EventForm struct {
	Chrome   Chrome
	Standing community.Standing
	Event    community.Event // zero when new
	Input    community.EventInput
	Tiers    []membership.Tier // the tiers a tier event may need
	Going    int
	Errors   map[string]string
}

// EventShow is an event's own page.
type EventShow struct {
	Chrome Chrome
	View   community.EventView
	Error  string            // a refused answer's message key
	Tiers  []membership.Tier // to name the tier a tier event needs
}

// EventInvite is where hosts invite people to an event.
type EventInvite struct {
	Chrome Chrome
	View   community.EventView
	Ideas  []community.Idea // the board's top ideas, whose voters may be invited
	People string           // the list as typed, kept on error
	Tier   string
	Tiers  []membership.Tier
	Errors map[string]string
}

// EventDoor is the hosts' check-in page.
type EventDoor struct {
	Chrome Chrome
	List   community.GuestList
	Query  string
}

// MyEventsPage is the viewer's events across groups, with their calendar
// feed.
type MyEventsPage struct {
	Chrome  Chrome
	Events  community.MyEvents
	FeedURL string
	Tiers   []membership.Tier // to name the tier a tier event needs
}

// tierNameOf is the name of the tier keyed key, for members to read; the
// key itself only if no tier has it any more.
func tierNameOf(tiers []membership.Tier, key string) string {
	for _, t := range tiers {
		if t.Key == key {
			return t.Name
		}
	}
	return key
}

func eventsPath(st community.Standing) string { return "/groups/" + st.Group.Slug + "/events" }

func eventPath(g community.Group, id community.EventID) string {
	return "/groups/" + g.Slug + "/events/" + string(id)
}

func eventsPage(st community.Standing, past bool, after string) string {
	v := url.Values{}
	if past {
		v.Set("when", "past")
	}
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return eventsPath(st)
	}
	return eventsPath(st) + "?" + v.Encode()
}

// weekdaysKO names the days in Korean, Sunday first as time.Weekday.
var weekdaysKO = [...]string{"일", "월", "화", "수", "목", "금", "토"}

// clockAt writes t as a date and a time with its zone abbreviation, in
// loc, in the page's language: "Tue 1 Dec 2026, 19:00 KST".
func clockAt(locale string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if locale == "ko" {
		return t.Format("2006년 1월 2일") + " (" + weekdaysKO[t.Weekday()] + ") " + t.Format("15:04 MST")
	}
	return t.Format("Mon 2 Jan 2006, 15:04 MST")
}

// viewerLoc is the zone to show the event in: the viewer's, else the
// event's own.
func viewerLoc(ch Chrome, e community.Event) *time.Location {
	if ch.Zone != nil {
		return ch.Zone
	}
	return e.Location()
}

// EventWhen is when the event starts and ends, in the viewer's zone. An
// end on the same day shows only its time.
func EventWhen(ch Chrome, e community.Event) string {
	loc := viewerLoc(ch, e)
	start, end := e.Start.In(loc), e.End.In(loc)
	if start.YearDay() == end.YearDay() && start.Year() == end.Year() {
		return clockAt(ch.Locale, start, loc) + " – " + end.Format("15:04")
	}
	return clockAt(ch.Locale, start, loc) + " – " + clockAt(ch.Locale, end, loc)
}

// ownZoneDiffers reports whether the viewer sees the event in another
// zone than its own, at its start: then the page also names the event's.
func ownZoneDiffers(ch Chrome, e community.Event) bool {
	if ch.Zone == nil {
		return false
	}
	_, a := e.Start.In(ch.Zone).Zone()
	_, b := e.Start.In(e.Location()).Zone()
	return a != b
}

// eventLocalWhen is the start in the event's own zone, named.
func eventLocalWhen(ch Chrome, e community.Event) string {
	return clockAt(ch.Locale, e.Start, e.Location()) + " (" + e.Zone + ")"
}

// localInput is t as a datetime-local value in the event's zone.
func localInput(t time.Time, zone string) string {
	if t.IsZero() {
		return ""
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format(community.LocalTimeLayout)
}

// EventInputOf is the form filled in as the event is.
func EventInputOf(e community.Event) community.EventInput {
	in := community.EventInput{Title: e.Title, Body: e.Body, Zone: e.Zone, Start: localInput(e.Start, e.Zone),
		End: localInput(e.End, e.Zone), Venue: e.Venue, Online: e.Online, Link: e.Link, Access: e.Access, Tier: e.Tier,
		Deadline: localInput(e.Deadline, e.Zone)}
	if e.Capacity > 0 {
		in.Capacity = strconv.Itoa(e.Capacity)
	}
	return in
}

// seatsText says how full the event is.
func seatsText(ctx context.Context, e community.Event) string {
	switch {
	case e.Capacity == 0:
		return T(ctx, "event.seats.going", "n", strconv.Itoa(e.Going))
	case e.Full():
		return T(ctx, "event.seats.full", "going", strconv.Itoa(e.Going), "waiting", strconv.Itoa(e.Waiting))
	}
	return T(ctx, "event.seats.left", "n", strconv.Itoa(e.SeatsLeft()), "cap", strconv.Itoa(e.Capacity))
}

// attendanceText says where the viewer stands, or "" with no answer.
func attendanceText(ctx context.Context, a community.Attendance) string {
	switch a.State {
	case community.RSVPGoing:
		return T(ctx, "event.you.going")
	case community.RSVPWaitlist:
		return T(ctx, "event.you.waitlist", "n", strconv.Itoa(a.Position))
	case community.RSVPDeclined:
		return T(ctx, "event.you.declined")
	}
	return ""
}

// canAnswer reports whether the RSVP buttons show.
func canAnswer(ch Chrome, v community.EventView) bool {
	return ch.SignedIn() && !v.Event.Cancelled && !v.Event.Started(v.Standing.Now)
}

// rsvpClosedKey explains why "going" is not offered, or "".
func rsvpClosedKey(v community.EventView) string {
	now := v.Standing.Now
	switch {
	case v.Event.Cancelled:
		return "event.cancelled_banner"
	case v.Event.Over(now):
		return "event.over"
	case !v.Event.RSVPsOpen(now):
		return "event.error.closed"
	}
	return ""
}
