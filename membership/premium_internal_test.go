package membership

import (
	"testing"
	"time"
)

// An unpaid subscription stopped paying when its payments began to fail,
// however many later events Stripe sends for it.
func TestUnpaidStopsPayingAtTheFirstFailure(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name         string
		failed, last time.Time
		want         time.Time
	}{
		{"its payments failed on the 5th; Stripe still updates it on the 28th", day(5), day(28), day(5)},
		{"stored before the failure was kept: its last change is the best known", time.Time{}, day(20), day(20)},
	} {
		sub := Subscription{Status: StatusUnpaid, StartedAt: day(1).AddDate(0, -3, 0), PastDueSince: c.failed, UpdatedAt: c.last}
		sp, billed := paidSpan(&sub)
		if !billed || !sp.until.Equal(c.want) {
			t.Errorf("%s: paid until %v (billed %v), want %v", c.name, sp.until, billed, c.want)
		}
	}
}
