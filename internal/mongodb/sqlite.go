package mongodb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// sqliteFiles gives the embedded server's collections the one index its
// lookups by _id can use.
//
// FerretDB v1.24 keeps a collection as a SQLite table of JSON documents.
// A filter that is exactly {_id: <string or ObjectID>} becomes
// `WHERE _ferretdb_sjson->'$._id' = ?` (and updates and deletes by _id
// the same), but the unique index it creates for _id is on the
// expression `_ferretdb_sjson->"_id"`, which SQLite does not take for the
// same one: every lookup read the whole table (2.2 s in a collection of
// a million votes). An index on exactly the expression the queries use
// turns that into an index search (EXPLAIN QUERY PLAN says `SEARCH …
// USING INDEX`; TestLookupByIDUsesTheIndex). FerretDB's own unique index
// stays, and still refuses a duplicate _id.
//
// The files are opened beside the server, through the same SQLite driver
// and in the WAL mode FerretDB sets; the index is made once per table,
// when the collection is declared at start-up (EnsureIndexes).
type sqliteFiles struct {
	dir string
	mu  sync.Mutex
	dbs map[string]*sql.DB // by database name
}

// idIndexSuffix names the index, after FerretDB's own `<table>_<index>`.
const idIndexSuffix = "_fanclub_id_lookup"

func newSQLiteFiles(dir string) *sqliteFiles {
	return &sqliteFiles{dir: dir, dbs: map[string]*sql.DB{}}
}

// indexIDs makes sure the table of a collection has the _id lookup
// index.
func (f *sqliteFiles) indexIDs(ctx context.Context, database, collection string) error {
	db, err := f.open(database)
	if err != nil {
		return err
	}
	var table string
	err = db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&table)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("mongodb: no table for collection %s.%s", database, collection)
	}
	if err != nil {
		return fmt.Errorf("mongodb: find the table of %s.%s: %w", database, collection, err)
	}
	q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idIndexSuffix, table)
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("mongodb: index _id of %s.%s: %w", database, collection, err)
	}
	return nil
}

// queryPlan returns SQLite's plan for the lookup by _id FerretDB runs on
// a collection, for tests to check that the index serves it.
func (f *sqliteFiles) queryPlan(ctx context.Context, database, collection string) (string, error) {
	db, err := f.open(database)
	if err != nil {
		return "", err
	}
	var table string
	if err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&table); err != nil {
		return "", err
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"x"`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		plan += detail + "\n"
	}
	return plan, rows.Err()
}

func (f *sqliteFiles) open(database string) (*sql.DB, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if db, ok := f.dbs[database]; ok {
		return db, nil
	}
	path := filepath.Join(f.dir, database+".sqlite")
	q := url.Values{"_pragma": {"busy_timeout(10000)"}}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("mongodb: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	f.dbs[database] = db
	return db, nil
}

// forget closes the file of a dropped database.
func (f *sqliteFiles) forget(database string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if db, ok := f.dbs[database]; ok {
		_ = db.Close()
		delete(f.dbs, database)
	}
}

// close closes every file.
func (f *sqliteFiles) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, db := range f.dbs {
		_ = db.Close()
		delete(f.dbs, name)
	}
}
