package mongodb_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/internal/mongodb"
)

// TestMigrationsRunOnce: each migration runs once per database, in
// order; one that fails runs again at the next start and holds back those
// after it; one another instance is running is left to it, unless its
// claim went stale.
func TestMigrationsRunOnce(t *testing.T) {
	ctx := context.Background()
	db := embedded(t).DB
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	runs := map[string]int{}
	failing := true
	ms := []mongodb.Migration{
		{ID: "a", Run: func(context.Context) error { runs["a"]++; return nil }},
		{ID: "b", Run: func(context.Context) error {
			runs["b"]++
			if failing {
				return errors.New("disk full")
			}
			return nil
		}},
		{ID: "c", Run: func(context.Context) error { runs["c"]++; return nil }},
	}
	if err := mongodb.Migrate(ctx, db, ms, clock, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("a failing migration reported no error")
	}
	if runs["a"] != 1 || runs["b"] != 1 || runs["c"] != 0 {
		t.Fatalf("first start ran %v; want a and b once, c not after b failed", runs)
	}
	failing = false
	if err := mongodb.Migrate(ctx, db, ms, clock, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if err := mongodb.Migrate(ctx, db, ms, clock, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if runs["a"] != 1 || runs["b"] != 2 || runs["c"] != 1 {
		t.Fatalf("after three starts ran %v; want a once, b twice (its failure), c once", runs)
	}

	// Another instance claimed d a minute ago and is still at it.
	d := []mongodb.Migration{{ID: "d", Run: func(context.Context) error { runs["d"]++; return nil }}}
	if _, err := db.Collection("migrations").InsertOne(ctx, bson.M{"_id": "d", "claimedAt": now.Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := mongodb.Migrate(ctx, db, d, clock, slog.New(slog.DiscardHandler)); err != nil || runs["d"] != 0 {
		t.Fatalf("a migration another instance is running ran here: %d, %v", runs["d"], err)
	}
	now = now.Add(time.Hour) // that instance died with it
	if err := mongodb.Migrate(ctx, db, d, clock, slog.New(slog.DiscardHandler)); err != nil || runs["d"] != 1 {
		t.Fatalf("a stale claim was not taken over: %d runs, %v", runs["d"], err)
	}
}
