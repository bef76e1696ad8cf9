package mongodb

import "context"

// IDLookupPlan is SQLite's plan for FerretDB's lookup by _id in a
// collection of the embedded store.
func (c *Conn) IDLookupPlan(ctx context.Context, database, collection string) (string, error) {
	return c.emb.files.queryPlan(ctx, database, collection)
}

// HoldWrites takes the embedded store's write lock, as a write in
// progress would, and returns its release.
func (c *Conn) HoldWrites() (release func()) {
	c.emb.writes.Lock()
	return c.emb.writes.Unlock
}

// ScansUnderLock counts the writes that went to the embedded server with
// a filter it answers by a scan, holding the write lock.
func (c *Conn) ScansUnderLock() int64 { return c.emb.scansUnderLock.Load() }

// AsMongoDB is the database as the code treats MongoDB: every filter goes
// to the server as it is.
func AsMongoDB(d *DB) *DB {
	o := *d
	o.emb = nil
	return &o
}

// CachedDocs counts the documents the embedded store's cache holds.
func (c *Conn) CachedDocs() int {
	c.emb.cache.mu.Lock()
	defer c.emb.cache.mu.Unlock()
	n := 0
	for _, docs := range c.emb.cache.colls {
		n += len(docs)
	}
	return n
}
