package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
)

// TestNotificationCentre: replies arrive with the bell's count; opening
// one marks it read and goes to the post; "mark all" clears the count;
// nobody opens another person's notice.
func TestNotificationCentre(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "coffee", Name: "Coffee"})
	minji, jun := s.signUp(t, "minji@example.com"), s.signUp(t, "jun@example.com")
	s.join(t, "coffee", minji)
	s.join(t, "coffee", jun)

	empty := minji.get("/notifications")
	mustContain(t, empty.Body, `data-testid="notifications-empty"`)
	ntBell(t, empty.Body, "Notifications")
	mustNotContain(t, empty.Body, `data-testid="unread-count"`)

	minji.post("/groups/coffee/posts", url.Values{"body": {"Latte art tips?"}})
	post := fdPostID(t, s, "Latte art tips?")
	jun.post("/groups/coffee/posts/"+post+"/comments", url.Values{"body": {"Practice!"}})
	admin.post("/groups/coffee/posts/"+post+"/comments", url.Values{"body": {"Whole milk."}})

	page := minji.get("/notifications")
	mustContain(t, page.Body, "jun replied in Coffee", "admin replied in Coffee", `data-testid="mark-all-read"`)
	ntBell(t, page.Body, "Notifications, 2 unread")
	var n struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("notifications").FindOne(t.Context(), bson.M{"account": minji.ID}).Decode(&n); err != nil {
		t.Fatal(err)
	}
	if res := jun.post("/notifications/read", url.Values{"id": {n.ID}}); res.Status != http.StatusNotFound {
		t.Errorf("jun opens minji's notice: %d, want 404", res.Status)
	}
	res := minji.post("/notifications/read", url.Values{"id": {n.ID}})
	if res.Status != http.StatusSeeOther || res.Location != "/groups/coffee/posts/"+post {
		t.Fatalf("open a notice: %d to %q", res.Status, res.Location)
	}
	ntBell(t, minji.get("/").Body, "Notifications, 1 unread")
	if res := minji.post("/notifications/read", nil); res.Status != http.StatusSeeOther {
		t.Fatal(res.Status)
	}
	after := minji.follow("/notifications")
	mustContain(t, after.Body, "All caught up.")
	ntBell(t, after.Body, "Notifications")
	mustNotContain(t, after.Body, `data-testid="unread-count"`, "notice-unread")
	if n := s.count("notifications", bson.M{"account": minji.ID, "read": false}); n != 0 {
		t.Errorf("%d unread after marking all, want 0", n)
	}
	if res := s.newBrowser().get("/notifications"); res.Status != http.StatusSeeOther {
		t.Errorf("signed out: %d, want a redirect to sign in", res.Status)
	}
	req, _ := http.NewRequest("GET", s.URL+"/notifications", nil)
	req.Header.Set("Accept-Language", "ko")
	mustContain(t, minji.do(req, false).Body, "jun님이 Coffee에서 답글을 남겼습니다")
}

// ntBell fails the test unless the bell is named want.
func ntBell(t *testing.T, body, want string) {
	t.Helper()
	if got := accessibleName(t, body, "bell"); got != want {
		t.Errorf("the bell is named %q, want %q", got, want)
	}
}
