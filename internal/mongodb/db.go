package mongodb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// DB is one database as fanclub's packages use it. On MongoDB it is the
// database and nothing more. On the embedded store its collections send
// reads to a pool of connections and writes, one at a time, to a single
// one (the embedded server does not apply concurrent updates atomically),
// and they answer the filters the embedded server would answer by reading
// a whole collection with lookups by _id where they can (Collection).
type DB struct {
	read    *mongo.Database
	write   *mongo.Database
	emb     *embedded // nil on MongoDB
	shared  bool      // other instances write it too (Shared)
	observe func(Op)  // tests count queries with it; nil otherwise
}

// Op is one operation asked of a collection: a command on MongoDB, which
// the embedded store may answer with several (lookups by _id).
type Op struct {
	Name       string // find, count, insert, update, delete, findAndModify
	Collection string
	// Scan is true for a read the embedded server answers by reading the
	// whole collection: hot pages make none.
	Scan bool
}

// Observed returns the database reporting every operation asked of its
// collections to observe: tests count the queries a page costs with it.
func (d *DB) Observed(observe func(Op)) *DB {
	o := *d
	o.observe = observe
	return &o
}

// note reports an operation to the observer, if any.
func (d *DB) note(name, collection string, scan bool) {
	if d.observe != nil {
		d.observe(Op{Name: name, Collection: collection, Scan: scan})
	}
}

// embedded is what every database of one embedded server shares: the
// write lock and the SQLite files behind the collections.
type embedded struct {
	// writes is held for every write command, and across the lookup and
	// the write of a conditional one, so one process's writes are
	// serialised and a condition checked here still holds when the
	// write lands. One process holds the data directory, so nothing else
	// writes.
	writes sync.Mutex
	files  *sqliteFiles
	cache  *docCache
	// scansUnderLock counts the writes that went to the server with a
	// filter it answers by a scan, holding the lock all the while.
	scansUnderLock atomic.Int64
}

// Name is the database's name.
func (d *DB) Name() string { return d.write.Name() }

// SoleWriter reports whether this process is the only one writing the
// database: the embedded store, whose data directory one process holds.
// A package may then keep in memory what it would otherwise query for,
// kept up to date by its own writes, and trust it.
func (d *DB) SoleWriter() bool { return d.emb != nil && !d.shared }

// Shared returns the database as one that other app instances write too,
// as on MongoDB: tests run two instances on one embedded store this way,
// and nothing may then be trusted from memory.
func (d *DB) Shared() *DB {
	o := *d
	o.shared = true
	return &o
}

// Collection returns the named collection. It costs no round trip.
func (d *DB) Collection(name string) *Collection {
	return &Collection{db: d, read: d.read.Collection(name), write: d.write.Collection(name), ck: cacheKey(d.Name(), name)}
}

// Drop deletes the database.
func (d *DB) Drop(ctx context.Context) error {
	unlock := d.lockWrites()
	defer unlock()
	if err := d.write.Drop(ctx); err != nil {
		return fmt.Errorf("mongodb: drop %s: %w", d.Name(), err)
	}
	if d.emb != nil {
		d.emb.files.forget(d.Name())
		d.emb.cache.dropDatabase(d.Name())
	}
	return nil
}

// Ping reports whether the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.read.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
		return fmt.Errorf("mongodb: ping: %w", err)
	}
	return nil
}

// writeContext is the context a write runs in: on the embedded store,
// one that the caller's cancelling does not end, since a write given up
// on would release the lock and drop the cache while the server may still
// be committing it.
func (d *DB) writeContext(ctx context.Context) context.Context {
	if d.emb == nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// lockWrites takes the embedded store's write lock, if there is one, and
// returns its release.
func (d *DB) lockWrites() (unlock func()) {
	if d.emb == nil {
		return func() {}
	}
	d.emb.writes.Lock()
	return d.emb.writes.Unlock
}

// IsDuplicateKey reports whether err is a refused duplicate _id or unique
// index key.
func IsDuplicateKey(err error) bool { return mongo.IsDuplicateKeyError(err) }

// EnsureIndexes creates the named indexes of a collection that are
// missing, and the collection itself if it has none yet. Every collection
// fanclub uses is declared through here at start-up, with its indexes.
//
// Indexes are created one at a time, and only when absent: the embedded
// server crashes the connection when one createIndexes command repeats two
// or more existing indexes, which every restart would do.
//
// On the embedded store only unique indexes are made, for the duplicates
// they refuse: FerretDB answers every filter but an _id by reading the
// whole collection, so the others would serve no query and only slow each
// write (SQLite recomputes every index's JSON expression on every update;
// dropping them made a vote about a third cheaper, bench/README.md). Those
// an earlier version made are dropped. The collection gets instead the
// SQLite index that makes its lookups by _id index lookups (sqlite.go).
func EnsureIndexes(ctx context.Context, coll *Collection, models ...mongo.IndexModel) error {
	unlock := coll.db.lockWrites()
	defer unlock()
	specs, err := coll.write.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("mongodb: indexes of %s: %w", coll.Name(), err)
	}
	have := map[string]bool{}
	for _, s := range specs {
		have[s.Name] = true
		if coll.db.emb != nil && s.Name != "_id_" && (s.Unique == nil || !*s.Unique) {
			if _, err := coll.write.Indexes().DropOne(ctx, s.Name); err != nil {
				return fmt.Errorf("mongodb: drop index %s of %s: %w", s.Name, coll.Name(), err)
			}
			have[s.Name] = false
		}
	}
	if len(specs) == 0 {
		err := coll.write.Database().CreateCollection(ctx, coll.Name())
		var ce mongo.CommandError
		if err != nil && !(errors.As(err, &ce) && ce.Name == "NamespaceExists") {
			return fmt.Errorf("mongodb: create %s: %w", coll.Name(), err)
		}
	}
	for _, m := range models {
		if m.Options == nil || m.Options.Name == nil {
			return fmt.Errorf("mongodb: an index of %s has no name", coll.Name())
		}
		unique := m.Options.Unique != nil && *m.Options.Unique
		if have[*m.Options.Name] || (coll.db.emb != nil && !unique) {
			continue
		}
		if _, err := coll.write.Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("mongodb: index %s of %s: %w", *m.Options.Name, coll.Name(), err)
		}
	}
	if coll.db.emb != nil {
		return coll.db.emb.files.indexIDs(ctx, coll.db.Name(), coll.Name())
	}
	return nil
}

// ListCollectionNames returns the names of the collections matching
// filter.
func (d *DB) ListCollectionNames(ctx context.Context, filter any) ([]string, error) {
	return d.read.ListCollectionNames(ctx, filter)
}
