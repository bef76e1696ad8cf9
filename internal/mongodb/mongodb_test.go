package mongodb_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

func TestEmbeddedDataDirIsLocked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := mongodb.StartEmbedded(ctx, dir, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := mongodb.StartEmbedded(ctx, dir, slog.Default()); !errors.Is(err, mongodb.ErrDataDirLocked) {
		t.Fatalf("second start on the same directory: got %v, want ErrDataDirLocked", err)
	}
}

// TestEnsureIndexesTwice is a restart: the same indexes ensured again on
// the same database must succeed and change nothing. The embedded store
// keeps only the unique ones, which refuse duplicates; the others would
// serve no query there, and one an earlier version made is dropped.
func TestEnsureIndexesTwice(t *testing.T) {
	ctx := context.Background()
	c, err := mongodb.StartEmbedded(ctx, t.TempDir(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	coll := c.DB.Collection("things")
	if _, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "old", Value: 1}},
		Options: options.Index().SetName("things_old")}); err != nil {
		t.Fatal(err)
	}
	models := []mongo.IndexModel{
		{Keys: bson.D{{Key: "a", Value: 1}}, Options: options.Index().SetName("things_a").SetUnique(true)},
		{Keys: bson.D{{Key: "b", Value: 1}}, Options: options.Index().SetName("things_b")},
	}
	for range 2 {
		if err := mongodb.EnsureIndexes(ctx, coll, models...); err != nil {
			t.Fatal(err)
		}
	}
	specs, err := coll.Indexes().ListSpecifications(ctx)
	var names []string
	for _, s := range specs {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	if err != nil || !slices.Equal(names, []string{"_id_", "things_a"}) {
		t.Fatalf("indexes: %v, %v; want _id_ and things_a", names, err)
	}
	if _, err := coll.InsertMany(ctx, []any{bson.M{"a": 1}, bson.M{"a": 1}}); !mongodb.IsDuplicateKey(err) {
		t.Fatalf("a duplicate of a unique key: %v, want refused", err)
	}
	if err := mongodb.EnsureIndexes(ctx, coll, mongo.IndexModel{Keys: bson.D{{Key: "c", Value: 1}}}); err == nil {
		t.Fatal("an unnamed index was accepted")
	}
}
