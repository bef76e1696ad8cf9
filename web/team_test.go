package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
)

// roleOf is the person's site role as stored.
func (s *site) roleOf(t *testing.T, p person) auth.Role {
	t.Helper()
	var d struct{ Role auth.Role }
	if err := s.DB.Collection("accounts").FindOne(context.Background(), bson.M{"_id": p.ID}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d.Role
}

// auditLines are the site audit log's entries as the owner reads them.
func auditLines(t *testing.T, staff person) []string {
	t.Helper()
	page := staff.get("/moderation/audit")
	if page.Status != http.StatusOK {
		t.Fatalf("audit log: %d", page.Status)
	}
	parts := strings.Split(page.Body, `data-testid="audit-entry"`)
	return parts[1:]
}

func hasEntry(lines []string, want ...string) bool {
	for _, l := range lines {
		l, _, _ = strings.Cut(l, "</li>")
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(l, w)
		}
		if ok {
			return true
		}
	}
	return false
}

// TestTeamPage: the owner appoints and removes admins by email and hands
// the site on after confirming; every change is in the site's audit log;
// an admin sees the team but changes nothing; a member gets a 404.
func TestTeamPage(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com") // the first account owns the site
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")

	page := owner.get("/admin/team")
	if page.Status != http.StatusOK {
		t.Fatalf("team page: %d", page.Status)
	}
	mustContain(t, page.Body, "owner@example.com", `data-testid="role-badge">Site owner<`, `data-testid="no-admins"`,
		`data-testid="appoint-form"`, `data-testid="transfer-form"`, `href="/admin/team" aria-current="true"`)
	mustNotContain(t, page.Body, `data-testid="demote-owner"`) // the only owner cannot step down
	if r := jun.get("/admin/team"); r.Status != http.StatusNotFound {
		t.Errorf("a member opens the team page: %d, want 404", r.Status)
	}

	// An address nobody verified comes back under the field, as typed.
	r := owner.post("/admin/team/admins", url.Values{"email": {"nobody@example.com"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("appoint an unknown address: %d", r.Status)
	}
	mustContain(t, r.Body, `data-testid="error-appoint-email"`, "No account has verified this email address.",
		`value="nobody@example.com"`, `aria-invalid="true"`)
	owner.follow("/admin/team?lang=ko")
	r = owner.post("/admin/team/admins", url.Values{"email": {"owner@example.com"}})
	mustContain(t, r.Body, "이미 소유자예요.", `value="owner@example.com"`)
	mustNotContain(t, r.Body, "⟦missing")
	owner.follow("/admin/team?lang=en")

	r = owner.post("/admin/team/admins", url.Values{"email": {" Minji@Example.com "}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/team" {
		t.Fatalf("appoint: %d to %q: %s", r.Status, r.Location, r.Body)
	}
	page = owner.get("/admin/team")
	mustContain(t, page.Body, "Admin appointed.", "minji@example.com", `data-testid="role-badge">Site admin<`, `data-testid="remove-admin"`)
	if s.roleOf(t, minji) != auth.RoleAdmin {
		t.Fatalf("minji is %s, want admin", s.roleOf(t, minji))
	}
	if r := minji.get("/admin/tiers"); r.Status != http.StatusOK {
		t.Errorf("the new admin opens the admin pages: %d", r.Status)
	}
	if !hasEntry(auditLines(t, owner), "owner", "made a site admin:", "minji") {
		t.Errorf("the audit log lacks the appointment")
	}

	// An admin sees who runs the site, and cannot change it.
	page = minji.get("/admin/team")
	if page.Status != http.StatusOK {
		t.Fatalf("the admin opens the team page: %d", page.Status)
	}
	mustContain(t, page.Body, "owner@example.com", `data-testid="team-owners-only"`)
	mustNotContain(t, page.Body, `data-testid="appoint-form"`, `data-testid="transfer-form"`, `data-testid="remove-admin"`)
	for _, try := range []struct {
		path string
		form url.Values
	}{
		{"/admin/team/admins", url.Values{"email": {jun.Email}}},
		{"/admin/team/transfer", url.Values{"email": {minji.Email}, "confirm": {"1"}}},
		{"/admin/team/owners/" + string(owner.ID) + "/demote", nil},
		{"/admin/team/admins/" + string(minji.ID) + "/remove", nil},
	} {
		if r := minji.post(try.path, try.form); r.Status != http.StatusForbidden {
			t.Errorf("the admin posts %s: %d, want 403", try.path, r.Status)
		}
	}
	if s.roleOf(t, owner) != auth.RoleOwner || s.roleOf(t, jun) != auth.RoleMember || s.roleOf(t, minji) != auth.RoleAdmin {
		t.Fatalf("an admin's posts changed roles")
	}

	// The last owner cannot step down, even by a forged form.
	r = owner.post("/admin/team/owners/"+string(owner.ID)+"/demote", nil)
	if r.Status != http.StatusConflict {
		t.Fatalf("demote the last owner: %d", r.Status)
	}
	mustContain(t, r.Body, "The site needs an owner")
	if s.roleOf(t, owner) != auth.RoleOwner {
		t.Fatal("the last owner stepped down")
	}

	// Handing the site on asks first, and changes nothing until confirmed.
	r = owner.post("/admin/team/transfer", url.Values{"email": {"jun@example.com"}})
	if r.Status != http.StatusOK {
		t.Fatalf("transfer: %d %s", r.Status, r.Body)
	}
	mustContain(t, r.Body, `data-testid="transfer-confirm"`, "jun (jun@example.com) becomes an owner", `name="confirm" value="1"`)
	if s.roleOf(t, jun) != auth.RoleMember {
		t.Fatal("the transfer happened before it was confirmed")
	}
	r = owner.post("/admin/team/transfer", url.Values{"email": {"owner@example.com"}})
	mustContain(t, r.Body, `data-testid="error-transfer-email"`, "enter someone else’s email address")
	r = owner.post("/admin/team/transfer", url.Values{"email": {"jun@example.com"}, "confirm": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("confirm the transfer: %d %s", r.Status, r.Body)
	}
	if s.roleOf(t, jun) != auth.RoleOwner || s.roleOf(t, owner) != auth.RoleAdmin {
		t.Fatalf("after the transfer: jun %s, old owner %s", s.roleOf(t, jun), s.roleOf(t, owner))
	}
	page = owner.get("/admin/team")
	mustContain(t, page.Body, "The site has a new owner. You are an admin now.", `data-testid="team-owners-only"`)
	lines := auditLines(t, jun)
	if !hasEntry(lines, "made a site owner:", "jun") || !hasEntry(lines, "made a site admin:", ">owner<") {
		t.Errorf("the audit log lacks the transfer")
	}

	// The new owner removes an admin, who loses the admin pages at once.
	r = jun.post("/admin/team/admins/"+string(minji.ID)+"/remove", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("remove an admin: %d %s", r.Status, r.Body)
	}
	if s.roleOf(t, minji) != auth.RoleMember || minji.get("/admin/team").Status != http.StatusNotFound {
		t.Fatalf("the removed admin: %s", s.roleOf(t, minji))
	}
	r = jun.post("/admin/team/admins/"+string(minji.ID)+"/remove", nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("remove her again: %d", r.Status)
	}
	mustContain(t, r.Body, `data-testid="error-form"`, "Their role changed in the meantime.")
	if !hasEntry(auditLines(t, jun), "removed from the site staff:", "minji") {
		t.Errorf("the audit log lacks the removal")
	}

	// What the operator does from the command line (fanclub owner) is
	// logged too, by no one signed in.
	s.Community.RecordOperatorAction(context.Background(), community.AuditStaffOwner, "member", string(minji.ID), "minji", "fanclub owner")
	if !hasEntry(auditLines(t, jun), "The server’s operator", "made a site owner:", "minji", "fanclub owner") {
		t.Errorf("the audit log lacks the operator's change")
	}
}
