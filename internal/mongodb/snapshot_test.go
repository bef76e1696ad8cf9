package mongodb_test

import (
	"context"
	"slices"
	"testing"
)

// TestSnapshotIsTakenOnce: a saved snapshot is taken once; after that,
// or after a write marked it stale, or when the type saved differs from
// the one asked for (another version's), it is not, and the value is
// left alone.
func TestSnapshotIsTakenOnce(t *testing.T) {
	ctx := context.Background()
	db := embedded(t).DB
	snap := db.Snapshot("numbers")
	if err := snap.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	take := func(s interface {
		Take(context.Context, any) (bool, error)
	}, v any) bool {
		t.Helper()
		ok, err := s.Take(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	var got []int
	if take(db.Snapshot("numbers"), &got) {
		t.Fatal("took a snapshot never saved")
	}
	big := make([]int, 600_000) // more than one 4 MB chunk once encoded
	for i := range big {
		big[i] = i * 7919
	}
	if err := snap.Save(ctx, big); err != nil {
		t.Fatal(err)
	}
	if !take(db.Snapshot("numbers"), &got) || !slices.Equal(got, big) {
		t.Fatalf("took %d numbers, want the %d saved", len(got), len(big))
	}
	if take(db.Snapshot("numbers"), &got) {
		t.Error("took the same snapshot twice: the first taker may have written since")
	}

	if err := snap.Save(ctx, []int{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := db.Snapshot("numbers").Stale(ctx); err != nil { // another process writes
		t.Fatal(err)
	}
	if take(db.Snapshot("numbers"), &got) {
		t.Error("took a snapshot marked stale")
	}

	if err := snap.Save(ctx, []int{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	var other []struct{ N int }
	if take(db.Snapshot("numbers"), &other) || other != nil {
		t.Errorf("took a snapshot of another type: %v", other)
	}
}
