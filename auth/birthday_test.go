package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/internal/mongotest"
)

// TestBirthdayChangesOnceAYear walks one member's birthday through a
// year and more: the first entry is free, saving the same date is no
// change, another date (directly, or by clearing and entering again)
// within a year of the last change is refused, and a year later it is
// allowed and starts the year again.
func TestBirthdayChangesOnceAYear(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := newServiceAt(t, mongotest.New(t), func() time.Time { return now })
	a, err := s.SeedAccount(ctx, "mina@example.com", "Mina", auth.RoleMember, "en")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name       string
		after      time.Duration // since the step before
		month, day string
		refused    bool
		want       auth.Birthday
		wantSetAt  time.Time
	}{
		{name: "first entry", month: "5", day: "20", want: auth.Birthday{Month: 5, Day: 20}, wantSetAt: now},
		{name: "the same date again is no change", after: 24 * time.Hour, month: "5", day: "20",
			want: auth.Birthday{Month: 5, Day: 20}, wantSetAt: now},
		{name: "another date within the year", after: 30 * 24 * time.Hour, month: "4", day: "1", refused: true,
			want: auth.Birthday{Month: 5, Day: 20}, wantSetAt: now},
		{name: "clearing is allowed and keeps the clock", month: "", day: "", wantSetAt: now},
		{name: "entering again within the year is a change", month: "5", day: "20", refused: true, wantSetAt: now},
		{name: "a day short of a year", after: 333 * 24 * time.Hour, month: "4", day: "1", refused: true, wantSetAt: now},
		{name: "a year after the last change", after: 24 * time.Hour, month: "4", day: "1",
			want: auth.Birthday{Month: 4, Day: 1}, wantSetAt: now.Add(365 * 24 * time.Hour)},
		{name: "and the year starts again", after: 24 * time.Hour, month: "2", day: "29", refused: true,
			want: auth.Birthday{Month: 4, Day: 1}, wantSetAt: now.Add(365 * 24 * time.Hour)},
	}
	for _, st := range steps {
		now = now.Add(st.after)
		err := s.UpdateProfile(ctx, a.ID, auth.ProfileInput{Name: "Mina", BirthMonth: st.month, BirthDay: st.day})
		var invalid auth.ValidationError
		if st.refused != (errors.As(err, &invalid) && invalid["birthday"] == "validation.birthday.once_a_year") {
			t.Fatalf("%s: err = %v, refused want %v", st.name, err, st.refused)
		}
		if !st.refused && err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := s.AccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Birthday != st.want || !got.BirthdaySetAt.Equal(st.wantSetAt) {
			t.Fatalf("%s: birthday %v set at %v; want %v set at %v", st.name, got.Birthday, got.BirthdaySetAt, st.want, st.wantSetAt)
		}
	}
}

// TestBirthdayLockedUntil says when a birthday may next change.
func TestBirthdayLockedUntil(t *testing.T) {
	set := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	until := set.Add(auth.BirthdayChangeGap)
	for _, c := range []struct {
		name  string
		setAt time.Time
		now   time.Time
		want  time.Time
	}{
		{name: "never set", now: set},
		{name: "just set", setAt: set, now: set, want: until},
		{name: "a year later", setAt: set, now: until},
	} {
		if got := auth.BirthdayLockedUntil(auth.Account{BirthdaySetAt: c.setAt}, c.now); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
