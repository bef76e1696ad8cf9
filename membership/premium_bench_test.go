package membership_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/internal/mongotest"
	"fanclub/membership"
)

// BenchmarkPremiumFigures works out the insight page's premium figures on
// the embedded store holding 1,000 subscriptions with a year of history
// (paying, cancelled, trials converted and not), stored whole as the
// webhook stores them: "read" reads them all each time, as on a database
// shared with other instances and as the first use does; "memory" works
// from what this process, the sole writer, keeps in memory.
//
//	go test ./membership -run '^$' -bench PremiumFigures -benchmem
func BenchmarkPremiumFigures(b *testing.B) {
	ctx := context.Background()
	db := mongotest.New(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	var subs []any
	for i := range 1000 {
		start := now.Add(-time.Duration(i%365) * 24 * time.Hour)
		s := membership.Subscription{ID: fmt.Sprintf("sub_%04d", i), Account: auth.AccountID(fmt.Sprintf("acc_%04d", i)),
			Customer: fmt.Sprintf("cus_%04d", i), Tier: "premium", Price: "price_premium_month", Status: membership.StatusActive,
			MonthlyAmount: 9900, Currency: "krw", StartedAt: start, PeriodEnd: now.AddDate(0, 0, i%30),
			LastEvent: start.Unix(), LastEventID: fmt.Sprintf("evt_%04d", i), UpdatedAt: start}
		switch i % 5 {
		case 1: // cancelled
			s.Status, s.CanceledAt = membership.StatusCanceled, start.Add(time.Duration(i%60)*time.Hour)
		case 2: // a trial that converted
			s.TrialEnd = start.AddDate(0, 0, 14)
			s.PeriodEnd = s.TrialEnd.AddDate(0, 1, 0)
		case 3: // a trial cancelled at its end
			s.TrialEnd = start.AddDate(0, 0, 14)
			s.Status, s.PeriodEnd, s.CanceledAt = membership.StatusCanceled, s.TrialEnd, s.TrialEnd
		}
		subs = append(subs, s)
	}
	if _, err := db.Collection("subscriptions").InsertMany(ctx, subs); err != nil {
		b.Fatal(err)
	}
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		b.Fatal(err)
	}
	admin := auth.Account{ID: "admin", Role: auth.RoleOwner}
	for _, c := range []struct {
		name string
		m    *membership.Service
	}{
		{"read", membership.New(db.Shared(), membership.Config{}, time.Now, log)},
		{"memory", membership.New(db, membership.Config{}, time.Now, log)},
	} {
		if err := c.m.WarmFigures(ctx); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			cpu := cpuTime(b)
			for range b.N {
				p, err := c.m.PremiumFigures(ctx, admin, now, seoul)
				if err != nil || p.Subscriptions == 0 || len(p.Trend) != 12 {
					b.Fatalf("%d paying, %d months: %v", p.Subscriptions, len(p.Trend), err)
				}
			}
			b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the CPU time the test process (the embedded server in it
// too) has used: on a machine other work shares, a truer cost than the
// time on the clock.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
