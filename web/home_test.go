package web_test

import (
	"go.mongodb.org/mongo-driver/bson"

	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/membership"
)

// hmSection is the part of the page in the section marked testid.
func hmSection(t *testing.T, body, testid string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `data-testid="`+testid+`"`)
	if !ok {
		t.Fatalf("no section %s on the page", testid)
	}
	rest, _, _ = strings.Cut(rest, "</section>")
	return rest
}

// TestHomeIsTheMembersClub: signed in, the home page shows the member's
// groups with their latest post and this week's count, the next event
// they go to, an open idea awaiting their vote until they vote for it,
// their membership and their unread notices; nothing of a group they
// are not in. A newcomer gets the empty states.
func TestHomeIsTheMembersClub(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	fan := s.signUp(t, "fan@example.com")
	s.newGroup(t, owner, community.GroupInput{Slug: "coffee", Name: "Coffee lovers"})
	s.newGroup(t, owner, community.GroupInput{Slug: "tea", Name: "Tea house"})
	s.newGroup(t, owner, community.GroupInput{Slug: "secret", Name: "Secret room", Visibility: community.Unlisted})
	s.join(t, "coffee", fan)
	s.join(t, "tea", fan)
	acPost(t, s, owner, "coffee", "Fresh beans from Ethiopia arrived today")
	acPost(t, s, owner, "secret", "The secret launch date")
	e := acEvent(t, s, s.actor(t, owner), "tea", acEventInput(s, "Matcha tasting", community.AccessMembers))
	acEvent(t, s, s.actor(t, owner), "tea", acEventInput(s, "Oolong evening", community.AccessMembers))
	if res := fan.post("/groups/tea/events/"+string(e.ID)+"/rsvp", url.Values{"going": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("rsvp: %d", res.Status)
	}
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, owner), "coffee", community.IdeaInput{Title: "Oat milk on the menu"})
	if err != nil {
		t.Fatal(err)
	}

	home := fan.get("/")
	if home.Status != http.StatusOK {
		t.Fatalf("home: %d", home.Status)
	}
	groups := hmSection(t, home.Body, "home-groups")
	mustContain(t, groups, "Coffee lovers", "Tea house", "Fresh beans from Ethiopia arrived today", "1 new post this week",
		"No new posts this week")
	mustNotContain(t, home.Body, "Secret room", "The secret launch date")
	events := hmSection(t, home.Body, "home-events")
	mustContain(t, events, "Matcha tasting", "Going", "Tea house")
	mustNotContain(t, events, "Oolong evening") // not answered
	mustContain(t, hmSection(t, home.Body, "home-ideas"), "Oat milk on the menu", "Coffee lovers")
	mustContain(t, hmSection(t, home.Body, "home-premium"), "You’re on the free membership.", `href="/pricing"`)

	if res := fan.post("/groups/coffee/ideas/"+string(idea.ID)+"/vote", url.Values{"on": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("vote: %d", res.Status)
	}
	home = fan.get("/")
	ideas := hmSection(t, home.Body, "home-ideas")
	mustNotContain(t, ideas, "Oat milk on the menu")
	mustContain(t, ideas, "No open idea is waiting for your vote.")

	tgTier(t, s, owner, "gold", "Gold", "1")
	tgComp(t, s, owner, fan, "gold")
	mustContain(t, hmSection(t, fan.get("/").Body, "home-premium"), "Gold")

	newcomer := s.signUp(t, "new@example.com")
	home = newcomer.get("/")
	mustContain(t, home.Body, "You’re not in any group yet.", "You’re not going to any event yet.",
		"No open idea is waiting for your vote.", "You’re all caught up.")
	mustNotContain(t, home.Body, `data-testid="checklist"`) // members never see it
}

// TestHomeUnreadNotices: the home page counts the member's unread
// notices and links to them.
func TestHomeUnreadNotices(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	fan := s.signUp(t, "fan@example.com")
	s.newGroup(t, owner, community.GroupInput{Slug: "coffee"})
	s.join(t, "coffee", fan)
	acPost(t, s, owner, "coffee", "Hello @fan, welcome")
	notices := hmSection(t, fan.get("/").Body, "home-notices")
	mustContain(t, notices, "1 unread notification", `href="/notifications"`)
}

// TestVisitorHome: signed out, the home page is the brand's welcome: its
// name, tagline and welcome text (Markdown, made safe), the tiers and
// their perks, the listed groups, and sign in; nothing of an unlisted
// group, and no post or event of any group.
func TestVisitorHome(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	visitor := s.newBrowser()
	home := visitor.get("/")
	mustContain(t, home.Body, "Welcome to fanclub", `data-testid="signin-cta"`, "No public groups yet.")

	s.saveSite(t, owner.ID, auth.Site{NameEn: "Roasters Club", Tagline: "Coffee, together",
		Welcome: "Meet **fellow roasters**.\n\n<script>alert(1)</script>"})
	s.saveTier(t, owner, membership.TierInput{Key: "gold", Name: "Gold", Rank: "1", Perks: "Backstage tours\nSigned cups"})
	s.newGroup(t, owner, community.GroupInput{Slug: "coffee", Name: "Coffee lovers", Description: "All about beans"})
	s.newGroup(t, owner, community.GroupInput{Slug: "secret", Name: "Secret room", Visibility: community.Unlisted})
	s.newGroup(t, owner, community.GroupInput{Slug: "inner", Name: "Inner circle", Policy: community.JoinApproval})
	acPost(t, s, owner, "coffee", "Members-only cupping notes")
	host := s.actor(t, owner)
	mustNotContain(t, visitor.get("/").Body, `data-testid="home-happenings"`)
	// Only an event every member may answer, in a listed group anyone may
	// join, is named to a visitor: joining would show it anyway.
	acEvent(t, s, host, "coffee", acEventInput(s, "Open cupping night", community.AccessMembers))
	acEvent(t, s, host, "coffee", acEventInput(s, "Gold tasting", community.AccessTier))
	acEvent(t, s, host, "coffee", acEventInput(s, "Invited roastery tour", community.AccessInvited))
	gone := acEvent(t, s, host, "coffee", acEventInput(s, "Called-off brunch", community.AccessMembers))
	if _, err := s.Community.CancelEvent(context.Background(), host, "coffee", gone.ID); err != nil {
		t.Fatal(err)
	}
	acEvent(t, s, host, "inner", acEventInput(s, "Inner meetup", community.AccessMembers))
	acEvent(t, s, host, "secret", acEventInput(s, "Secret party", community.AccessMembers))

	home = visitor.get("/")
	if home.Status != http.StatusOK {
		t.Fatalf("home: %d", home.Status)
	}
	mustContain(t, home.Body, "Welcome to Roasters Club", "Coffee, together", "<strong>fellow roasters</strong>",
		"Backstage tours", "Signed cups", "Coffee lovers", "All about beans", `data-testid="signin-cta"`)
	mustContain(t, hmSection(t, home.Body, "home-happenings"), "Open cupping night", `href="/groups/coffee"`)
	mustNotContain(t, home.Body, "<script>alert", "Secret room", "Members-only cupping notes", "Gold tasting",
		"Invited roastery tour", "Called-off brunch", "Inner meetup", "Secret party")
}

// TestChecklistFollowsTheData: staff see the first hour's checklist on
// the home page, each step's state read from the data, until they hide
// it for good; members never see it.
func TestChecklistFollowsTheData(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	fan := s.signUp(t, "fan@example.com")
	state := func(step string) string {
		t.Helper()
		list := hmSection(t, owner.get("/").Body, "checklist")
		_, rest, ok := strings.Cut(list, `data-testid="`+step+`"`)
		if !ok {
			t.Fatalf("no step %s", step)
		}
		_, rest, _ = strings.Cut(rest, `data-testid="state">`)
		st, _, _ := strings.Cut(rest, "<")
		return st
	}
	steps := []string{"step-name", "step-group", "step-team", "step-mail", "step-signin", "step-tiers", "step-members"}
	want := map[string]string{"step-name": "To do", "step-group": "To do", "step-team": "To do", "step-mail": "To do",
		"step-signin": "Done", "step-tiers": "To do", "step-members": "To do"} // the test site has an OIDC provider
	check := func(when string) {
		t.Helper()
		for _, step := range steps {
			if got := state(step); got != want[step] {
				t.Errorf("%s: %s is %q, want %q", when, step, got, want[step])
			}
		}
	}
	check("at first")
	mustContain(t, hmSection(t, owner.get("/").Body, "checklist"), "Members sign in with: a link by email, Test ID.",
		"FANCLUB_SMTP_HOST", "STRIPE_SECRET_KEY", "1 of 7 steps done")
	mustNotContain(t, fan.get("/").Body, `data-testid="checklist"`)

	s.saveSite(t, owner.ID, auth.Site{NameKo: "로스터스 클럽"})
	want["step-name"] = "Done"
	check("named")

	s.newGroup(t, owner, community.GroupInput{Slug: "coffee", Name: "Coffee lovers"})
	want["step-group"] = "Done"
	check("with a group")
	mustContain(t, hmSection(t, owner.get("/").Body, "checklist"), `href="/groups/coffee/members"`)

	s.join(t, "coffee", fan)
	want["step-members"] = "Done"
	check("with a member")

	if res := owner.post("/groups/coffee/members/"+string(fan.ID)+"/role", url.Values{"role": {"moderator"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("appoint a moderator: %d", res.Status)
	}
	want["step-team"] = "Done"
	check("with a moderator")

	tgTier(t, s, owner, "gold", "Gold", "1")
	check("with a tier but no Stripe") // billing stays off on this site
	mustContain(t, hmSection(t, owner.get("/").Body, "checklist"), "Tiers defined: 1")

	if res := fan.post("/admin/checklist/dismiss", nil); res.Status != http.StatusNotFound {
		t.Errorf("a member dismisses the checklist: %d", res.Status)
	}
	if res := owner.post("/admin/checklist/dismiss", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d", res.Status)
	}
	home := owner.follow("/")
	mustContain(t, home.Body, "The checklist is hidden.")
	mustNotContain(t, home.Body, `data-testid="checklist"`)
	mustNotContain(t, owner.get("/").Body, `data-testid="checklist"`)
	hub := owner.get("/admin")
	mustContain(t, hmSection(t, hub.Body, "checklist"), "You hid this checklist from the home page.", "5 of 7 steps done")
}

// TestChecklistFinishedIsPutAway: once every step is done the checklist
// leaves the home page for good, recorded as put away, so later visits
// no longer survey the club to draw it.
func TestChecklistFinishedIsPutAway(t *testing.T) {
	o := crowd()
	o.stripe, o.mailOn = true, true
	s := newSite(t, o)
	owner := s.signUp(t, "owner@example.com")
	fan := s.signUp(t, "fan@example.com")
	s.saveSite(t, owner.ID, auth.Site{NameEn: "Roasters"})
	s.newGroup(t, owner, community.GroupInput{Slug: "coffee", Name: "Coffee lovers"})
	s.join(t, "coffee", fan)
	tgTier(t, s, owner, "gold", "Gold", "1")
	mustContain(t, hmSection(t, owner.get("/").Body, "checklist"), "6 of 7 steps done")
	if s.count("site", bson.M{"_id": "checklist"}) != 0 {
		t.Fatal("the checklist is put away before it is done")
	}
	if res := owner.post("/groups/coffee/members/"+string(fan.ID)+"/role", url.Values{"role": {"moderator"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("appoint a moderator: %d", res.Status)
	}
	mustNotContain(t, owner.get("/").Body, `data-testid="checklist"`)
	if s.count("site", bson.M{"_id": "checklist"}) != 1 {
		t.Error("a finished checklist is not recorded as put away")
	}
}

// TestChecklistTeamByAdmin: appointing a site admin does the team step.
func TestChecklistTeamByAdmin(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	colleague := s.signUp(t, "colleague@example.com")
	team := func() string {
		t.Helper()
		_, rest, _ := strings.Cut(hmSection(t, owner.get("/").Body, "checklist"), `data-testid="step-team"`)
		return rest
	}
	if !strings.Contains(team(), ">To do<") {
		t.Fatalf("the team step is done with one owner")
	}
	s.makeSiteAdmin(t, colleague)
	if !strings.Contains(team(), ">Done<") {
		t.Errorf("the team step is not done with an admin")
	}
	// The admin sees the checklist too.
	mustContain(t, colleague.get("/").Body, `data-testid="checklist"`)
}

// TestTestMail: the button mails the staff member through the site's
// mailer; members cannot use it.
func TestTestMail(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	fan := s.signUp(t, "fan@example.com")
	if res := fan.post("/admin/mail/test", nil); res.Status != http.StatusNotFound {
		t.Errorf("a member sends a test mail: %d", res.Status)
	}
	s.saveSite(t, owner.ID, auth.Site{NameKo: "달빛 클럽", NameEn: "Moonlight Club"})
	res := owner.post("/admin/mail/test", url.Values{"return": {"/"}})
	if res.Status != http.StatusSeeOther || res.Location != "/" {
		t.Fatalf("test mail: %d to %q", res.Status, res.Location)
	}
	mustContain(t, owner.get("/").Body, "Test mail sent to your address.")
	var sent bool
	for _, m := range s.Outbox.Mails() {
		if m.To == "owner@example.com" && m.Subject == "[Moonlight Club] Test mail" { // the club named once, in English
			sent = true
		}
		if m.To == "fan@example.com" && strings.Contains(m.Subject, "Test mail") {
			t.Errorf("the member's attempt sent a mail")
		}
	}
	if !sent {
		t.Errorf("no test mail in the outbox: %+v", s.Outbox.Mails())
	}
}

// TestAdminHub: staff find every part of running the club on /admin;
// members and visitors do not.
func TestAdminHub(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	fan := s.signUp(t, "fan@example.com")
	hub := owner.get("/admin")
	if hub.Status != http.StatusOK {
		t.Fatalf("admin hub: %d", hub.Status)
	}
	mustContain(t, hmSection(t, hub.Body+"</section>", "admin-hub"), `href="/admin/site"`, `href="/admin/team"`,
		`href="/admin/tiers"`, `href="/admin/subscribers"`, `href="/moderation"`, "Site settings")
	mustContain(t, hub.Body, `data-testid="checklist"`)
	for _, page := range []string{"/admin/site", "/admin/tiers", "/admin/subscribers", "/admin/team"} {
		mustContain(t, owner.get(page).Body, `<a href="/admin" data-testid="nav-hub">`)
	}
	if res := fan.get("/admin"); res.Status != http.StatusNotFound {
		t.Errorf("a member opens /admin: %d", res.Status)
	}
	if res := s.newBrowser().get("/admin"); res.Status == http.StatusOK {
		t.Errorf("a visitor opens /admin: %d", res.Status)
	}
}

// TestHomeCostIsBounded: once the site has warmed up, a member's home
// page reads no collection whole, and asks the database no more when the
// member's history and the club grow: more groups, posts, events and
// ideas.
func TestHomeCostIsBounded(t *testing.T) {
	var counting atomic.Bool
	var ops, scans atomic.Int64
	var scanned sync.Map
	db := mongotest.NewObserved(t, func(op mongodb.Op) {
		if counting.Load() {
			ops.Add(1)
			if op.Scan {
				scans.Add(1)
				scanned.Store(op.Name+" "+op.Collection, true)
			}
		}
	})
	s := newSite(t, siteOptions{db: db, limits: crowd().limits, authLimits: crowd().authLimits})
	owner := s.signUp(t, "owner@example.com")
	fan := s.signUp(t, "fan@example.com")
	grow := func(from, to int) {
		for i := from; i < to; i++ {
			slug := fmt.Sprintf("group-%d", i)
			s.newGroup(t, owner, community.GroupInput{Slug: slug})
			s.join(t, slug, fan)
			acPost(t, s, owner, slug, fmt.Sprintf("News %d", i))
			e := acEvent(t, s, s.actor(t, owner), slug, acEventInput(s, fmt.Sprintf("Meetup %d", i), community.AccessMembers))
			if res := fan.post("/groups/"+slug+"/events/"+string(e.ID)+"/rsvp", url.Values{"going": {"1"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("rsvp: %d", res.Status)
			}
			if _, err := s.Community.CreateIdea(context.Background(), s.actor(t, owner), slug, community.IdeaInput{Title: fmt.Sprintf("Idea %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	measure := func(shows ...string) (int64, int64) {
		t.Helper()
		fan.get("/") // warm
		ops.Store(0)
		scans.Store(0)
		counting.Store(true)
		res := fan.get("/")
		counting.Store(false)
		if res.Status != http.StatusOK {
			t.Fatalf("home: %d", res.Status)
		}
		mustContain(t, res.Body, shows...)
		return ops.Load(), scans.Load()
	}
	grow(0, 4)
	small, smallScans := measure("News 3", "Meetup 0", "Idea 3")
	grow(4, 12)
	big, bigScans := measure("News 3", "News 11", "Meetup 4", "Idea 11")
	scanned.Range(func(k, _ any) bool { t.Errorf("the home page scans: %s", k); return true })
	if smallScans != 0 || bigScans != 0 {
		t.Errorf("scans: %d with 4 groups, %d with 12", smallScans, bigScans)
	}
	if big != small {
		t.Errorf("round trips grow with the club: %d with 4 groups, %d with 12", small, big)
	}
	start := time.Now()
	for range 20 {
		fan.get("/")
	}
	t.Logf("a member's home page in 12 groups: %d database commands, %v a page over HTTP", big, time.Since(start)/20)
}

// hmMailer sends through to, once switched there, and until then to the
// log the test reads sign-in links from.
type hmMailer struct {
	log      auth.Mailer
	to       auth.Mailer
	switched atomic.Bool
}

func (m *hmMailer) Send(ctx context.Context, msg mail.Message) error {
	if m.switched.Load() {
		return m.to.Send(ctx, msg)
	}
	return m.log.Send(ctx, msg)
}

// TestTestMailFailure: when the mail server cannot be reached, the admin
// page says so with the server's answer, rather than an error page.
func TestTestMailFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	mailer := &hmMailer{to: mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "club@example.com"})}
	s := newSite(t, siteOptions{mailer: mailer})
	mailer.log = mail.Log{Logger: slog.New(slog.NewJSONHandler(s.Outbox, nil))}
	owner := s.signUp(t, "owner@example.com")
	mailer.switched.Store(true)
	res := owner.post("/admin/mail/test", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("a failed test mail: %d", res.Status)
	}
	mustContain(t, hmSection(t, res.Body, "checklist"), "The test mail could not be sent. The mail server answered:",
		"connection refused")
}

// saveSite stores the club's settings as the staff member by would.
func (s *site) saveSite(t *testing.T, by auth.AccountID, st auth.Site) {
	t.Helper()
	a, err := s.Auth.AccountByID(context.Background(), by)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Auth.SaveSite(context.Background(), a, auth.SiteChange{Site: st}); err != nil {
		t.Fatal(err)
	}
}
