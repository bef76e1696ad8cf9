package mongodb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// TestCacheFollowsEveryWrite: documents read by _id are kept, and every
// kind of write, whatever its filter, is seen by the next read, as the
// server sees it.
func TestCacheFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	c := embedded(t)
	coll := c.DB.Collection("docs")
	server := mongodb.AsMongoDB(c.DB).Collection("docs") // reads straight from the server
	withMatchDocs(t, coll)
	read := func(from *mongodb.Collection, id any) string {
		var d bson.M
		err := from.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return "none"
		}
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(d)
	}
	read(coll, "a")
	if c.CachedDocs() != 1 {
		t.Fatalf("after one read by _id the cache holds %d documents, want 1", c.CachedDocs())
	}
	set := func(v any) bson.M { return bson.M{"$set": bson.M{"w": v}} }
	for _, w := range []struct {
		name string
		id   any
		do   func() error
	}{
		{"UpdateOne by _id", "a", func() error { _, err := coll.UpdateOne(ctx, bson.M{"_id": "a"}, set(1)); return err }},
		{"UpdateOne by _id and a condition", "a", func() error {
			_, err := coll.UpdateOne(ctx, bson.M{"_id": "a", "w": 1}, set(2))
			return err
		}},
		{"UpdateOne by a field", "b", func() error { _, err := coll.UpdateOne(ctx, bson.M{"s": "y"}, set(3)); return err }},
		{"UpdateMany", "d", func() error { _, err := coll.UpdateMany(ctx, bson.M{"s": "x"}, set(4)); return err }},
		{"ReplaceOne", "c", func() error { _, err := coll.ReplaceOne(ctx, bson.M{"_id": "c"}, bson.M{"w": 5}); return err }},
		{"upsert by _id", "new", func() error {
			_, err := coll.UpdateOne(ctx, bson.M{"_id": "new"}, set(6), options.Update().SetUpsert(true))
			return err
		}},
		{"FindOneAndUpdate", "e", func() error { return coll.FindOneAndUpdate(ctx, bson.M{"_id": "e"}, set(7)).Err() }},
		{"DeleteOne by a field", "f", func() error { _, err := coll.DeleteOne(ctx, bson.M{"n": "5"}); return err }},
		{"FindOneAndDelete", "e", func() error { return coll.FindOneAndDelete(ctx, bson.M{"w": 7}).Err() }},
		{"InsertOne again", "f", func() error { _, err := coll.InsertOne(ctx, bson.M{"_id": "f", "w": 8}); return err }},
		{"DeleteMany", "a", func() error { _, err := coll.DeleteMany(ctx, bson.M{"w": bson.M{"$exists": true}}); return err }},
	} {
		read(coll, w.id) // into the cache
		if err := w.do(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if got, want := read(coll, w.id), read(server, w.id); got != want {
			t.Errorf("after %s, %v reads %s; the server has %s", w.name, w.id, got, want)
		}
	}
	read(coll, "b")
	if err := coll.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if got := read(coll, "b"); got != "none" {
		t.Errorf("after the collection was dropped, b reads %s", got)
	}
}

// TestCacheReadsYourWritesUnderConcurrency: eight writers count up one
// document while eight readers read it; each writer reads back at least
// what it wrote, and the end reads the last count.
func TestCacheReadsYourWritesUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	coll := embedded(t).DB.Collection("counters")
	if err := mongodb.EnsureIndexes(ctx, coll); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.M{"_id": "n", "n": 0}); err != nil {
		t.Fatal(err)
	}
	get := func() int {
		var d struct{ N int }
		if err := coll.FindOne(ctx, bson.M{"_id": "n"}).Decode(&d); err != nil {
			t.Error(err)
		}
		return d.N
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					get()
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for range 8 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for range 25 {
				var d struct{ N int }
				if err := coll.FindOneAndUpdate(ctx, bson.M{"_id": "n"}, bson.M{"$inc": bson.M{"n": 1}},
					options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d); err != nil {
					t.Error(err)
					return
				}
				if n := get(); n < d.N {
					t.Errorf("a writer wrote %d and read back %d", d.N, n)
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	if n := get(); n != 200 {
		t.Fatalf("after 200 increments the count reads %d", n)
	}
}
