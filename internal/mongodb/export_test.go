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
