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

	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/membership"
)

// campaignClub is a club whose owner, admin, a group moderator and two
// dormant members (ana agreed to news, ben did not) are signed in.
type campaignClub struct {
	s                                 *site
	owner, admin, moderator, ana, ben person
	today                             string // the site's day, as a campaign's id has it
}

func newCampaignClub(t *testing.T) campaignClub {
	s := newSite(t, crowd())
	cc := campaignClub{s: s, owner: s.signUp(t, "owner@example.com"), admin: s.signUp(t, "admin@example.com"),
		moderator: s.signUp(t, "moderator@example.com"), ana: s.signUp(t, "ana@example.com"), ben: s.signUp(t, "ben@example.com")}
	s.makeSiteAdmin(t, cc.admin)
	g := s.newGroup(t, cc.owner, community.GroupInput{Slug: "lounge"})
	acSetMember(t, s, g.ID, cc.moderator, community.RoleModerator, community.StateActive, time.Time{})
	if err := s.Auth.SetNews(context.Background(), cc.ana.ID, true); err != nil {
		t.Fatal(err)
	}
	cc.keepDormant(t)
	cc.today = s.Clock.Now().In(mustZone(t, "Asia/Seoul")).Format("2006-01-02")
	return cc
}

// keepDormant makes ana and ben dormant again, whatever they did: joined
// 200 days ago, silent for the last 100.
func (cc campaignClub) keepDormant(t *testing.T) {
	t.Helper()
	T := insightToday(t, cc.s)
	cc.s.keep(t, rollup(cc.ana, T, 200, 200, 100, activity.Visit), rollup(cc.ben, T, 200, 200, 100, activity.Visit))
}

// teaNight is an event of the lounge, an hour long, starting in after.
func (cc campaignClub) teaNight(t *testing.T, after time.Duration) community.Event {
	t.Helper()
	start := cc.s.Clock.Now().Add(after).In(mustZone(t, "Asia/Seoul"))
	e, err := cc.s.Community.CreateEvent(context.Background(), cc.s.actor(t, cc.owner), "lounge", community.EventInput{Title: "Tea night",
		Zone: "Asia/Seoul", Start: start.Format(community.LocalTimeLayout), End: start.Add(time.Hour).Format(community.LocalTimeLayout),
		Venue: "Seoul", Access: community.AccessMembers})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// campaignCount is how many campaigns are stored.
func (cc campaignClub) campaignCount(t *testing.T) int {
	t.Helper()
	n, err := cc.s.DB.Collection("campaigns").CountDocuments(context.Background(), bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func messageForm(segment string) url.Values {
	return url.Values{"segment": {segment}, "action": {"message"}, "subject": {"We miss you"}, "body": {"Come back for tea.\n\nThe kettle is on."}}
}

// TestCampaignsOnlyForStaff: every campaign page answers 404 to members,
// a group's moderator and the signed out, and the admin hub and nav lead
// staff to them.
func TestCampaignsOnlyForStaff(t *testing.T) {
	cc := newCampaignClub(t)
	if r := cc.owner.post("/admin/campaigns", messageForm("dormant")); r.Status != http.StatusSeeOther {
		t.Fatalf("owner sends: %d\n%s", r.Status, r.Body)
	}
	stranger := cc.s.newBrowser()
	detail := "/admin/campaigns/dormant:" + cc.today
	for _, path := range []string{"/admin/campaigns", "/admin/campaigns/new?segment=dormant", detail} {
		for _, tc := range []struct {
			name string
			as   *browser
			want int
		}{
			{"owner", cc.owner.browser, http.StatusOK},
			{"admin", cc.admin.browser, http.StatusOK},
			{"member", cc.ana.browser, http.StatusNotFound},
			{"group moderator", cc.moderator.browser, http.StatusNotFound},
			{"signed out", stranger, http.StatusNotFound},
		} {
			r := tc.as.get(path)
			if r.Status != tc.want {
				t.Errorf("%s GET %s: %d, want %d", tc.name, path, r.Status, tc.want)
			}
			if tc.want == http.StatusNotFound {
				mustNotContain(t, r.Body, "We miss you", "Campaigns")
			}
		}
	}
	for _, p := range []person{cc.ana, cc.moderator} {
		if r := p.post("/admin/campaigns", messageForm("active")); r.Status != http.StatusNotFound {
			t.Errorf("%s POST /admin/campaigns: %d, want 404", p.Email, r.Status)
		}
	}
	if n := cc.campaignCount(t); n != 1 {
		t.Fatalf("%d campaigns stored, want the owner's one", n)
	}
	hub := cc.admin.get("/admin").Body
	mustContain(t, hub, `href="/admin/campaigns"`, `data-testid="nav-campaigns"`)
}

// TestCampaignMessage: an admin sees the segment's size, sends it a
// message, and the campaign's page shows the audience and, once the
// queue has run, every member delivered; the members get a notice that
// opens the message, mail goes only to the one who agreed to news, and
// the message's page is not there for anyone else. The same segment
// cannot have a second campaign that day.
func TestCampaignMessage(t *testing.T) {
	cc := newCampaignClub(t)
	mustContain(t, cc.admin.get("/admin/campaigns").Body, `data-testid="campaigns-empty"`)
	form := cc.admin.get("/admin/campaigns/new?segment=dormant")
	mustContain(t, form.Body, "New campaign: Dormant", "This will reach 2 members of this segment")

	r := cc.admin.post("/admin/campaigns", messageForm("dormant"))
	id := "dormant:" + cc.today
	if r.Status != http.StatusSeeOther || r.Location != "/admin/campaigns/"+id {
		t.Fatalf("send: %d to %q\n%s", r.Status, r.Location, r.Body)
	}
	page := cc.admin.get(r.Location).Body
	figure := func(body, id string) string { return regexpFind(t, body, `data-testid="`+id+`">([^<]*)<`) }
	if a, d := figure(page, "campaign-audience"), figure(page, "campaign-delivered"); a != "2" || d != "0" {
		t.Fatalf("before the queue runs: audience %s, delivered %s", a, d)
	}
	mustContain(t, page, "We miss you", "window still open (7 days left)")
	cc.s.drain(t)
	cc.s.drain(t)
	page = cc.admin.get(r.Location).Body
	if d := figure(page, "campaign-delivered"); d != "2" {
		t.Fatalf("after the queue ran: delivered %s, want 2", d)
	}
	list := cc.admin.get("/admin/campaigns").Body
	mustContain(t, list, `href="/admin/campaigns/`+id+`"`, "Send a message", "0 of 2 · window still open (30 days left)")

	// The members: a notice each, which opens the message.
	for _, p := range []person{cc.ana, cc.ben} {
		notices := p.get("/notifications").Body
		mustContain(t, notices, "A message from the club: “We miss you”")
		opened := p.post("/notifications/read", url.Values{"id": {regexpFind(t, notices, `name="id" value="([^"]+)"`)}})
		if opened.Location != "/messages/"+id {
			t.Fatalf("%s opens the notice: %d to %q", p.Email, opened.Status, opened.Location)
		}
		msg := p.get(opened.Location)
		if msg.Status != http.StatusOK {
			t.Fatalf("%s opens the message: %d", p.Email, msg.Status)
		}
		mustContain(t, msg.Body, "We miss you")
		if !regexp.MustCompile(`<p>\s*Come back for tea.\s*</p><p>\s*The kettle is on.\s*</p>`).MatchString(msg.Body) {
			t.Errorf("%s: the message's two paragraphs are not shown as typed", p.Email)
		}
	}
	for _, b := range []*browser{cc.owner.browser, cc.moderator.browser} {
		if r := b.get("/messages/" + id); r.Status != http.StatusNotFound {
			t.Errorf("a non-recipient opens the message: %d, want 404", r.Status)
		}
	}
	var mails []Mail
	for _, m := range cc.s.Outbox.Mails() {
		if m.Subject != "" && strings.Contains(m.Subject, "We miss you") {
			mails = append(mails, m)
		}
	}
	if len(mails) != 1 || mails[0].To != cc.ana.Email || strings.Count(mails[0].Text, "/unsubscribe/") != 1 {
		t.Fatalf("campaign mail: %+v, want one to ana with an unsubscribe link", mails)
	}

	// Every page speaks Korean too.
	cc.owner.follow("/admin/campaigns?lang=ko")
	for _, path := range []string{"/admin/campaigns", "/admin/campaigns/" + id, "/admin/campaigns/new?segment=at-risk"} {
		r := cc.owner.get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("ko %s: %d", path, r.Status)
		}
		mustNotContain(t, r.Body, "⟦missing")
	}
	mustContain(t, cc.owner.get("/admin/campaigns").Body, "캠페인", "메시지 보내기")
	cc.ana.follow("/notifications?lang=ko")
	mustContain(t, cc.ana.get("/notifications").Body, "클럽에서 메시지를 보냈어요: “We miss you”")
	cc.owner.follow("/admin/campaigns?lang=en")

	// The same segment the same day: the form warns, and refuses, with
	// what was typed.
	mustContain(t, cc.owner.get("/admin/campaigns/new?segment=dormant").Body, `data-testid="sent-today"`)
	mustNotContain(t, cc.owner.get("/admin/campaigns/new?segment=active").Body, `data-testid="sent-today"`)
	again := messageForm("dormant")
	again.Set("subject", "Once more")
	r = cc.owner.post("/admin/campaigns", again)
	if r.Status != http.StatusConflict {
		t.Fatalf("second campaign today: %d, want 409", r.Status)
	}
	mustContain(t, r.Body, "This segment already had a campaign today", `value="Once more"`)
	if n := cc.campaignCount(t); n != 1 {
		t.Fatalf("%d campaigns stored, want 1", n)
	}
	audit := cc.owner.get("/moderation/audit?action=campaign.send").Body
	mustContain(t, audit, "sent a campaign to", "Dormant · Send a message", "audience 2", `href="/admin/campaigns/dormant:`+cc.today+`"`)
	cc.owner.follow("/moderation/audit?lang=ko")
	mustContain(t, cc.owner.get("/moderation/audit?action=campaign.send").Body, "휴면 · 메시지 보내기", "대상 2명")
}

// TestCampaignResume: a campaign whose delivery never got queued (a
// crash between storing it and queuing) is sent from its page, once per
// member however often the admin presses the button; a member may not.
func TestCampaignResume(t *testing.T) {
	cc := newCampaignClub(t)
	r := cc.admin.post("/admin/campaigns", messageForm("dormant"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", r.Status, r.Body)
	}
	if _, err := cc.s.DB.Collection("jobs").DeleteMany(context.Background(), bson.M{}); err != nil { // the crash
		t.Fatal(err)
	}
	cc.s.drain(t)
	mustContain(t, cc.admin.get(r.Location).Body, `data-testid="campaign-delivered">0<`, `data-testid="campaign-resume"`)
	if got := cc.ana.post(r.Location+"/resume", url.Values{}); got.Status != http.StatusNotFound {
		t.Errorf("a member resumes a campaign: %d, want 404", got.Status)
	}
	for range 2 {
		resumed := cc.admin.post(r.Location+"/resume", url.Values{})
		if resumed.Status != http.StatusSeeOther || resumed.Location != r.Location {
			t.Fatalf("resume: %d to %q", resumed.Status, resumed.Location)
		}
		cc.s.drain(t)
		cc.s.drain(t)
		cc.s.Clock.Advance(2 * time.Minute) // the next press is a new round
	}
	page := cc.admin.get(r.Location).Body
	mustContain(t, page, `data-testid="campaign-delivered">2<`)
	mustNotContain(t, page, `data-testid="campaign-resume"`)
	for _, p := range []person{cc.ana, cc.ben} {
		if n, _ := cc.s.DB.Collection("notifications").CountDocuments(context.Background(),
			bson.M{"account": p.ID, "kind": community.NoticeBrandMessage}); n != 1 {
			t.Errorf("%s has %d notices after two resumes, want 1", p.Email, n)
		}
	}
}

// TestCampaignRefusedInput: bad input comes back in the form with the
// reason and what was typed, and stores nothing. The event to invite to
// is one the form offers: not one that has started, nor an id it never
// offered.
func TestCampaignRefusedInput(t *testing.T) {
	cc := newCampaignClub(t)
	cc.s.saveTier(t, cc.owner, membership.TierInput{Key: "gold", Name: "Gold", Rank: "1"})
	started := cc.teaNight(t, 2*time.Hour)
	coming := cc.teaNight(t, 48*time.Hour)
	cc.s.Clock.Advance(3 * time.Hour) // the first has started
	notOffered := "That event is not among the upcoming ones: it may have started, been cancelled or stopped taking answers."
	invite := func(event string) url.Values {
		return url.Values{"segment": {"dormant"}, "action": {"invite"}, "event": {event}, "subject": {"Typed subject"}}
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"empty subject", url.Values{"segment": {"dormant"}, "action": {"message"}, "body": {"Typed body"}},
			[]string{"Enter a subject of up to 120 characters.", "Typed body"}},
		{"unknown segment", url.Values{"segment": {"vip"}, "action": {"message"}, "subject": {"Typed subject"}, "body": {"x"}},
			[]string{"Choose one of the segments on the insights page.", `value="Typed subject"`, "<h1>New campaign</h1>"}},
		{"started event", invite(string(started.ID)),
			[]string{notOffered, `value="Typed subject"`, `<option value="` + string(coming.ID) + `">`}},
		{"event never offered", invite("0123456789abcdef01234567"),
			[]string{notOffered, `value="Typed subject"`}},
		{"no event chosen", invite(""),
			[]string{notOffered, `value="Typed subject"`}},
		{"comp for 0 days", url.Values{"segment": {"dormant"}, "action": {"comp"}, "tier": {"gold"}, "days": {"0"}},
			[]string{"Enter a whole number of days from 1 to 365.", `value="0"`, `<option value="gold" selected>Gold (gold)</option>`}},
		{"comp for 1000 days", url.Values{"segment": {"dormant"}, "action": {"comp"}, "tier": {"gold"}, "days": {"1000"}},
			[]string{"Enter a whole number of days from 1 to 365.", `value="1000"`}},
		{"nobody in the segment", messageForm("true-fan"),
			[]string{"Nobody is in this segment right now.", `value="We miss you"`, "The kettle is on."}},
		{"nobody to invite", url.Values{"segment": {"true-fan"}, "action": {"invite"}, "event": {string(coming.ID)}},
			[]string{"Nobody is in this segment right now.", `<option value="` + string(coming.ID) + `" selected>`}},
	} {
		r := cc.admin.post("/admin/campaigns", tc.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", tc.name, r.Status)
			continue
		}
		mustContain(t, r.Body, tc.want...)
		mustNotContain(t, r.Body, `value="`+string(started.ID)+`"`)
	}
	if n := cc.campaignCount(t); n != 0 {
		t.Fatalf("%d campaigns stored, want none", n)
	}
	if r := cc.admin.get("/admin/campaigns/new?segment=vip"); r.Status != http.StatusNotFound {
		t.Fatalf("form for an unknown segment: %d, want 404", r.Status)
	}
}

// TestCampaignEmptySegment: a segment nobody is in today shows that, and
// the way back to the insights, instead of a form; a form sent anyway is
// refused above (TestCampaignRefusedInput).
func TestCampaignEmptySegment(t *testing.T) {
	cc := newCampaignClub(t)
	r := cc.admin.get("/admin/campaigns/new?segment=true-fan")
	if r.Status != http.StatusOK {
		t.Fatalf("form for an empty segment: %d", r.Status)
	}
	mustContain(t, r.Body, `data-testid="segment-empty"`, "Nobody is in this segment today.", `href="/admin/insights#segments"`)
	mustNotContain(t, r.Body, `data-testid="campaign-form"`, "Send now")
	r = cc.admin.get("/admin/campaigns/new?segment=dormant")
	mustContain(t, r.Body, `data-testid="campaign-form"`)
	mustNotContain(t, r.Body, `data-testid="segment-empty"`)
	cc.admin.follow("/admin/campaigns?lang=ko")
	mustContain(t, cc.admin.get("/admin/campaigns/new?segment=true-fan").Body, "오늘은 이 세그먼트에 아무도 없어요.", "인사이트로 돌아가기")
}

// TestCampaignNoEventToInvite: with no event coming, the form says so
// where the invitation would be, which cannot be chosen; sent anyway, it
// is refused with that reason and what was typed.
func TestCampaignNoEventToInvite(t *testing.T) {
	cc := newCampaignClub(t)
	cc.teaNight(t, time.Hour)
	cc.s.Clock.Advance(2 * time.Hour) // the only event has started
	none := "No upcoming event is taking answers now. Create one in a group first."
	form := cc.admin.get("/admin/campaigns/new?segment=dormant").Body
	mustContain(t, form, `data-testid="action-invite-off"`, `data-testid="event-none"`, none)
	if !regexp.MustCompile(`<input type="radio" name="action" value="invite"[^>]* disabled`).MatchString(form) {
		t.Error("the invitation can be chosen with no event to invite to")
	}
	mustNotContain(t, form, `<select id="event"`)
	r := cc.admin.post("/admin/campaigns", url.Values{"segment": {"dormant"}, "action": {"invite"}, "event": {"0123456789abcdef01234567"},
		"subject": {"Typed subject"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invitation with no event: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, "There is no upcoming event to invite to. Create one in a group first.", `value="Typed subject"`)
	if n := cc.campaignCount(t); n != 0 {
		t.Fatalf("%d campaigns stored, want none", n)
	}
}

// TestCampaignCompAndInvite: a comp campaign gives the segment the tier
// for its days; the next day, an invitation campaign invites those of the
// segment who are members of the event's group, and counts only them.
func TestCampaignCompAndInvite(t *testing.T) {
	cc := newCampaignClub(t)
	cc.s.saveTier(t, cc.owner, membership.TierInput{Key: "gold", Name: "Gold", Rank: "1"})
	cc.s.join(t, "lounge", cc.ana)
	cc.keepDormant(t) // joining was activity
	e := cc.teaNight(t, 48*time.Hour)

	r := cc.admin.post("/admin/campaigns", url.Values{"segment": {"dormant"}, "action": {"comp"}, "tier": {"gold"}, "days": {"30"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("comp campaign: %d\n%s", r.Status, r.Body)
	}
	cc.s.drain(t)
	cc.s.drain(t)
	page := cc.admin.get(r.Location).Body
	mustContain(t, page, "Gold for 30 days", `data-testid="campaign-delivered">2<`)
	for _, p := range []person{cc.ana, cc.ben} {
		e, err := cc.s.Membership.Entitlement(context.Background(), p.ID)
		if err != nil || e.Tier.Key != "gold" {
			t.Errorf("%s after the comp: %+v %v, want gold", p.Email, e, err)
		}
	}

	cc.s.Clock.Advance(24 * time.Hour)
	form := cc.admin.get("/admin/campaigns/new?segment=dormant").Body
	when := e.Start.In(mustZone(t, "Asia/Seoul")).Format("Mon 2 Jan 2006, 15:04 MST")
	mustContain(t, form, `<option value="`+string(e.ID)+`">Tea night · Group lounge · `+when+`</option>`)
	r = cc.admin.post("/admin/campaigns", url.Values{"segment": {"dormant"}, "action": {"invite"}, "event": {string(e.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("invite campaign: %d\n%s", r.Status, r.Body)
	}
	cc.s.drain(t)
	cc.s.drain(t)
	page = cc.admin.get(r.Location).Body
	mustContain(t, page, "Tea night", `data-testid="campaign-audience">2<`, `data-testid="campaign-delivered">1<`)
	mustContain(t, cc.ana.get("/notifications").Body, "invited you to “Tea night”")
	mustNotContain(t, cc.ben.get("/notifications").Body, "Tea night")
}
