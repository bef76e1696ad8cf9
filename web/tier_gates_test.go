package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/membership"
)

// tgTier has the site's staff define a tier with no prices: it needs no
// Stripe, and comps hand it out.
func tgTier(t *testing.T, s *site, staff person, key, name, rank string) {
	t.Helper()
	s.saveTier(t, staff, membership.TierInput{Key: key, Name: name, Rank: rank})
}

// tgComp has staff give the person a tier, as the admin page does.
func tgComp(t *testing.T, s *site, staff, p person, tier string) {
	t.Helper()
	if _, _, err := s.Membership.GrantComp(context.Background(), s.actor(t, staff).Account,
		membership.CompInput{Email: p.Email, Tier: tier, Reason: "a test"}, s.Auth.AccountByEmail, time.UTC); err != nil {
		t.Fatalf("comp %s %s: %v", p.Name, tier, err)
	}
}

// tgRevoke has staff end the person's comp.
func tgRevoke(t *testing.T, s *site, staff, p person) {
	t.Helper()
	if _, err := s.Membership.RevokeComp(context.Background(), s.actor(t, staff).Account, p.ID); err != nil {
		t.Fatalf("revoke %s: %v", p.Name, err)
	}
}

// tgTierSite is a site with two tiers, premium (rank 1) and vip (rank 2),
// and its owner, who defines them.
func tgTierSite(t *testing.T) (*site, person) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	tgTier(t, s, owner, "premium", "Premium", "1")
	tgTier(t, s, owner, "vip", "VIP", "2")
	return s, owner
}

const tgLapsed = "Your membership no longer includes this group"

// TestTierGroupNeedsTheTierContinuously: a member comped premium joins a
// premium group and reads it; once the comp is revoked, every content URL
// of the group answers 404 as to a stranger, My events and the calendar
// feed drop its event, and the group's page says the membership no longer
// includes it, with a way to renew. The membership is kept: comped
// again, the member reads it at once, with no new join.
func TestTierGroupNeedsTheTierContinuously(t *testing.T) {
	s, owner := tgTierSite(t)
	g := s.newGroup(t, owner, community.GroupInput{Slug: "lounge", Name: "Premium lounge", Policy: community.JoinTier, RequiredTier: "premium"})
	minji := s.signUp(t, "minji@example.com")
	tgComp(t, s, owner, minji, "premium")

	if res := minji.post("/groups/lounge/join", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("join with the tier: %d %s", res.Status, res.Body)
	}
	post := acPost(t, s, minji, g.Slug, "Premium chat for the lounge")
	base := "/groups/" + g.Slug
	postURL := base + "/posts/" + post
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, owner), g.Slug, community.IdeaInput{Title: "A lounge idea"})
	if err != nil {
		t.Fatal(err)
	}
	e := acEvent(t, s, s.actor(t, owner), g.Slug, acEventInput(s, "Lounge listening night", community.AccessMembers))
	eventURL := base + "/events/" + string(e.ID)
	if res := minji.post(eventURL+"/rsvp", url.Values{"going": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("rsvp: %d", res.Status)
	}
	content := []string{postURL, base + "/members", base + "/events", eventURL, eventURL + "/event.ics",
		base + "/ideas", base + "/ideas/" + string(idea.ID)}
	reads := func(step string) {
		t.Helper()
		for _, path := range content {
			if res := minji.get(path); res.Status != http.StatusOK {
				t.Errorf("%s: GET %s: %d, want 200", step, path, res.Status)
			}
		}
		mine := minji.get("/events").Body
		mustContain(t, mine, e.Title)
		mustContain(t, minji.get(acFeedURL(t, mine)).Body, "SUMMARY:"+e.Title)
		page := minji.get(base).Body
		mustContain(t, page, "Premium chat for the lounge")
		mustNotContain(t, page, tgLapsed)
	}
	reads("with the comp")

	tgRevoke(t, s, owner, minji)
	for _, path := range content {
		res := minji.get(path)
		if res.Status != http.StatusNotFound {
			t.Errorf("lapsed: GET %s: %d, want 404", path, res.Status)
		}
		mustNotContain(t, res.Body, "Premium chat for the lounge", e.Title, idea.Title)
	}
	for path, form := range map[string]url.Values{base + "/posts": {"body": {"Still here?"}}, postURL + "/comments": {"body": {"Hello?"}},
		eventURL + "/rsvp": {"going": {"0"}}} {
		if res := minji.post(path, form); res.Status != http.StatusNotFound {
			t.Errorf("lapsed: POST %s: %d, want 404", path, res.Status)
		}
	}
	mine := minji.get("/events").Body
	mustNotContain(t, mine, e.Title)
	mustNotContain(t, minji.get(acFeedURL(t, mine)).Body, e.Title)
	page := minji.get(base)
	if page.Status != http.StatusOK {
		t.Fatalf("lapsed: the group's page: %d", page.Status)
	}
	mustContain(t, page.Body, tgLapsed, `href="/pricing"`, `data-testid="confirm-leave"`)
	mustNotContain(t, page.Body, "Premium chat for the lounge", `data-testid="join"`)
	if n := s.count("group_members", bson.M{"group": g.ID, "account": minji.ID, "state": community.StateActive}); n != 1 {
		t.Fatalf("the lapsed member's membership: %d records, want it kept", n)
	}
	if res := owner.get(postURL); res.Status != http.StatusOK { // the owner holds no tier and never lapses
		t.Errorf("the group's owner: %d", res.Status)
	}

	tgComp(t, s, owner, minji, "premium")
	reads("comped again")
}

// TestTierGroupJoinByRank: a higher tier includes the lower ones, so a
// VIP joins a premium group; a free member, and a premium member at a
// VIP group, are refused, told which tier the group is for and where to
// get it, and stored nowhere.
func TestTierGroupJoinByRank(t *testing.T) {
	s, owner := tgTierSite(t)
	s.newGroup(t, owner, community.GroupInput{Slug: "lounge", Policy: community.JoinTier, RequiredTier: "premium"})
	s.newGroup(t, owner, community.GroupInput{Slug: "backstage", Policy: community.JoinTier, RequiredTier: "vip"})
	vip, premium, free := s.signUp(t, "vip@example.com"), s.signUp(t, "premium@example.com"), s.signUp(t, "free@example.com")
	tgComp(t, s, owner, vip, "vip")
	tgComp(t, s, owner, premium, "premium")

	if res := vip.post("/groups/lounge/join", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("a VIP joins the premium group: %d %s", res.Status, res.Body)
	}
	acPost(t, s, vip, "lounge", "A VIP in the lounge")
	mustContain(t, vip.get("/groups/lounge").Body, "A VIP in the lounge")

	for _, tc := range []struct {
		who  person
		slug string
		tier string
	}{{free, "lounge", "Premium"}, {premium, "backstage", "VIP"}} {
		page := tc.who.get("/groups/" + tc.slug)
		mustContain(t, page.Body, "This group is for "+tc.tier+" members", `href="/pricing"`)
		res := tc.who.post("/groups/"+tc.slug+"/join", nil)
		if res.Status != http.StatusForbidden {
			t.Errorf("%s joins %s: %d, want 403", tc.who.Name, tc.slug, res.Status)
		}
		mustContain(t, res.Body, "This group is for "+tc.tier+" members", `href="/pricing"`)
		if n := s.count("group_members", bson.M{"account": tc.who.ID}); n != 0 {
			t.Errorf("%s refused, yet %d membership records", tc.who.Name, n)
		}
	}
	if res := free.get("/groups/lounge/posts/" + fdPostID(t, s, "A VIP in the lounge")); res.Status != http.StatusNotFound {
		t.Errorf("a free member reads a post of the premium group: %d", res.Status)
	}
}

// TestTierEvent: an event for premium members takes a premium member's
// and a VIP's yes; a free member is refused with the reason, and nothing
// is stored for them.
func TestTierEvent(t *testing.T) {
	s, owner := tgTierSite(t)
	g := s.newGroup(t, owner, community.GroupInput{Slug: "club"})
	premium, vip, free := s.signUp(t, "premium@example.com"), s.signUp(t, "vip@example.com"), s.signUp(t, "free@example.com")
	for _, p := range []person{premium, vip, free} {
		s.join(t, g.Slug, p)
	}
	tgComp(t, s, owner, premium, "premium")
	tgComp(t, s, owner, vip, "vip")
	in := acEventInput(s, "Premium tasting", community.AccessTier)
	in.Tier = "premium"
	path := createEvent(t, owner, g.Slug, acEventForm(in))

	for _, p := range []person{premium, vip} {
		if res := p.post(path+"/rsvp", url.Values{"going": {"1"}}); res.Status != http.StatusSeeOther {
			t.Errorf("%s says yes: %d %s", p.Name, res.Status, res.Body)
		}
	}
	res := free.post(path+"/rsvp", url.Values{"going": {"1"}})
	if res.Status != http.StatusForbidden {
		t.Errorf("a free member says yes: %d, want 403", res.Status)
	}
	mustContain(t, res.Body, "Premium tasting", "This event is for members of a higher tier, or those invited.")
	if n := s.count("rsvps", bson.M{"state": community.RSVPGoing}); n != 2 {
		t.Errorf("%d going, want the premium member and the VIP", n)
	}
	if n := s.count("rsvps", bson.M{"account": free.ID}); n != 0 {
		t.Errorf("%d answers kept for the free member", n)
	}
}

// TestInviteTier: inviting "everyone of at least premium" invites exactly
// the members whose entitlement includes premium now: not the free, not
// one whose comp was revoked, not a premium holder outside the group. In
// a VIP group, a member whose VIP lapsed to premium cannot read the group
// and is not invited by premium either.
func TestInviteTier(t *testing.T) {
	s, owner := tgTierSite(t)
	club := s.newGroup(t, owner, community.GroupInput{Slug: "club"})
	people := map[string]person{}
	for _, n := range []string{"free", "premium", "vip", "revoked", "outsider"} {
		people[n] = s.signUp(t, n+"@example.com")
		if n != "outsider" {
			s.join(t, club.Slug, people[n])
		}
	}
	for n, tier := range map[string]string{"premium": "premium", "vip": "vip", "revoked": "premium", "outsider": "premium"} {
		tgComp(t, s, owner, people[n], tier)
	}
	tgRevoke(t, s, owner, people["revoked"])
	invited := func(path string) map[string]bool {
		t.Helper()
		res := owner.post(path+"/invite", url.Values{"by": {"tier"}, "tier": {"premium"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("invite by tier: %d %s", res.Status, res.Body)
		}
		var docs []struct{ Account string }
		id := path[strings.LastIndex(path, "/")+1:]
		cur, err := s.DB.Collection("invitations").Find(context.Background(), bson.M{"event": id})
		if err != nil || cur.All(context.Background(), &docs) != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for n, p := range people {
			for _, d := range docs {
				if d.Account == string(p.ID) {
					out[n] = true
				}
			}
		}
		return out
	}
	at := s.Clock.Now().Add(72 * time.Hour).In(mustZone(t, "Asia/Seoul"))
	form := evForm("Members party", "Asia/Seoul", at)
	if got := invited(createEvent(t, owner, club.Slug, form)); len(got) != 2 || !got["premium"] || !got["vip"] {
		t.Errorf("invited %v, want premium and vip", got)
	}

	backstage := s.newGroup(t, owner, community.GroupInput{Slug: "backstage", Policy: community.JoinTier, RequiredTier: "vip"})
	for _, n := range []string{"vip", "premium"} {
		tgComp(t, s, owner, people[n], "vip")
		if res := people[n].post("/groups/backstage/join", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("%s joins backstage: %d", n, res.Status)
		}
	}
	tgComp(t, s, owner, people["premium"], "premium") // from VIP down to premium: lapsed here
	if got := invited(createEvent(t, owner, backstage.Slug, evForm("Backstage party", "Asia/Seoul", at))); len(got) != 1 || !got["vip"] {
		t.Errorf("invited %v in the VIP group, want vip only", got)
	}
}

// TestPremiumBadge: a premium member's name carries the badge with the
// tier's name, on the feed, on a post's comments, on an idea and in the
// member list; a free member's does not.
func TestPremiumBadge(t *testing.T) {
	s, owner := tgTierSite(t)
	g := s.newGroup(t, owner, community.GroupInput{Slug: "club"})
	premium, free := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, g.Slug, premium)
	s.join(t, g.Slug, free)
	tgComp(t, s, owner, premium, "vip")
	free1 := acPost(t, s, free, g.Slug, "A post by a free member")
	acPost(t, s, premium, g.Slug, "A post by a premium member")
	acComment(t, s, premium, g.Slug, free1, "A comment by a premium member")
	acComment(t, s, free, g.Slug, free1, "A comment by a free member")
	if _, err := s.Community.CreateIdea(context.Background(), s.actor(t, premium), g.Slug, community.IdeaInput{Title: "A premium idea"}); err != nil {
		t.Fatal(err)
	}
	badge := `class="badge badge-premium" data-testid="premium-badge"`
	// card is the article holding text, from its opening tag.
	card := func(page, text string) string {
		t.Helper()
		i := strings.Index(page, text)
		if i < 0 {
			t.Fatalf("page lacks %q", text)
		}
		return page[strings.LastIndex(page[:i], "<article"):i]
	}

	feed := free.get("/groups/club").Body
	mustContain(t, card(feed, "A post by a premium member"), badge, "Premium member", "VIP")
	mustNotContain(t, card(feed, "A post by a free member"), badge)
	if n := strings.Count(feed, badge); n != 1 {
		t.Errorf("%d badges on the feed, want 1", n)
	}
	thread := free.get("/groups/club/posts/" + free1).Body
	mustContain(t, card(thread, "A comment by a premium member"), badge)
	mustNotContain(t, card(thread, "A comment by a free member"), badge)
	mustNotContain(t, card(thread, "A post by a free member"), badge)
	mustContain(t, free.get("/groups/club/ideas/"+ideaID(t, s, "A premium idea")).Body, badge)

	members := free.get("/groups/club/members").Body
	for name, want := range map[string]bool{premium.Name: true, free.Name: false, owner.Name: false} {
		i := strings.Index(members, `<span class="post-author">`+name+`</span>`)
		if i < 0 {
			t.Fatalf("member list lacks %s", name)
		}
		row := members[i:]
		row = row[:strings.Index(row, "</li>")]
		if strings.Contains(row, badge) != want {
			t.Errorf("member list, %s: badge %v, want %v", name, !want, want)
		}
	}
}

// TestTierChoices: the group and event forms offer the tiers defined,
// by name and key, and point to the tiers page while there are none; a
// tier key no tier has is refused on the form, which keeps what was
// typed, and stores nothing.
func TestTierChoices(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	mustContain(t, owner.get("/groups/new").Body, `href="/admin/tiers"`)
	tgTier(t, s, owner, "premium", "Premium", "1")
	form := owner.get("/groups/new").Body
	mustContain(t, form, `<option value="premium">Premium (premium)</option>`)
	mustNotContain(t, form, `href="/admin/tiers"`)

	group := url.Values{"slug": {"lounge"}, "name": {"The lounge"}, "visibility": {"listed"}, "policy": {"tier"},
		"required_tier": {"gold"}, "hold_first_posts": {"0"}}
	res := owner.post("/groups", group)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a group for an unknown tier: %d, want 422", res.Status)
	}
	mustContain(t, res.Body, `data-testid="error-required_tier"`, "Choose one of the tiers", `value="The lounge"`,
		`<option value="gold" selected>gold</option>`)
	if n := s.count("groups", bson.M{"slug": "lounge"}); n != 0 {
		t.Fatalf("a group for an unknown tier was stored")
	}
	group.Set("required_tier", "premium")
	if res := owner.post("/groups", group); res.Status != http.StatusSeeOther {
		t.Fatalf("a group for premium: %d %s", res.Status, res.Body)
	}
	edit := group
	edit.Set("required_tier", "gold")
	if res := owner.post("/groups/lounge/edit", edit); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("changing to an unknown tier: %d, want 422", res.Status)
	}
	if n := s.count("groups", bson.M{"slug": "lounge", "requiredTier": "premium"}); n != 1 {
		t.Errorf("the group's tier changed to one no tier has")
	}

	in := acEventInput(s, "Gold night", community.AccessTier)
	res = owner.post("/groups/lounge/events", acEventForm(in))
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an event for an unknown tier: %d, want 422", res.Status)
	}
	mustContain(t, res.Body, `data-testid="error-tier"`, `value="Gold night"`, `<option value="premium">Premium (premium)</option>`)
	if n := s.count("events", bson.M{}); n != 0 {
		t.Fatalf("an event for an unknown tier was stored")
	}
	in.Tier = "premium"
	createEvent(t, owner, "lounge", acEventForm(in))
}
