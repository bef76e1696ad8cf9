package web_test

import (
	"net/http"
	"net/url"
	"strconv"
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

// TestRenamesAreLimited: five changes of name or picture in an hour are
// saved; the sixth gets the Settings page back with 429, the reason (in
// the page's language) and the name as typed, and changes nothing.
// Saving other settings is never limited.
func TestRenamesAreLimited(t *testing.T) {
	s := newSite(t, crowd())
	minji := s.signUp(t, "zzminji@example.com")
	for i := range 5 {
		if r := minji.post("/settings/profile", url.Values{"name": {"Minji " + strconv.Itoa(i)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("rename %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := minji.post("/settings/profile", url.Values{"name": {"Minji 4"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("saving the same name again: %d", r.Status)
	}
	for lang, want := range map[string]string{"en": "several times in the last hour", "ko": "여러 번 바꾸셨어요"} {
		form := url.Values{"name": {"Minji Six"}, "_csrf": {minji.csrf()}}
		r := minji.postRaw("/settings/profile", form, map[string]string{"Origin": s.URL, "Accept-Language": lang})
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("sixth rename (%s): %d, want 429", lang, r.Status)
		}
		mustContain(t, r.Body, want, `value="Minji Six"`)
	}
	mustContain(t, minji.get("/settings").Body, `value="Minji 4"`)
}
