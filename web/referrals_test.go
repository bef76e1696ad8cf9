package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/loyalty"
	"fanclub/views"
)

// referralSite is a site with an owner, and Ann, who invites friends,
// with the referral rewards on (50 points each).
func referralSite(t *testing.T) (*site, person, person, string) {
	t.Helper()
	s := newSite(t, siteOptions{})
	owner := s.signUp(t, "owner@example.com")
	ann := s.signUp(t, "ann@example.com")
	s.rename(t, &ann, "Kim Minji")
	ctx := context.Background()
	staff, err := s.Auth.AccountByID(ctx, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Loyalty.SaveRules(ctx, staff, loyalty.RulesInput{On: true, Points: map[loyalty.Earning]string{loyalty.EarnReferral: "50"}}); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Loyalty.Referral(ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s, owner, ann, sum.Code
}

// getIn requests path in language lang.
func (b *browser) getIn(path, lang string) response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.abs(path), nil)
	req.Header.Set("Accept-Language", lang)
	return b.do(req, false)
}

// referralOf reads the referral of friend, if any.
func (s *site) referralOf(t *testing.T, friend auth.AccountID) (loyalty.Referral, bool) {
	t.Helper()
	var r loyalty.Referral
	err := s.DB.Collection("referrals").FindOne(context.Background(), bson.M{"_id": friend}).Decode(&r)
	if err != nil {
		return r, false
	}
	return r, true
}

// TestReferralLandingPage: the link greets a stranger by the referrer's
// name in their language and offers the ways in; an unknown code is a
// 404 that says why; a member is told the link is for newcomers.
func TestReferralLandingPage(t *testing.T) {
	s, _, ann, code := referralSite(t)
	b := s.newBrowser()
	r := b.getIn("/r/"+code, "ko-KR,ko")
	if r.Status != http.StatusOK {
		t.Fatalf("landing in Korean: status %d", r.Status)
	}
	mustContain(t, r.Body, "Kim Minji님이", "에 초대했어요", `href="/auth/oidc"`, `href="/signin"`)
	r = b.getIn("/r/"+code, "en")
	mustContain(t, r.Body, "Kim Minji invited you to", `href="/auth/oidc"`)
	mustNotContain(t, r.Body, views.Missing)
	if b.cookie("fanclub_ref") != code {
		t.Fatalf("referral cookie %q, want the code", b.cookie("fanclub_ref"))
	}

	for _, bad := range []string{"nope", "aaaaaaaaaaaa", code + "x"} {
		r := s.newBrowser().get("/r/" + bad)
		if r.Status != http.StatusNotFound {
			t.Errorf("/r/%s: status %d, want 404", bad, r.Status)
		}
		mustContain(t, r.Body, "This invitation link doesn")
	}

	r = ann.get("/r/" + code)
	if r.Status != http.StatusOK {
		t.Fatalf("own link: status %d", r.Status)
	}
	mustContain(t, r.Body, "This link is for newcomers", "This is your own invitation link")
	if ann.cookie("fanclub_ref") != "" {
		t.Fatal("a member got the referral cookie")
	}
}

// TestReferralSignUps: signing up through the link, by email or with a
// provider, records the referral; a friend who takes part earns both
// rewards; an existing account signing in through it is flagged; the
// referrer's own sign-in records nothing.
func TestReferralSignUps(t *testing.T) {
	s, owner, ann, code := referralSite(t)
	ctx := context.Background()

	byEmail := s.newBrowser()
	byEmail.get("/r/" + code)
	byEmail.signInByEmailLink(t, s, "friend@example.com")
	if byEmail.cookie("fanclub_ref") != "" {
		t.Fatal("the referral cookie outlived the sign-in")
	}
	friend, err := s.Auth.AccountByEmail(ctx, "friend@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := s.referralOf(t, friend.ID)
	if !ok || ref.Referrer != ann.ID || ref.Status != loyalty.ReferralPending || ref.Network != "127.0.0.0/24" {
		t.Fatalf("referral by email link: %+v (found %v); want Ann's, pending, from 127.0.0.0/24", ref, ok)
	}

	withOIDC := s.newBrowser()
	withOIDC.get("/r/" + code)
	if r := withOIDC.signInOIDC(&mockoidc.MockUser{Subject: "pal-1", Email: "pal@example.com", EmailVerified: true}, ""); r.Status != http.StatusSeeOther {
		t.Fatalf("OIDC sign-up: status %d", r.Status)
	}
	pal, err := s.Auth.AccountByEmail(ctx, "pal@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if ref, ok := s.referralOf(t, pal.ID); !ok || ref.Referrer != ann.ID || ref.Status != loyalty.ReferralPending {
		t.Fatalf("referral by OIDC: %+v (found %v)", ref, ok)
	}

	// The friend joins a group and posts: both earn.
	staff := s.actor(t, owner)
	if _, err := s.Community.CreateGroup(ctx, staff, community.GroupInput{Slug: "tea", Name: "Tea", Visibility: community.Listed,
		Policy: community.JoinOpen}); err != nil {
		t.Fatal(err)
	}
	me := community.Actor{Account: friend}
	if _, err := s.Community.Join(ctx, me, "tea", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Community.CreatePost(ctx, me, "tea", "Hello, I was invited"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []auth.AccountID{friend.ID, ann.ID} {
		if st, err := s.Loyalty.Statement(ctx, id); err != nil || st.Balance != 50 {
			t.Errorf("%s's balance %d (%v), want 50", id, st.Balance, err)
		}
	}
	if sum, err := s.Loyalty.Referral(ctx, ann.ID); err != nil || sum.Joined != 2 || sum.Qualified != 1 {
		t.Fatalf("Ann's summary %+v (%v), want 2 joined, 1 qualified", sum, err)
	}

	// The owner, who had an account, signs in through the link: flagged.
	again := s.newBrowser()
	again.get("/r/" + code)
	again.signInByEmailLink(t, s, owner.Email)
	if ref, ok := s.referralOf(t, owner.ID); !ok || ref.Status != loyalty.ReferralFlagged ||
		len(ref.Flags) != 1 || ref.Flags[0].Key != loyalty.FlagHadAnAccount {
		t.Fatalf("an existing account through the link: %+v (found %v), want flagged as having an account", ref, ok)
	}
	// Ann through her own link: nothing.
	own := s.newBrowser()
	own.get("/r/" + code)
	own.signInByEmailLink(t, s, ann.Email)
	if _, ok := s.referralOf(t, ann.ID); ok {
		t.Fatal("Ann referred herself")
	}
}

// TestReferralReview: only staff see the review; it gives each flagged
// referral's reason in the admin's language; approve and cancel post
// with the CSRF token, cancel needs the tick, and an unknown referral is
// a 404.
func TestReferralReview(t *testing.T) {
	s, owner, ann, code := referralSite(t)
	bob := s.signUp(t, "bob@example.com")
	cara := s.signUp(t, "cara@example.com")
	for _, p := range []person{bob, cara} { // members already: flagged
		b := s.newBrowser()
		b.get("/r/" + code)
		b.signInByEmailLink(t, s, p.Email)
	}

	signedOut := s.newBrowser()
	for _, who := range []*browser{ann.browser, signedOut} {
		if r := who.get("/admin/loyalty/referrals"); r.Status == http.StatusOK {
			t.Fatalf("a non-staff visitor saw the review")
		}
	}
	if r := ann.post("/admin/loyalty/referrals/"+string(bob.ID)+"/approve", nil); r.Status != http.StatusNotFound {
		t.Fatalf("a member approving: status %d, want 404", r.Status)
	}

	mustContain(t, owner.get("/admin/loyalty").Body, `href="/admin/loyalty/referrals"`)
	r := owner.getIn("/admin/loyalty/referrals", "ko")
	if r.Status != http.StatusOK {
		t.Fatalf("review in Korean: status %d", r.Status)
	}
	mustContain(t, r.Body, "친구가 이미 계정이 있었고", "Kim Minji님이 초대한 bob님")
	r = owner.get("/admin/loyalty/referrals")
	mustContain(t, r.Body, "The friend already had an account", "bob, invited by Kim Minji", "cara, invited by Kim Minji")
	mustNotContain(t, r.Body, views.Missing)

	for _, path := range []string{"/admin/loyalty/referrals/nobody/approve", "/admin/loyalty/referrals/nobody/cancel",
		"/admin/loyalty/referrals/" + string(ann.ID) + "/approve"} {
		if r := owner.post(path, url.Values{"confirm": {"1"}}); r.Status != http.StatusNotFound {
			t.Errorf("POST %s: status %d, want 404", path, r.Status)
		}
	}
	if r := owner.postRaw("/admin/loyalty/referrals/"+string(bob.ID)+"/approve", url.Values{}, map[string]string{"Origin": s.URL}); r.Status != http.StatusForbidden {
		t.Errorf("approve without a CSRF token: status %d, want 403", r.Status)
	}

	if r := owner.post("/admin/loyalty/referrals/"+string(bob.ID)+"/approve", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("approve: status %d", r.Status)
	}
	if r := owner.post("/admin/loyalty/referrals/"+string(cara.ID)+"/cancel", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("cancel without the tick: status %d", r.Status)
	}
	if ref, _ := s.referralOf(t, cara.ID); ref.Status != loyalty.ReferralFlagged {
		t.Fatalf("cancel without the tick changed it to %s", ref.Status)
	}
	if r := owner.post("/admin/loyalty/referrals/"+string(cara.ID)+"/cancel", url.Values{"confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("cancel: status %d", r.Status)
	}
	for id, want := range map[auth.AccountID]loyalty.ReferralStatus{bob.ID: loyalty.ReferralApproved, cara.ID: loyalty.ReferralCancelled} {
		if ref, _ := s.referralOf(t, id); ref.Status != want {
			t.Errorf("%s: %s, want %s", id, ref.Status, want)
		}
	}
	if r := owner.post("/admin/loyalty/referrals/"+string(bob.ID)+"/approve", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("approving again: status %d, want back to the review", r.Status)
	}
	r = owner.get("/admin/loyalty/referrals")
	mustContain(t, r.Body, "That referral was already reviewed.", "No referrals are waiting for review.", "Approved", "Cancelled")
}

// TestReferralStatusesHaveText: every status loyalty has, the page can
// name.
func TestReferralStatusesHaveText(t *testing.T) {
	for _, st := range loyalty.ReferralStatuses {
		if !slices.Contains(views.ReferralStatuses, string(st)) {
			t.Errorf("views cannot name status %q", st)
		}
	}
}
