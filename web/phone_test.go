package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/membership"
)

var (
	phTags       = regexp.MustCompile(`<[^>]+>`)
	phHidden     = regexp.MustCompile(`(?s)<span aria-hidden="true">.*?</span>`)
	phScreenOnly = regexp.MustCompile(`(?s)<span class="visually-hidden">.*?</span>`)
)

// phControl returns the opening tag and the content of the first link or
// button marked data-testid=testID.
func phControl(t *testing.T, body, testID string) (tag, content string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)(<(?:a|button)\b[^>]*\bdata-testid="` + testID + `"[^>]*>)(.*?)</(?:a|button)>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link or button %q in the page", testID)
	}
	return m[1], m[2]
}

// phText is HTML's text, tags dropped and spaces collapsed.
func phText(h string) string {
	return strings.Join(strings.Fields(html.UnescapeString(phTags.ReplaceAllString(h, ""))), " ")
}

// accessibleName is the name a screen reader gives the link or button
// marked testID, when it comes from its content: the text less what is
// aria-hidden. It fails the test if an aria-label overrides the content,
// which then may not say what the control shows.
func accessibleName(t *testing.T, body, testID string) string {
	t.Helper()
	tag, content := phControl(t, body, testID)
	if m := regexp.MustCompile(`aria-label="([^"]*)"`).FindStringSubmatch(tag); m != nil {
		t.Errorf("%s is named by an aria-label, not by what it shows: %s", testID, tag)
		return html.UnescapeString(m[1])
	}
	return phText(phHidden.ReplaceAllString(content, ""))
}

// visibleText is what the link or button marked testID shows on screen.
func visibleText(t *testing.T, body, testID string) string {
	t.Helper()
	_, content := phControl(t, body, testID)
	return phText(phScreenOnly.ReplaceAllString(phHidden.ReplaceAllString(content, ""), ""))
}

// TestCountsAreInTheirNames: the bell and an idea's vote button show a
// count, and their accessible names, in both languages, are sentences
// that hold that count as shown (WCAG 2.5.3, axe's
// label-content-name-mismatch), rather than an aria-label whose words
// may go round it ("알림, 읽지 않음 2개" over a visible "2").
func TestCountsAreInTheirNames(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee", Name: "Coffee"})
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, "coffee", minji)
	s.join(t, "coffee", jun)
	minji.post("/groups/coffee/posts", url.Values{"body": {"Latte art tips?"}})
	post := fdPostID(t, s, "Latte art tips?")
	jun.post("/groups/coffee/posts/"+post+"/comments", url.Values{"body": {"Practice!"}})
	admin.post("/groups/coffee/posts/"+post+"/comments", url.Values{"body": {"Whole milk."}})
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, minji), "coffee", community.IdeaInput{Title: "Decaf nights"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []person{minji, jun} {
		if r := p.post("/groups/coffee/ideas/"+string(idea.ID)+"/vote", url.Values{"on": {"1"}}); r.Status != 303 {
			t.Fatalf("vote: %d", r.Status)
		}
	}

	for _, c := range []struct{ lang, bell, vote string }{
		{"en", "Notifications, 2 unread", "Vote (2 votes)"},
		{"ko", "알림, 읽지 않음 2개", "투표 (현재 2표)"},
	} {
		home := minji.follow("/groups/coffee/ideas?lang=" + c.lang)
		if got := accessibleName(t, home.Body, "bell"); got != c.bell {
			t.Errorf("%s: the bell is named %q, want %q", c.lang, got, c.bell)
		}
		if shown := visibleText(t, home.Body, "bell"); shown != "2" || !strings.Contains(c.bell, shown) {
			t.Errorf("%s: the bell shows %q, want the count 2 within its name", c.lang, shown)
		}
		if got := accessibleName(t, home.Body, "vote"); got != c.vote {
			t.Errorf("%s: the vote button is named %q, want %q", c.lang, got, c.vote)
		}
		if shown := visibleText(t, home.Body, "vote"); shown != "2" {
			t.Errorf("%s: the vote button shows %q, want the count 2", c.lang, shown)
		}
	}
	minji.post("/notifications/read", nil)
	if got := accessibleName(t, minji.follow("/?lang=en").Body, "bell"); got != "Notifications" {
		t.Errorf("with nothing unread the bell is named %q, want %q", got, "Notifications")
	}
}

// TestGroupSizeReadsAsWords: a group's size reads "1 member", "2
// members", "멤버 2명" on the directory and the group's pages, not
// "Members: 2".
func TestGroupSizeReadsAsWords(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee", Name: "Coffee"})
	mustContain(t, admin.get("/groups/coffee").Body, `data-testid="member-count">1 member<`)
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "coffee", minji)
	for _, path := range []string{"/groups", "/groups/coffee", "/groups/coffee/members"} {
		page := minji.follow(path + "?lang=en").Body
		mustContain(t, page, ">2 members<")
		mustNotContain(t, page, "Members: ", "1 member<")
		mustContain(t, minji.follow(path+"?lang=ko").Body, ">멤버 2명<")
	}
}

// TestReactionsShowThoseGiven: under a post nobody reacted to there is
// one control to react, holding every reaction; once someone loves it,
// the love shows with its count beside the control, which holds the rest.
func TestReactionsShowThoseGiven(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee", Name: "Coffee"})
	minji := s.signUp(t, "minji@example.com")
	s.join(t, "coffee", minji)
	minji.post("/groups/coffee/posts", url.Values{"body": {"Latte art tips?"}})
	post := fdPostID(t, s, "Latte art tips?")

	shown, picked := phReactions(t, minji.get("/groups/coffee/posts/"+post).Body)
	if len(shown) != 0 || strings.Join(picked, " ") != strings.Join(phAllReactions(), " ") {
		t.Errorf("before any reaction: shown %v, in the picker %v; want none shown and all %v in the picker", shown, picked, phAllReactions())
	}
	if r := admin.post("/groups/coffee/posts/"+post+"/react", url.Values{"reaction": {"love"}}); r.Status != 303 {
		t.Fatalf("react: %d", r.Status)
	}
	page := minji.get("/groups/coffee/posts/" + post).Body
	shown, picked = phReactions(t, page)
	if strings.Join(shown, " ") != "love" || len(picked) != len(community.Reactions)-1 || strings.Contains(strings.Join(picked, " "), "love") {
		t.Errorf("after a love: shown %v, in the picker %v; want love shown and the other five in the picker", shown, picked)
	}
	if got := visibleText(t, page, "react-love"); !strings.HasSuffix(got, " 1") {
		t.Errorf("the love button shows %q, want its count 1", got)
	}
}

// phReactions splits the first reaction bar of a page into the reactions
// shown and those in its picker.
func phReactions(t *testing.T, body string) (shown, picked []string) {
	t.Helper()
	bar := regexpFind(t, body, `(?s)(<div class="reactions".*?)<footer`)
	before, after, found := strings.Cut(bar, `data-testid="react-picker"`)
	if !found {
		t.Fatalf("no control to add a reaction in %s", bar)
	}
	ids := regexp.MustCompile(`data-testid="react-([a-z]+)"`)
	for _, m := range ids.FindAllStringSubmatch(before, -1) {
		shown = append(shown, m[1])
	}
	for _, m := range ids.FindAllStringSubmatch(after, -1) {
		picked = append(picked, m[1])
	}
	return shown, picked
}

func phAllReactions() []string {
	var out []string
	for _, r := range community.Reactions {
		out = append(out, string(r))
	}
	return out
}

// TestTierEventNamesItsTier: a tier event's badge names the tier as
// members know it, on the event, the group's list and My events, not by
// its key.
func TestTierEventNamesItsTier(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.saveTier(t, admin, membership.TierInput{Key: "gold", Name: "Gold circle", Rank: "1"})
	g := s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	minji := s.signUp(t, "minji@example.com")
	s.join(t, g.Slug, minji)
	host := s.actor(t, admin)
	e := acEvent(t, s, host, g.Slug, acEventInput(s, "Gold launch", community.AccessTier))
	if _, err := s.Community.InvitePeople(context.Background(), host, g.Slug, e.ID, []auth.Account{s.actor(t, minji).Account}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/groups/club/events/" + string(e.ID), "/groups/club/events", "/events"} {
		page := minji.get(path).Body
		mustContain(t, page, ">Gold circle members<")
		mustNotContain(t, page, ">gold members<")
	}
}
