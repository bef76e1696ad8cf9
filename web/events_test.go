package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
)

// evForm is the event form for a start at local (in zone), lasting two
// hours, at a venue in Seoul.
func evForm(title, zone string, local time.Time) url.Values {
	return url.Values{"title": {title}, "zone": {zone}, "start": {local.Format(community.LocalTimeLayout)},
		"end": {local.Add(2 * time.Hour).Format(community.LocalTimeLayout)}, "venue": {"Seongsu-dong, Seoul"},
		"access": {"members"}}
}

// createEvent posts the form as p and returns the new event's path.
func createEvent(t *testing.T, p person, slug string, form url.Values) string {
	t.Helper()
	res := p.post("/groups/"+slug+"/events", form)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/groups/"+slug+"/events/") {
		t.Fatalf("create event %q: %d %s\n%s", form.Get("title"), res.Status, res.Location, res.Body)
	}
	return res.Location
}

// setZone makes the person's browser report zone, as assets/js/zone.js does.
func setZone(p person, zone string) {
	u, _ := url.Parse(p.site.URL)
	p.client.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.PathEscape(zone), Path: "/"}})
}

// nextClockChange is the first hour after from at which zone's offset
// changes: a daylight-saving change.
func nextClockChange(t *testing.T, zone string, from time.Time) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	_, off := from.In(loc).Zone()
	for h := from.Truncate(time.Hour); h.Before(from.AddDate(1, 0, 0)); h = h.Add(time.Hour) {
		if _, o := h.In(loc).Zone(); o != off {
			return h
		}
	}
	t.Fatalf("%s does not change its clocks within a year", zone)
	return time.Time{}
}

// TestEventTimesInEachViewersZone: an event at 19:00 in Seoul shows as
// 19:00 KST to a Seoul viewer and at New York's local time to a New York
// viewer, on either side of a daylight-saving change there; the page also
// names the event's own time for the viewer abroad. Its .ics parses back
// to the same instant in Asia/Seoul.
func TestEventTimesInEachViewersZone(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	seoulite, newYorker := s.signUp(t, "minji@example.com"), s.signUp(t, "sam@example.com")
	s.join(t, "club", seoulite)
	s.join(t, "club", newYorker)
	setZone(seoulite, "Asia/Seoul")
	setZone(newYorker, "America/New_York")

	seoul, _ := time.LoadLocation("Asia/Seoul")
	change := nextClockChange(t, "America/New_York", s.Clock.Now().Add(72*time.Hour))
	_, offBefore := change.Add(-time.Hour).In(mustZone(t, "America/New_York")).Zone()
	for _, c := range []struct {
		name string
		day  time.Time // a day in Seoul
	}{
		{"before the change", change.In(seoul).AddDate(0, 0, -3)},
		{"after the change", change.In(seoul).AddDate(0, 0, 3)},
	} {
		at := time.Date(c.day.Year(), c.day.Month(), c.day.Day(), 19, 0, 0, 0, seoul)
		path := createEvent(t, admin, "club", evForm("Tasting "+c.name, "Asia/Seoul", at))

		page := seoulite.get(path)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "19:00 KST") {
			t.Fatalf("%s: the Seoul viewer does not see 19:00 KST (%d)", c.name, page.Status)
		}
		mustNotContain(t, page.Body, `data-testid="event-own-time"`)

		ny := at.In(mustZone(t, "America/New_York"))
		want := ny.Format("15:04 MST")
		if _, off := ny.Zone(); (off == offBefore) != (c.name == "before the change") {
			t.Fatalf("%s: the test put the event on the wrong side of the change", c.name)
		}
		page = newYorker.get(path)
		mustContain(t, page.Body, want, `data-testid="event-own-time"`, "19:00 KST (Asia/Seoul)")
		if !strings.Contains(want, "EST") && !strings.Contains(want, "EDT") || !(strings.HasPrefix(want, "05:00") || strings.HasPrefix(want, "06:00")) {
			t.Fatalf("%s: 19:00 in Seoul is %s in New York; want 05:00 EST or 06:00 EDT", c.name, want)
		}

		res := seoulite.get(path + "/event.ics")
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("%s: .ics %d %s", c.name, res.Status, res.Header.Get("Content-Type"))
		}
		ev := parseOneEvent(t, res.Body)
		start, err := ev.DateTimeStart(time.UTC)
		if err != nil || !start.Equal(at) {
			t.Errorf("%s: the .ics starts at %v (%v), want %v", c.name, start, err, at)
		}
		if p := ev.Props.Get(ical.PropDateTimeStart); p == nil || p.Params.Get(ical.ParamTimezoneID) != "Asia/Seoul" || p.Value != at.Format("20060102T150405") {
			t.Errorf("%s: DTSTART is %+v, want 19:00 wall time with TZID Asia/Seoul", c.name, p)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// parseOneEvent parses an iCalendar file holding one event.
func parseOneEvent(t *testing.T, body string) ical.Event {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader([]byte(body))).Decode()
	if err != nil {
		t.Fatalf("the .ics does not parse: %v\n%s", err, body)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events in the .ics, want 1", len(events))
	}
	return events[0]
}

// TestEventFormRefusesBadInput: refused forms come back in the page, in
// the viewer's language, with what was typed, and store nothing.
func TestEventFormRefusesBadInput(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	start := s.Clock.Now().Add(48 * time.Hour).In(mustZone(t, "Asia/Seoul"))

	for _, c := range []struct {
		name  string
		edit  func(url.Values)
		field string
		key   string
	}{
		{"end before start", func(f url.Values) { f.Set("end", start.Add(-time.Hour).Format(community.LocalTimeLayout)) }, "end", "event.error.end_before_start"},
		{"no title", func(f url.Values) { f.Set("title", "  ") }, "title", "event.error.title_required"},
		{"made-up zone", func(f url.Values) { f.Set("zone", "Mars/Olympus") }, "zone", "event.error.zone"},
		{"start in the past", func(f url.Values) {
			past := s.Clock.Now().Add(-48 * time.Hour).In(mustZone(t, "Asia/Seoul"))
			f.Set("start", past.Format(community.LocalTimeLayout))
			f.Set("end", past.Add(time.Hour).Format(community.LocalTimeLayout))
		}, "start", "event.error.start_past"},
		{"zero capacity", func(f url.Values) { f.Set("capacity", "0") }, "capacity", "event.error.capacity"},
		{"online without link", func(f url.Values) { f.Set("online", "1"); f.Del("venue") }, "link", "event.error.link_required"},
		{"a javascript link", func(f url.Values) { f.Set("online", "1"); f.Set("link", "javascript:alert(1)") }, "link", "event.error.link"},
		{"forged access", func(f url.Values) { f.Set("access", "everyone") }, "access", "event.error.access"},
		{"deadline after start", func(f url.Values) { f.Set("deadline", start.Add(time.Hour).Format(community.LocalTimeLayout)) }, "deadline", "event.error.deadline_after_start"},
		{"a time the clocks skip", func(f url.Values) {
			f.Set("zone", "America/Los_Angeles")
			f.Set("start", "2027-03-14T02:30")
			f.Set("end", "2027-03-14T04:00")
		}, "start", "event.error.time_skipped"},
		{"a time the clocks show twice", func(f url.Values) {
			f.Set("zone", "America/Los_Angeles")
			f.Set("start", "2027-11-06T22:00")
			f.Set("end", "2027-11-07T01:30")
		}, "end", "event.error.time_repeated"},
	} {
		form := evForm("Launch party "+c.name, "Asia/Seoul", start)
		c.edit(form)
		res := admin.post("/groups/club/events", form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", c.name, res.Status)
			continue
		}
		mustContain(t, res.Body, `data-testid="error-`+c.field+`"`, brT(t, "en", c.key), `value="`+form.Get("start")+`"`, `value="`+form.Get("end")+`"`)
		if strings.TrimSpace(form.Get("title")) != "" {
			mustContain(t, res.Body, `value="Launch party `+c.name+`"`)
		}
	}
	if n := s.count("events", bson.M{}); n != 0 {
		t.Fatalf("%d events stored from refused forms", n)
	}

	// In Korean, the message is Korean.
	admin.get("/?lang=ko")
	form := evForm("출시 파티", "Asia/Seoul", start)
	form.Set("end", start.Add(-time.Hour).Format(community.LocalTimeLayout))
	res := admin.post("/groups/club/events", form)
	mustContain(t, res.Body, brT(t, "ko", "event.error.end_before_start"), `value="출시 파티"`)
}

// TestRSVPWaitlistAndPromotion: with one seat, the first member going
// takes it and the second waits at position 1; the first cancels and the
// second is seated without anyone acting, told in the app, and sees it.
// Capacity below those going is refused with the offer, and taken when
// the offer is ticked. Cancelled and past events refuse answers with a
// message, and nothing changes.
func TestRSVPWaitlistAndPromotion(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	minji, jun, ara := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com"), s.signUp(t, "ara@example.com")
	for _, p := range []person{minji, jun, ara} {
		s.join(t, "club", p)
	}
	start := s.Clock.Now().Add(72 * time.Hour).In(mustZone(t, "Asia/Seoul"))
	form := evForm("Factory visit", "Asia/Seoul", start)
	form.Set("capacity", "1")
	path := createEvent(t, admin, "club", form)

	rsvp := func(p person, going string) response {
		t.Helper()
		return p.post(path+"/rsvp", url.Values{"going": {going}})
	}
	if res := rsvp(minji, "1"); res.Status != http.StatusSeeOther {
		t.Fatalf("minji's RSVP: %d", res.Status)
	}
	mustContain(t, minji.get(path).Body, brT(t, "en", "event.you.going"))
	rsvp(jun, "1")
	page := jun.get(path).Body
	mustContain(t, page, brT(t, "en", "event.you.waitlist", "n", "1"), brT(t, "en", "event.seats.full", "going", "1", "waiting", "1"))
	rsvp(ara, "1")
	mustContain(t, ara.get(path).Body, brT(t, "en", "event.you.waitlist", "n", "2"))

	// A host may not squeeze the room under those going without saying so.
	edit := evForm("Factory visit", "Asia/Seoul", start)
	edit.Set("capacity", "1")
	admin.post(path+"/edit", edit) // unchanged: fine
	rsvp(minji, "0")
	s.drain(t)
	mustContain(t, jun.get(path).Body, brT(t, "en", "event.you.going"))
	mustContain(t, ara.get(path).Body, brT(t, "en", "event.you.waitlist", "n", "1"))
	mustContain(t, jun.get("/notifications").Body, brT(t, "en", "notifications.kind.event_promoted", "event", "Factory visit"))
	if n := s.count("notifications", bson.M{"kind": "event_promoted"}); n != 1 {
		t.Errorf("%d promotion notices, want 1 (to jun only)", n)
	}

	rsvp(minji, "1") // back in the line, behind ara
	edit.Set("capacity", "3")
	if res := admin.post(path+"/edit", edit); res.Status != http.StatusSeeOther {
		t.Fatalf("raising capacity: %d\n%s", res.Status, res.Body)
	}
	for _, p := range []person{jun, ara, minji} {
		mustContain(t, p.get(path).Body, brT(t, "en", "event.you.going"))
	}
	edit.Set("capacity", "2")
	res := admin.post(path+"/edit", edit)
	if res.Status != http.StatusConflict {
		t.Fatalf("capacity 2 under 3 going: %d, want 409", res.Status)
	}
	mustContain(t, res.Body, brT(t, "en", "event.error.capacity_below"), `data-testid="shrink-offer"`)
	if n := s.count("rsvps", bson.M{"state": "going"}); n != 3 {
		t.Fatalf("a refused capacity moved people: %d going", n)
	}
	edit.Set("shrink", "1")
	if res := admin.post(path+"/edit", edit); res.Status != http.StatusSeeOther {
		t.Fatalf("capacity 2 with the offer ticked: %d\n%s", res.Status, res.Body)
	}
	mustContain(t, minji.get(path).Body, brT(t, "en", "event.you.waitlist", "n", "1"))

	// Cancelled: answers are refused in the page; nothing changes.
	if res := admin.post(path+"/cancel", url.Values{}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("cancel without confirming: %d, want 422", res.Status)
	}
	if res := admin.post(path+"/cancel", url.Values{"confirm": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.Status)
	}
	before := s.count("rsvps", bson.M{"state": "going"})
	res = rsvp(jun, "0")
	if res.Status != http.StatusConflict {
		t.Fatalf("an answer to a cancelled event: %d, want 409", res.Status)
	}
	mustContain(t, res.Body, brT(t, "en", "event.cancelled_banner"))
	for what, r := range map[string]response{
		"an edit":         admin.post(path+"/edit", edit),
		"an invitation":   admin.post(path+"/invite", url.Values{"by": {"people"}, "people": {"ara@example.com"}}),
		"a second cancel": admin.post(path+"/cancel", url.Values{"confirm": {"1"}}),
	} {
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, brT(t, "en", "event.cancelled_banner")) {
			t.Errorf("%s of a cancelled event: %d, want 409 saying it was cancelled", what, r.Status)
		}
	}
	if n := s.count("invitations", bson.M{}); n != 0 {
		t.Errorf("%d invitations to a cancelled event", n)
	}
	if after := s.count("rsvps", bson.M{"state": "going"}); after != before {
		t.Errorf("an answer to a cancelled event changed the going list: %d → %d", before, after)
	}
	s.drain(t)
	for _, p := range []person{jun, ara, minji} {
		mustContain(t, p.get("/notifications").Body, brT(t, "en", "notifications.kind.event_cancelled", "event", "Factory visit"))
	}

	// Past: answers are closed.
	past := createEvent(t, admin, "club", evForm("Past tasting", "Asia/Seoul", s.Clock.Now().Add(2*time.Hour).In(mustZone(t, "Asia/Seoul"))))
	s.Clock.Advance(3 * time.Hour)
	res = jun.post(past+"/rsvp", url.Values{"going": {"1"}})
	if res.Status != http.StatusConflict {
		t.Fatalf("an answer to a started event: %d, want 409", res.Status)
	}
	mustContain(t, res.Body, brT(t, "en", "event.error.closed"))
	if n := s.count("rsvps", bson.M{"event": strings.TrimPrefix(past, "/groups/club/events/")}); n != 0 {
		t.Errorf("%d answers stored for a started event", n)
	}
}

// TestEventInvitationsAndTheDoor: hosts invite by address (refusing
// non-members in the page), by an idea's voters, and by tier; the invited
// see a banner and the event on My events; invite-only events stay
// invisible to the rest. At the door, the host finds a guest by name,
// checks them in, and the counts say so.
func TestEventInvitationsAndTheDoor(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	minji, jun, ara := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com"), s.signUp(t, "ara@example.com")
	stranger := s.signUp(t, "stranger@example.com")
	for _, p := range []person{minji, jun, ara} {
		s.join(t, "club", p)
	}
	ctx := context.Background()
	idea, err := s.Community.CreateIdea(ctx, s.actor(t, ara), "club", community.IdeaInput{Title: "A roastery tour"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Community.Vote(ctx, s.actor(t, jun), "club", idea.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Auth.SetMailPreference(ctx, minji.ID, auth.MailStatus); err != nil { // jun keeps the default: none
		t.Fatal(err)
	}
	form := evForm("Roastery launch", "Asia/Seoul", s.Clock.Now().Add(72*time.Hour).In(mustZone(t, "Asia/Seoul")))
	form.Set("access", "invited")
	path := createEvent(t, admin, "club", form)

	if res := minji.get(path); res.Status != http.StatusNotFound {
		t.Fatalf("an uninvited member sees an invite-only event: %d", res.Status)
	}
	mustNotContain(t, minji.get("/groups/club/events").Body, "Roastery launch")

	res := admin.post(path+"/invite", url.Values{"by": {"people"}, "people": {"minji@example.com, stranger@example.com"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("inviting a non-member: %d, want 422", res.Status)
	}
	mustContain(t, res.Body, brT(t, "en", "event.error.not_member"), "minji@example.com, stranger@example.com")
	if n := s.count("invitations", bson.M{}); n != 0 {
		t.Fatalf("%d invitations stored from a refused list", n)
	}
	if res := admin.post(path+"/invite", url.Values{"by": {"people"}, "people": {"minji@example.com"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("inviting minji: %d", res.Status)
	}
	if res := admin.post(path+"/invite", url.Values{"by": {"idea"}, "idea": {string(idea.ID)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("inviting the idea's voters: %d", res.Status)
	}
	res = admin.post(path+"/invite", url.Values{"by": {"tier"}, "tier": {"premium"}})
	if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location, "/invite") {
		t.Fatalf("inviting by a tier no member holds: %d %s", res.Status, res.Location)
	}
	s.drain(t)
	for _, p := range []person{minji, jun} {
		page := p.get(path)
		if page.Status != http.StatusOK {
			t.Fatalf("%s, invited, gets %d", p.Name, page.Status)
		}
		mustContain(t, page.Body, `data-testid="invitation-banner"`)
		mustContain(t, p.get("/events").Body, "Roastery launch")
		mustContain(t, p.get("/notifications").Body, brT(t, "en", "notifications.kind.event_invited", "name", "admin",
			"event", "Roastery launch", "group", "Group club"))
	}
	mails := ideaMails(s, "Roastery launch")
	if len(mails) != 1 || mails[0].To != minji.Email || !strings.Contains(mails[0].Text, path) {
		t.Errorf("invitation mails %+v; want one to minji, who chose news by mail, linking the event", mails)
	}
	if res := ara.get(path); res.Status != http.StatusNotFound {
		t.Errorf("ara, the idea's author who did not vote, gets %d; want 404", res.Status)
	}
	if res := stranger.get(path); res.Status != http.StatusNotFound {
		t.Errorf("a stranger gets %d; want 404", res.Status)
	}

	// Both RSVP; at the door, the host finds jun and checks him in.
	minji.post(path+"/rsvp", url.Values{"going": {"1"}})
	jun.post(path+"/rsvp", url.Values{"going": {"1"}})
	door := admin.get(path + "/checkin?q=JU")
	mustContain(t, door.Body, ">jun<", brT(t, "en", "event.door.counts", "attended", "0", "going", "2"))
	mustNotContain(t, door.Body, ">minji<")
	res = admin.post(path+"/checkin", url.Values{"account": {string(jun.ID)}, "on": {"1"}, "q": {"JU"}})
	if res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "q=JU") {
		t.Fatalf("check-in: %d %s", res.Status, res.Location)
	}
	admin.post(path+"/checkin", url.Values{"account": {string(jun.ID)}, "on": {"1"}}) // a second tap
	mustContain(t, admin.get(path+"/checkin").Body, brT(t, "en", "event.door.counts", "attended", "1", "going", "2"))
	if n := s.count("rsvps", bson.M{"account": jun.ID, "attended": true}); n != 1 {
		t.Errorf("jun's attendance stored %d times, want 1", n)
	}
	if res := admin.post(path+"/checkin", url.Values{"account": {string(ara.ID)}, "on": {"1"}}); res.Status != http.StatusNotFound {
		t.Errorf("checking in someone not going: %d, want 404", res.Status)
	}
	if res := minji.get(path + "/checkin"); res.Status != http.StatusForbidden {
		t.Errorf("a guest opens the door page: %d, want 403", res.Status)
	}
}

// TestCalendarFeed: My events shows a private feed address; the feed
// lists the events the person is going to, and resetting the address
// stops the old one.
func TestCalendarFeed(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "club", minji)
	seoul := mustZone(t, "Asia/Seoul")
	going := createEvent(t, admin, "club", evForm("Tasting night", "Asia/Seoul", s.Clock.Now().Add(48*time.Hour).In(seoul)))
	createEvent(t, admin, "club", evForm("Another night", "Asia/Seoul", s.Clock.Now().Add(96*time.Hour).In(seoul)))
	minji.post(going+"/rsvp", url.Values{"going": {"1"}})

	feed := regexpFind(t, minji.get("/events").Body, `id="feed-url" readonly value="([^"]+)"`)
	anon := s.newBrowser()
	res := anon.get(feed)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "SUMMARY:Tasting night") || strings.Contains(res.Body, "Another night") {
		t.Fatalf("the feed: %d\n%s", res.Status, res.Body)
	}
	if res := minji.post("/events/calendar/reset", url.Values{"confirm": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.Status)
	}
	if res := anon.get(feed); res.Status != http.StatusNotFound {
		t.Errorf("the old feed address after a reset: %d, want 404", res.Status)
	}
	fresh := regexpFind(t, minji.get("/events").Body, `id="feed-url" readonly value="([^"]+)"`)
	if fresh == feed || anon.get(fresh).Status != http.StatusOK {
		t.Errorf("the new feed address %q does not serve", fresh)
	}
	if res := anon.get("/calendar/not-a-token.ics"); res.Status != http.StatusNotFound {
		t.Errorf("a made-up feed token: %d, want 404", res.Status)
	}

	// An edit keeps the UID and raises the SEQUENCE, so calendars update
	// the event in place; a cancellation says so.
	first := parseOneEvent(t, minji.get(going+"/event.ics").Body)
	moved := evForm("Tasting night", "Asia/Seoul", s.Clock.Now().Add(50*time.Hour).In(seoul))
	if res := admin.post(going+"/edit", moved); res.Status != http.StatusSeeOther {
		t.Fatalf("move the event: %d\n%s", res.Status, res.Body)
	}
	admin.post(going+"/cancel", url.Values{"confirm": {"1"}})
	after := parseOneEvent(t, anon.get(fresh).Body)
	uid := func(e ical.Event) string { return e.Props.Get(ical.PropUID).Value }
	seq := func(e ical.Event) string { return e.Props.Get(ical.PropSequence).Value }
	if uid(after) != uid(first) || seq(first) != "0" || seq(after) != "2" {
		t.Errorf("after an edit and a cancellation: UID %s → %s, SEQUENCE %s → %s; want the same UID and 0 → 2",
			uid(first), uid(after), seq(first), seq(after))
	}
	if st := after.Props.Get(ical.PropStatus); st == nil || st.Value != "CANCELLED" {
		t.Errorf("the cancelled event's STATUS is %+v, want CANCELLED", st)
	}
}
