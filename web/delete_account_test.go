package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
)

// TestDeleteAccountRefusesTheLastOwner: the site's only owner is told why
// their account cannot go yet and where to share ownership (in Korean:
// TestPagesInBothLanguages), and a forged confirmation deletes nothing;
// once there is a second owner, it goes, and the second is then the
// last.
func TestDeleteAccountRefusesTheLastOwner(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com") // the first account owns the site
	deleted := func(p person) bool {
		return s.count("accounts", bson.M{"_id": p.ID, "deletedAt": bson.M{"$exists": true}}) == 1
	}

	page := owner.get("/settings/delete")
	if page.Status != http.StatusOK {
		t.Fatalf("delete page: %d", page.Status)
	}
	mustContain(t, page.Body, `data-testid="delete-last-owner"`, "You are the only owner of this site", `href="/admin/team"`)
	mustNotContain(t, page.Body, `data-testid="confirm-delete"`)

	r := owner.post("/settings/delete", url.Values{"confirm": {"yes"}})
	if r.Status != http.StatusConflict {
		t.Fatalf("deleting the last owner: %d, want 409", r.Status)
	}
	mustContain(t, r.Body, "You are the only owner of this site", `href="/admin/team"`)
	if deleted(owner) || !owner.signedIn() {
		t.Fatal("the last owner's account was deleted")
	}

	second := s.signUp(t, "second@example.com")
	if _, _, err := s.Auth.MakeOwner(context.Background(), second.Email); err != nil {
		t.Fatal(err)
	}
	page = owner.get("/settings/delete")
	mustContain(t, page.Body, `data-testid="confirm-delete"`)
	mustNotContain(t, page.Body, `data-testid="delete-last-owner"`)
	if r := owner.post("/settings/delete", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deleting one of two owners: %d %s", r.Status, r.Body)
	}
	if !deleted(owner) {
		t.Fatal("one of two owners could not delete their account")
	}
	if r := second.post("/settings/delete", url.Values{"confirm": {"yes"}}); r.Status != http.StatusConflict || deleted(second) {
		t.Fatalf("the owner left: %d, deleted %v", r.Status, deleted(second))
	}
}

// TestDeleteAccountRefusesAGroupOwner: a member who owns a group is
// told which, with a link to each group's member page to hand it over
// (in both languages), and a forged confirmation deletes nothing, not
// even through the community's part alone; once she has handed the group
// back, her account goes and the group still has its owner.
func TestDeleteAccountRefusesAGroupOwner(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee", Name: "Coffee lovers"})
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "coffee", minji)
	if r := admin.post("/groups/coffee/members/"+string(minji.ID)+"/role", url.Values{"role": {"owner"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("hand coffee to minji: %d", r.Status)
	}
	owners := func() int64 { return s.count("group_members", bson.M{"role": "owner", "state": "active"}) }
	deleted := func() bool {
		return s.count("accounts", bson.M{"_id": minji.ID, "deletedAt": bson.M{"$exists": true}}) == 1
	}

	page := minji.get("/settings/delete")
	if page.Status != http.StatusOK {
		t.Fatalf("delete page: %d", page.Status)
	}
	mustContain(t, page.Body, `data-testid="delete-owns-groups"`, "You own the groups below", `href="/groups/coffee/members"`, "Hand over Coffee lovers")
	mustNotContain(t, page.Body, `data-testid="confirm-delete"`)
	req, _ := http.NewRequest("GET", minji.abs("/settings/delete"), nil)
	req.Header.Set("Accept-Language", "ko")
	mustContain(t, minji.do(req, false).Body, "아래 그룹의 소유자라서", "Coffee lovers 넘겨주기")

	r := minji.post("/settings/delete", url.Values{"confirm": {"yes"}})
	if r.Status != http.StatusConflict {
		t.Fatalf("deleting a group owner: %d, want 409", r.Status)
	}
	mustContain(t, r.Body, "You own the groups below", `href="/groups/coffee/members"`)
	minjiAccount, _ := s.Auth.AccountByID(ctx, minji.ID)
	if err := s.Community.ForgetAccount(ctx, minjiAccount); !errors.Is(err, community.ErrOwnsGroup) {
		t.Errorf("forgetting a group owner: %v, want ErrOwnsGroup", err)
	}
	if deleted() || !minji.signedIn() || owners() != 1 || s.count("group_members", bson.M{"account": minji.ID, "role": "owner"}) != 1 {
		t.Fatal("the group owner's account or membership went")
	}
	mustContain(t, admin.get("/groups/coffee/members").Body, "minji")

	if r := minji.post("/groups/coffee/members/"+string(admin.ID)+"/role", url.Values{"role": {"owner"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("hand coffee back: %d", r.Status)
	}
	mustNotContain(t, minji.get("/settings/delete").Body, `data-testid="delete-owns-groups"`)
	if r := minji.post("/settings/delete", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete after handing over: %d %s", r.Status, r.Body)
	}
	if !deleted() || owners() != 1 || s.count("group_members", bson.M{"account": admin.ID, "role": "owner"}) != 1 {
		t.Fatalf("deleted %v; the group has %d owners", deleted(), owners())
	}
}

// TestDeleteAccountForgetsThePerson: a member who posted, commented,
// voted, reacted, held the last seat of an event, was invited and was
// told things deletes their account. What they wrote stays, by "deleted
// member", and their name and picture are on no page; they leave every
// group and its count, their seat goes to the person waiting, their vote
// leaves the idea's count, and their reactions, invitations and
// notifications are gone. Running the community's part again changes
// nothing more.
func TestDeleteAccountForgetsThePerson(t *testing.T) {
	ctx := context.Background()
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	s.newGroup(t, admin, community.GroupInput{Slug: "tea"})
	minji := s.signUp(t, "zzminji@example.com") // her name is "zzminji"
	jun := s.signUp(t, "jun@example.com")
	const avatar = "https://img.example/zzminji.png"
	if _, err := s.DB.Collection("accounts").UpdateOne(ctx, bson.M{"_id": minji.ID}, bson.M{"$set": bson.M{"avatarUrl": avatar}}); err != nil {
		t.Fatal(err)
	}
	s.join(t, "coffee", minji)
	s.join(t, "tea", minji)
	s.join(t, "coffee", jun)
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Policy: community.JoinInvite})
	if r := admin.post("/groups/club/members/invite", url.Values{"email": {minji.Email}}); r.Status != http.StatusSeeOther {
		t.Fatalf("invite to club: %d", r.Status)
	}
	tea, _ := s.Community.GroupBySlug(ctx, s.actor(t, admin), "tea")
	acSetMember(t, s, tea.Group.ID, minji, community.RoleModerator, community.StateActive, time.Time{})
	if r := minji.post("/groups/tea/invites", url.Values{"uses": {"5"}, "days": {"7"}}); r.Status != http.StatusCreated {
		t.Fatalf("invitation link: %d", r.Status)
	}

	mine := acPost(t, s, minji, "coffee", "Beans from Jeju are the best")
	welcome := acPost(t, s, admin, "coffee", "Welcome @zzminji, tell us about beans")
	said := acComment(t, s, minji, "coffee", welcome, "Thanks, happy to be here")
	if r := jun.post("/groups/coffee/posts/"+welcome+"/comments", url.Values{"body": {"Glad you came"}, "reply_to": {said}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d", r.Status)
	}
	if r := minji.post("/groups/coffee/posts/"+welcome+"/react", url.Values{"reaction": {"love"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("react: %d", r.Status)
	}
	idea, err := s.Community.CreateIdea(ctx, s.actor(t, admin), "coffee", community.IdeaInput{Title: "Oat milk at the café"})
	if err != nil {
		t.Fatal(err)
	}
	ideaPath := "/groups/coffee/ideas/" + string(idea.ID)
	hers, err := s.Community.CreateIdea(ctx, s.actor(t, minji), "coffee", community.IdeaInput{Title: "Decaf on Sundays"})
	if err != nil {
		t.Fatal(err)
	}
	herIdea := "/groups/coffee/ideas/" + string(hers.ID)
	for _, p := range []person{minji, admin} {
		if r := p.post(ideaPath+"/vote", url.Values{"on": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("vote: %d", r.Status)
		}
	}
	in := acEventInput(s, "Cupping night", community.AccessMembers)
	in.Capacity = "1"
	event := acEvent(t, s, s.actor(t, admin), "coffee", in)
	eventPath := "/groups/coffee/events/" + string(event.ID)
	for _, p := range []person{minji, jun} { // minji takes the seat; jun waits
		if r := p.post(eventPath+"/rsvp", url.Values{"going": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("rsvp: %d", r.Status)
		}
	}
	if r := admin.post(eventPath+"/checkin", url.Values{"account": {string(minji.ID)}, "on": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("check in: %d", r.Status)
	}
	private := acEvent(t, s, s.actor(t, admin), "coffee", acEventInput(s, "Roastery tour", community.AccessInvited))
	minjiAccount, _ := s.Auth.AccountByID(ctx, minji.ID)
	if _, err := s.Community.InvitePeople(ctx, s.actor(t, admin), "coffee", private.ID, []auth.Account{minjiAccount}); err != nil {
		t.Fatal(err)
	}
	s.drain(t)
	for coll, filter := range map[string]bson.M{
		"notifications": {"account": minji.ID}, "invitations": {"account": minji.ID}, "reactions": {"account": minji.ID},
		"rsvps": {"account": jun.ID, "state": "waitlist"}, "posts": {"author": minji.ID, "authorAvatar": avatar},
	} {
		if s.count(coll, filter) == 0 {
			t.Fatalf("before: no %s matching %v", coll, filter)
		}
	}
	mustContain(t, admin.get("/groups/coffee/members").Body, "zzminji", avatar)
	mustContain(t, admin.get("/groups/coffee").Body, "zzminji", avatar) // the feed's page is cached now
	mustContain(t, admin.get("/groups/coffee/ideas").Body, "Decaf on Sundays")

	if r := minji.post("/settings/delete", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	s.drain(t)

	t.Run("what she wrote stays, by a deleted member, with her name and picture on no page", func(t *testing.T) {
		for _, path := range []string{"/groups/coffee", "/groups/coffee/posts/" + welcome, "/groups/coffee/posts/" + mine,
			"/groups/coffee/members", "/groups/tea/members", ideaPath, herIdea, "/groups/coffee/ideas", eventPath, eventPath + "/checkin",
			"/groups/coffee/events/" + string(private.ID), "/notifications"} {
			page := admin.get(path)
			if page.Status != http.StatusOK {
				t.Errorf("%s: %d", path, page.Status)
			}
			for _, gone := range []string{"zzminji", avatar} {
				if strings.Contains(page.Body, gone) {
					t.Errorf("%s still shows %q", path, gone)
				}
			}
		}
		mustContain(t, admin.get("/groups/coffee").Body, "Beans from Jeju are the best",
			`<span class="post-author" data-testid="post-author">deleted member</span>`)
		thread := admin.get("/groups/coffee/posts/" + welcome).Body
		mustContain(t, thread, "Thanks, happy to be here", `<span class="post-author">deleted member</span>`,
			"In reply to deleted member", "Welcome @…, tell us about beans")
		mustContain(t, admin.get(herIdea).Body, "Proposed by deleted member")
		mustContain(t, admin.get("/groups/tea/members").Body, "Made by deleted member")
		mustContain(t, admin.get("/notifications").Body, "deleted member replied in Group coffee")
		req, _ := http.NewRequest("GET", admin.abs("/groups/coffee/posts/"+mine), nil)
		req.Header.Set("Accept-Language", "ko")
		mustContain(t, admin.do(req, false).Body, "탈퇴한 회원")
	})

	t.Run("she leaves every group and its count", func(t *testing.T) {
		if n := s.count("group_members", bson.M{"account": minji.ID}); n != 0 {
			t.Errorf("%d memberships left", n)
		}
		for slug, want := range map[string]int64{"coffee": 2, "tea": 1, "club": 1} {
			if n := s.count("groups", bson.M{"slug": slug, "members": want}); n != 1 {
				t.Errorf("%s does not count %d members", slug, want)
			}
		}
		mustContain(t, admin.get("/groups/coffee/members").Body, "2 members")
	})

	t.Run("her seat goes to the person waiting", func(t *testing.T) {
		if n := s.count("rsvps", bson.M{"account": minji.ID}); n != 0 {
			t.Errorf("%d answers left", n)
		}
		if n := s.count("rsvps", bson.M{"account": jun.ID, "event": event.ID, "state": "going"}); n != 1 {
			t.Error("jun is not going")
		}
		if n := s.count("events", bson.M{"_id": event.ID, "going": 1, "waiting": 0, "attended": 0}); n != 1 {
			t.Error("the event's counts did not follow")
		}
		mustContain(t, admin.get(eventPath+"/checkin").Body, "0 of 1 checked in")
		mustContain(t, jun.get(eventPath).Body, "You’re going.")
		if n := s.count("notifications", bson.M{"account": jun.ID, "kind": community.NoticeEventPromoted}); n != 1 {
			t.Errorf("jun was told %d times that he got a seat", n)
		}
	})

	t.Run("her vote leaves the idea's count", func(t *testing.T) {
		if n := s.count("votes", bson.M{"account": minji.ID}); n != 0 {
			t.Errorf("%d votes left", n)
		}
		if n := s.count("ideas", bson.M{"_id": idea.ID, "votes": 1}); n != 1 {
			t.Error("the idea still counts her vote")
		}
		mustContain(t, admin.get(ideaPath).Body, `<span class="vote-count" data-testid="vote-count">1</span>`)
		if n := s.count("idea_ballots", bson.M{"_id": bson.M{"$regex": string(minji.ID) + "$"}}); n != 0 {
			t.Errorf("%d ballots left", n)
		}
	})

	t.Run("her reactions, invitations and notifications are gone", func(t *testing.T) {
		var p struct {
			Reactions map[string]int `bson:"reactions"`
		}
		if err := s.DB.Collection("posts").FindOne(ctx, bson.M{"_id": welcome}).Decode(&p); err != nil || p.Reactions["love"] != 0 {
			t.Errorf("the post still counts %d loves (%v)", p.Reactions["love"], err)
		}
		for coll, filter := range map[string]bson.M{
			"reactions": {"account": minji.ID}, "reaction_sets": {"_id": bson.M{"$regex": string(minji.ID) + "$"}},
			"invitations": {"account": minji.ID}, "notifications": {"account": minji.ID},
			"notification_counts": {"_id": minji.ID},
		} {
			if n := s.count(coll, filter); n != 0 {
				t.Errorf("%d %s left", n, coll)
			}
		}
	})

	t.Run("running it again changes nothing", func(t *testing.T) {
		if err := s.Community.ForgetAccount(ctx, minjiAccount); err != nil {
			t.Fatal(err)
		}
		for coll, filter := range map[string]bson.M{
			"groups": {"slug": "coffee", "members": 2}, "ideas": {"_id": idea.ID, "votes": 1},
			"events": {"_id": event.ID, "going": 1, "waiting": 0},
		} {
			if n := s.count(coll, filter); n != 1 {
				t.Errorf("%s moved: no document matches %v", coll, filter)
			}
		}
	})
}

// TestRenameReachesEveryCopy: a member renamed in Settings is shown under
// the new name on the member list, the door's check-in list and their
// own posts, and the posts and comments that mentioned them mention the
// new name, which also mentions them from then on.
func TestRenameReachesEveryCopy(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	minji := s.signUp(t, "zzminji@example.com")
	s.join(t, "coffee", minji)
	event := acEvent(t, s, s.actor(t, admin), "coffee", acEventInput(s, "Cupping night", community.AccessMembers))
	door := "/groups/coffee/events/" + string(event.ID) + "/checkin"
	if r := minji.post("/groups/coffee/events/"+string(event.ID)+"/rsvp", url.Values{"going": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rsvp: %d", r.Status)
	}
	acPost(t, s, minji, "coffee", "My first cup")
	welcome := acPost(t, s, admin, "coffee", "Welcome @zzminji, and @nobody")
	acComment(t, s, admin, "coffee", welcome, "Thanks @zzminji.")
	hers := acComment(t, s, minji, "coffee", welcome, "Happy to be here")
	thread := "/groups/coffee/posts/" + welcome
	if r := admin.post(thread+"/comments", url.Values{"body": {"Glad you came"}, "reply_to": {hers}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d", r.Status)
	}
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, minji), "coffee", community.IdeaInput{Title: "Decaf on Sundays"})
	if err != nil {
		t.Fatal(err)
	}
	ideaPath := "/groups/coffee/ideas/" + string(idea.ID)
	mustContain(t, admin.get(door).Body, "zzminji")
	mustContain(t, admin.get(thread).Body, `<span class="mention">@zzminji</span>`, "In reply to zzminji")
	mustContain(t, admin.get("/groups/coffee").Body, "zzminji") // the feed's page is cached now
	mustContain(t, admin.get(ideaPath).Body, "Proposed by zzminji")

	if r := minji.post("/settings/profile", url.Values{"name": {"Minji Kim"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}

	for name, path := range map[string]string{"member list": "/groups/coffee/members", "check-in list": door,
		"feed": "/groups/coffee", "post": thread, "idea": ideaPath, "notifications": "/notifications"} {
		page := admin.get(path)
		mustContain(t, page.Body, "Minji Kim")
		if strings.Contains(page.Body, "zzminji") {
			t.Errorf("the %s still shows the old name", name)
		}
	}
	page := admin.get(thread).Body
	mustContain(t, page, `Welcome <span class="mention">@[Minji Kim]</span>, and @nobody`,
		`Thanks <span class="mention">@[Minji Kim]</span>.`, "In reply to Minji Kim")
	if n := s.count("posts", bson.M{"_id": welcome, "body": "Welcome @[Minji Kim], and @nobody"}); n != 1 {
		t.Error("the post's text, as its author edits it, still mentions the old name")
	}
	acPost(t, s, admin, "coffee", "Ping @[Minji Kim]")
	if n := s.count("notifications", bson.M{"account": minji.ID, "kind": community.NoticeMention}); n != 3 {
		t.Errorf("%d mention notices, want 3: the new name mentions her", n)
	}
}

// TestDeleteAccountKeepsPastEventsCounts: a member who went to an event
// that is over deletes their account; the event still counts who went
// and who came, as its history, though their answer is gone.
func TestDeleteAccountKeepsPastEventsCounts(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, "coffee", minji)
	s.join(t, "coffee", jun)
	event := acEvent(t, s, s.actor(t, admin), "coffee", acEventInput(s, "Cupping night", community.AccessMembers))
	eventPath := "/groups/coffee/events/" + string(event.ID)
	for _, p := range []person{minji, jun} {
		if r := p.post(eventPath+"/rsvp", url.Values{"going": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("rsvp: %d", r.Status)
		}
	}
	if r := admin.post(eventPath+"/checkin", url.Values{"account": {string(minji.ID)}, "on": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("check in: %d", r.Status)
	}
	s.Clock.Advance(80 * time.Hour) // the event is over
	if r := minji.post("/settings/delete", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if n := s.count("rsvps", bson.M{"account": minji.ID}); n != 0 {
		t.Errorf("%d answers left", n)
	}
	if n := s.count("events", bson.M{"_id": event.ID, "going": 2, "attended": 1}); n != 1 {
		t.Error("the past event's counts of who went and who came changed")
	}
}
