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
}

// Name is the collection's name.
func (c *Collection) Name() string { return c.write.Name() }

// Indexes is the collection's index view.
func (c *Collection) Indexes() mongo.IndexView { return c.write.Indexes() }

// Drop deletes the collection.
func (c *Collection) Drop(ctx context.Context) error {
	unlock := c.db.lockWrites()
	defer unlock()
	return c.write.Drop(ctx)
}

// Find returns the documents matching filter.
func (c *Collection) Find(ctx context.Context, filter any, opts ...*options.FindOptions) (*mongo.Cursor, error) {
	c.db.note("find", c.Name())
	if l, ok := c.lookupFor(filter, findShape(opts)); ok {
		o := options.MergeFindOptions(opts...)
		if o.Limit != nil {
			l.limit = max(*o.Limit, -*o.Limit) // a negative limit is a limit too
		}
		if l.sort, ok = sortKeys(o.Sort); ok {
			docs, err := c.lookup(ctx, l)
			if err != nil {
				return nil, err
			}
			return mongo.NewCursorFromDocuments(docs, nil, nil)
		}
	}
	return c.read.Find(ctx, filter, opts...)
}

// FindOne returns the first document matching filter.
func (c *Collection) FindOne(ctx context.Context, filter any, opts ...*options.FindOneOptions) *mongo.SingleResult {
	c.db.note("find", c.Name())
	if l, ok := c.lookupFor(filter, findOneShape(opts)); ok {
		l.limit = 1
		docs, err := c.lookup(ctx, l)
		return singleResult(docs, err)
	}
	return c.read.FindOne(ctx, filter, opts...)
}

// CountDocuments counts the documents matching filter.
func (c *Collection) CountDocuments(ctx context.Context, filter any, opts ...*options.CountOptions) (int64, error) {
	c.db.note("count", c.Name())
	if l, ok := c.lookupFor(filter, len(opts) == 0); ok {
		docs, err := c.lookup(ctx, l)
		return int64(len(docs)), err
	}
	return c.read.CountDocuments(ctx, filter, opts...)
}

// InsertOne inserts a document.
func (c *Collection) InsertOne(ctx context.Context, doc any, opts ...*options.InsertOneOptions) (*mongo.InsertOneResult, error) {
	c.db.note("insert", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	return c.write.InsertOne(ctx, doc, opts...)
}

// InsertMany inserts documents.
func (c *Collection) InsertMany(ctx context.Context, docs []any, opts ...*options.InsertManyOptions) (*mongo.InsertManyResult, error) {
	c.db.note("insert", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	return c.write.InsertMany(ctx, docs, opts...)
}

// UpdateMany updates every document matching filter.
func (c *Collection) UpdateMany(ctx context.Context, filter, update any, opts ...*options.UpdateOptions) (*mongo.UpdateResult, error) {
	c.db.note("update", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	return c.write.UpdateMany(ctx, filter, update, opts...)
}

// DeleteMany deletes every document matching filter.
func (c *Collection) DeleteMany(ctx context.Context, filter any, opts ...*options.DeleteOptions) (*mongo.DeleteResult, error) {
	c.db.note("delete", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	return c.write.DeleteMany(ctx, filter, opts...)
}

// UpdateOne updates the first document matching filter.
func (c *Collection) UpdateOne(ctx context.Context, filter, update any, opts ...*options.UpdateOptions) (*mongo.UpdateResult, error) {
	c.db.note("update", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	id, ok, err := c.checkOne(ctx, filter, !upserts(opts) && !positional(update))
	switch {
	case err != nil:
		return nil, err
	case ok && id == nil:
		return &mongo.UpdateResult{}, nil
	case ok:
		filter = bson.D{{Key: "_id", Value: id}}
	}
	return c.write.UpdateOne(ctx, filter, update, opts...)
}

// ReplaceOne replaces the first document matching filter.
func (c *Collection) ReplaceOne(ctx context.Context, filter, doc any, opts ...*options.ReplaceOptions) (*mongo.UpdateResult, error) {
	c.db.note("update", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	upsert := false
	for _, o := range opts {
		upsert = upsert || (o != nil && o.Upsert != nil && *o.Upsert)
	}
	id, ok, err := c.checkOne(ctx, filter, !upsert)
	switch {
	case err != nil:
		return nil, err
	case ok && id == nil:
		return &mongo.UpdateResult{}, nil
	case ok:
		filter = bson.D{{Key: "_id", Value: id}}
	}
	return c.write.ReplaceOne(ctx, filter, doc, opts...)
}

// DeleteOne deletes the first document matching filter.
func (c *Collection) DeleteOne(ctx context.Context, filter any, opts ...*options.DeleteOptions) (*mongo.DeleteResult, error) {
	c.db.note("delete", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	id, ok, err := c.checkOne(ctx, filter, true)
	switch {
	case err != nil:
		return nil, err
	case ok && id == nil:
		return &mongo.DeleteResult{}, nil
	case ok:
		filter = bson.D{{Key: "_id", Value: id}}
	}
	return c.write.DeleteOne(ctx, filter, opts...)
}

// FindOneAndUpdate updates the first document matching filter and returns
// it as it was before or after.
func (c *Collection) FindOneAndUpdate(ctx context.Context, filter, update any, opts ...*options.FindOneAndUpdateOptions) *mongo.SingleResult {
	c.db.note("findAndModify", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	upsert := false
	for _, o := range opts {
		upsert = upsert || (o != nil && o.Upsert != nil && *o.Upsert)
	}
	id, ok, err := c.checkOne(ctx, filter, !upsert && !positional(update))
	switch {
	case err != nil:
		return singleResult(nil, err)
	case ok && id == nil:
		return singleResult(nil, nil)
	case ok:
		filter = bson.D{{Key: "_id", Value: id}}
	}
	return c.write.FindOneAndUpdate(ctx, filter, update, opts...)
}

// FindOneAndDelete deletes the first document matching filter and returns
// it.
func (c *Collection) FindOneAndDelete(ctx context.Context, filter any, opts ...*options.FindOneAndDeleteOptions) *mongo.SingleResult {
	c.db.note("findAndModify", c.Name())
	unlock := c.db.lockWrites()
	defer unlock()
	id, ok, err := c.checkOne(ctx, filter, true)
	switch {
	case err != nil:
		return singleResult(nil, err)
	case ok && id == nil:
		return singleResult(nil, nil)
	case ok:
		filter = bson.D{{Key: "_id", Value: id}}
	}
	return c.write.FindOneAndDelete(ctx, filter, opts...)
}

// checkOne, on the embedded store and with the write lock held, turns a
// filter of one _id and conditions into that _id: it looks the document
// up and checks the conditions here. ok says whether it could (else the
// caller sends filter as it is); a nil id with ok means no document
// matches. allowed is false for the writes that need the server to see the
// whole filter: upserts (which insert from it) and positional updates.
func (c *Collection) checkOne(ctx context.Context, filter any, allowed bool) (id any, ok bool, err error) {
	if c.db.emb == nil || !allowed {
		return nil, false, nil
	}
	f, ok := parseFilter(filter)
	if !ok || len(f.ids) != 1 || !f.conditional() {
		return nil, false, nil
	}
	doc, err := c.write.FindOne(ctx, bson.D{{Key: "_id", Value: f.ids[0]}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("mongodb: look up %s: %w", c.Name(), err)
	}
	if !f.matches(doc) {
		return nil, true, nil
	}
	return f.ids[0], true, nil
}

// upserts reports whether any of opts asks for an upsert.
func upserts(opts []*options.UpdateOptions) bool {
	for _, o := range opts {
		if o != nil && o.Upsert != nil && *o.Upsert {
			return true
		}
	}
	return false
}

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

// lookupFor reports whether filter can be answered by lookups by _id on
// this store, given that the options ask for nothing but sort and limit
// (plain).
func (c *Collection) lookupFor(filter any, plain bool) (lookupReq, bool) {
	if c.db.emb == nil || !plain {
		return lookupReq{}, false
	}
	f, ok := parseFilter(filter)
	if !ok || f.ids == nil {
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
				doc, err := c.read.FindOne(ctx, bson.D{{Key: "_id", Value: ids[i]}}).Raw()
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
	seen := map[string]bool{}
	for _, d := range found {
		if d == nil {
			continue
		}
		key := string(d.Lookup("_id").Value)
		if !seen[key] { // an id listed twice is one document
			seen[key] = true
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
