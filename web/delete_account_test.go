package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
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
	s.setAccountRole(t, second, auth.RoleOwner)
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
