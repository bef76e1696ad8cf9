package loyalty

import (
	"testing"
	"time"
)

// TestExpiringTakesTheOldestFirst: spending, expiry and removals are
// charged to the oldest month's earnings, so what expires next is what
// is left of the oldest month.
func TestExpiringTakesTheOldestFirst(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	at := moveAt{now: time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC), loc: seoul}
	end := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, seoul) }
	for _, tc := range []struct {
		name string
		b    balanceDoc
		want []Expiring
	}{
		{"nothing spent", balanceDoc{Earned: map[string]int64{"2026-10": 100, "2026-11": 50}},
			[]Expiring{{100, end(2027, 11)}, {50, end(2027, 12)}}},
		{"spending eats the oldest", balanceDoc{Earned: map[string]int64{"2026-10": 100, "2026-11": 50}, Redeemed: 30},
			[]Expiring{{70, end(2027, 11)}, {50, end(2027, 12)}}},
		{"spending past the oldest", balanceDoc{Earned: map[string]int64{"2026-10": 100, "2026-11": 50}, Redeemed: 120},
			[]Expiring{{30, end(2027, 12)}}},
		{"all of it spent", balanceDoc{Earned: map[string]int64{"2026-10": 100, "2026-11": 50}, Redeemed: 100, Removed: 50}, nil},
		{"an expired month charged its own", balanceDoc{Earned: map[string]int64{"2025-10": 80, "2026-11": 50},
			Redeemed: 30, Expired: 50, ExpiredThrough: "2025-10"}, []Expiring{{50, end(2027, 12)}}},
		{"a month emptied by an undo", balanceDoc{Earned: map[string]int64{"2026-10": 0, "2026-11": 50}},
			[]Expiring{{50, end(2027, 12)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := expiring(tc.b, 12, at)
			if len(got) != len(tc.want) {
				t.Fatalf("expiring = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i].Points != tc.want[i].Points || !got[i].At.Equal(tc.want[i].At) {
					t.Fatalf("expiring = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestLastDay: the day before the instant points expire, in the site's
// zone, whatever zone shows it.
func TestLastDay(t *testing.T) {
	for _, zone := range []string{"Asia/Seoul", "America/Los_Angeles", "UTC"} {
		loc, _ := time.LoadLocation(zone)
		got := LastDay(time.Date(2027, 12, 1, 0, 0, 0, 0, loc), loc)
		if want := time.Date(2027, 11, 30, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("%s: last day %v, want %v", zone, got, want)
		}
	}
}

// TestParseRules: whole numbers within limits; blanks are 0; a rule
// with no points is no rule.
func TestParseRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     RulesInput
		fields []string
	}{
		{"blank is off", RulesInput{}, nil},
		{"negative points", RulesInput{Points: map[Earning]string{EarnPost: "-5"}}, []string{"points_post"}},
		{"not a number", RulesInput{Points: map[Earning]string{EarnVote: "ten"}}, []string{"points_vote"}},
		{"huge", RulesInput{Points: map[Earning]string{EarnVote: "100001"}}, []string{"points_vote"}},
		{"negative cap", RulesInput{Points: map[Earning]string{EarnVote: "1"}, Caps: map[Earning]string{EarnVote: "-1"}}, []string{"cap_vote"}},
		{"expiry too long", RulesInput{ExpiryMonths: "121"}, []string{"expiry"}},
		{"fine", RulesInput{On: true, ExpiryMonths: "12", Points: map[Earning]string{EarnPost: " 10 "}, Caps: map[Earning]string{EarnPost: "5"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseRules(tc.in)
			v, _ := err.(ValidationError)
			if len(v) != len(tc.fields) {
				t.Fatalf("errors %v, want on %v", v, tc.fields)
			}
			for _, f := range tc.fields {
				if v[f] == "" {
					t.Fatalf("errors %v, want on %v", v, tc.fields)
				}
			}
			if tc.name == "fine" && (r.Earn[EarnPost] != Rule{Points: 10, Cap: 5} || r.ExpiryMonths != 12 || !r.On) {
				t.Fatalf("rules %+v", r)
			}
		})
	}
}

// TestSignedNumber: an adjustment's points, with either minus sign.
func TestSignedNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{{"50", 50, true}, {"+50", 50, true}, {"-50", -50, true}, {"−50", -50, true}, {" 7 ", 7, true},
		{"", 0, false}, {"-", 0, false}, {"5-", 0, false}, {"1e3", 0, false}, {"100001", 0, false}} {
		if got, ok := signedNumber(tc.in, MaxPoints); got != tc.want || ok != tc.ok {
			t.Errorf("signedNumber(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
