package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fanclub/community"
)

// TestRenameCannotPlantALink: a member who renames themselves to a name
// written as a Markdown link does not turn the mentions of them in other
// members' posts into that link; the mention becomes "@…", and the
// address in the post stays an address.
func TestRenameCannotPlantALink(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee"})
	eve := s.signUp(t, "zzeve@example.com")
	s.join(t, "coffee", eve)
	post := acPost(t, s, admin, "coffee", "Thanks @zzeve! Her channel: https://www.youtube.com/@zzeve")
	thread := "/groups/coffee/posts/" + post

	phish := "x](https://phish.example/login) [y"
	if r := eve.post("/settings/profile", url.Values{"name": {phish}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	page := admin.get(thread).Body
	if strings.Contains(page, "phish.example") {
		t.Error("the renamed member's name put a link to phish.example in someone else's post")
	}
	mustContain(t, page, "Thanks @…!", `href="https://www.youtube.com/@zzeve"`)
}
