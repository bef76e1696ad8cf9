package auth_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/activity"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// settable is a clock a test moves by hand.
type settable struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settable) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settable) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// newReporting is auth over db on clock, reporting to an activity record
// that counts days in the site's zone, as cmd/fanclub wires it.
func newReporting(t *testing.T, db *mongodb.DB, clock *settable) (*auth.Service, *activity.Recorder) {
	t.Helper()
	s := newServiceAt(t, db, clock.Now)
	rec := activity.New(db, s.Zone, clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := rec.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.ReportTo(rec)
	return s, rec
}

// joinedOn returns the day the record says account joined (0: none).
func joinedOn(t *testing.T, rec *activity.Recorder, a auth.AccountID) activity.Day {
	t.Helper()
	rows, err := rec.Rollups(context.Background(), []string{string(a)})
	if err != nil {
		t.Fatal(err)
	}
	return rows[string(a)].Joined
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestAccountsJoinWhenMade: every way an account is made notes the day
// it joined the club, in the site's time zone as the brand sets it;
// signing in again to an account changes nothing.
func TestAccountsJoinWhenMade(t *testing.T) {
	ctx := context.Background()
	// 00:30 on 2 December in Seoul; 10:30 on 1 December in New York.
	clock := &settable{t: time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC)}
	s, rec := newReporting(t, mongotest.New(t), clock)
	seoulDay := activity.DayOf(clock.Now(), mustZone(t, "Asia/Seoul"))

	owner, err := s.SeedAccount(ctx, "owner@example.com", "Owner", auth.RoleOwner, "en")
	if err != nil {
		t.Fatal(err)
	}
	signedUp, err := s.SignIn(ctx, auth.External{Provider: "oidc", Subject: "42", Email: "mina@example.com", EmailVerified: true, Name: "Mina"})
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range map[string]auth.Account{"seeded": owner, "signed up": signedUp} {
		if got := joinedOn(t, rec, a.ID); got != seoulDay {
			t.Errorf("%s account joined on day %d, want %d (2 December in Seoul)", name, got, seoulDay)
		}
	}

	// The brand moves the club to New York: accounts made from then on
	// join on New York's date; signing in again is no new join.
	if _, err := s.SaveSite(ctx, owner, auth.SiteChange{Site: auth.Site{TimeZone: "America/New_York"}}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	nyDay := activity.DayOf(clock.Now(), mustZone(t, "America/New_York"))
	later, err := s.SignIn(ctx, auth.External{Provider: "oidc", Subject: "43", Email: "jun@example.com", Name: "Jun"})
	if err != nil {
		t.Fatal(err)
	}
	if got := joinedOn(t, rec, later.ID); got != nyDay || nyDay == seoulDay {
		t.Errorf("account made after the move joined on day %d, want %d (1 December in New York)", got, nyDay)
	}
	clock.Add(72 * time.Hour)
	if _, err := s.SignIn(ctx, auth.External{Provider: "oidc", Subject: "42", Email: "mina@example.com", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	if got := joinedOn(t, rec, signedUp.ID); got != seoulDay {
		t.Errorf("signing in again moved the join day to %d, want %d", got, seoulDay)
	}
}

// TestBackfillJoined: accounts made before the record was kept get the
// day they were made; a deleted one gets nothing; running it again
// changes nothing.
func TestBackfillJoined(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	clock := &settable{t: time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)}
	before := newServiceAt(t, db, clock.Now) // no record: the version before this one
	if err := before.BackfillJoined(ctx); err == nil {
		t.Error("a backfill with no record to write to succeeded")
	}
	var made []auth.Account
	for _, email := range []string{"a@example.com", "b@example.com", "gone@example.com"} {
		a, err := before.SeedAccount(ctx, email, email, auth.RoleMember, "en")
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, a)
		clock.Add(50 * time.Hour)
	}
	if err := before.DeleteAccount(ctx, made[2].ID); err != nil {
		t.Fatal(err)
	}

	s, rec := newReporting(t, db, clock)
	for range 2 {
		if err := s.BackfillJoined(ctx); err != nil {
			t.Fatal(err)
		}
		seoul := mustZone(t, "Asia/Seoul")
		for _, a := range made[:2] {
			if got, want := joinedOn(t, rec, a.ID), activity.DayOf(a.CreatedAt, seoul); got != want {
				t.Errorf("%s joined on day %d, want %d", a.Email, got, want)
			}
		}
		if got := joinedOn(t, rec, made[2].ID); got != 0 {
			t.Errorf("the deleted account has a join day, %d", got)
		}
	}
}

// A deleted account's activity goes with it: it is personal data, and the
// insight must not count the person or list them as at risk.
func TestDeletedAccountLeavesNoActivity(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	clock := &settable{t: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	s, rec := newReporting(t, db, clock)
	if _, err := s.SignIn(ctx, auth.External{Provider: "google", Subject: "owner", Name: "Owner"}); err != nil {
		t.Fatal(err)
	}
	a, err := s.SignIn(ctx, auth.External{Provider: "google", Subject: "g", Email: "mina@example.com", EmailVerified: true, Name: "Mina"})
	if err != nil {
		t.Fatal(err)
	}
	rec.Record(ctx, string(a.ID), activity.Post)
	if joinedOn(t, rec, a.ID) == 0 {
		t.Fatal("the new account has no activity record to delete")
	}
	if err := s.DeleteAccount(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	all, err := rec.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Account == string(a.ID) {
			t.Errorf("the deleted account's activity is still recorded: %+v", r)
		}
	}
	if n, _ := db.Collection("activity").CountDocuments(ctx, bson.M{"_id": a.ID}); n != 0 {
		t.Errorf("the activity collection still holds the deleted account")
	}
	if gone, err := s.DeletedAccounts(ctx); err != nil || len(gone) != 1 || gone[0] != string(a.ID) {
		t.Errorf("DeletedAccounts = %v, %v; want only %s", gone, err, a.ID)
	}
}
