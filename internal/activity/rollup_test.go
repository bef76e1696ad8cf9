package activity_test

import (
	"testing"

	"fanclub/internal/activity"
)

func TestWordLevelReads(t *testing.T) {
	r := activity.Rollup{Account: "a"}
	// Days across word boundaries (a word holds 64 days), the last one
	// of a word and the first of the next.
	on := []activity.Day{20_031, 20_032, 20_095, 20_096, 20_200}
	for _, d := range on {
		r.Add(activity.Visit, d)
	}
	for _, tc := range []struct {
		from, to activity.Day
		days     int
	}{
		{20_000, 20_300, 5}, {20_032, 20_096, 2}, {20_033, 20_095, 0}, {20_095, 20_097, 2},
		{20_096, 20_096, 0}, {20_200, 20_201, 1}, {19_000, 20_031, 0}, {20_031, 20_032, 1},
	} {
		if got := r.ActiveDays(tc.from, tc.to); got != tc.days {
			t.Errorf("ActiveDays(%d, %d) = %d, want %d", tc.from, tc.to, got, tc.days)
		}
		if got := r.ActiveBetween(tc.from, tc.to); got != (tc.days > 0) {
			t.Errorf("ActiveBetween(%d, %d) = %v", tc.from, tc.to, got)
		}
	}
	for by, want := range map[activity.Day]activity.Day{
		20_030: 0, 20_031: 20_031, 20_094: 20_032, 20_095: 20_095, 20_199: 20_096, 20_200: 20_200, 30_000: 20_200,
	} {
		if got := r.LastActiveBy(by); got != want {
			t.Errorf("LastActiveBy(%d) = %d, want %d", by, got, want)
		}
	}
}
