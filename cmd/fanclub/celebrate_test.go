package main

import (
	"context"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongotest"
	"fanclub/loyalty"
)

// TestCelebrateRunsAtStart: the hourly run serve starts gives a member
// whose birthday it is today (in the site's zone) the birthday points,
// once though two instances run it.
func TestCelebrateRunsAtStart(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	log := discardLog()
	// The birthday was entered long ago; today is the day.
	now := time.Date(2027, 5, 20, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	au, err := auth.New(db, auth.Config{BaseURL: "http://club.test"}, mail.Log{Logger: log}, clock, log)
	if err != nil {
		t.Fatal(err)
	}
	cm := community.New(db, community.Limits{}, clock, log)
	queue := jobs.New(db, clock, log)
	lp := loyalty.New(db, loyalty.Deps{Accounts: au, Community: cm, Jobs: queue, Zone: au.Zone}, clock, log)
	for _, ensure := range []func(context.Context) error{au.EnsureIndexes, cm.EnsureIndexes, queue.EnsureIndexes, lp.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			t.Fatal(err)
		}
	}
	owner, err := au.SeedAccount(ctx, "owner@example.com", "Owner", auth.RoleOwner, "en")
	if err != nil {
		t.Fatal(err)
	}
	now = now.AddDate(-1, 0, 0)
	if err := au.UpdateProfile(ctx, owner.ID, auth.ProfileInput{Name: "Owner", TimeZone: "UTC", BirthMonth: "5", BirthDay: "20"}); err != nil {
		t.Fatal(err)
	}
	now = now.AddDate(1, 0, 0)
	if _, err := lp.SaveRules(ctx, owner, loyalty.RulesInput{On: true, ExpiryMonths: "0",
		Points: map[loyalty.Earning]string{loyalty.EarnBirthday: "300"}}); err != nil {
		t.Fatal(err)
	}

	stopA, stopB := celebrate(ctx, lp, queue, log), celebrate(ctx, lp, queue, log)
	var st loyalty.Statement
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if st, err = lp.Statement(ctx, owner.ID); err != nil {
			t.Fatal(err)
		} else if st.Balance > 0 {
			break
		}
	}
	stopA()
	stopB()
	if st, err = lp.Statement(ctx, owner.ID); err != nil || st.Balance != 300 {
		t.Fatalf("balance after the birthday run: %d, %v; want 300", st.Balance, err)
	}
}
