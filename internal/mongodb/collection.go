package mongodb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection is a collection of a DB, with the methods of
// *mongo.Collection that fanclub uses and their meaning.
//
// On the embedded store, FerretDB hands SQLite only a filter that is
// exactly {_id: <string or ObjectID>}; anything else (a condition beside
// the _id, an $in of ids) it answers by decoding every document of the
// collection in Go. So here:
//
//   - a single-document write whose filter is an _id and conditions
//     (UpdateOne, DeleteOne, FindOneAndUpdate, FindOneAndDelete,
//     ReplaceOne) looks the document up by _id, checks the conditions
//     here, and writes by _id, all under the write lock: nothing else
//     writes in between, so the condition holds as it would on MongoDB,
//     where the same filter goes to the server;
//   - a read whose filter is an _id or an $in of ids, with or without
//     conditions (Find, FindOne, CountDocuments), is that many lookups by
//     _id, in parallel, with the conditions, sort and limit applied here.
//
// A filter or option this cannot evaluate (match.go says which) goes to
// the server as it is: slower, never wrong.
type Collection struct {
	db    *DB
	read  *mongo.Collection
	write *mongo.Collection
	ck    string // the collection's key in the embedded store's cache
}

// Name is the collection's name.
func (c *Collection) Name() string { return c.write.Name() }

// Indexes is the collection's index view, for EnsureIndexes and tests:
// what is done through it takes no write lock.
func (c *Collection) Indexes() mongo.IndexView { return c.write.Indexes() }

// Drop deletes the collection.
func (c *Collection) Drop(ctx context.Context) error {
	unlock := c.db.lockWrites()
	defer unlock()
	if c.db.emb != nil {
		defer c.db.emb.cache.dropCollection(c.ck)
	}
	return c.write.Drop(ctx)
}

// Find returns the documents matching filter.
func (c *Collection) Find(ctx context.Context, filter any, opts ...*options.FindOptions) (*mongo.Cursor, error) {
	f, parsed := c.parse(filter)
	if l, ok := lookupFor(f, parsed && findShape(opts)); ok {
		o := options.MergeFindOptions(opts...)
		if o.Limit != nil {
			l.limit = max(*o.Limit, -*o.Limit) // a negative limit is a limit too
		}
		if l.sort, ok = sortKeys(o.Sort); ok {
			c.db.note("find", c.Name(), false)
			docs, err := c.lookup(ctx, l)
			if err != nil {
				return nil, err
			}
			return mongo.NewCursorFromDocuments(docs, nil, nil)
		}
	}
	c.db.note("find", c.Name(), c.scans(f, parsed))
	return c.read.Find(ctx, filter, opts...)
}

// FindOne returns the first document matching filter.
func (c *Collection) FindOne(ctx context.Context, filter any, opts ...*options.FindOneOptions) *mongo.SingleResult {
	f, parsed := c.parse(filter)
	if l, ok := lookupFor(f, parsed && findOneShape(opts)); ok {
		c.db.note("find", c.Name(), false)
		l.limit = 1
		docs, err := c.lookup(ctx, l)
		return singleResult(docs, err)
	}
	c.db.note("find", c.Name(), c.scans(f, parsed))
	return c.read.FindOne(ctx, filter, opts...)
}

// CountDocuments counts the documents matching filter.
func (c *Collection) CountDocuments(ctx context.Context, filter any, opts ...*options.CountOptions) (int64, error) {
	f, parsed := c.parse(filter)
	if l, ok := lookupFor(f, parsed && len(opts) == 0); ok {
		c.db.note("count", c.Name(), false)
		docs, err := c.lookup(ctx, l)
		return int64(len(docs)), err
	}
	c.db.note("count", c.Name(), c.scans(f, parsed))
	return c.read.CountDocuments(ctx, filter, opts...)
}

// InsertOne inserts a document.
func (c *Collection) InsertOne(ctx context.Context, doc any, opts ...*options.InsertOneOptions) (*mongo.InsertOneResult, error) {
	c.db.note("insert", c.Name(), false)
	unlock := c.db.lockWrites()
	defer unlock()
	return c.write.InsertOne(ctx, doc, opts...)
}

// InsertMany inserts documents.
func (c *Collection) InsertMany(ctx context.Context, docs []any, opts ...*options.InsertManyOptions) (*mongo.InsertManyResult, error) {
	c.db.note("insert", c.Name(), false)
	unlock := c.db.lockWrites()
	defer unlock()
	return c.write.InsertMany(ctx, docs, opts...)
}

// UpdateOne updates the first document matching filter.
func (c *Collection) UpdateOne(ctx context.Context, filter, update any, opts ...*options.UpdateOptions) (*mongo.UpdateResult, error) {
	c.db.note("update", c.Name(), false)
	ctx = c.db.writeContext(ctx)
	f, parsed := c.parse(filter)
	if !parsed || serverUpdate(options.MergeUpdateOptions(opts...)) || positional(update) {
		defer c.serverWrite(f, parsed)()
		return c.write.UpdateOne(ctx, filter, update, opts...)
	}
	return c.updateTargets(ctx, f, filter, true, func(id any) (*mongo.UpdateResult, error) {
		return c.write.UpdateOne(ctx, byID(id), update, opts...)
	})
}

// UpdateMany updates every document matching filter. On the embedded
// store it is one update by _id per document, each under the write lock
// on its own: MongoDB's UpdateMany is not atomic across documents either.
func (c *Collection) UpdateMany(ctx context.Context, filter, update any, opts ...*options.UpdateOptions) (*mongo.UpdateResult, error) {
	c.db.note("update", c.Name(), false)
	ctx = c.db.writeContext(ctx)
	f, parsed := c.parse(filter)
	if !parsed || serverUpdate(options.MergeUpdateOptions(opts...)) || positional(update) {
		defer c.serverWrite(f, parsed)()
		return c.write.UpdateMany(ctx, filter, update, opts...)
	}
	return c.updateTargets(ctx, f, filter, false, func(id any) (*mongo.UpdateResult, error) {
		return c.write.UpdateOne(ctx, byID(id), update, opts...)
	})
}

// ReplaceOne replaces the first document matching filter.
func (c *Collection) ReplaceOne(ctx context.Context, filter, doc any, opts ...*options.ReplaceOptions) (*mongo.UpdateResult, error) {
	c.db.note("update", c.Name(), false)
	ctx = c.db.writeContext(ctx)
	o := options.MergeReplaceOptions(opts...)
	f, parsed := c.parse(filter)
	if !parsed || o.Upsert != nil && *o.Upsert || o.Collation != nil || o.Hint != nil {
		defer c.serverWrite(f, parsed)()
		return c.write.ReplaceOne(ctx, filter, doc, opts...)
	}
	return c.updateTargets(ctx, f, filter, true, func(id any) (*mongo.UpdateResult, error) {
		return c.write.ReplaceOne(ctx, byID(id), doc, opts...)
	})
}

// DeleteOne deletes the first document matching filter.
func (c *Collection) DeleteOne(ctx context.Context, filter any, opts ...*options.DeleteOptions) (*mongo.DeleteResult, error) {
	c.db.note("delete", c.Name(), false)
	ctx = c.db.writeContext(ctx)
	f, parsed := c.parse(filter)
	if !parsed || serverDelete(opts) {
		defer c.serverWrite(f, parsed)()
		return c.write.DeleteOne(ctx, filter, opts...)
	}
	return c.deleteTargets(ctx, f, filter, true)
}

// DeleteMany deletes every document matching filter, on the embedded
// store one by _id at a time, as UpdateMany.
func (c *Collection) DeleteMany(ctx context.Context, filter any, opts ...*options.DeleteOptions) (*mongo.DeleteResult, error) {
	c.db.note("delete", c.Name(), false)
	ctx = c.db.writeContext(ctx)
	f, parsed := c.parse(filter)
	if !parsed || serverDelete(opts) {
		defer c.serverWrite(f, parsed)()
		return c.write.DeleteMany(ctx, filter, opts...)
	}
	return c.deleteTargets(ctx, f, filter, false)
}

// FindOneAndUpdate updates the first document matching filter and returns
// it as it was before or after.
func (c *Collection) FindOneAndUpdate(ctx context.Context, filter, update any, opts ...*options.FindOneAndUpdateOptions) *mongo.SingleResult {
	c.db.note("findAndModify", c.Name(), false)
	ctx = c.db.writeContext(ctx)
	o := options.MergeFindOneAndUpdateOptions(opts...)
	f, parsed := c.parse(filter)
	if !parsed || o.Upsert != nil && *o.Upsert || o.Collation != nil || o.Hint != nil || o.ArrayFilters != nil || positional(update) {
		defer c.serverWrite(f, parsed)()
		return c.write.FindOneAndUpdate(ctx, filter, update, opts...)
	}
	return c.findAndModifyTarget(ctx, f, filter, o.Sort, func(id any) *mongo.SingleResult {
		return c.write.FindOneAndUpdate(ctx, byID(id), update, opts...)
	})
}

// FindOneAndDelete deletes the first document matching filter and returns
// it.
func (c *Collection) FindOneAndDelete(ctx context.Context, filter any, opts ...*options.FindOneAndDeleteOptions) *mongo.SingleResult {
	c.db.note("findAndModify", c.Name(), false)
	ctx = c.db.writeContext(ctx)
	o := options.MergeFindOneAndDeleteOptions(opts...)
	f, parsed := c.parse(filter)
	if !parsed || o.Collation != nil || o.Hint != nil {
		defer c.serverWrite(f, parsed)()
		return c.write.FindOneAndDelete(ctx, filter, opts...)
	}
	return c.findAndModifyTarget(ctx, f, filter, o.Sort, func(id any) *mongo.SingleResult {
		return c.write.FindOneAndDelete(ctx, byID(id), opts...)
	})
}

// serverUpdate reports whether update options ask for what needs the
// whole filter at the server (an upsert inserts from it) or what match.go
// does not evaluate (a collation, array filters, a hint).
func serverUpdate(o *options.UpdateOptions) bool {
	return o.Upsert != nil && *o.Upsert || o.Collation != nil || o.ArrayFilters != nil || o.Hint != nil
}

// serverDelete is serverUpdate for deletes.
func serverDelete(opts []*options.DeleteOptions) bool {
	o := options.MergeDeleteOptions(opts...)
	return o.Collation != nil || o.Hint != nil
}

// The embedded store's writes go by target: the documents a filter
// matches are found first, without the write lock (a filter other than
// an _id is a scan of the collection there), and then each is written by
// its _id under the lock, after checking that it still matches the
// filter. Nothing else writes in between, so the check holds as it would
// at MongoDB, and no write waits behind another's scan. Upserts and
// positional updates need the whole filter at the server: they, and a
// filter match.go cannot evaluate, go as they are, under the lock.

// parse reads a filter for the embedded store's ways. parsed is false on
// MongoDB, or for a filter match.go cannot evaluate: it goes to the server
// as it is.
func (c *Collection) parse(q any) (f filter, parsed bool) {
	if c.db.emb == nil {
		return filter{}, false
	}
	return parseFilter(q)
}

// serverWrite takes the write lock for a write that goes to the server as
// it is, and counts it as a scan under the lock unless its filter is an
// _id alone (tests hold that none is). The function it returns, called
// once the write is done, drops from the cache what it may have written,
// and releases the lock.
func (c *Collection) serverWrite(f filter, parsed bool) (done func()) {
	unlock := c.db.lockWrites()
	if c.db.emb == nil {
		return unlock
	}
	exact := parsed && f.exact()
	if !exact {
		c.db.emb.scansUnderLock.Add(1)
	}
	return func() {
		defer unlock()
		if exact {
			if k, ok := idKey(f.ids[0]); ok {
				c.db.emb.cache.drop(c.ck, k)
				return
			}
		}
		c.db.emb.cache.dropCollection(c.ck)
	}
}

// eachTarget calls write, under the write lock, with the _id of each
// document the filter (f, as parsed from raw) matches, in the order of
// sort, until one writes if only one is to.
func (c *Collection) eachTarget(ctx context.Context, f filter, raw, sort any, one bool, write func(id any) (wrote bool, err error)) error {
	if f.ids != nil && (sort == nil || len(f.ids) == 1) {
		_, err := c.writeTargets(ctx, f, f.ids, one, write)
		return err
	}
	// The server finds and orders them: for a single-document write only
	// the first few at first, the first of which usually still matches.
	limit := int64(0)
	if one {
		limit = candidatesFirst
	}
	ids, err := c.candidates(ctx, raw, sort, limit)
	if err != nil {
		return err
	}
	wrote, err := c.writeTargets(ctx, f, ids, one, write)
	if err != nil || wrote || !one || int64(len(ids)) < limit {
		return err
	}
	if ids, err = c.candidates(ctx, raw, sort, 0); err != nil { // all of those changed meanwhile
		return err
	}
	_, err = c.writeTargets(ctx, f, ids, one, write)
	return err
}

// writeTargets writes each of ids that still matches, until one writes if
// only one is to, and reports whether any did.
func (c *Collection) writeTargets(ctx context.Context, f filter, ids []any, one bool, write func(id any) (bool, error)) (bool, error) {
	some := false
	for _, id := range ids {
		wrote, err := c.writeTarget(ctx, f, id, write)
		some = some || wrote
		if err != nil || (wrote && one) {
			return some, err
		}
	}
	return some, nil
}

// candidatesFirst is how many targets a single-document write reads
// first: usually the first still matches.
const candidatesFirst = 16

// writeTarget writes one target under the write lock, if it still
// matches the filter.
func (c *Collection) writeTarget(ctx context.Context, f filter, id any, write func(id any) (bool, error)) (bool, error) {
	unlock := c.db.lockWrites()
	defer unlock()
	if f.ids == nil || f.conditional() {
		doc, err := c.byID(ctx, c.write, id)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("mongodb: look up %s: %w", c.Name(), err)
		}
		if !f.matches(doc) {
			return false, nil
		}
	}
	if k, ok := idKey(id); ok {
		defer c.db.emb.cache.drop(c.ck, k) // once written, still under the lock
	} else {
		defer c.db.emb.cache.dropCollection(c.ck)
	}
	return write(id)
}

// byID reads the document of id through conn, from the cache when it
// holds it, filling it when not.
func (c *Collection) byID(ctx context.Context, conn *mongo.Collection, id any) (bson.Raw, error) {
	k, ok := idKey(id)
	if !ok {
		return conn.FindOne(ctx, byID(id)).Raw()
	}
	cache := c.db.emb.cache
	doc, seq, hit := cache.get(c.ck, k)
	if hit {
		return doc, nil
	}
	doc, err := conn.FindOne(ctx, byID(id)).Raw()
	if err == nil {
		cache.fill(c.ck, k, doc, seq)
	}
	return doc, err
}

// candidates returns the _ids of the documents matching filter, in the
// order of sort, up to limit (0 for all): a read, which takes no lock.
func (c *Collection) candidates(ctx context.Context, filter, sort any, limit int64) ([]any, error) {
	c.db.note("find", c.Name(), true) // a scan, though no write waits for it
	opts := options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetLimit(limit)
	if sort != nil {
		opts.SetSort(sort)
	}
	cur, err := c.read.Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var docs []bson.Raw
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	ids := make([]any, len(docs))
	for i, d := range docs {
		ids[i] = d.Lookup("_id")
	}
	return ids, nil
}

// updateTargets is an update by target, with the counts summed.
func (c *Collection) updateTargets(ctx context.Context, f filter, raw any, one bool, update func(id any) (*mongo.UpdateResult, error)) (*mongo.UpdateResult, error) {
	total := &mongo.UpdateResult{}
	err := c.eachTarget(ctx, f, raw, nil, one, func(id any) (bool, error) {
		res, err := update(id)
		if err != nil {
			return false, err
		}
		total.MatchedCount += res.MatchedCount
		total.ModifiedCount += res.ModifiedCount
		return res.MatchedCount > 0, nil
	})
	return total, err
}

// deleteTargets is a delete by target, with the counts summed.
func (c *Collection) deleteTargets(ctx context.Context, f filter, raw any, one bool) (*mongo.DeleteResult, error) {
	total := &mongo.DeleteResult{}
	err := c.eachTarget(ctx, f, raw, nil, one, func(id any) (bool, error) {
		res, err := c.write.DeleteOne(ctx, byID(id))
		if err != nil {
			return false, err
		}
		total.DeletedCount += res.DeletedCount
		return res.DeletedCount > 0, nil
	})
	return total, err
}

// findAndModifyTarget is a findAndModify by target: the first in the
// order of sort that still matches.
func (c *Collection) findAndModifyTarget(ctx context.Context, f filter, raw, sort any, modify func(id any) *mongo.SingleResult) *mongo.SingleResult {
	var out *mongo.SingleResult
	err := c.eachTarget(ctx, f, raw, sort, true, func(id any) (bool, error) {
		out = modify(id)
		if err := out.Err(); err != nil {
			if errors.Is(err, mongo.ErrNoDocuments) {
				return false, nil
			}
			return false, err
		}
		return true, nil
	})
	switch {
	case err != nil:
		return singleResult(nil, err)
	case out == nil:
		return singleResult(nil, nil)
	}
	return out
}

func byID(id any) bson.D { return bson.D{{Key: "_id", Value: id}} }

// positional reports whether an update names a field through the
// positional operator "$", which needs the whole filter at the server.
func positional(update any) bool {
	raw, err := bson.Marshal(update)
	if err != nil {
		return true
	}
	elems, _ := bson.Raw(raw).Elements()
	for _, op := range elems {
		fields, ok := op.Value().DocumentOK()
		if !ok {
			continue
		}
		fe, _ := fields.Elements()
		for _, f := range fe {
			if hasPositional(f.Key()) {
				return true
			}
		}
	}
	return false
}

// lookupReq is a read answered by lookups by _id.
type lookupReq struct {
	f     filter
	sort  bson.D
	limit int64
}

// lookupFor reports whether a parsed filter can be answered by lookups by
// _id, given that the options ask for nothing but sort and limit (plain).
func lookupFor(f filter, plain bool) (lookupReq, bool) {
	if !plain || f.ids == nil {
		return lookupReq{}, false
	}
	return lookupReq{f: f}, true
}

// lookupWorkers bounds the lookups of one read in flight at once.
const lookupWorkers = 8

// lookup fetches the documents of l's ids, keeps those matching its
// conditions, and sorts and cuts them as asked.
func (c *Collection) lookup(ctx context.Context, l lookupReq) ([]any, error) {
	ids := l.f.ids
	found := make([]bson.Raw, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(lookupWorkers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				doc, err := c.byID(ctx, c.read, ids[i])
				if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
					errs[i] = err
					continue
				}
				if err == nil && l.f.matches(doc) {
					found[i] = doc
				}
			}
		}()
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("mongodb: look up %s: %w", c.Name(), err)
	}
	var docs []bson.Raw
	for _, d := range found {
		if d != nil {
			docs = append(docs, d)
		}
	}
	if len(l.sort) > 0 {
		sort.SliceStable(docs, func(i, j int) bool { return lessBySort(docs[i], docs[j], l.sort) })
	}
	if l.limit > 0 && int64(len(docs)) > l.limit {
		docs = docs[:l.limit]
	}
	out := make([]any, len(docs))
	for i, d := range docs {
		out[i] = d
	}
	return out, nil
}

// singleResult makes a FindOne answer of the first of docs.
func singleResult(docs []any, err error) *mongo.SingleResult {
	if err == nil && len(docs) == 0 {
		err = mongo.ErrNoDocuments
	}
	if err != nil {
		return mongo.NewSingleResultFromDocument(bson.D{}, err, nil)
	}
	return mongo.NewSingleResultFromDocument(docs[0], nil, nil)
}

// scans reports whether the embedded server answers a read of filter by
// reading the whole collection: anything but one _id.
func (c *Collection) scans(f filter, parsed bool) bool {
	return c.db.emb != nil && !(parsed && f.exact())
}

// findShape reports whether find options ask for nothing but a sort and
// a limit, which lookups can honour.
func findShape(opts []*options.FindOptions) bool {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if o.Projection != nil || o.Skip != nil || o.Hint != nil || o.Collation != nil || o.Max != nil || o.Min != nil {
			return false
		}
	}
	return true
}

// findOneShape is findShape for FindOne.
func findOneShape(opts []*options.FindOneOptions) bool {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if o.Projection != nil || o.Skip != nil || o.Hint != nil || o.Collation != nil || o.Max != nil || o.Min != nil || o.Sort != nil {
			return false
		}
	}
	return true
}
