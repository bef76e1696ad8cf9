package community_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// BenchmarkFeed reads the first page of a feed of 100 and of 1,000 posts
// on the embedded store, as a member with reactions on it, and reports
// the database commands per page. bench/README.md has the figures.
//
//	go test ./community -run '^$' -bench Feed -benchmem -benchtime 20x
func BenchmarkFeed(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) { benchFeed(b, n) })
	}
}

func benchFeed(b *testing.B, posts int) {
	var commands atomic.Int64
	mon := func(mongodb.Op) { commands.Add(1) }
	svc := fdService(b, mongotest.NewObserved(b, mon))
	ctx := context.Background()
	fdGroup(b, svc, "big", posts)
	reader := fdActor(1)
	if _, err := svc.Join(ctx, reader, "big", ""); err != nil {
		b.Fatal(err)
	}
	_, page, err := svc.Feed(ctx, reader, "big", "")
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range page.Posts[:5] {
		if err := svc.ReactToPost(ctx, reader, "big", p.ID, "like"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	commands.Store(0)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := svc.Feed(ctx, reader, "big", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(commands.Load())/float64(b.N), "commands/op")
}
