package community_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"fanclub/community"
	"fanclub/internal/mongotest"
)

// BenchmarkRSVPBurst is 200 members saying "going" at once to an event of
// 50 seats, on the embedded store with the production settings: 50 seated
// at once, 150 queued with tickets. One op is the whole burst.
func BenchmarkRSVPBurst(b *testing.B) {
	db := mongotest.New(b)
	clock := newClock(time.Now())
	svc, _ := evService(b, db, clock.Now)
	ctx := context.Background()
	members := ideaGroup(b, svc, "burst", 200)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		e := newEvent(b, svc, clock.Now(), "burst", community.EventInput{Capacity: "50"})
		b.StartTimer()
		var wg sync.WaitGroup
		for _, m := range members {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := svc.RSVP(ctx, m, "burst", e.ID, true); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
}
