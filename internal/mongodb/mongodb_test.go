package mongodb_test

import (
	"context"
	"errors"
	"log/slog"
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
// the same database must succeed and change nothing.
func TestEnsureIndexesTwice(t *testing.T) {
	ctx := context.Background()
	c, err := mongodb.StartEmbedded(ctx, t.TempDir(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	coll := c.DB.Collection("things")
	models := []mongo.IndexModel{
		{Keys: bson.D{{Key: "a", Value: 1}}, Options: options.Index().SetName("things_a")},
		{Keys: bson.D{{Key: "b", Value: 1}}, Options: options.Index().SetName("things_b")},
	}
	for range 2 {
		if err := mongodb.EnsureIndexes(ctx, coll, models...); err != nil {
			t.Fatal(err)
		}
	}
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil || len(specs) != 3 { // _id, a, b
		t.Fatalf("indexes: %d, %v; want 3", len(specs), err)
	}
	if err := mongodb.EnsureIndexes(ctx, coll, mongo.IndexModel{Keys: bson.D{{Key: "c", Value: 1}}}); err == nil {
		t.Fatal("an unnamed index was accepted")
	}
}
