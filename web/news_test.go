package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/views"
)

// storedNews is the account's news consent as stored: whether the field
// is on, and since when.
func storedNews(t *testing.T, s *site, id string) (bool, time.Time) {
	t.Helper()
	var d struct {
		News      bool      `bson:"news"`
		NewsSince time.Time `bson:"newsSince"`
	}
	if err := s.DB.Collection("accounts").FindOne(context.Background(), bson.M{"_id": id}).Decode(&d); err != nil {
		t.Fatalf("account %s: %v", id, err)
	}
	return d.News, d.NewsSince
}

var newsBoxRE = regexp.MustCompile(`<input[^>]*name="news"[^>]*>`)

// newsChecked reports whether the news checkbox on page is checked, and
// fails the test when the page has none.
func newsChecked(t *testing.T, page string) bool {
	t.Helper()
	box := newsBoxRE.FindString(page)
	if box == "" {
		t.Fatal("the page has no news checkbox")
	}
	return strings.Contains(box, " checked")
}

// TestSettingsNewsConsent: news from the brand is off until the member
// checks it; saving records when they agreed, which the page shows, and
// unchecking turns it off and forgets the date.
func TestSettingsNewsConsent(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	b.signInByEmailLink(t, s, "mina@example.com")
	acc := setAccountOf(t, s, "mina@example.com")

	page := b.get("/settings")
	mustContain(t, page.Body, "<legend>News from the club</legend>", `<label for="mail-news">News and offers from fanclub by email</label>`)
	mustNotContain(t, page.Body, `data-testid="news-since"`)
	if newsChecked(t, page.Body) {
		t.Fatal("news is checked for a new account")
	}
	if on, _ := storedNews(t, s, acc.ID); on {
		t.Fatal("a new account is stored with news on")
	}
	b.get("/settings?lang=ko") // the switcher keeps Korean in a cookie
	mustContain(t, b.get("/settings").Body, "<legend>클럽 소식</legend>", "fanclub의 소식과 혜택을 이메일로 받기 (광고성 정보 수신 동의)")
	b.get("/settings?lang=en")

	agreed := s.Clock.Now()
	r := setPost(b, "/settings/mail", url.Values{"mail": {"none"}, "news": {"1"}}, nil)
	if r.Status != http.StatusSeeOther || r.Location != "/settings" {
		t.Fatalf("turning news on: status %d to %q: %s", r.Status, r.Location, r.Body)
	}
	on, since := storedNews(t, s, acc.ID)
	if !on || since.Before(agreed.Add(-time.Second)) || since.After(s.Clock.Now()) {
		t.Fatalf("after turning news on: stored %v since %v; want on since about %v", on, since, agreed)
	}
	page = b.get("/settings")
	mustContain(t, page.Body, `data-testid="flash"`, "Saved. You will get news and offers by email.",
		"Agreed on "+views.DateOf("en", since.UTC())+".")
	if !newsChecked(t, page.Body) {
		t.Error("news is not checked after turning it on")
	}
	var x struct{ Account struct{ News bool } }
	if err := json.Unmarshal([]byte(b.get("/settings/export").Body), &x); err != nil || !x.Account.News {
		t.Errorf("the export says news %v, %v; want the consent in it", x.Account.News, err)
	}

	// Saving another mail choice says yes again; the date stays the first.
	s.Clock.Advance(48 * time.Hour)
	if r := setPost(b, "/settings/mail", url.Values{"mail": {"status"}, "news": {"1"}}, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("saving again: status %d", r.Status)
	}
	if on, again := storedNews(t, s, acc.ID); !on || !again.Equal(since) {
		t.Fatalf("after saving again: stored %v since %v; want on since %v", on, again, since)
	}
	mustContain(t, b.get("/settings").Body, "Your email choice was saved.")

	// A refused form changes nothing, news included.
	if r := setPost(b, "/settings/mail", url.Values{"mail": {"weekly"}}, nil); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a made-up mail choice: status %d, want 422", r.Status)
	} else if !newsChecked(t, r.Body) {
		t.Error("the refused form's page shows news unchecked, though it is saved on")
	}
	if on, _ := storedNews(t, s, acc.ID); !on {
		t.Fatal("a refused form turned news off")
	}

	if r := setPost(b, "/settings/mail", url.Values{"mail": {"status"}}, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("turning news off: status %d", r.Status)
	}
	if on, since := storedNews(t, s, acc.ID); on || !since.IsZero() {
		t.Fatalf("after turning news off: stored %v since %v; want off, no date", on, since)
	}
	page = b.get("/settings")
	mustContain(t, page.Body, "Saved. You won&#39;t get news mail from us any more.")
	mustNotContain(t, page.Body, `data-testid="news-since"`)
	if newsChecked(t, page.Body) {
		t.Error("news is still checked after turning it off")
	}
}
