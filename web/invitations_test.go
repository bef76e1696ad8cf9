package web_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/ratelimit"
)

var invitationRE = regexp.MustCompile(`https?://\S+(/invitations/[0-9a-f]{24}\.[A-Za-z0-9_-]{43})`)

// invitationTo returns the path of the newest invitation mailed to email,
// and the mail.
func (o *outbox) invitationTo(t *testing.T, email string) (string, Mail) {
	t.Helper()
	ms := o.Mails()
	for i := len(ms) - 1; i >= 0; i-- {
		if m := invitationRE.FindStringSubmatch(ms[i].Text); ms[i].To == email && m != nil {
			return m[1], ms[i]
		}
	}
	t.Fatalf("no invitation mailed to %s; outbox: %+v", email, ms)
	return "", Mail{}
}

// accountOf returns the _id of the live account whose primary email is
// email, or "" if there is none.
func (s *site) accountOf(t *testing.T, email string) string {
	t.Helper()
	var d struct {
		ID string `bson:"_id"`
	}
	err := s.DB.Collection("accounts").FindOne(context.Background(), bson.M{"email": email, "deletedAt": bson.M{"$exists": false}}).Decode(&d)
	if err != nil {
		return ""
	}
	return d.ID
}

// TestInviteByEmailSignsUp: a moderator invites an address no account
// holds; its owner gets a mail in the inviter's language, and its link
// makes them an account with that verified address and a member of the
// group, signed in and looking at it. The link works once.
func TestInviteByEmailSignsUp(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "Secret", Visibility: community.Unlisted, Policy: community.JoinInvite,
		Description: "Beans before they ship."})
	const email = "newbie@example.com"

	res := admin.post("/groups/secret/members/invite", url.Values{"email": {"NewBie@example.com "}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("invite an address with no account: %d, want 303\n%s", res.Status, res.Body)
	}
	page := admin.get(res.Location).Body
	mustContain(t, page, "Invitation sent.", `data-testid="mailed-invitation"`, email)
	mustNotContain(t, page, "No one has an account")
	s.signUp(t, "known@example.com")
	if res := admin.post("/groups/secret/members/invite", url.Values{"email": {"known@example.com"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("invite an address with an account: %d, want 303\n%s", res.Status, res.Body)
	}
	mustContain(t, admin.get(res.Location).Body, "Invitation sent.") // the same words: no telling who has an account
	link, m := s.Outbox.invitationTo(t, email)
	if m.Subject != "[fanclub] admin invited you to join Secret" || !strings.Contains(m.Text, "works once, for 7 days") {
		t.Errorf("the mail: %q\n%s", m.Subject, m.Text)
	}
	if s.accountOf(t, email) != "" {
		t.Fatal("inviting made an account before anyone accepted")
	}

	b := s.newBrowser()
	opened := b.get(link)
	if opened.Status != http.StatusOK {
		t.Fatalf("open the invitation: %d", opened.Status)
	}
	mustContain(t, opened.Body, "You are invited to Secret", "admin invited newbie@example.com.", "Beans before they ship.", `data-testid="accept-invitation"`)
	mustNotContain(t, opened.Body, `data-testid="signin-legal"`) // the club has no terms yet
	if b.signedIn() || s.accountOf(t, email) != "" || s.count("email_invitations", bson.M{}) != 1 {
		t.Fatal("opening the link signed in, made an account or used it up: a mail scanner would have")
	}

	res = b.post(link, nil)
	if res.Status != http.StatusSeeOther || res.Location != "/groups/secret" {
		t.Fatalf("accept: %d to %q\n%s", res.Status, res.Location, res.Body)
	}
	mustContain(t, b.get("/groups/secret").Body, brT(t, "en", "flash.invitation_accepted"), "Beans before they ship.")
	if !b.signedIn() {
		t.Fatal("not signed in after accepting")
	}
	id := s.accountOf(t, email)
	switch {
	case id == "":
		t.Fatal("no account for the invited address")
	case s.count("accounts", bson.M{"_id": id, "emailVerified": true}) != 1:
		t.Error("the new account's address is not verified")
	case s.count("identities", bson.M{"_id": "email:" + email, "accountId": id}) != 1:
		t.Error("the new account cannot sign in by email link")
	case s.count("group_members", bson.M{"account": id, "state": "active", "role": "member"}) != 1:
		t.Error("the new account is not an active member of the group")
	case s.count("email_invitations", bson.M{}) != 0:
		t.Error("the invitation is still pending")
	}
	mustContain(t, b.get("/groups/secret/members").Body, "newbie")
	mustNotContain(t, admin.get("/groups/secret/members").Body, `data-testid="mailed-invitation"`)

	t.Run("the link works once", func(t *testing.T) {
		other := s.newBrowser()
		other.get("/signin") // a session, for the CSRF token
		res := other.post(link, nil)
		if res.Status != http.StatusGone {
			t.Fatalf("replay: %d, want 410", res.Status)
		}
		mustContain(t, res.Body, brT(t, "en", "invite.error.invalid"))
		if other.signedIn() || s.count("accounts", bson.M{}) != 3 || s.count("group_members", bson.M{"group": bson.M{"$exists": true}, "account": id}) != 1 {
			t.Error("a replayed link signed in or made something")
		}
		if res := other.get(link); res.Status != http.StatusGone {
			t.Errorf("opening a used link: %d, want 410", res.Status)
		}
	})

	t.Run("the mail is in the inviter's language, under the club's name in it", func(t *testing.T) {
		if r := admin.postMultipart("/admin/site", moonlight(), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("name the club: %d", r.Status)
		}
		for _, tc := range []struct{ lang, to, subject, text string }{
			{"ko", "jiwoo@example.com", "[달빛 클럽] admin님이 Secret 모임에 초대했어요", "7일 동안 한 번만"},
			{"en", "sam@example.com", "[Moonlight Club] admin invited you to join Secret", "works once, for 7 days"},
		} {
			form := url.Values{"email": {tc.to}, "_csrf": {admin.csrf()}}
			res := admin.postRaw("/groups/secret/members/invite", form, map[string]string{"Origin": s.URL, "Accept-Language": tc.lang})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("invite in %s: %d", tc.lang, res.Status)
			}
			_, m := s.Outbox.invitationTo(t, tc.to)
			if m.Subject != tc.subject || !strings.Contains(m.Text, tc.text) {
				t.Errorf("the %s mail: %q\n%s", tc.lang, m.Subject, m.Text)
			}
		}
	})

	t.Run("accepting, which may make an account, shows the club's terms and privacy policy", func(t *testing.T) {
		link, _ := s.Outbox.invitationTo(t, "sam@example.com") // the club has both now
		mustContain(t, s.newBrowser().get(link).Body, `data-testid="accept-invitation"`, `data-testid="signin-terms"`,
			`href="/terms"`, `href="/privacy"`)
	})
}

// TestEmailInvitationWhileSignedIn: opening or accepting an invitation
// while another account is signed in switches to nobody: the page says
// whose the invitation is, in the viewer's language, and offers to sign
// out; the link still works afterwards. Signed in as the account that
// holds the address, accepting lets that account in.
func TestEmailInvitationWhileSignedIn(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Name: "Club"})
	for _, email := range []string{"guest@example.com", "later@example.com"} {
		if res := admin.post("/groups/club/members/invite", url.Values{"email": {email}}); res.Status != http.StatusSeeOther {
			t.Fatalf("invite %s: %d", email, res.Status)
		}
	}
	other := s.signUp(t, "other@example.com")
	link, _ := s.Outbox.invitationTo(t, "guest@example.com")
	session := other.cookie("fanclub_session")

	for _, tc := range []struct{ lang, text string }{
		{"en", html.EscapeString("This invitation is for guest@example.com; you're signed in as other. Sign out, then open the link again.")},
		{"ko", "이 초대는 guest@example.com 주소로 온 것인데, 지금 other님으로 로그인되어 있어요."},
	} {
		opened := other.get(link) // English, the rig's browser
		res := other.postRaw(link, url.Values{"_csrf": {other.csrf()}}, map[string]string{"Origin": s.URL, "Accept-Language": tc.lang})
		if res.Status != http.StatusOK {
			t.Fatalf("accept as another account (%s): %d, want 200\n%s", tc.lang, res.Status, res.Body)
		}
		mustContain(t, res.Body, tc.text, `action="/signout"`, `data-testid="invitation-signout"`)
		mustContain(t, opened.Body, "This invitation is for guest@example.com", `data-testid="invitation-signout"`)
		mustNotContain(t, opened.Body, `data-testid="accept-invitation"`)
	}
	if other.cookie("fanclub_session") != session || !strings.Contains(other.get("/settings").Body, "other@example.com") {
		t.Error("the browser left the account signed in")
	}
	if s.accountOf(t, "guest@example.com") != "" || s.count("email_invitations", bson.M{"email": "guest@example.com"}) != 1 ||
		s.count("group_members", bson.M{"account": other.ID}) != 0 {
		t.Error("a refused acceptance made an account, used the link or let someone in")
	}

	t.Run("signed in as the address's account", func(t *testing.T) {
		later := s.signUp(t, "later@example.com") // signed up after the invitation was mailed
		link, _ := s.Outbox.invitationTo(t, "later@example.com")
		mustContain(t, later.get(link).Body, `data-testid="accept-invitation"`)
		res := later.post(link, nil)
		if res.Status != http.StatusSeeOther || res.Location != "/groups/club" {
			t.Fatalf("accept: %d to %q\n%s", res.Status, res.Location, res.Body)
		}
		if s.count("group_members", bson.M{"account": later.ID, "state": "active"}) != 1 || s.count("accounts", bson.M{}) != 3 {
			t.Error("the signed-in account is not let in, or another account was made")
		}
		mustContain(t, later.get("/settings").Body, "later@example.com")
	})
}

// TestEmailInvitationSurvivesAFailure: an error partway through accepting
// leaves the link working, so a second try lets the person in; of two
// acceptances at once, the one that comes second repeats harmless steps
// and is told the link is used.
func TestEmailInvitationSurvivesAFailure(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Name: "Club"})
	ctx := context.Background()
	for _, email := range []string{"a@example.com", "b@example.com"} {
		if res := admin.post("/groups/club/members/invite", url.Values{"email": {email}}); res.Status != http.StatusSeeOther {
			t.Fatalf("invite %s: %d", email, res.Status)
		}
	}

	link, _ := s.Outbox.invitationTo(t, "a@example.com")
	flaky := func(context.Context, string) (auth.Account, error) {
		return auth.Account{}, errors.New("the database is away")
	}
	if _, err := s.Community.AcceptEmailInvitation(ctx, strings.TrimPrefix(link, "/invitations/"), flaky); err == nil {
		t.Fatal("a failed sign-in accepted the invitation")
	}
	b := s.newBrowser()
	b.get(link)
	if res := b.post(link, nil); res.Status != http.StatusSeeOther || res.Location != "/groups/club" {
		t.Fatalf("accept again after the failure: %d to %q, want 303 to /groups/club", res.Status, res.Location)
	}

	link, _ = s.Outbox.invitationTo(t, "b@example.com")
	token := strings.TrimPrefix(link, "/invitations/")
	var first error
	second := func(ctx context.Context, email string) (auth.Account, error) {
		_, first = s.Community.AcceptEmailInvitation(ctx, token, s.Auth.SignInVerifiedEmail) // the other click wins meanwhile
		return s.Auth.SignInVerifiedEmail(ctx, email)
	}
	_, err := s.Community.AcceptEmailInvitation(ctx, token, second)
	if first != nil || !errors.Is(err, community.ErrInviteInvalid) {
		t.Errorf("two clicks at once: the first got %v and the second %v, want nil and ErrInviteInvalid", first, err)
	}
	id := s.accountOf(t, "b@example.com")
	if id == "" || s.count("accounts", bson.M{"email": "b@example.com"}) != 1 ||
		s.count("group_members", bson.M{"account": id, "state": "active"}) != 1 {
		t.Error("two clicks at once did not make exactly one account, a member")
	}
}

// TestEmailInvitationToEventOver: an invitation to an event accepted
// after the event was cancelled or ended lets its holder into the group,
// records no invitation to the event, and lands on the group saying so.
func TestEmailInvitationToEventOver(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Name: "Club"})
	zone := mustZone(t, "Asia/Seoul")
	for _, tc := range []struct {
		name, email string
		end         func(path string)
	}{
		{"cancelled", "cancelled@example.com", func(path string) {
			if res := admin.post(path+"/cancel", url.Values{"confirm": {"1"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("cancel: %d", res.Status)
			}
		}},
		{"ended", "ended@example.com", func(string) { s.Clock.Advance(5 * time.Hour) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := evForm("Tasting "+tc.name, "Asia/Seoul", s.Clock.Now().Add(2*time.Hour).In(zone))
			form.Set("access", "invited")
			path := createEvent(t, admin, "club", form)
			if res := admin.post(path+"/invite", url.Values{"by": {"people"}, "people": {tc.email}}); res.Status != http.StatusSeeOther {
				t.Fatalf("invite: %d", res.Status)
			}
			link, _ := s.Outbox.invitationTo(t, tc.email)
			tc.end(path)
			b := s.newBrowser()
			b.get(link)
			res := b.post(link, nil)
			if res.Status != http.StatusSeeOther || res.Location != "/groups/club" {
				t.Fatalf("accept: %d to %q, want the group", res.Status, res.Location)
			}
			mustContain(t, b.get(res.Location).Body, brT(t, "en", "flash.invitation_event_over"))
			id := s.accountOf(t, tc.email)
			if id == "" || s.count("group_members", bson.M{"account": id, "state": "active"}) != 1 ||
				s.count("invitations", bson.M{"account": id}) != 0 {
				t.Errorf("want a member of the group with no invitation to the event (account %q)", id)
			}
		})
	}
}

// TestInviteToEventByEmail: a host invites to an invite-only event a
// member and an address with no account; the address's owner accepts,
// becomes a member of the group and lands on the event, invited.
func TestInviteToEventByEmail(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Name: "Club"})
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "club", minji)
	form := evForm("Roastery launch", "Asia/Seoul", s.Clock.Now().Add(72*time.Hour).In(mustZone(t, "Asia/Seoul")))
	form.Set("access", "invited")
	path := createEvent(t, admin, "club", form)
	mustContain(t, admin.get(path+"/invite").Body, brT(t, "en", "invitation.people_hint"))

	res := admin.post(path+"/invite", url.Values{"by": {"people"}, "people": {"minji@example.com, guest@example.com"}})
	if res.Status != http.StatusSeeOther || res.Location != path {
		t.Fatalf("invite a member and an address: %d %q\n%s", res.Status, res.Location, res.Body)
	}
	if s.count("invitations", bson.M{"account": minji.ID}) != 1 {
		t.Error("the member is not invited as before")
	}
	link, m := s.Outbox.invitationTo(t, "guest@example.com")
	if m.Subject != "[fanclub] admin invited you to Roastery launch" || !strings.Contains(m.Text, "an event of Club") {
		t.Errorf("the mail: %q\n%s", m.Subject, m.Text)
	}
	mustContain(t, admin.get("/groups/club/members").Body, "guest@example.com", "to Roastery launch")

	b := s.newBrowser()
	mustContain(t, b.get(link).Body, "You are invited to Roastery launch, an event of Club")
	res = b.post(link, nil)
	if res.Status != http.StatusSeeOther || res.Location != path {
		t.Fatalf("accept: %d to %q, want %s", res.Status, res.Location, path)
	}
	page := b.get(path)
	if page.Status != http.StatusOK {
		t.Fatalf("the invited guest opens the invite-only event: %d", page.Status)
	}
	mustContain(t, page.Body, "Roastery launch", `data-testid="invitation-banner"`)
	id := s.accountOf(t, "guest@example.com")
	if id == "" || s.count("group_members", bson.M{"account": id, "state": "active"}) != 1 ||
		s.count("invitations", bson.M{"account": id}) != 1 {
		t.Errorf("the guest's account, membership or invitation is missing (account %q)", id)
	}
}

// TestEmailInvitationRefusals: a forged, malformed, revoked or expired
// link is refused with 410 and creates nothing; a banned account that
// holds the address stays out, and is not signed in.
func TestEmailInvitationRefusals(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Name: "Club"})
	invite := func(email string) string {
		t.Helper()
		if res := admin.post("/groups/club/members/invite", url.Values{"email": {email}}); res.Status != http.StatusSeeOther {
			t.Fatalf("invite %s: %d", email, res.Status)
		}
		link, _ := s.Outbox.invitationTo(t, email)
		return link
	}
	accounts := s.count("accounts", bson.M{})
	nothingMade := func(t *testing.T, b *browser) {
		t.Helper()
		if b.signedIn() || s.count("accounts", bson.M{}) != accounts || s.count("group_members", bson.M{}) != 1 {
			t.Error("a refused link signed in, or made an account or a member")
		}
	}

	good := invite("a@example.com")
	id, secret, _ := strings.Cut(strings.TrimPrefix(good, "/invitations/"), ".")
	flipped := []byte(secret)
	flipped[0] ^= 1
	revoked := invite("b@example.com")
	var d struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("email_invitations").FindOne(context.Background(), bson.M{"email": "b@example.com"}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if res := admin.post("/groups/club/email-invitations/"+d.ID+"/revoke", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.Status)
	}
	for name, link := range map[string]string{
		"forged secret":  "/invitations/" + id + "." + string(flipped),
		"no secret":      "/invitations/" + id,
		"someone else's": "/invitations/" + strings.Repeat("0", 24) + "." + secret,
		"not an id":      "/invitations/x." + secret,
		"revoked":        revoked,
	} {
		t.Run(name, func(t *testing.T) {
			b := s.newBrowser()
			if res := b.get(link); res.Status != http.StatusGone {
				t.Errorf("open: %d, want 410", res.Status)
			}
			b.get("/signin")
			res := b.post(link, nil)
			if res.Status != http.StatusGone {
				t.Errorf("accept: %d, want 410", res.Status)
			}
			mustContain(t, res.Body, brT(t, "en", "invite.error.invalid"))
			nothingMade(t, b)
		})
	}
	t.Run("expired", func(t *testing.T) {
		s.Clock.Advance(community.EmailInviteLifetime + time.Minute)
		b := s.newBrowser()
		b.get("/signin")
		if res := b.post(good, nil); res.Status != http.StatusGone {
			t.Errorf("accept after 7 days: %d, want 410", res.Status)
		}
		nothingMade(t, b)
	})

	t.Run("banned", func(t *testing.T) {
		link := invite("spammer@example.com") // before they had an account
		spammer := s.signUp(t, "spammer@example.com")
		s.join(t, "club", spammer)
		if res := admin.post("/groups/club/members/"+string(spammer.ID)+"/moderate", url.Values{"action": {"ban"}, "reason": {"Spam"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("ban: %d", res.Status)
		}
		b := s.newBrowser()
		b.get("/signin")
		if res := b.post(link, nil); res.Status != http.StatusNotFound {
			t.Errorf("a banned account accepts: %d, want 404", res.Status)
		}
		if b.signedIn() || s.count("group_members", bson.M{"account": spammer.ID, "state": "banned"}) != 1 {
			t.Error("the banned account got signed in, or out of its ban")
		}
		if res := admin.post("/groups/club/members/invite", url.Values{"email": {"spammer@example.com"}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("inviting a banned account's address: %d, want 422", res.Status)
		}
	})
}

// TestEmailInvitationLimits: inviting an address again refreshes its one
// pending invitation (the old link dies); past the inviter's daily limit
// the form says so, keeping what was typed, and mails nothing.
func TestEmailInvitationLimits(t *testing.T) {
	o := crowd()
	o.limits.InvitesPerDay = ratelimit.Rule{Max: 3, Window: 24 * time.Hour}
	s := newSite(t, o)
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Name: "Club"})
	invite := func(email string) response {
		t.Helper()
		return admin.post("/groups/club/members/invite", url.Values{"email": {email}})
	}
	invite("a@example.com")
	first, _ := s.Outbox.invitationTo(t, "a@example.com")
	invite("a@example.com")
	second, _ := s.Outbox.invitationTo(t, "a@example.com")
	if first == second || s.count("email_invitations", bson.M{"email": "a@example.com"}) != 1 {
		t.Fatalf("inviting again: links %s and %s, %d pending", first, second, s.count("email_invitations", bson.M{"email": "a@example.com"}))
	}
	b := s.newBrowser()
	if res := b.get(first); res.Status != http.StatusGone {
		t.Errorf("the replaced link: %d, want 410", res.Status)
	}
	if res := b.get(second); res.Status != http.StatusOK {
		t.Errorf("the fresh link: %d, want 200", res.Status)
	}

	if res := invite("b@example.com"); res.Status != http.StatusSeeOther {
		t.Fatalf("the third mail of the day: %d", res.Status)
	}
	mails := len(s.Outbox.Mails())
	res := invite("c@example.com")
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("past the daily limit: %d, want 422", res.Status)
	}
	mustContain(t, res.Body, brT(t, "en", "invite.error.daily_limit"), `value="c@example.com"`)
	if len(s.Outbox.Mails()) != mails || s.count("email_invitations", bson.M{"email": "c@example.com"}) != 0 {
		t.Error("a refused invitation was mailed or stored")
	}
	res = admin.post("/groups/club/members/invite", url.Values{"email": {"not an address"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("a malformed address: %d, want 422", res.Status)
	}
	mustContain(t, res.Body, brT(t, "en", "invite.error.email_invalid"), `value="not an address"`)
}

// TestJoinRequestTellsModerators: a request to join an approval group
// gives its owner and each moderator a notice that leads to the members
// page, and a mail to those who chose it in Settings; plain members hear
// nothing.
func TestJoinRequestTellsModerators(t *testing.T) {
	s, admin, mod, plain, asker := approvalClub(t)
	before := len(s.Outbox.Mails())

	if res := asker.post("/groups/club/join", url.Values{"answer": {"I roast at home"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("ask to join: %d", res.Status)
	}
	s.drain(t)
	for _, p := range []person{admin, mod} {
		page := p.get("/notifications")
		mustContain(t, page.Body, "asker asked to join Club")
		id := regexpFind(t, page.Body, `name="id" value="([0-9a-f]{24})"`)
		if res := p.post("/notifications/read", url.Values{"id": {id}}); res.Location != "/groups/club/members#requests" {
			t.Errorf("%s's notice leads to %q, want the members page's requests", p.Name, res.Location)
		}
	}
	mustNotContain(t, plain.get("/notifications").Body, "asked to join")
	var toMod, toOthers int
	for _, m := range s.Outbox.Mails()[before:] {
		switch {
		case m.To == mod.Email && m.Subject == "[fanclub] asker asked to join Club" && strings.Contains(m.Text, "/groups/club/members#requests"):
			toMod++
		default:
			toOthers++
		}
	}
	if toMod != 1 || toOthers != 0 {
		t.Errorf("%d mails to the moderator who chose them and %d to others, want 1 and 0", toMod, toOthers)
	}
	mustContain(t, admin.get("/groups/club/members").Body, `data-testid="request"`, "I roast at home")
}

// approvalClub is a group "club" that approves who joins, its owner
// admin, a moderator who chose mail about requests, a plain member and
// someone who will ask to join; the queue is drained.
func approvalClub(t *testing.T) (s *site, admin, mod, plain, asker person) {
	t.Helper()
	s = newSite(t, crowd())
	admin = s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club", Name: "Club", Policy: community.JoinApproval})
	mod, plain, asker = s.signUp(t, "mod@example.com"), s.signUp(t, "plain@example.com"), s.signUp(t, "asker@example.com")
	ctx := context.Background()
	for _, p := range []person{mod, plain} {
		if err := s.Community.InviteAccount(ctx, s.actor(t, admin), "club", s.actor(t, p).Account); err != nil {
			t.Fatal(err)
		}
		s.join(t, "club", p)
	}
	if err := s.Community.SetRole(ctx, s.actor(t, admin), "club", mod.ID, community.RoleModerator); err != nil {
		t.Fatal(err)
	}
	settings := mod.get("/settings")
	mustContain(t, settings.Body, brT(t, "en", "settings.mail.join"), `data-testid="mail-join"`)
	if res := mod.post("/settings/mail", url.Values{"mail": {"none"}, "join": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("choose mail about requests: %d", res.Status)
	}
	if !regexp.MustCompile(`id="mail-join"[^>]*checked`).MatchString(mod.get("/settings").Body) {
		t.Error("the choice is not shown as saved")
	}
	s.drain(t)
	return s, admin, mod, plain, asker
}

// TestJoinRequestOncePerDay: someone who asks to join, withdraws and asks
// again over and over tells each moderator once that day, by notice and
// by mail; asking again the next day tells them again.
func TestJoinRequestOncePerDay(t *testing.T) {
	s, admin, mod, _, asker := approvalClub(t)
	before := len(s.Outbox.Mails())
	told := func(t *testing.T, want int64) {
		t.Helper()
		for _, p := range []person{admin, mod} {
			if n := s.count("notifications", bson.M{"account": p.ID, "kind": "join_request"}); n != want {
				t.Errorf("%s has %d notices of the request, want %d", p.Name, n, want)
			}
		}
		var mails int64
		for _, m := range s.Outbox.Mails()[before:] {
			if m.To == mod.Email && m.Subject == "[fanclub] asker asked to join Club" {
				mails++
			}
		}
		if mails != want {
			t.Errorf("the moderator got %d mails about the request, want %d", mails, want)
		}
	}
	ask := func(t *testing.T) {
		t.Helper()
		if res := asker.post("/groups/club/join", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("ask to join: %d", res.Status)
		}
		s.drain(t)
	}
	withdraw := func(t *testing.T) {
		t.Helper()
		if res := asker.post("/groups/club/leave", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("withdraw the request: %d", res.Status)
		}
	}
	ask(t)
	for range 5 {
		withdraw(t)
		ask(t)
	}
	told(t, 1)
	mustContain(t, mod.get("/groups/club/members").Body, `data-testid="request"`)

	s.Clock.Advance(24 * time.Hour)
	withdraw(t)
	ask(t)
	told(t, 2)
}
