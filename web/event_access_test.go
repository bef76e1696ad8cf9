package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
)

// TestInviteOnlyEventOnlyForTheInvited: of two members, the one invited
// sees an invite-only event in the group's list, on its page, in its .ics
// and in My events, and may answer it. To the other it does not exist: a
// 404 on each of its routes, hosts' ones too, its title on none of their
// pages, and an answer refused without a trace. A tier event, whose tier
// neither holds, both see; only the invited may say yes, and the other is
// told why on the event's page. (Holding the tier: TestTierEvent.)
func TestInviteOnlyEventOnlyForTheInvited(t *testing.T) {
	s := newSite(t, crowd())
	ctx := context.Background()
	admin := s.signUp(t, "admin@example.com")
	g := s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	guest, other := s.signUp(t, "guest@example.com"), s.signUp(t, "other@example.com")
	s.join(t, g.Slug, guest)
	s.join(t, g.Slug, other)
	host := s.actor(t, admin)
	secret := acEvent(t, s, host, g.Slug, acEventInput(s, "Secret tasting", community.AccessInvited))
	gold := acEvent(t, s, host, g.Slug, acEventInput(s, "Gold launch", community.AccessTier))
	for _, e := range []community.Event{secret, gold} {
		if _, err := s.Community.InvitePeople(ctx, host, g.Slug, e.ID, []auth.Account{s.actor(t, guest).Account}); err != nil {
			t.Fatal(err)
		}
	}
	evs := "/groups/" + g.Slug + "/events"
	page, goldPage := evs+"/"+string(secret.ID), evs+"/"+string(gold.ID)
	going := func() url.Values { return url.Values{"going": {"1"}} } // post adds the poster's CSRF token to it

	t.Run("invited", func(t *testing.T) {
		for _, path := range []string{evs, page, page + "/event.ics", "/events"} {
			res := guest.get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.Status)
			}
			mustContain(t, res.Body, secret.Title)
		}
		if res := guest.post(page+"/rsvp", going()); res.Status != http.StatusSeeOther {
			t.Fatalf("rsvp: %d %s", res.Status, res.Body)
		}
		if res := guest.post(goldPage+"/rsvp", going()); res.Status != http.StatusSeeOther {
			t.Fatalf("rsvp to the tier event: %d %s", res.Status, res.Body)
		}
		if n := s.count("rsvps", bson.M{"account": guest.ID, "state": community.RSVPGoing}); n != 2 {
			t.Errorf("the invited guest is going to %d events, want 2", n)
		}
	})

	t.Run("not invited", func(t *testing.T) {
		for _, path := range []string{evs, "/events"} {
			res := other.get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.Status)
			}
			mustNotContain(t, res.Body, secret.Title)
		}
		mustContain(t, other.get(evs).Body, gold.Title)
		for _, path := range []string{page, page + "/event.ics", page + "/edit", page + "/invite", page + "/checkin"} {
			res := other.get(path)
			if res.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, res.Status)
			}
			mustNotContain(t, res.Body, secret.Title)
		}
		for _, answer := range []string{"1", "0"} {
			res := other.post(page+"/rsvp", url.Values{"going": {answer}})
			if res.Status != http.StatusNotFound {
				t.Errorf("rsvp going=%s: %d, want 404", answer, res.Status)
			}
			mustNotContain(t, res.Body, secret.Title)
		}

		res := other.post(goldPage+"/rsvp", going())
		if res.Status != http.StatusForbidden {
			t.Fatalf("rsvp to the tier event: %d, want 403", res.Status)
		}
		mustContain(t, res.Body, gold.Title, "This event is for members of a higher tier, or those invited.")
		if n := s.count("rsvps", bson.M{"account": other.ID}); n != 0 {
			t.Errorf("%d answers kept for the member not invited, want 0", n)
		}
	})
}

// TestEventMadeInviteOnlyKeepsItsPeople: when a host makes an event
// invite-only, those already going or waiting keep it: its page, its
// link while going, and the way to give their place back; they would
// otherwise hold a seat, listed in My events with the link in their feed,
// to an event that answers them 404. A member who had not answered, or
// said no, no longer sees it anywhere.
func TestEventMadeInviteOnlyKeepsItsPeople(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	g := s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	people := map[string]person{}
	for _, n := range []string{"going", "waiting", "declined", "undecided"} {
		people[n] = s.signUp(t, n+"@example.com")
		s.join(t, g.Slug, people[n])
	}
	in := acEventInput(s, "Soon to be exclusive", community.AccessMembers)
	in.Venue, in.Online, in.Link, in.Capacity = "", true, acLink, "1"
	e := acEvent(t, s, s.actor(t, admin), g.Slug, in)
	evs := "/groups/" + g.Slug + "/events"
	page := evs + "/" + string(e.ID)
	for _, a := range []struct{ who, going string }{{"going", "1"}, {"waiting", "1"}, {"declined", "0"}} {
		if res := people[a.who].post(page+"/rsvp", url.Values{"going": {a.going}}); res.Status != http.StatusSeeOther {
			t.Fatalf("%s answers: %d", a.who, res.Status)
		}
	}
	in.Access = community.AccessInvited
	if res := admin.post(page+"/edit", acEventForm(in)); res.Status != http.StatusSeeOther {
		t.Fatalf("make it invite-only: %d %s", res.Status, res.Body)
	}

	for _, n := range []string{"going", "waiting"} {
		for _, path := range []string{evs, page, page + "/event.ics"} {
			res := people[n].get(path)
			if res.Status != http.StatusOK {
				t.Errorf("%s: GET %s: %d, want 200", n, path, res.Status)
			}
			mustContain(t, res.Body, e.Title)
		}
	}
	mustContain(t, people["going"].get(page).Body, `href="`+acLink+`"`)
	for _, n := range []string{"declined", "undecided"} {
		for _, path := range []string{evs, page, page + "/event.ics", "/events"} {
			res := people[n].get(path)
			if want := map[bool]int{true: http.StatusOK, false: http.StatusNotFound}[path == evs || path == "/events"]; res.Status != want {
				t.Errorf("%s: GET %s: %d, want %d", n, path, res.Status, want)
			}
			mustNotContain(t, res.Body, e.Title)
		}
	}

	// The one going gives the seat back; it goes to the one waiting.
	if res := people["going"].post(page+"/rsvp", url.Values{"going": {"0"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("give the seat back: %d", res.Status)
	}
	mustContain(t, people["waiting"].get(page).Body, `href="`+acLink+`"`)
	if feed := acUnfold(people["going"].get(acFeedURL(t, people["going"].get("/events").Body)).Body); strings.Contains(feed, acLink) {
		t.Error("the link stays in the feed of one no longer going")
	}
}

// acLink is the online link of TestOnlineLinkOnlyForThoseGoing: a string
// no page has unless it shows the link.
const acLink = "https://meet.example.com/secret-room-42"

// TestOnlineLinkOnlyForThoseGoing: an online event's link is in no page,
// list, .ics or calendar feed of anyone not going: a visitor, a signed-in
// stranger, members who have not answered, are waiting or said no, and
// the hosts themselves while not going, whose edit form alone holds it.
// The member going finds it on the page, in the .ics and in their feed;
// when they give the seat back it moves with the seat to the head of the
// waiting line.
func TestOnlineLinkOnlyForThoseGoing(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com") // the site's owner, and the group's
	g := s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	people := map[string]person{"owner": admin}
	for _, n := range []string{"going", "waiting", "declined", "undecided", "moderator", "outsider"} {
		people[n] = s.signUp(t, n+"@example.com")
		if n != "outsider" {
			s.join(t, g.Slug, people[n])
		}
	}
	acSetMember(t, s, g.ID, people["moderator"], community.RoleModerator, community.StateActive, time.Time{})

	in := acEventInput(s, "Online question time", community.AccessMembers)
	in.Venue, in.Online, in.Link, in.Capacity = "", true, acLink, "1"
	e := acEvent(t, s, s.actor(t, admin), g.Slug, in)
	evs := "/groups/" + g.Slug + "/events"
	page := evs + "/" + string(e.ID)
	for _, a := range []struct{ who, going string }{{"going", "1"}, {"waiting", "1"}, {"declined", "0"}} {
		if res := people[a.who].post(page+"/rsvp", url.Values{"going": {a.going}}); res.Status != http.StatusSeeOther {
			t.Fatalf("%s answers: %d %s", a.who, res.Status, res.Body)
		}
	}
	if n := s.count("rsvps", bson.M{"account": people["waiting"].ID, "state": community.RSVPWaitlist}); n != 1 {
		t.Fatalf("the second to say yes is not waiting")
	}

	// sees fetches what a viewer can reach of the event and fails on any
	// status but those expected; it returns the bodies, calendars unfolded.
	sees := func(t *testing.T, b *browser, member bool) map[string]string {
		t.Helper()
		signedIn, want := b.signedIn(), http.StatusNotFound
		if member {
			want = http.StatusOK
		}
		out := map[string]string{}
		for name, path := range map[string]string{"page": page, "list": evs, "ics": page + "/event.ics"} {
			res := b.get(path)
			if res.Status != want {
				t.Errorf("GET %s: %d, want %d", path, res.Status, want)
			}
			out[name] = acUnfold(res.Body)
		}
		mine := b.get("/events")
		if want := map[bool]int{true: http.StatusOK, false: http.StatusSeeOther}[signedIn]; mine.Status != want {
			t.Errorf("GET /events: %d, want %d", mine.Status, want)
		}
		out["my events"] = mine.Body
		if signedIn {
			feed := b.get(acFeedURL(t, mine.Body))
			if feed.Status != http.StatusOK {
				t.Errorf("GET the calendar feed: %d", feed.Status)
			}
			out["feed"] = acUnfold(feed.Body)
		}
		if member {
			mustContain(t, out["page"], e.Title)
			mustContain(t, out["ics"], "SUMMARY:"+e.Title)
		}
		return out
	}
	// hidden fails if the link is anywhere in the bodies; a member's page
	// says instead where it will show.
	hidden := func(t *testing.T, bodies map[string]string, member bool) {
		t.Helper()
		if member {
			mustContain(t, bodies["page"], "Online: the link shows here once you’re going.")
		}
		for name, body := range bodies {
			if strings.Contains(body, acLink) || strings.Contains(body, "secret-room-42") {
				t.Errorf("the link is in the %s", name)
			}
		}
	}

	for _, v := range []struct {
		name   string
		b      *browser
		member bool
	}{
		{"anonymous", s.newBrowser(), false},
		{"outsider", people["outsider"].browser, false},
		{"member not answered", people["undecided"].browser, true},
		{"member waiting", people["waiting"].browser, true},
		{"member declined", people["declined"].browser, true},
		{"moderator not going", people["moderator"].browser, true},
		{"owner not going", admin.browser, true},
	} {
		t.Run(v.name, func(t *testing.T) { hidden(t, sees(t, v.b, v.member), v.member) })
	}

	t.Run("host's edit form", func(t *testing.T) {
		res := people["moderator"].get(page + "/edit")
		if res.Status != http.StatusOK {
			t.Fatalf("GET edit: %d", res.Status)
		}
		mustContain(t, res.Body, acLink)
	})

	t.Run("member going", func(t *testing.T) {
		got := sees(t, people["going"].browser, true)
		mustContain(t, got["page"], `href="`+acLink+`"`, `data-testid="online-link"`)
		mustContain(t, got["ics"], acLink)
		mustContain(t, got["feed"], "SUMMARY:"+e.Title, acLink)
	})

	t.Run("seat given back", func(t *testing.T) {
		if res := people["going"].post(page+"/rsvp", url.Values{"going": {"0"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("give the seat back: %d", res.Status)
		}
		hidden(t, sees(t, people["going"].browser, true), true)
		got := sees(t, people["waiting"].browser, true)
		mustContain(t, got["page"], `href="`+acLink+`"`)
		mustContain(t, got["ics"], acLink)
		mustContain(t, got["feed"], acLink)
	})
}

// acUnfold undoes iCalendar line folding, so that a link folded across
// two lines is still found.
func acUnfold(s string) string {
	return strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(s)
}

var acFeedInputRE = regexp.MustCompile(`<input[^>]*data-testid="feed-url"[^>]*>`)

// acFeedURL is the calendar feed address My events shows.
func acFeedURL(t *testing.T, myEvents string) string {
	t.Helper()
	return regexpFind(t, acFeedInputRE.FindString(myEvents), `value="([^"]+)"`)
}

// TestCalendarFeedHoldsWhatMyEventsHolds: the feed, fetched with no
// cookie, judges what its owner may read as My events does. Site staff
// going to an event of a group they are not in find it in both; a member
// going who is then banned finds it in neither, nor its page.
func TestCalendarFeedHoldsWhatMyEventsHolds(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	g := s.newGroup(t, owner, community.GroupInput{Slug: "club"})
	staff, fan := s.signUp(t, "staff@example.com"), s.signUp(t, "fan@example.com")
	s.makeSiteAdmin(t, staff)
	s.join(t, g.Slug, fan)
	in := acEventInput(s, "Listening party", community.AccessMembers)
	in.Venue, in.Online, in.Link = "", true, acLink
	e := acEvent(t, s, s.actor(t, owner), g.Slug, in)
	page := "/groups/" + g.Slug + "/events/" + string(e.ID)
	for _, p := range []person{staff, fan} {
		if res := p.post(page+"/rsvp", url.Values{"going": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("%s goes: %d", p.Name, res.Status)
		}
	}
	acSetMember(t, s, g.ID, fan, community.RoleMember, community.StateBanned, time.Time{})

	mine := staff.get("/events")
	mustContain(t, mine.Body, e.Title)
	mustContain(t, acUnfold(staff.get(acFeedURL(t, mine.Body)).Body), "SUMMARY:"+e.Title, acLink)

	mine = fan.get("/events")
	mustNotContain(t, mine.Body, e.Title)
	mustNotContain(t, acUnfold(fan.get(acFeedURL(t, mine.Body)).Body), e.Title, acLink)
	if res := fan.get(page); res.Status != http.StatusNotFound {
		t.Errorf("the banned fan gets the page: %d", res.Status)
	}
}
