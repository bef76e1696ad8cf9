package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fanclub/community"
)

// TestInsightsOnlyForStaff: the insight page and its CSV answer the
// site's owner and admins, and 404 to members, a group's moderator and
// the signed out — no redirect to sign in that would say the page is
// there. The admin hub links to it.
func TestInsightsOnlyForStaff(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	admin := s.signUp(t, "admin@example.com")
	s.makeSiteAdmin(t, admin)
	member := s.signUp(t, "member@example.com")
	moderator := s.signUp(t, "moderator@example.com")
	g := s.newGroup(t, owner, community.GroupInput{Slug: "lounge"})
	acSetMember(t, s, g.ID, moderator, community.RoleModerator, community.StateActive, time.Time{})
	stranger := s.newBrowser()

	for _, path := range []string{"/admin/insights", "/admin/insights/at-risk.csv", "/admin/insights?sort=name"} {
		for _, tc := range []struct {
			name string
			as   *browser
			want int
		}{
			{"owner", owner.browser, http.StatusOK},
			{"admin", admin.browser, http.StatusOK},
			{"member", member.browser, http.StatusNotFound},
			{"group moderator", moderator.browser, http.StatusNotFound},
			{"signed out", stranger, http.StatusNotFound},
		} {
			r := tc.as.get(path)
			if r.Status != tc.want {
				t.Errorf("%s GET %s: %d, want %d", tc.name, path, r.Status, tc.want)
			}
			if tc.want == http.StatusNotFound && strings.Contains(r.Body, "Insights") {
				t.Errorf("%s GET %s: the 404 names the page", tc.name, path)
			}
		}
	}
	mustContain(t, owner.get("/admin").Body, `href="/admin/insights"`)
}

// TestInsightsNewClub: a club with nobody but its owner shows every
// section without an error, and says there is nothing yet where there
// is nothing.
func TestInsightsNewClub(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	for _, lang := range []string{"en", "ko"} {
		r := owner.get("/admin/insights?lang=" + lang)
		if r.Status == http.StatusSeeOther {
			r = owner.get("/admin/insights")
		}
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", lang, r.Status, r.Body)
		}
		for _, id := range []string{"members", "cohorts", "repeat", "at-risk", "segments", "premium", "heard", "events"} {
			mustContain(t, r.Body, `data-testid="section-`+id+`"`)
		}
		mustNotContain(t, r.Body, "⟦missing")
	}
}

// TestTrueFansTarget: the brand sets its true-fans target on the site
// settings; a target out of range comes back with the reason and what
// was typed.
func TestTrueFansTarget(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	mustContain(t, owner.get("/admin/site").Body, `name="true_fans"`, `value="1,000"`)

	form := moonlight()
	form.Set("true_fans", "0")
	r := owner.postMultipart("/admin/site", form, nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("target 0: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, "Enter a whole number from 1 to 10,000,000.", `value="0"`)

	form = moonlight()
	form.Set("true_fans", "2,500")
	if r := owner.postMultipart("/admin/site", form, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("target 2,500: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, owner.get("/admin/site").Body, `value="2,500"`)
}
