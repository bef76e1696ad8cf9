package activity_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"

	"fanclub/internal/activity"
	"fanclub/internal/mongotest"
)

// syntheticClub is n members with up to a year of history each, read on
// today: a tenth come almost daily, six tenths a few days a month, and the
// rest a few days a month until they stop; joins are spread over two
// years, premium one in twenty.
func syntheticClub(n int) ([]activity.Rollup, map[string]bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []activity.Kind{activity.Visit, activity.Visit, activity.Visit, activity.Post,
		activity.Comment, activity.React, activity.Vote, activity.RSVP}
	rows := make([]activity.Rollup, n)
	premium := map[string]bool{}
	for i := range rows {
		account := fmt.Sprintf("acct%05d", i)
		joined := today - activity.Day(rng.IntN(730))
		r := activity.Rollup{Account: account, Joined: joined}
		p, stop := 0.1, today
		switch x := rng.Float64(); {
		case x < 0.1:
			p = 0.85
		case x >= 0.7:
			stop = joined + activity.Day(rng.IntN(int(today-joined)+1))
		}
		for d := max(joined, today-365); d <= stop; d++ {
			if rng.Float64() < p {
				r.Add(kinds[rng.IntN(len(kinds))], d)
			}
		}
		rows[i] = r
		if i%20 == 0 {
			premium[account] = true
		}
	}
	return rows, premium
}

// BenchmarkInsight computes sections 1–5 of /admin/insights for 5,000
// members with a year of history.
func BenchmarkInsight(b *testing.B) {
	rows, premium := syntheticClub(5000)
	b.ResetTimer()
	for b.Loop() {
		activity.MembersFigures(rows, today)
		activity.Cohorts(rows, today)
		activity.RepeatRate(rows, today)
		activity.AtRisk(rows, today)
		activity.SegmentCounts(rows, today, premium)
	}
}

// BenchmarkInsightSection times each section alone, to show which to
// work on.
func BenchmarkInsightSection(b *testing.B) {
	rows, premium := syntheticClub(5000)
	for name, f := range map[string]func(){
		"members":  func() { activity.MembersFigures(rows, today) },
		"cohorts":  func() { activity.Cohorts(rows, today) },
		"repeat":   func() { activity.RepeatRate(rows, today) },
		"atrisk":   func() { activity.AtRisk(rows, today) },
		"segments": func() { activity.SegmentCounts(rows, today, premium) },
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				f()
			}
		})
	}
}

// BenchmarkReadAll reads 5,000 members' year from the embedded store
// into memory, as the first insight page after a start does: the cost
// the in-memory copy saves every later page.
func BenchmarkReadAll(b *testing.B) {
	ctx := context.Background()
	db := mongotest.New(b)
	c := &clock{t: today.Start(seoul)}
	rows, _ := syntheticClub(5000)
	if err := activity.New(db, zone, c.now, slog.New(slog.NewTextHandler(io.Discard, nil))).Replace(ctx, rows); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := activity.New(db, zone, c.now, slog.New(slog.NewTextHandler(io.Discard, nil))).All(ctx)
		if err != nil || len(got) != len(rows) {
			b.Fatalf("read %d rollups (%v), want %d", len(got), err, len(rows))
		}
	}
}
