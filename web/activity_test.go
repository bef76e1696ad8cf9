package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fanclub/assets"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// TestVisitsAreRecordedOncePerDay: a signed-in member's requests note a
// visit on each day they come, with one write that day however many
// pages they open; assets, signed-out requests and the unsubscribe page
// note nothing.
func TestVisitsAreRecordedOncePerDay(t *testing.T) {
	var writes atomic.Int64 // to the activity record
	db := mongotest.NewObserved(t, func(op mongodb.Op) {
		if op.Collection == "activity" && op.Name == "update" {
			writes.Add(1)
		}
	})
	s := newSite(t, siteOptions{db: db})
	mina := s.signUp(t, "mina@example.com")
	stranger := s.newBrowser()
	seoul, _ := time.LoadLocation("Asia/Seoul")
	visit := func() activity.Rollup {
		t.Helper()
		rows, err := s.Activity.Rollups(context.Background(), []string{string(mina.ID)})
		if err != nil {
			t.Fatal(err)
		}
		return rows[string(mina.ID)]
	}

	s.Clock.Advance(24 * time.Hour) // the next day
	writes.Store(0)
	for _, path := range []string{"/", "/groups", "/settings", "/notifications", "/events", assets.Path("app.css")} {
		if r := mina.get(path); r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.Status)
		}
	}
	day2 := activity.DayOf(s.Clock.Now(), seoul)
	if n := writes.Load(); n != 1 {
		t.Errorf("six requests on one day wrote the record %d times, want 1", n)
	}
	if row := visit(); !row.ActiveOn(day2) || row.KindLast[activity.Visit] != day2 {
		t.Errorf("the day's visit is not in the record: last visit on day %d, want %d", row.KindLast[activity.Visit], day2)
	}

	s.Clock.Advance(24 * time.Hour)
	writes.Store(0)
	day3 := activity.DayOf(s.Clock.Now(), seoul)
	mina.get(assets.Path("app.css"))
	stranger.get("/")
	link, err := s.Auth.UnsubscribeURL(context.Background(), mina.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := mina.get(strings.TrimPrefix(link, s.URL)); r.Status != http.StatusOK { // the link in a campaign's mail
		t.Fatalf("GET the unsubscribe page: %d", r.Status)
	}
	if row := visit(); writes.Load() != 0 || row.ActiveOn(day3) {
		t.Errorf("an asset, a stranger's page and the unsubscribe page wrote %d times and made day %d a visit", writes.Load(), day3)
	}
	mina.get("/groups")
	mina.get("/")
	if row := visit(); writes.Load() != 1 || !row.ActiveOn(day3) || !row.ActiveOn(day2) {
		t.Errorf("the third day: %d writes, visited day 2 %v, day 3 %v; want 1, both", writes.Load(), row.ActiveOn(day2), row.ActiveOn(day3))
	}
}

// TestEmailInvitationJoins: accepting an invitation mailed to an address
// no account holds makes an account, which joins the club that day, and a
// member of the group, which is a join in the activity record.
func TestEmailInvitationJoins(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "secret", Name: "Secret", Visibility: community.Unlisted, Policy: community.JoinInvite})
	if res := admin.post("/groups/secret/members/invite", url.Values{"email": {"newbie@example.com"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("invite: %d\n%s", res.Status, res.Body)
	}
	link, _ := s.Outbox.invitationTo(t, "newbie@example.com")
	b := s.newBrowser()
	b.get(link)
	if res := b.post(link, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d\n%s", res.Status, res.Body)
	}
	id := s.accountOf(t, "newbie@example.com")
	rows, err := s.Activity.Rollups(context.Background(), []string{id, string(admin.ID)})
	if err != nil {
		t.Fatal(err)
	}
	today := activity.DayOf(s.Clock.Now(), time.FixedZone("KST", 9*3600))
	if row := rows[id]; row.Joined != today || row.Counts[activity.Join] != 1 || row.KindLast[activity.Join] != today {
		t.Errorf("the invited account: joined the club on day %d, joined %d groups, last on day %d; want day %d, 1, day %d",
			row.Joined, row.Counts[activity.Join], row.KindLast[activity.Join], today, today)
	}
	if n := rows[string(admin.ID)].Counts[activity.Join]; n != 1 { // making the group; inviting to it is no join
		t.Errorf("the inviter joined %d groups, want 1", n)
	}
}
