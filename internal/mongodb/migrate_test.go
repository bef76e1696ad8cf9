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
	db := embedded(t).DB.Shared() // as on MongoDB: other instances may be migrating too
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

// TestMigrationCutShortRunsAgain: on the embedded store this process is
// the only one, so a migration claimed and not done was cut short (the
// process stopped) and runs again at once.
func TestMigrationCutShortRunsAgain(t *testing.T) {
	ctx := context.Background()
	db := embedded(t).DB
	now := time.Now()
	if _, err := db.Collection("migrations").InsertOne(ctx, bson.M{"_id": "e", "claimedAt": now.Add(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	runs := 0
	e := []mongodb.Migration{{ID: "e", Run: func(context.Context) error { runs++; return nil }}}
	if err := mongodb.Migrate(ctx, db, e, func() time.Time { return now }, slog.New(slog.DiscardHandler)); err != nil || runs != 1 {
		t.Fatalf("a migration cut short a second ago ran %d times (%v), want once", runs, err)
	}
}
