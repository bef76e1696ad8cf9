package loyalty

import (
	"slices"
	"testing"
	"time"

	"fanclub/auth"
)

// TestCelebrations: whether an instant is a member's birthday or
// anniversary, in their zone, and whether it is rewarded.
func TestCelebrations(t *testing.T) {
	seoul, _ := auth.LoadZone("Asia/Seoul")
	la, _ := auth.LoadZone("America/Los_Angeles")
	at := func(loc *time.Location, y int, m time.Month, d, h int) time.Time {
		return time.Date(y, m, d, h, 0, 0, 0, loc)
	}
	long := at(time.UTC, 2020, 6, 15, 0) // a birthday entered, and the account made, long ago
	// 10 March 2027, 10:00 in Seoul is 9 March, 17:00 in Los Angeles.
	seoulDay := at(seoul, 2027, 3, 10, 10)
	birthday := func(m, d int, set time.Time) auth.Account {
		return auth.Account{ID: "a", Birthday: auth.Birthday{Month: m, Day: d}, BirthdaySetAt: set, CreatedAt: long}
	}
	bday := func(y int) []celebration { return []celebration{{Earning: EarnBirthday, Year: y}} }
	for _, c := range []struct {
		name string
		a    auth.Account
		loc  *time.Location
		now  time.Time
		late time.Duration
		want []celebration
	}{
		{name: "Seoul, on the day", a: birthday(3, 10, long), loc: seoul, now: seoulDay, want: bday(2027)},
		{name: "the same instant in Los Angeles is the day before", a: birthday(3, 10, long), loc: la, now: seoulDay},
		{name: "Los Angeles, on its day", a: birthday(3, 10, long), loc: la, now: at(la, 2027, 3, 10, 0), want: bday(2027)},
		{name: "Seoul, the day after", a: birthday(3, 10, long), loc: seoul, now: at(seoul, 2027, 3, 11, 0)},
		{name: "Seoul, the day after, catching up", a: birthday(3, 10, long), loc: seoul, now: at(seoul, 2027, 3, 11, 9),
			late: CelebrateLate, want: bday(2027)},
		{name: "catching up no further than a day", a: birthday(3, 10, long), loc: seoul, now: at(seoul, 2027, 3, 12, 1),
			late: CelebrateLate},
		{name: "catching up into the year before", a: birthday(12, 31, long), loc: seoul, now: at(seoul, 2028, 1, 1, 3),
			late: CelebrateLate, want: bday(2027)},
		{name: "29 February in a leap year", a: birthday(2, 29, long), loc: seoul, now: at(seoul, 2028, 2, 29, 12), want: bday(2028)},
		{name: "not 28 February in a leap year", a: birthday(2, 29, long), loc: seoul, now: at(seoul, 2028, 2, 28, 12)},
		{name: "28 February in another year", a: birthday(2, 29, long), loc: seoul, now: at(seoul, 2027, 2, 28, 12), want: bday(2027)},
		{name: "not 1 March in another year", a: birthday(2, 29, long), loc: seoul, now: at(seoul, 2027, 3, 1, 12)},
		{name: "28 February born is 28 February in a leap year", a: birthday(2, 28, long), loc: seoul,
			now: at(seoul, 2028, 2, 28, 12), want: bday(2028)},
		{name: "set 10 days before: not this year", a: birthday(3, 10, at(seoul, 2027, 2, 28, 12)), loc: seoul, now: seoulDay},
		{name: "set 10 days before: next year", a: birthday(3, 10, at(seoul, 2027, 2, 28, 12)), loc: seoul,
			now: at(seoul, 2028, 3, 10, 10), want: bday(2028)},
		{name: "set 40 days before", a: birthday(3, 10, at(seoul, 2027, 1, 29, 12)), loc: seoul, now: seoulDay, want: bday(2027)},
		{name: "set on the day", a: birthday(3, 10, at(seoul, 2027, 3, 10, 9)), loc: seoul, now: seoulDay},
		{name: "set before this was recorded", a: birthday(3, 10, time.Time{}), loc: seoul, now: seoulDay, want: bday(2027)},
		{name: "no birthday", a: auth.Account{ID: "a", CreatedAt: long}, loc: seoul, now: seoulDay},
		{name: "the day of joining is no anniversary", a: auth.Account{ID: "a", CreatedAt: at(seoul, 2027, 3, 10, 8)}, loc: seoul,
			now: seoulDay},
		{name: "a year after joining", a: auth.Account{ID: "a", CreatedAt: at(seoul, 2026, 3, 10, 8)}, loc: seoul, now: seoulDay,
			want: []celebration{{Earning: EarnAnniversary, Year: 2027, Years: 1}}},
		{name: "joining is counted in the member's zone", a: auth.Account{ID: "a", CreatedAt: at(seoul, 2026, 3, 10, 8)}, loc: la,
			now: at(la, 2027, 3, 9, 12), want: []celebration{{Earning: EarnAnniversary, Year: 2027, Years: 1}}},
		{name: "birthday and anniversary on one day", a: auth.Account{ID: "a", Birthday: auth.Birthday{Month: 3, Day: 10},
			CreatedAt: at(seoul, 2024, 3, 10, 8)}, loc: seoul, now: seoulDay,
			want: []celebration{{Earning: EarnBirthday, Year: 2027}, {Earning: EarnAnniversary, Year: 2027, Years: 3}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := celebrations(c.a, c.loc, c.now, c.late); !slices.Equal(got, c.want) {
				t.Errorf("celebrations = %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestMemberZone: a member's own zone, else the site's.
func TestMemberZone(t *testing.T) {
	site, _ := auth.LoadZone("Asia/Seoul")
	if got := memberZone(auth.Account{TimeZone: "America/Los_Angeles"}, site); got.String() != "America/Los_Angeles" {
		t.Errorf("own zone: %v", got)
	}
	for _, z := range []string{"", "Local", "Mars/Olympus"} {
		if got := memberZone(auth.Account{TimeZone: z}, site); got != site {
			t.Errorf("zone %q: %v, want the site's", z, got)
		}
	}
}
