package mongodb_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// embedded starts an embedded server of the test's own.
func embedded(t *testing.T) *mongodb.Conn {
	t.Helper()
	c, err := mongodb.StartEmbedded(context.Background(), t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// TestLookupByIDUsesTheIndex checks the plan SQLite makes for the query
// FerretDB runs for a filter {_id: x}: a search of the index
// EnsureIndexes adds, not a scan of the table, which is what it was
// before (and still is for a collection never declared).
func TestLookupByIDUsesTheIndex(t *testing.T) {
	ctx := context.Background()
	c := embedded(t)
	declared, undeclared := c.DB.Collection("declared"), c.DB.Collection("undeclared")
	if err := mongodb.EnsureIndexes(ctx, declared); err != nil {
		t.Fatal(err)
	}
	for _, coll := range []*mongodb.Collection{declared, undeclared} {
		if _, err := coll.InsertMany(ctx, []any{bson.M{"_id": "a", "n": 1}, bson.M{"_id": "b", "n": 2}}); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := c.IDLookupPlan(ctx, c.DB.Name(), "declared")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "SEARCH") || !strings.Contains(plan, "_fanclub_id_lookup") {
		t.Errorf("plan for a lookup by _id in a declared collection:\n%s\nwant a SEARCH using the _id lookup index", plan)
	}
	plan, err = c.IDLookupPlan(ctx, c.DB.Name(), "undeclared")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "SCAN") {
		t.Errorf("plan for a collection without the index:\n%s\nwant a SCAN (is the test still telling the two apart?)", plan)
	}
	var got struct{ N int }
	if err := declared.FindOne(ctx, bson.M{"_id": "b"}).Decode(&got); err != nil || got.N != 2 {
		t.Errorf("FindOne b: %+v, %v", got, err)
	}
}

var (
	day1 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day2 = day1.Add(24 * time.Hour)
	oid  = primitive.NewObjectID()
)

// matchDocs are documents with every shape the conditions below meet:
// numbers of each BSON type, missing fields and nulls, arrays of values
// and of documents, nested documents, dates, booleans.
var matchDocs = []bson.M{
	{"_id": "a", "n": int32(5), "s": "x", "b": true, "tags": bson.A{"red", "blue"}, "sub": bson.M{"k": 1},
		"arr": bson.A{bson.M{"name": "p", "v": 1}, bson.M{"name": "q", "v": 2}}, "at": day1, "nul": nil},
	{"_id": "b", "n": int64(7), "s": "y", "b": false, "tags": bson.A{}, "sub": bson.M{"k": 2},
		"arr": bson.A{bson.M{"name": "q", "v": 3}}, "at": day2},
	{"_id": "c", "n": 5.0, "s": "", "tags": bson.A{"red"}, "at": day2.Add(time.Hour)},
	{"_id": "d", "n": 2.5, "s": "x", "b": true, "tags": "red", "sub": bson.M{"k": bson.A{1, 2}}},
	{"_id": "e"},
	{"_id": "f", "n": "5", "s": 5, "b": nil, "oid": oid, "arr": bson.A{1, 2, 3}},
	{"_id": oid, "n": -1, "s": "z"},
}

// matchConds are the conditions the store evaluates itself beside an _id.
var matchConds = []bson.D{
	{{Key: "n", Value: 5}}, {{Key: "n", Value: int64(5)}}, {{Key: "n", Value: 5.0}}, {{Key: "n", Value: "5"}},
	{{Key: "n", Value: bson.M{"$gt": 4}}}, {{Key: "n", Value: bson.M{"$gte": 5}}}, {{Key: "n", Value: bson.M{"$lt": 5}}},
	{{Key: "n", Value: bson.M{"$lte": 5}}}, {{Key: "n", Value: bson.M{"$ne": 5}}}, {{Key: "n", Value: bson.M{"$eq": 7}}},
	{{Key: "n", Value: bson.M{"$in": bson.A{5, 7}}}}, {{Key: "n", Value: bson.M{"$nin": bson.A{5, 7}}}},
	{{Key: "n", Value: bson.M{"$exists": true}}}, {{Key: "n", Value: bson.M{"$exists": false}}},
	{{Key: "n", Value: nil}}, {{Key: "n", Value: bson.M{"$ne": nil}}}, {{Key: "n", Value: bson.D{{Key: "$gt", Value: 1}, {Key: "$lt", Value: 6}}}},
	{{Key: "s", Value: "x"}}, {{Key: "s", Value: bson.M{"$gt": "a"}}}, {{Key: "s", Value: bson.M{"$in": bson.A{"", "y"}}}}, {{Key: "s", Value: 5}},
	{{Key: "b", Value: true}}, {{Key: "b", Value: bson.M{"$ne": true}}}, {{Key: "b", Value: nil}},
	{{Key: "tags", Value: "red"}}, {{Key: "tags", Value: bson.M{"$ne": "red"}}}, {{Key: "tags", Value: bson.M{"$in": bson.A{"blue"}}}},
	{{Key: "tags", Value: bson.M{"$nin": bson.A{"red"}}}}, {{Key: "tags", Value: bson.A{"red", "blue"}}}, {{Key: "tags", Value: bson.A{}}},
	{{Key: "sub.k", Value: 1}}, {{Key: "sub.k", Value: 2}}, {{Key: "sub.k", Value: bson.M{"$gte": 2}}}, {{Key: "sub", Value: bson.M{"k": 1}}},
	{{Key: "sub", Value: bson.M{"k": int64(1)}}}, {{Key: "sub", Value: bson.M{"k": 1.0}}}, {{Key: "tags", Value: bson.A{"red", int64(5)}}},
	{{Key: "arr.name", Value: "q"}}, {{Key: "arr.name", Value: bson.M{"$ne": "q"}}}, {{Key: "arr.v", Value: bson.M{"$gt": 2}}},
	{{Key: "arr.0.name", Value: "p"}}, {{Key: "arr", Value: 2}},
	{{Key: "at", Value: bson.M{"$lt": day2}}}, {{Key: "at", Value: bson.M{"$gte": day2}}},
	{{Key: "nul", Value: nil}}, {{Key: "nul", Value: bson.M{"$exists": true}}}, {{Key: "oid", Value: oid}},
	{{Key: "missing", Value: bson.M{"$ne": 1}}}, {{Key: "missing", Value: bson.M{"$nin": bson.A{1}}}}, {{Key: "missing", Value: bson.M{"$in": bson.A{nil}}}},
	{{Key: "$or", Value: bson.A{bson.M{"n": 5}, bson.M{"s": "y"}}}},
	{{Key: "$and", Value: bson.A{bson.M{"n": bson.M{"$gt": 1}}, bson.M{"n": bson.M{"$lt": 6}}}}},
	{{Key: "$nor", Value: bson.A{bson.M{"s": "x"}}}},
	{{Key: "s", Value: "x"}, {Key: "b", Value: true}, {Key: "n", Value: bson.M{"$gt": 3}}},
}

// withMatchDocs declares coll and stores matchDocs in it, and returns
// their ids.
func withMatchDocs(t *testing.T, coll *mongodb.Collection) bson.A {
	t.Helper()
	ctx := context.Background()
	if err := mongodb.EnsureIndexes(ctx, coll); err != nil {
		t.Fatal(err)
	}
	var ids bson.A
	for _, d := range matchDocs {
		if _, err := coll.InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d["_id"])
	}
	return ids
}

// ferretDBDiffers lists the conditions on which the embedded server
// parts from MongoDB, with MongoDB's answer, which the store's own
// evaluation gives. $ne through an array of documents: MongoDB matches
// only documents none of whose elements has the value ("arr.name" of a
// is p and q); FerretDB v1.24 matches a too.
var ferretDBDiffers = map[string][]string{
	fmt.Sprint(bson.D{{Key: "arr.name", Value: bson.M{"$ne": "q"}}}): {fmt.Sprint(oid), "c", "d", "e", "f"},
}

// expected is the answer to cond: the server's, or MongoDB's where the
// embedded server is known to differ.
func expected(t *testing.T, coll *mongodb.Collection, cond bson.D) []string {
	if want, ok := ferretDBDiffers[fmt.Sprint(cond)]; ok {
		return want
	}
	return serverIDs(t, coll, cond) // no _id in the filter: the server evaluates it
}

// TestMatchAgreesWithTheServer holds the store's own evaluation of
// conditions beside an _id (FindOne, Find with $in, a conditional
// UpdateOne) to the server's answer for the same conditions alone.
func TestMatchAgreesWithTheServer(t *testing.T) {
	ctx := context.Background()
	coll := embedded(t).DB.Collection("docs")
	ids := withMatchDocs(t, coll)
	for _, cond := range matchConds {
		want := expected(t, coll, cond)
		var one []string
		for _, d := range matchDocs {
			f := append(bson.D{{Key: "_id", Value: d["_id"]}}, cond...)
			err := coll.FindOne(ctx, f).Err()
			if err == nil {
				one = append(one, fmt.Sprint(d["_id"]))
			} else if err != mongo.ErrNoDocuments {
				t.Fatalf("%v: %v", f, err)
			}
		}
		slices.Sort(one)
		if !slices.Equal(one, want) {
			t.Errorf("FindOne by _id with %v matched %v; the server matches %v", cond, one, want)
		}
		cur, err := coll.Find(ctx, append(bson.D{{Key: "_id", Value: bson.M{"$in": ids}}}, cond...))
		if err != nil {
			t.Fatal(err)
		}
		if got := cursorIDs(t, cur); !slices.Equal(got, want) {
			t.Errorf("Find by $in with %v matched %v; the server matches %v", cond, got, want)
		}
	}
}

// TestConditionalUpdatesFollowTheServer: a write whose filter is an _id
// and a condition changes the document only when the server would.
func TestConditionalUpdatesFollowTheServer(t *testing.T) {
	ctx := context.Background()
	coll := embedded(t).DB.Collection("docs")
	withMatchDocs(t, coll)
	for i, cond := range matchConds {
		want := expected(t, coll, cond)
		var updated []string
		for _, d := range matchDocs {
			res, err := coll.UpdateOne(ctx, append(bson.D{{Key: "_id", Value: d["_id"]}}, cond...), bson.M{"$set": bson.M{"mark": i}})
			if err != nil {
				t.Fatal(err)
			}
			if res.MatchedCount == 1 {
				updated = append(updated, fmt.Sprint(d["_id"]))
			}
		}
		slices.Sort(updated)
		marked := serverIDs(t, coll, bson.D{{Key: "mark", Value: i}})
		if !slices.Equal(updated, want) || !slices.Equal(marked, want) {
			t.Errorf("UpdateOne by _id with %v: matched %v, stored %v; the server matches %v", cond, updated, marked, want)
		}
	}
	// The other single-document writes take the same path.
	if err := coll.FindOneAndUpdate(ctx, bson.M{"_id": "a", "s": "y"}, bson.M{"$set": bson.M{"s": "no"}}).Err(); err != mongo.ErrNoDocuments {
		t.Errorf("FindOneAndUpdate whose condition fails: %v, want ErrNoDocuments", err)
	}
	var after struct{ S string }
	if err := coll.FindOneAndUpdate(ctx, bson.M{"_id": "a", "s": "x"}, bson.M{"$set": bson.M{"s": "yes"}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&after); err != nil || after.S != "yes" {
		t.Errorf("FindOneAndUpdate whose condition holds: %+v, %v", after, err)
	}
	if res, err := coll.DeleteOne(ctx, bson.M{"_id": "b", "s": "x"}); err != nil || res.DeletedCount != 0 {
		t.Errorf("DeleteOne whose condition fails: %+v, %v", res, err)
	}
	if res, err := coll.DeleteOne(ctx, bson.M{"_id": "b", "s": "y"}); err != nil || res.DeletedCount != 1 {
		t.Errorf("DeleteOne whose condition holds: %+v, %v", res, err)
	}
	if res, err := coll.ReplaceOne(ctx, bson.M{"_id": "c", "s": "nope"}, bson.M{"s": "r"}); err != nil || res.MatchedCount != 0 {
		t.Errorf("ReplaceOne whose condition fails: %+v, %v", res, err)
	}
	if err := coll.FindOneAndDelete(ctx, bson.M{"_id": "c", "s": ""}).Err(); err != nil {
		t.Errorf("FindOneAndDelete whose condition holds: %v", err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.M{"_id": bson.M{"$in": bson.A{"b", "c", "d"}}}); n != 1 {
		t.Errorf("after deleting b and c, %d of b, c, d are left, want 1", n)
	}
}

// TestWritesByTargetFollowTheServer: on the embedded store a write whose
// filter is not an _id finds its targets first and writes each by _id;
// with every condition above, UpdateMany, UpdateOne, DeleteMany,
// DeleteOne and a sorted FindOneAndUpdate leave the same documents and
// answer the same counts as the server given the whole filter, and none
// of them scans while holding the write lock.
func TestWritesByTargetFollowTheServer(t *testing.T) {
	ctx := context.Background()
	c := embedded(t)
	ours, theirs := c.DB.Collection("ours"), mongodb.AsMongoDB(c.DB).Collection("theirs")
	reset := func() {
		t.Helper()
		for _, coll := range []*mongodb.Collection{ours, theirs} {
			if err := coll.Drop(ctx); err != nil {
				t.Fatal(err)
			}
			withMatchDocs(t, coll)
		}
	}
	state := func(coll *mongodb.Collection) string {
		t.Helper()
		cur, err := coll.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.M
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(docs)
	}
	set := bson.M{"$set": bson.M{"mark": true}}
	writes := []struct {
		name string
		do   func(*mongodb.Collection, bson.D) (string, error)
	}{
		{"UpdateMany", func(coll *mongodb.Collection, f bson.D) (string, error) {
			res, err := coll.UpdateMany(ctx, f, set)
			return fmt.Sprint(res), err
		}},
		{"UpdateOne", func(coll *mongodb.Collection, f bson.D) (string, error) {
			res, err := coll.UpdateOne(ctx, f, set)
			if err != nil {
				return "", err
			}
			return fmt.Sprint(res.MatchedCount, res.ModifiedCount), nil // which one is the server's choice
		}},
		{"DeleteMany", func(coll *mongodb.Collection, f bson.D) (string, error) {
			res, err := coll.DeleteMany(ctx, f)
			return fmt.Sprint(res), err
		}},
		{"FindOneAndUpdate sorted", func(coll *mongodb.Collection, f bson.D) (string, error) {
			var d bson.M
			err := coll.FindOneAndUpdate(ctx, f, set, options.FindOneAndUpdate().SetSort(bson.D{{Key: "n", Value: -1}, {Key: "_id", Value: 1}})).Decode(&d)
			if errors.Is(err, mongo.ErrNoDocuments) {
				return "none", nil
			}
			return fmt.Sprint(d["_id"]), err
		}},
	}
	for _, w := range writes {
		for _, cond := range matchConds {
			if _, differs := ferretDBDiffers[fmt.Sprint(cond)]; differs {
				continue // the server is not the reference there
			}
			reset()
			got, err := w.do(ours, cond)
			if err != nil {
				t.Fatalf("%s %v: %v", w.name, cond, err)
			}
			want, err := w.do(theirs, cond)
			if err != nil {
				t.Fatalf("%s %v at the server: %v", w.name, cond, err)
			}
			if got != want {
				t.Errorf("%s %v answered %s; the server answers %s", w.name, cond, got, want)
			}
			if w.name != "UpdateOne" { // the server picks any match
				if g, s := state(ours), state(theirs); g != s {
					t.Errorf("%s %v left\n%s\nthe server leaves\n%s", w.name, cond, g, s)
				}
			}
		}
	}
	if n := c.ScansUnderLock(); n != 0 {
		t.Errorf("%d writes scanned the collection under the write lock", n)
	}
}

// TestLookupsSortAndLimitAsTheServer: a Find by $in of ids with a sort
// and a limit returns what the server returns for the same query.
func TestLookupsSortAndLimitAsTheServer(t *testing.T) {
	ctx := context.Background()
	coll := embedded(t).DB.Collection("docs")
	ids := withMatchDocs(t, coll)
	ids = append(ids, "a", "nobody") // a repeated id and an unknown one
	for _, sort := range []bson.D{
		{{Key: "n", Value: -1}, {Key: "_id", Value: 1}},
		{{Key: "s", Value: 1}, {Key: "_id", Value: -1}},
		{{Key: "at", Value: -1}, {Key: "_id", Value: 1}},
		{{Key: "sub.k", Value: 1}, {Key: "_id", Value: 1}},
		{{Key: "tags", Value: 1}, {Key: "_id", Value: 1}},
		{{Key: "tags", Value: -1}, {Key: "_id", Value: 1}},
	} {
		for _, limit := range []int64{0, 3} {
			opts := options.Find().SetSort(sort).SetLimit(limit)
			cur, err := coll.Find(ctx, bson.M{"_id": bson.M{"$in": ids}}, opts)
			if err != nil {
				t.Fatal(err)
			}
			got := cursorIDsInOrder(t, cur)
			cur, err = coll.Find(ctx, bson.M{"$and": bson.A{bson.M{"_id": bson.M{"$in": ids}}}}, opts) // not a lookup: the server sorts
			if err != nil {
				t.Fatal(err)
			}
			if want := cursorIDsInOrder(t, cur); !slices.Equal(got, want) {
				t.Errorf("sort %v limit %d: %v; the server says %v", sort, limit, got, want)
			}
		}
	}
}

// TestConditionalWritesAreExactUnderConcurrency is DESIGN.md's seat
// test on the store as the site uses it: 100 members at once take seats
// of a 10-seat event by a conditional update. The embedded server alone
// granted 31 to 100.
func TestConditionalWritesAreExactUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	coll := embedded(t).DB.Collection("events")
	if err := mongodb.EnsureIndexes(ctx, coll); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.M{"_id": "e", "capacity": 10, "going": 0}); err != nil {
		t.Fatal(err)
	}
	var granted atomic.Int64
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := coll.UpdateOne(ctx, bson.M{"_id": "e", "going": bson.M{"$lt": 10}}, bson.M{"$inc": bson.M{"going": 1}})
			if err != nil {
				t.Error(err)
				return
			}
			granted.Add(res.ModifiedCount)
			_ = coll.FindOne(ctx, bson.M{"_id": "e"}).Err() // reads run beside the writes
		}()
	}
	wg.Wait()
	var e struct{ Going int }
	if err := coll.FindOne(ctx, bson.M{"_id": "e"}).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if granted.Load() != 10 || e.Going != 10 {
		t.Fatalf("granted %d seats, stored going %d; want 10 and 10", granted.Load(), e.Going)
	}
}

// TestReadsDoNotWaitForWrites: while a write holds the store, reads are
// still answered (they used to queue behind it on one connection).
func TestReadsDoNotWaitForWrites(t *testing.T) {
	ctx := context.Background()
	c := embedded(t)
	coll := c.DB.Collection("things")
	if err := mongodb.EnsureIndexes(ctx, coll); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.M{"_id": "a"}); err != nil {
		t.Fatal(err)
	}
	release := c.HoldWrites()
	defer release()
	readCtx, cancel := context.WithTimeout(ctx, 10*time.Second) // a deadlock guard, not a measurement
	defer cancel()
	if err := coll.FindOne(readCtx, bson.M{"_id": "a"}).Err(); err != nil {
		t.Fatalf("a read while a write holds the store: %v", err)
	}
	if _, err := coll.Find(readCtx, bson.M{}); err != nil {
		t.Fatalf("a scan while a write holds the store: %v", err)
	}
}

// TestCloseWaitsForTheWriteInProgress: closing the store while a write
// is under way lets it finish first.
func TestCloseWaitsForTheWriteInProgress(t *testing.T) {
	c, err := mongodb.StartEmbedded(context.Background(), t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	release := c.HoldWrites()
	closed := make(chan struct{})
	go func() {
		_ = c.Close(context.Background())
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while a write was in progress")
	case <-time.After(200 * time.Millisecond):
	}
	release()
	<-closed
}

func serverIDs(t *testing.T, coll *mongodb.Collection, filter bson.D) []string {
	t.Helper()
	cur, err := coll.Find(context.Background(), filter)
	if err != nil {
		t.Fatalf("%v: %v", filter, err)
	}
	return cursorIDs(t, cur)
}

func cursorIDs(t *testing.T, cur *mongo.Cursor) []string {
	ids := cursorIDsInOrder(t, cur)
	slices.Sort(ids)
	return ids
}

func cursorIDsInOrder(t *testing.T, cur *mongo.Cursor) []string {
	t.Helper()
	var docs []bson.M
	if err := cur.All(context.Background(), &docs); err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, d := range docs {
		ids = append(ids, fmt.Sprint(d["_id"]))
	}
	return ids
}
