package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/community"
)

// TestCreateGroupForm: staff create a group; bad input is explained,
// kept, and creates nothing; a member cannot create one.
func TestCreateGroupForm(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	member := s.signUp(t, "member@example.com")

	if res := member.get("/groups/new"); res.Status != http.StatusForbidden {
		t.Errorf("a member opens the create form: %d, want 403", res.Status)
	} else {
		mustContain(t, res.Body, "Only site admins can create groups.")
	}
	if res := member.post("/groups", url.Values{"name": {"Mine"}, "slug": {"mine"}, "visibility": {"listed"}, "policy": {"open"}}); res.Status != http.StatusForbidden {
		t.Errorf("a member creates a group: %d, want 403", res.Status)
	} else {
		mustContain(t, res.Body, "Only site admins can create groups.")
	}
	good := url.Values{"name": {"커피 애호가"}, "slug": {"coffee"}, "description": {"Beans & **brews**"},
		"color": {"teal"}, "visibility": {"listed"}, "policy": {"open"}, "hold_first_posts": {"0"}}
	if res := admin.post("/groups", good); res.Status != http.StatusSeeOther || res.Location != "/groups/coffee" {
		t.Fatalf("create: %d %q %s", res.Status, res.Location, res.Body)
	}
	for _, tc := range []struct {
		name  string
		field string
		value string
		want  string
	}{
		{"taken slug", "slug", "coffee", "That address is taken."},
		{"malformed slug", "slug", "Coffee Lovers!", "Use 3 to 40 lowercase letters"},
		{"reserved slug", "slug", "new", "That address is taken."},
		{"short slug", "slug", "ab", "Use 3 to 40 lowercase letters"},
		{"empty name", "name", " ", "Give the group a name."},
		{"unknown colour", "color", "gold", "Choose one of the colours."},
		{"no tier", "policy", "tier", "Name the tier this group needs."},
	} {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set("slug", "tea")
		f.Set("name", "차 모임 Tea")
		f.Set(tc.field, tc.value)
		res := admin.post("/groups", f)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.name, res.Status)
		}
		mustContain(t, res.Body, tc.want, `aria-invalid="true"`)
		if tc.field != "name" {
			mustContain(t, res.Body, `value="차 모임 Tea"`)
		}
	}
	if n := s.count("groups", bson.M{}); n != 1 {
		t.Errorf("%d groups after refused forms, want 1", n)
	}
	page := member.get("/groups/coffee")
	mustContain(t, page.Body, "커피 애호가", "<strong>brews</strong>", "1 member", `data-testid="join"`)
}

// TestDirectoryBadges: the directory marks groups joined, requested and
// invited, hides unlisted groups from strangers and lists them for
// their members.
func TestDirectoryBadges(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "open-house", Name: "Open house"})
	s.newGroup(t, admin, community.GroupInput{Slug: "vip", Name: "VIP lounge", Policy: community.JoinApproval})
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "Secret club", Visibility: community.Unlisted, Policy: community.JoinInvite})
	minji := s.signUp(t, "minji@example.com")

	if res := s.newBrowser().get("/groups"); res.Status != http.StatusOK || strings.Contains(res.Body, "Secret club") {
		t.Errorf("signed out: %d; unlisted group shown: %v", res.Status, strings.Contains(res.Body, "Secret club"))
	}
	s.join(t, "open-house", minji)
	minji.post("/groups/vip/join", url.Values{"answer": {""}})
	if err := s.Community.InviteAccount(context.Background(), s.actor(t, admin), "secret", s.actor(t, minji).Account); err != nil {
		t.Fatal(err)
	}
	dir := minji.get("/groups")
	mustContain(t, dir.Body, `data-testid="badge-joined"`, `data-testid="badge-requested"`, `data-testid="badge-invited"`, "Secret club")
	stranger := s.signUp(t, "stranger@example.com")
	mustNotContain(t, stranger.get("/groups").Body, "Secret club", `data-testid="badge-joined"`)

	empty := newSite(t, siteOptions{})
	mustContain(t, empty.newBrowser().get("/groups").Body, `data-testid="directory-empty"`)
}

// TestJoinPolicies: open joins at once, by-request waits for a moderator
// who approves (the requester is told) or declines, invite-only refuses,
// tier needs the tier, and the owner cannot leave.
func TestJoinPolicies(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "open-house"})
	s.newGroup(t, admin, community.GroupInput{Slug: "vip", Name: "VIP", Policy: community.JoinApproval, Question: "Favourite product?"})
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Policy: community.JoinInvite})
	s.newGroup(t, admin, community.GroupInput{Slug: "premium", Policy: community.JoinTier, RequiredTier: "premium"})
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")

	if res := minji.post("/groups/open-house/join", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("join open: %d", res.Status)
	}
	mustContain(t, minji.follow("/groups/open-house").Body, "2 members", "Write a post")

	res := minji.post("/groups/vip/join", url.Values{"answer": {""}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("request without an answer: %d, want 422", res.Status)
	}
	mustContain(t, res.Body, "Please answer the question.", "Favourite product?")
	minji.post("/groups/vip/join", url.Values{"answer": {"The cold brew"}})
	jun.post("/groups/vip/join", url.Values{"answer": {"Mugs"}})
	mustContain(t, minji.get("/groups/vip").Body, `data-testid="membership-state"`)
	if res := minji.get("/groups/vip/members"); res.Status != http.StatusNotFound {
		t.Errorf("a requester reads the member list: %d, want 404", res.Status)
	}
	members := admin.get("/groups/vip/members")
	mustContain(t, members.Body, "The cold brew", "Mugs", `data-testid="approve"`)
	if res := admin.post("/groups/vip/members/"+string(minji.ID)+"/approve", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.Status)
	}
	if res := admin.post("/groups/vip/members/"+string(jun.ID)+"/decline", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("decline: %d", res.Status)
	}
	if res := admin.post("/groups/vip/members/"+string(minji.ID)+"/decline", nil); res.Status != http.StatusNotFound {
		t.Errorf("decline a request another moderator approved: %d, want 404", res.Status)
	}
	if res := admin.post("/groups/vip/members/"+string(jun.ID)+"/approve", nil); res.Status != http.StatusNotFound {
		t.Errorf("approve a declined request: %d, want 404", res.Status)
	}
	mustContain(t, minji.get("/notifications").Body, "Your request to join VIP was approved")
	mustContain(t, jun.get("/notifications").Body, "Your request to join VIP was declined")
	if res := minji.get("/groups/vip/members"); res.Status != http.StatusOK {
		t.Errorf("an approved member reads the list: %d", res.Status)
	}
	for who, kind := range map[auth.AccountID]string{minji.ID: "join_approved", jun.ID: "join_declined"} {
		if n := s.count("notifications", bson.M{"account": who, "kind": kind, "groupSlug": "vip"}); n != 1 {
			t.Errorf("%d %s notices for %s, want 1", n, kind, who)
		}
	}
	if n := s.count("group_members", bson.M{"account": jun.ID}); n != 0 {
		t.Errorf("a declined request is still stored")
	}
	var vip struct{ Members int }
	_ = s.DB.Collection("groups").FindOne(context.Background(), bson.M{"slug": "vip"}).Decode(&vip)
	if vip.Members != 2 {
		t.Errorf("vip has %d members after one approval, want 2", vip.Members)
	}
	if n := s.count("audit_log", bson.M{"action": bson.M{"$in": bson.A{"member.approve", "member.decline"}}}); n != 2 {
		t.Errorf("%d audit entries for the decisions, want 2", n)
	}

	if res := minji.post("/groups/secret/join", nil); res.Status != http.StatusForbidden {
		t.Errorf("join invite-only: %d, want 403", res.Status)
	} else {
		mustContain(t, res.Body, "This group takes members by invitation only.")
	}
	res = minji.post("/groups/premium/join", nil)
	if res.Status != http.StatusForbidden {
		t.Errorf("join a tier group without the tier: %d, want 403", res.Status)
	}
	mustContain(t, res.Body, "This group is for premium members", `href="/pricing"`) // no tier defined: its key stands for its name

	if res := minji.post("/groups/open-house/leave", nil); res.Status != http.StatusSeeOther {
		t.Errorf("leave: %d", res.Status)
	}
	if res := admin.post("/groups/open-house/leave", nil); res.Status != http.StatusSeeOther || res.Location != "/groups/open-house/members" {
		t.Errorf("owner leaves: %d to %q, want refused back to the members page", res.Status, res.Location)
	}
	var g struct{ Members int }
	_ = s.DB.Collection("groups").FindOne(context.Background(), bson.M{"slug": "open-house"}).Decode(&g)
	if g.Members != 1 {
		t.Errorf("open-house has %d members after minji left, want 1 (the owner)", g.Members)
	}
}

// TestInviteByAccount: a moderator invites by email; the person is told
// and accepts from the group page.
func TestInviteByAccount(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "Secret", Visibility: community.Unlisted, Policy: community.JoinInvite})
	minji := s.signUp(t, "minji@example.com")
	if res := minji.get("/groups/secret"); res.Status != http.StatusNotFound {
		t.Fatalf("before the invitation: %d, want 404", res.Status)
	}
	s.newGroup(t, admin, community.GroupInput{Slug: "lounge"})
	s.join(t, "lounge", minji)
	for _, email := range []string{"nobody@example.com", "admin@example.com"} {
		if res := minji.post("/groups/lounge/members/invite", url.Values{"email": {email}}); res.Status != http.StatusForbidden {
			t.Errorf("a member invites %s: %d, want 403 whether or not the address has an account", email, res.Status)
		}
	}
	res := admin.post("/groups/secret/members/invite", url.Values{"email": {"nobody@example.com"}})
	if res.Status != http.StatusSeeOther {
		t.Errorf("invite an unknown address: %d, want 303: the invitation goes by mail", res.Status)
	}
	s.Outbox.invitationTo(t, "nobody@example.com")
	if res := admin.post("/groups/secret/members/invite", url.Values{"email": {"MINJI@example.com"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("invite: %d %s", res.Status, res.Body)
	}
	mustContain(t, minji.get("/notifications").Body, "admin invited you to Secret")
	page := minji.get("/groups/secret")
	mustContain(t, page.Body, "Accept invitation")
	if res := minji.post("/groups/secret/join", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.Status)
	}
	if res := minji.get("/groups/secret/members"); res.Status != http.StatusOK {
		t.Errorf("after accepting: %d", res.Status)
	}
}

// TestInviteLinks: a single-use link admits exactly one of two people
// racing for it; expired and revoked links refuse clearly.
func TestInviteLinks(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "Secret", Visibility: community.Unlisted, Policy: community.JoinInvite})
	res := admin.post("/groups/secret/invites", url.Values{"uses": {"1"}, "days": {"7"}})
	if res.Status != http.StatusCreated {
		t.Fatalf("make a link: %d", res.Status)
	}
	link := regexpFind(t, res.Body, `(/invite/[A-Za-z0-9_-]{43})"`)
	if res := admin.post("/groups/secret/invites", url.Values{"uses": {"5000"}, "days": {"90"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("a link for 5000 people for 90 days: %d, want 422", res.Status)
	}

	a, b := s.signUp(t, "a@example.com"), s.signUp(t, "b@example.com")
	mustContain(t, s.newBrowser().get(link).Body, "You are invited to Secret", "Sign in first")
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, p := range []person{a, b} {
		p.get(link) // the page, for its CSRF token
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = p.post(link, nil).Status
		}()
	}
	wg.Wait()
	won := 0
	for _, st := range statuses {
		if st == http.StatusSeeOther {
			won++
		} else if st != http.StatusGone {
			t.Errorf("a loser got %d, want 410", st)
		}
	}
	if won != 1 || s.count("group_members", bson.M{"state": "active"}) != 2 {
		t.Errorf("%d won a single-use link; %d active members, want 1 and 2", won, s.count("group_members", bson.M{"state": "active"}))
	}

	res = admin.post("/groups/secret/invites", url.Values{"uses": {"0"}, "days": {"1"}})
	open := regexpFind(t, res.Body, `(/invite/[A-Za-z0-9_-]{43})"`)
	c := s.signUp(t, "c@example.com")
	s.Clock.Advance(25 * time.Hour)
	res = c.get(open)
	if res.Status != http.StatusGone {
		t.Errorf("an expired link: %d, want 410", res.Status)
	}
	mustContain(t, res.Body, "This invitation link is invalid, used up, revoked or expired.")

	res = admin.post("/groups/secret/invites", url.Values{"uses": {"0"}, "days": {"7"}})
	revoked := regexpFind(t, res.Body, `(/invite/[A-Za-z0-9_-]{43})"`)
	var newest struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("group_invites").FindOne(context.Background(), bson.M{},
		options.FindOne().SetSort(bson.D{{Key: "createdAt", Value: -1}})).Decode(&newest); err != nil {
		t.Fatal(err)
	}
	if res := admin.post("/groups/secret/invites/"+newest.ID+"/revoke", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.Status)
	}
	if res := c.post(revoked, nil); res.Status != http.StatusGone {
		t.Errorf("a revoked link: %d, want 410", res.Status)
	}
	if n := s.count("group_members", bson.M{"account": c.ID}); n != 0 {
		t.Errorf("c joined through a dead link")
	}
	var stored struct{ TokenHash string }
	_ = s.DB.Collection("group_invites").FindOne(context.Background(), bson.M{}).Decode(&stored)
	if strings.Contains(link, stored.TokenHash) || stored.TokenHash == "" {
		t.Errorf("the database holds the token itself, not its hash")
	}
}

// TestGroupOwnerManagesOwnGroupOnly: a group's owner who is not site staff
// edits their group and appoints moderators, but not another group.
func TestGroupOwnerManagesOwnGroupOnly(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	owner := s.signUp(t, "owner@example.com")
	s.makeSiteAdmin(t, owner)
	s.newGroup(t, owner, community.GroupInput{Slug: "mine", Name: "Mine"})
	s.newGroup(t, admin, community.GroupInput{Slug: "theirs"})
	s.setAccountRole(t, owner, auth.RoleMember)
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "mine", minji)
	s.join(t, "theirs", owner)

	edit := url.Values{"name": {"Mine, renamed"}, "color": {"pink"}, "visibility": {"listed"}, "policy": {"open"}, "hold_first_posts": {"2"}}
	if res := owner.post("/groups/mine/edit", edit); res.Status != http.StatusSeeOther {
		t.Fatalf("owner edits: %d %s", res.Status, res.Body)
	}
	mustContain(t, minji.get("/groups/mine").Body, "Mine, renamed")
	mustContain(t, owner.get("/groups/mine/edit").Body, `data-testid="slug-fixed"`, "/groups/mine")
	if res := minji.get("/groups/mine/edit"); res.Status != http.StatusForbidden {
		t.Errorf("a member opens the edit form: %d, want 403", res.Status)
	}
	if res := owner.post("/groups/theirs/edit", edit); res.Status != http.StatusForbidden {
		t.Errorf("owner edits another group: %d, want 403", res.Status)
	}
	if res := owner.post("/groups/mine/members/"+string(minji.ID)+"/role", url.Values{"role": {"moderator"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("appoint: %d", res.Status)
	}
	if n := s.count("audit_log", bson.M{"action": "member.role", "target": string(minji.ID)}); n != 1 {
		t.Errorf("%d audit entries for the appointment, want 1", n)
	}
	if n := s.count("group_members", bson.M{"account": minji.ID, "role": "moderator"}); n != 1 {
		t.Errorf("minji is not stored as a moderator")
	}
	if res := minji.get("/groups/mine/moderation"); res.Status != http.StatusOK {
		t.Errorf("the new moderator opens the queue: %d", res.Status)
	}
	if res := minji.post("/groups/mine/members/"+string(owner.ID)+"/moderate", url.Values{"action": {"ban"}}); res.Status != http.StatusForbidden {
		t.Errorf("a moderator bans the owner: %d, want 403", res.Status)
	}
}

// TestGroupPagesInKorean: the group pages speak Korean to Korean readers.
func TestGroupPagesInKorean(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	req, _ := http.NewRequest("GET", s.URL+"/groups/coffee", nil)
	req.Header.Set("Accept-Language", "ko-KR,ko")
	res := admin.do(req, false)
	mustContain(t, res.Body, `lang="ko"`, "아직 글이 없습니다", "글쓰기", "알림")
	req, _ = http.NewRequest("GET", s.URL+"/groups", nil)
	req.Header.Set("Accept-Language", "ko")
	mustContain(t, s.newBrowser().do(req, false).Body, "가장 열정적인 팬들을 위한 모임입니다")

	s.newGroup(t, admin, community.GroupInput{Slug: "vip", Name: "VIP", Policy: community.JoinApproval})
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "Secret", Visibility: community.Unlisted, Policy: community.JoinInvite})
	minji := s.signUp(t, "minji@example.com")
	minji.post("/groups/vip/join", url.Values{"answer": {"머그컵"}})
	if err := s.Community.InviteAccount(context.Background(), s.actor(t, admin), "secret", s.actor(t, minji).Account); err != nil {
		t.Fatal(err)
	}
	inKorean := func(path string) response {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Header.Set("Accept-Language", "ko")
		return minji.do(req, false)
	}
	mustContain(t, inKorean("/groups").Body, "내 비공개 그룹", "초대받음", "요청함")
	mustContain(t, inKorean("/groups/vip").Body, "가입 요청 취소")
	if res := inKorean("/groups/new"); res.Status != http.StatusForbidden {
		t.Errorf("a member opens the create form in Korean: %d, want 403", res.Status)
	} else {
		mustContain(t, res.Body, "그룹은 사이트 관리자만 만들 수 있습니다")
	}
}

// TestDirectoryPagesByName: the directory pages by name with ?after=,
// shows each group's description as a short excerpt, marks the viewer's
// groups on every page, keeps unlisted groups to their own people, and
// answers 404 to a cursor it did not make or may not reveal.
func TestDirectoryPagesByName(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	n := community.DirectoryPageSize + 3
	ids := map[string]community.GroupID{}
	for i := range n {
		slug := fmt.Sprintf("club-%02d", i)
		ids[slug] = s.newGroup(t, admin, community.GroupInput{Slug: slug, Name: fmt.Sprintf("Club %02d", i),
			Description: "Beans & **brews**\n\nand a second paragraph " + strings.Repeat("long ", 60)}).ID
	}
	secret := s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "A secret club", Visibility: community.Unlisted, Policy: community.JoinInvite})
	minji, stranger := s.signUp(t, "minji@example.com"), s.signUp(t, "stranger@example.com")
	last := fmt.Sprintf("club-%02d", n-1)
	s.join(t, last, minji)
	if err := s.Community.InviteAccount(context.Background(), s.actor(t, admin), "secret", s.actor(t, minji).Account); err != nil {
		t.Fatal(err)
	}

	first := minji.get("/groups")
	if got := strings.Count(first.Body, `data-testid="group-card"`); got != community.DirectoryPageSize+1 {
		t.Errorf("first page: %d cards, want %d listed and 1 unlisted", got, community.DirectoryPageSize)
	}
	mustContain(t, first.Body, "Your unlisted groups", "A secret club", `data-testid="badge-invited"`,
		"Club 00", "Club 23", "Beans &amp; brews and a second paragraph long", "…")
	mustNotContain(t, first.Body, "Club 24", "<strong>brews</strong>", `data-testid="badge-joined"`)
	next := regexpFind(t, first.Body, `href="(/groups\?after=[0-9a-f]{24})"`)
	if next != "/groups?after="+string(ids["club-23"]) {
		t.Errorf("next page link %q, want after club-23", next)
	}
	second := minji.get(next)
	if got := strings.Count(second.Body, `data-testid="group-card"`); got != 3 {
		t.Errorf("second page: %d cards, want 3", got)
	}
	mustContain(t, second.Body, "Club 24", "Club 26", `data-testid="badge-joined"`)
	mustNotContain(t, second.Body, "Club 23", "A secret club", `data-testid="directory-next"`, `data-testid="directory-empty"`)

	mustNotContain(t, stranger.get("/groups").Body, "A secret club", "Your unlisted groups")
	for _, bad := range []string{"/groups?after=nonsense", "/groups?after=" + string(secret.ID)} {
		if res := stranger.get(bad); res.Status != http.StatusNotFound {
			t.Errorf("%s as a stranger: %d, want 404", bad, res.Status)
		}
	}
	staff := admin.get("/groups")
	mustContain(t, staff.Body, "A secret club")
	mustNotContain(t, staff.Body, "Your unlisted groups")
}

// TestInviteLinkSignInAndBack: a signed-out visitor with an invitation
// link signs in and comes back to it, then joins; a return address off
// the site is ignored.
func TestInviteLinkSignInAndBack(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "Secret", Visibility: community.Unlisted, Policy: community.JoinInvite})
	res := admin.post("/groups/secret/invites", url.Values{"uses": {"1"}, "days": {"7"}})
	link := regexpFind(t, res.Body, `(/invite/[A-Za-z0-9_-]{43})"`)

	signIn := func(b *browser, email, from string) response {
		t.Helper()
		if r := b.get(from); r.Status != http.StatusOK {
			t.Fatalf("open %s: %d", from, r.Status)
		}
		b.post("/signin/email", url.Values{"email": {email}})
		u, _ := url.Parse(s.Outbox.LinkTo(t, email))
		b.get(u.RequestURI())
		return b.post("/signin/link", url.Values{"token": {u.Query().Get("token")}})
	}
	b := s.newBrowser()
	page := b.get(link)
	mustContain(t, page.Body, "Sign in first", `href="/signin?next=`+link+`"`)
	if r := signIn(b, "minji@example.com", "/signin?next="+link); r.Status != http.StatusSeeOther || r.Location != link {
		t.Fatalf("signed in to %d %q, want back at the invitation", r.Status, r.Location)
	}
	mustContain(t, b.get(link).Body, `data-testid="accept-invite"`)
	if r := b.post(link, nil); r.Status != http.StatusSeeOther || r.Location != "/groups/secret" {
		t.Fatalf("accept: %d %q", r.Status, r.Location)
	}
	if n := s.count("group_members", bson.M{"state": "active"}); n != 2 {
		t.Errorf("%d active members, want 2", n)
	}

	for _, evil := range []string{"//evil.example/x", "https://evil.example", "/\\evil.example"} {
		other := s.newBrowser()
		email := fmt.Sprintf("p%d@example.com", len(evil))
		if r := signIn(other, email, "/signin?next="+url.QueryEscape(evil)); r.Location != "/" {
			t.Errorf("next=%s led to %q, want /", evil, r.Location)
		}
	}
}

// TestWithdrawAndDecline: a requester withdraws their request and an
// invitee declines their invitation from the group page, each behind a
// confirmation; both are gone from the database and the directory.
func TestWithdrawAndDecline(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "vip", Name: "VIP", Policy: community.JoinApproval})
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "Secret", Visibility: community.Unlisted, Policy: community.JoinInvite})
	minji := s.signUp(t, "minji@example.com")
	minji.post("/groups/vip/join", url.Values{"answer": {"Mugs"}})
	if err := s.Community.InviteAccount(context.Background(), s.actor(t, admin), "secret", s.actor(t, minji).Account); err != nil {
		t.Fatal(err)
	}
	mustContain(t, minji.get("/groups/vip").Body, `data-testid="withdraw-request"`, `data-testid="confirm-withdraw-request"`)
	mustContain(t, minji.get("/groups/secret").Body, `data-testid="decline-invitation"`, `data-testid="confirm-decline-invitation"`)

	if res := minji.post("/groups/vip/leave", nil); res.Status != http.StatusSeeOther || res.Location != "/groups" {
		t.Fatalf("withdraw: %d %q", res.Status, res.Location)
	}
	mustContain(t, minji.get("/groups").Body, "Your request to join was withdrawn.")
	if res := minji.post("/groups/secret/leave", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("decline: %d", res.Status)
	}
	dir := minji.get("/groups")
	mustContain(t, dir.Body, "You declined the invitation.")
	mustNotContain(t, dir.Body, "Secret", `data-testid="badge-requested"`)
	if n := s.count("group_members", bson.M{"account": minji.ID}); n != 0 {
		t.Errorf("%d relations left after withdrawing and declining, want 0", n)
	}
	if res := minji.get("/groups/secret"); res.Status != http.StatusNotFound {
		t.Errorf("the unlisted group after declining: %d, want 404", res.Status)
	}
	mustNotContain(t, admin.get("/groups/vip/members").Body, "Mugs")
}

// TestHandOverGroup: the owner hands the group to a member behind a
// confirmation and becomes a moderator who may leave; a moderator cannot
// hand it over; six hand-overs racing leave exactly one owner.
func TestHandOverGroup(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	owner := s.signUp(t, "owner@example.com")
	s.makeSiteAdmin(t, owner)
	s.newGroup(t, owner, community.GroupInput{Slug: "mine", Name: "Mine"})
	s.setAccountRole(t, owner, auth.RoleMember)
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, "mine", minji)
	s.join(t, "mine", jun)
	owners := func() int64 { return s.count("group_members", bson.M{"role": "owner", "state": "active"}) }

	admin.post("/groups/mine/members/"+string(jun.ID)+"/role", url.Values{"role": {"moderator"}})
	if res := jun.post("/groups/mine/members/"+string(minji.ID)+"/role", url.Values{"role": {"owner"}}); res.Status != http.StatusForbidden {
		t.Errorf("a moderator hands the group over: %d, want 403", res.Status)
	}
	mustContain(t, owner.get("/groups/mine/members").Body, `data-testid="make-owner"`, `data-testid="confirm-make-owner"`)
	if res := owner.post("/groups/mine/members/"+string(minji.ID)+"/role", url.Values{"role": {"owner"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("hand over: %d %s", res.Status, res.Body)
	}
	if s.count("group_members", bson.M{"account": minji.ID, "role": "owner"}) != 1 ||
		s.count("group_members", bson.M{"account": owner.ID, "role": "moderator"}) != 1 || owners() != 1 {
		t.Errorf("after the hand-over: minji is not the one owner, or the old owner is not a moderator")
	}
	if n := s.count("audit_log", bson.M{"action": "member.role", "target": string(minji.ID), "reason": "owner"}); n != 1 {
		t.Errorf("%d audit entries for the hand-over, want 1", n)
	}
	if res := owner.get("/groups/mine/edit"); res.Status != http.StatusForbidden {
		t.Errorf("the old owner edits: %d, want 403", res.Status)
	}
	if res := minji.get("/groups/mine/edit"); res.Status != http.StatusOK {
		t.Errorf("the new owner edits: %d", res.Status)
	}
	if res := owner.post("/groups/mine/leave", nil); res.Status != http.StatusSeeOther || res.Location != "/groups" {
		t.Errorf("the old owner leaves: %d %q", res.Status, res.Location)
	}

	var racers []person
	for i := range 6 {
		p := s.signUp(t, fmt.Sprintf("staff%d@example.com", i))
		s.makeSiteAdmin(t, p)
		s.join(t, "mine", p)
		p.get("/groups/mine/members") // for the CSRF token
		racers = append(racers, p)
	}
	var wg sync.WaitGroup
	for _, p := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.post("/groups/mine/members/"+string(p.ID)+"/role", url.Values{"role": {"owner"}})
		}()
	}
	wg.Wait()
	if n := owners(); n != 1 {
		t.Errorf("%d owners after six hand-overs raced, want 1", n)
	}
}
