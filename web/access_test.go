package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/community"
)

// The roles of the access matrix, in the order of each row's statuses.
var acRoles = []string{"anonymous", "outsider", "pending", "invited", "member", "muted", "banned", "moderator", "group owner", "site admin"}

// acRoute is one row of the matrix: a request and what each role gets.
type acRoute struct {
	method, path string
	form         url.Values
	want         string // one status per role, space separated
	reset        func() // puts the target back before each request, if the request changes it
	// text, if set, is looked for in each role's body as shows says, one
	// mark per role: y (there), n (not there) or - (not looked for).
	text, shows string
}

// TestGroupAccessMatrix walks every group route, the idea board's and the
// events' too, as every kind of person on an unlisted group that admits
// by request. Whoever may not read the group's content gets 404, never
// 403, so a guessed URL or ID tells a stranger nothing; members who read
// but lack a right get 403. An invite-only event is such content for a
// member not invited to it.
func TestGroupAccessMatrix(t *testing.T) {
	s := newSite(t, crowd())
	ctx := context.Background()
	siteOwner := s.signUp(t, "founder@example.com")

	owner := s.signUp(t, "owner@example.com") // staff while creating, then a plain account
	s.makeSiteAdmin(t, owner)
	g := s.newGroup(t, owner, community.GroupInput{Slug: "inner-circle", Visibility: community.Unlisted,
		Policy: community.JoinApproval, Question: "Why?"})
	other := s.newGroup(t, siteOwner, community.GroupInput{Slug: "elsewhere"})
	s.setAccountRole(t, owner, auth.RoleMember)

	people := map[string]person{"owner": owner}
	for _, role := range []string{"outsider", "pending", "invited", "member", "muted", "banned", "moderator", "admin", "bystander", "requester"} {
		people[role] = s.signUp(t, role+"@example.com")
	}
	s.makeSiteAdmin(t, people["admin"])
	set := func(role string, r community.GroupRole, st community.MemberState, mutedUntil time.Time) {
		acSetMember(t, s, g.ID, people[role], r, st, mutedUntil)
	}
	// standings puts everyone back where the matrix needs them, after a
	// request that changed someone's standing (join, leave, invite).
	standings := func() {
		set("pending", community.RoleMember, community.StatePending, time.Time{})
		set("invited", community.RoleMember, community.StateInvited, time.Time{})
		set("member", community.RoleMember, community.StateActive, time.Time{})
		set("muted", community.RoleMember, community.StateActive, s.Clock.Now().Add(24*time.Hour))
		set("banned", community.RoleMember, community.StateBanned, time.Time{})
		set("moderator", community.RoleModerator, community.StateActive, time.Time{})
		set("bystander", community.RoleMember, community.StateActive, time.Time{})
		set("requester", community.RoleMember, community.StatePending, time.Time{})
		set("owner", community.RoleOwner, community.StateActive, time.Time{})
		for _, role := range []string{"outsider", "admin"} {
			if _, err := s.DB.Collection("group_members").DeleteOne(ctx, bson.M{"_id": string(g.ID) + ":" + string(people[role].ID)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	standings()

	// Content: the member's post and comment here, and a post elsewhere.
	member := people["member"]
	post := acPost(t, s, member, g.Slug, "A post for members only")
	pinned := acPost(t, s, member, g.Slug, "Another post, for moderators to pin")
	comment := acComment(t, s, member, g.Slug, post, "A comment for members only")
	s.join(t, other.Slug, people["bystander"])
	foreign := acPost(t, s, people["bystander"], other.Slug, "A post in another group")

	idea, err := s.Community.CreateIdea(ctx, s.actor(t, member), g.Slug, community.IdeaInput{Title: "An idea for members only"})
	if err != nil {
		t.Fatal(err)
	}
	foreignIdea, err := s.Community.CreateIdea(ctx, s.actor(t, people["bystander"]), other.Slug, community.IdeaInput{Title: "An idea elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	noTags := func() {
		if _, err := s.DB.Collection("groups").UpdateOne(ctx, bson.M{"_id": g.ID}, bson.M{"$set": bson.M{"ideaTags": bson.A{}}}); err != nil {
			t.Fatal(err)
		}
	}

	base := "/groups/" + g.Slug
	i := base + "/ideas/" + string(idea.ID)
	p := base + "/posts/" + post
	c := p + "/comments/" + comment
	// publish puts the post and its comment back after a moderator hid them.
	publish := func() {
		for coll, id := range map[string]string{"posts": post, "comments": comment} {
			if _, err := s.DB.Collection(coll).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"state": "published"}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	link, err := s.Community.CreateInviteLink(ctx, s.actor(t, owner), g.Slug, 0, 7)
	if err != nil {
		t.Fatal(err)
	}
	var linkDoc struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("group_invites").FindOne(ctx, bson.M{"group": g.ID}).Decode(&linkDoc); err != nil || link == "" {
		t.Fatal(err)
	}
	both := func(a, b func()) func() { return func() { a(); b() } }
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	// Events: one for every member, one for the invited only and one for
	// a tier nobody holds (the site defines none); "member" is invited to
	// both of the last two and "muted", a member too, to neither, so their
	// rows tell invited from not. The door needs someone going: "member". The throwaway
	// event is cancelled by its row and put back by its reset.
	host := s.actor(t, owner)
	membersEv := acEvent(t, s, host, g.Slug, acEventInput(s, "Members evening", community.AccessMembers))
	inviteEv := acEvent(t, s, host, g.Slug, acEventInput(s, "Invite-only tasting", community.AccessInvited))
	tierEv := acEvent(t, s, host, g.Slug, acEventInput(s, "Gold tier launch", community.AccessTier))
	throwaway := acEvent(t, s, host, g.Slug, acEventInput(s, "Throwaway meetup", community.AccessMembers))
	foreignEv := acEvent(t, s, s.actor(t, siteOwner), other.Slug, acEventInput(s, "An event elsewhere", community.AccessMembers))
	for _, e := range []community.Event{inviteEv, tierEv} {
		if _, err := s.Community.InvitePeople(ctx, host, g.Slug, e.ID, []auth.Account{s.actor(t, member).Account}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Community.RSVP(ctx, s.actor(t, member), g.Slug, membersEv.ID, true); err != nil {
		t.Fatal(err)
	}
	uncancel := func() {
		if _, err := s.DB.Collection("events").UpdateOne(ctx, bson.M{"_id": throwaway.ID}, bson.M{"$set": bson.M{"cancelled": false}}); err != nil {
			t.Fatal(err)
		}
	}
	evs := base + "/events"
	ev, iev, tev := evs+"/"+string(membersEv.ID), evs+"/"+string(inviteEv.ID), evs+"/"+string(tierEv.ID)
	newEvent := acEventForm(acEventInput(s, "A new event", community.AccessMembers))
	editEvent := acEventForm(acEventInput(s, "Members evening", community.AccessMembers))
	tierRefused := "This event is for members of a higher tier, or those invited."

	editGroup := form("name", "Inner circle", "description", "For our closest fans", "color", "teal",
		"visibility", "unlisted", "policy", "approval", "question", "Why?", "hold_first_posts", "0")

	//                      anon outsider pending invited member muted banned moderator owner admin
	routes := []acRoute{
		{method: "GET", path: base, want: "404 404 200 200 200 200 404 200 200 200"},
		{method: "GET", path: base + "/members", want: "404 404 404 404 200 200 404 200 200 200"},
		{method: "GET", path: p, want: "404 404 404 404 200 200 404 200 200 200"},
		{method: "GET", path: base + "/posts/" + foreign, want: "404 404 404 404 404 404 404 404 404 404"},
		{method: "GET", path: base + "/posts/000000000000000000000000", want: "404 404 404 404 404 404 404 404 404 404"},
		{method: "GET", path: p + "/edit", want: "404 404 404 404 200 403 404 403 403 403"},
		{method: "GET", path: c + "/edit", want: "404 404 404 404 200 403 404 403 403 403"},
		{method: "GET", path: base + "/edit", want: "404 404 404 404 403 403 404 403 200 200"},
		{method: "GET", path: base + "/moderation", want: "404 404 404 404 403 403 404 200 200 200"},
		{method: "GET", path: base + "/audit", want: "404 404 404 404 403 403 404 200 200 200"},
		{method: "GET", path: "/moderation", want: "303 404 404 404 404 404 404 404 404 200"},
		{method: "GET", path: "/moderation/audit", want: "303 404 404 404 404 404 404 404 404 200"},

		{method: "POST", path: base + "/posts", form: form("body", "Hello"), want: "404 404 404 404 303 403 404 303 303 303"},
		{method: "POST", path: p + "/comments", form: form("body", "Hello"), want: "404 404 404 404 303 403 404 303 303 303"},
		{method: "POST", path: p + "/react", form: form("reaction", "like"), want: "404 404 404 404 303 403 404 303 303 303"},
		{method: "POST", path: c + "/react", form: form("reaction", "like"), want: "404 404 404 404 303 403 404 303 303 303"},
		{method: "POST", path: base + "/posts/" + foreign + "/react", form: form("reaction", "like"), want: "404 404 404 404 404 404 404 404 404 404"},
		{method: "POST", path: p + "/edit", form: form("body", "Edited"), want: "404 404 404 404 303 403 404 403 403 403"},
		{method: "POST", path: p + "/moderate", form: form("action", "hide"), want: "404 404 404 404 403 403 404 303 303 303", reset: publish},
		{method: "POST", path: base + "/posts/" + pinned + "/moderate", form: form("action", "pin"), want: "404 404 404 404 403 403 404 303 303 303"},
		{method: "POST", path: c + "/moderate", form: form("action", "hide"), want: "404 404 404 404 403 403 404 303 303 303", reset: publish},
		{method: "POST", path: base + "/members/" + string(people["bystander"].ID) + "/moderate", form: form("action", "mute", "duration", "1h"), want: "404 404 404 404 403 403 404 303 303 303"},
		{method: "POST", path: base + "/members/" + string(people["requester"].ID) + "/approve", want: "404 404 404 404 403 403 404 303 303 303", reset: standings},
		{method: "POST", path: base + "/invites", form: form("uses", "1", "days", "7"), want: "404 404 404 404 403 403 404 201 201 201"},

		{method: "GET", path: base + "/ideas", want: "404 404 404 404 200 200 404 200 200 200"},
		{method: "GET", path: i, want: "404 404 404 404 200 200 404 200 200 200"},
		{method: "GET", path: base + "/ideas/roadmap", want: "404 404 404 404 200 200 404 200 200 200"},
		{method: "GET", path: base + "/ideas/new", want: "404 404 404 404 200 403 404 200 200 200"},
		{method: "GET", path: i + "/edit", want: "404 404 404 404 200 403 404 200 200 200"},
		{method: "GET", path: base + "/ideas/unanswered", want: "404 404 404 404 403 403 404 200 200 200"},
		{method: "GET", path: base + "/ideas/tags", want: "404 404 404 404 403 403 404 200 200 200"},
		{method: "GET", path: base + "/ideas/" + string(foreignIdea.ID), want: "404 404 404 404 404 404 404 404 404 404"},
		{method: "POST", path: base + "/ideas", form: form("title", "A new idea", "confirm", "1"), want: "404 404 404 404 303 403 404 303 303 303"},
		{method: "POST", path: i + "/vote", form: form("on", "1"), want: "404 404 404 404 303 403 404 303 303 303"},
		{method: "POST", path: base + "/ideas/" + string(foreignIdea.ID) + "/vote", form: form("on", "1"), want: "404 404 404 404 404 404 404 404 404 404"},
		{method: "POST", path: i + "/comments", form: form("body", "Hello"), want: "404 404 404 404 303 403 404 303 303 303"},
		{method: "POST", path: i + "/subscribe", form: form("on", "0"), want: "404 404 404 404 303 303 404 303 303 303"},
		{method: "POST", path: i + "/edit", form: form("title", "An idea for members only"), want: "404 404 404 404 303 403 404 303 303 303"},
		{method: "POST", path: i + "/answer", form: form("status", "open", "note", "Looking into it"), want: "404 404 404 404 403 403 404 303 303 303"},
		{method: "POST", path: i + "/merge", form: form("into", string(idea.ID)), want: "404 404 404 404 403 403 404 422 422 422"},
		{method: "POST", path: base + "/ideas/tags", form: form("name", "Shop", "color", "teal"), want: "404 404 404 404 403 403 404 303 303 303", reset: noTags},
		{method: "POST", path: base + "/ideas/board", form: form("on", "1"), want: "404 404 404 404 403 403 404 403 303 303"},

		{method: "GET", path: base + "/join", want: "404 404 200 200 303 303 404 303 303 200"},
		{method: "POST", path: base + "/join", form: form("answer", "I love it"), want: "404 404 303 303 303 303 404 303 303 303", reset: standings},
		{method: "POST", path: base + "/leave", want: "404 404 303 303 303 303 404 303 303 303", reset: standings},
		{method: "POST", path: base + "/edit", form: editGroup, want: "404 404 404 404 403 403 404 403 303 303"},
		{method: "POST", path: base + "/members/invite", form: form("email", "outsider@example.com"), want: "404 404 404 404 403 403 404 303 303 303", reset: standings},
		{method: "POST", path: base + "/members/" + string(people["requester"].ID) + "/decline", want: "404 404 404 404 403 403 404 303 303 303", reset: standings},
		{method: "POST", path: base + "/members/" + string(people["bystander"].ID) + "/role", form: form("role", "moderator"), want: "404 404 404 404 403 403 404 403 303 303", reset: standings},
		{method: "POST", path: base + "/invites/" + linkDoc.ID + "/revoke", want: "404 404 404 404 403 403 404 303 303 303"},
		{method: "POST", path: p + "/report", form: form("reason", "spam"), want: "404 404 404 404 303 303 404 303 303 303", reset: publish},
		{method: "POST", path: c + "/report", form: form("reason", "spam"), want: "404 404 404 404 303 303 404 303 303 303", reset: publish},
		{method: "POST", path: base + "/reports/post:" + post + "/dismiss", want: "404 404 404 404 403 403 404 303 303 303"},
		{method: "POST", path: c + "/edit", form: form("body", "Edited comment"), want: "404 404 404 404 303 403 404 403 403 403", reset: publish},
		{method: "POST", path: c + "/delete", want: "404 404 404 404 303 403 404 303 303 303", reset: both(publish, standings)},
		{method: "POST", path: p + "/delete", want: "404 404 404 404 303 403 404 303 303 303", reset: both(publish, standings)},

		{method: "GET", path: evs, want: "404 404 404 404 200 200 404 200 200 200",
			text: "Invite-only tasting", shows: "- - - - y n - y y y"},
		{method: "GET", path: evs + "/new", want: "404 404 404 404 403 403 404 200 200 200"},
		{method: "POST", path: evs, form: newEvent, want: "404 404 404 404 403 403 404 303 303 303"},
		{method: "GET", path: ev, want: "404 404 404 404 200 200 404 200 200 200"},
		{method: "GET", path: iev, want: "404 404 404 404 200 404 404 200 200 200"},
		{method: "GET", path: tev, want: "404 404 404 404 200 200 404 200 200 200"},
		{method: "GET", path: evs + "/" + string(foreignEv.ID), want: "404 404 404 404 404 404 404 404 404 404"},
		{method: "GET", path: evs + "/000000000000000000000000", want: "404 404 404 404 404 404 404 404 404 404"},
		{method: "GET", path: ev + "/edit", want: "404 404 404 404 403 403 404 200 200 200"},
		{method: "GET", path: iev + "/edit", want: "404 404 404 404 403 404 404 200 200 200"},
		{method: "POST", path: ev + "/edit", form: editEvent, want: "404 404 404 404 403 403 404 303 303 303"},
		{method: "POST", path: evs + "/" + string(throwaway.ID) + "/cancel", form: form("confirm", "1"),
			want: "404 404 404 404 403 403 404 303 303 303", reset: uncancel},
		{method: "POST", path: ev + "/rsvp", form: form("going", "1"), want: "404 404 404 404 303 303 404 303 303 303"},
		{method: "POST", path: iev + "/rsvp", form: form("going", "1"), want: "404 404 404 404 303 404 404 303 303 303"},
		{method: "POST", path: tev + "/rsvp", form: form("going", "1"), want: "404 404 404 404 303 403 404 303 303 303",
			text: tierRefused, shows: "n n n n - y n - - -"},
		{method: "POST", path: evs + "/" + string(foreignEv.ID) + "/rsvp", form: form("going", "1"), want: "404 404 404 404 404 404 404 404 404 404"},
		{method: "GET", path: ev + "/event.ics", want: "404 404 404 404 200 200 404 200 200 200"},
		{method: "GET", path: iev + "/event.ics", want: "404 404 404 404 200 404 404 200 200 200"},
		{method: "GET", path: ev + "/invite", want: "404 404 404 404 403 403 404 200 200 200"},
		{method: "POST", path: ev + "/invite", form: form("by", "people", "people", "member@example.com"), want: "404 404 404 404 403 403 404 303 303 303"},
		{method: "GET", path: ev + "/checkin", want: "404 404 404 404 403 403 404 200 200 200"},
		{method: "POST", path: ev + "/checkin", form: form("account", string(member.ID), "on", "1"), want: "404 404 404 404 403 403 404 303 303 303"},
	}

	browsers := make([]*browser, len(acRoles))
	browsers[0] = s.newBrowser()
	for i, role := range []string{"outsider", "pending", "invited", "member", "muted", "banned", "moderator", "owner", "admin"} {
		browsers[i+1] = people[role].browser
	}
	for _, r := range routes {
		want := strings.Fields(r.want)
		if len(want) != len(acRoles) {
			t.Fatalf("%s %s: %d statuses for %d roles", r.method, r.path, len(want), len(acRoles))
		}
		for i, b := range browsers {
			if r.reset != nil {
				r.reset()
			}
			var res response
			if r.method == "GET" {
				res = b.get(r.path)
			} else {
				f := url.Values{}
				for k, v := range r.form {
					f[k] = v
				}
				res = b.post(r.path, f)
			}
			if got := fmt.Sprint(res.Status); got != want[i] {
				t.Errorf("%s %s as %s: status %s, want %s", r.method, r.path, acRoles[i], got, want[i])
			}
			if res.Status == http.StatusNotFound {
				mustNotContain(t, res.Body, "A post for members only", "A comment for members only", "An idea for members only", g.Name,
					membersEv.Title, inviteEv.Title, tierEv.Title, foreignEv.Title)
			}
			if r.text != "" {
				switch strings.Fields(r.shows)[i] {
				case "y":
					if !strings.Contains(res.Body, r.text) {
						t.Errorf("%s %s as %s: body lacks %q", r.method, r.path, acRoles[i], r.text)
					}
				case "n":
					if strings.Contains(res.Body, r.text) {
						t.Errorf("%s %s as %s: body shows %q", r.method, r.path, acRoles[i], r.text)
					}
				}
			}
		}
	}
}

// acEventInput is an event at a venue in Seoul, three days from the
// site's now, for two hours, open as access says (a tier event needs
// "gold").
func acEventInput(s *site, title string, access community.EventAccess) community.EventInput {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	start := s.Clock.Now().Add(72 * time.Hour).In(seoul)
	in := community.EventInput{Title: title, Zone: "Asia/Seoul", Start: start.Format(community.LocalTimeLayout),
		End: start.Add(2 * time.Hour).Format(community.LocalTimeLayout), Venue: "Seongsu-dong, Seoul", Access: access}
	if access == community.AccessTier {
		in.Tier = "gold"
	}
	return in
}

// acEventForm is the event form filled in as in.
func acEventForm(in community.EventInput) url.Values {
	v := url.Values{"title": {in.Title}, "zone": {in.Zone}, "start": {in.Start}, "end": {in.End}, "venue": {in.Venue},
		"link": {in.Link}, "capacity": {in.Capacity}, "access": {string(in.Access)}, "tier": {in.Tier}}
	if in.Online {
		v.Set("online", "1")
	}
	return v
}

// acEvent has a host create an event straight through community.
func acEvent(t *testing.T, s *site, host community.Actor, slug string, in community.EventInput) community.Event {
	t.Helper()
	e, err := s.Community.CreateEvent(context.Background(), host, slug, in)
	if err != nil {
		t.Fatalf("create event %q: %v", in.Title, err)
	}
	return e
}

// acSetMember puts the person in the group with the role and state given,
// as the group's moderators would have.
func acSetMember(t *testing.T, s *site, g community.GroupID, p person, role community.GroupRole, state community.MemberState, mutedUntil time.Time) {
	t.Helper()
	doc := bson.M{"_id": string(g) + ":" + string(p.ID), "group": g, "account": p.ID, "name": p.Name,
		"role": role, "state": state, "published": 0, "joinedAt": s.Clock.Now()}
	if !mutedUntil.IsZero() {
		doc["mutedUntil"] = mutedUntil
	}
	if _, err := s.DB.Collection("group_members").ReplaceOne(context.Background(), bson.M{"_id": doc["_id"]}, doc,
		options.Replace().SetUpsert(true)); err != nil {
		t.Fatal(err)
	}
}

// setAccountRole changes the person's role on the whole site.
func (s *site) setAccountRole(t *testing.T, p person, role auth.Role) {
	t.Helper()
	if _, err := s.DB.Collection("accounts").UpdateOne(context.Background(), bson.M{"_id": p.ID},
		bson.M{"$set": bson.M{"role": role}}); err != nil {
		t.Fatal(err)
	}
}

// acPost has the person post through the site and returns the post's id.
func acPost(t *testing.T, s *site, p person, slug, body string) string {
	t.Helper()
	if res := p.post("/groups/"+slug+"/posts", url.Values{"body": {body}}); res.Status != http.StatusSeeOther {
		t.Fatalf("post to %s: %d %s", slug, res.Status, res.Body)
	}
	var d struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("posts").FindOne(context.Background(), bson.M{"body": body}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// acComment has the person comment on a post and returns the comment's id.
func acComment(t *testing.T, s *site, p person, slug, post, body string) string {
	t.Helper()
	if res := p.post("/groups/"+slug+"/posts/"+post+"/comments", url.Values{"body": {body}}); res.Status != http.StatusSeeOther {
		t.Fatalf("comment on %s: %d %s", post, res.Status, res.Body)
	}
	var d struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("comments").FindOne(context.Background(), bson.M{"body": body}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d.ID
}
