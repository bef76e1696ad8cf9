// Package mongodb opens fanclub's database: a MongoDB named by a URI, or an
// embedded FerretDB server on loopback over SQLite files in a data
// directory. Either way callers get a *DB and the same driver code runs
// in development, tests and production.
//
// The embedded server (FerretDB v1.24 over SQLite) hands SQLite only a
// filter that is exactly {_id: x}, and applies concurrent updates
// without atomicity. So on the embedded store this package:
//
//   - serialises writes (one lock, one connection) while reads share a
//     pool, so a slow read holds nobody up and MongoDB's single-document
//     guarantees hold;
//   - gives each declared collection the SQLite index FerretDB's lookups
//     by _id can use (sqlite.go), and only the unique indexes of those
//     declared, since the others would serve no query;
//   - turns what it can into lookups by _id (collection.go): a filter of
//     ids and conditions is lookups plus a check here (match.go), and a
//     write finds its targets with a read before writing each by _id, so
//     no write scans a collection while holding the lock;
//   - tells callers, through DB.SoleWriter, that this process is the only
//     writer, so a package may keep sorted lists in memory instead of
//     asking the server to sort a collection (community does).
//
// On MongoDB none of this happens: filters, sorts and indexes go to the
// server as written.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/x/mongo/driver/connstring"
)

// DatabaseName is the database fanclub uses when the URI names none.
const DatabaseName = "fanclub"

// Conn is an open database and the means to close it.
type Conn struct {
	DB       *DB
	Embedded bool   // true when the database is the in-process FerretDB
	URI      string // where the server listens, for a second client
	client   *mongo.Client
	reads    *mongo.Client // the embedded store's pool of readers; client on MongoDB
	emb      *embedded
	stop     func()
}

// Connect opens the MongoDB at uri. The database is the one named in the
// URI's path, else DatabaseName.
func Connect(ctx context.Context, uri string) (*Conn, error) {
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return nil, fmt.Errorf("mongodb: parse MONGODB_URI: %w", err)
	}
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).SetTimeout(30*time.Second))
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect: %w", err)
	}
	name := cs.Database
	if name == "" {
		name = DatabaseName
	}
	c := &Conn{URI: uri, client: client, reads: client, stop: func() {}}
	c.DB = c.Database(name)
	if err := c.DB.Ping(ctx); err != nil {
		_ = client.Disconnect(ctx)
		return nil, err
	}
	return c, nil
}

// ErrDataDirLocked means another process already serves the data directory.
var ErrDataDirLocked = errors.New("mongodb: the data directory is in use by another fanclub process")

// readers bounds the embedded store's connections for reads: enough that
// a slow read never holds up the others, few enough for two cores.
const readers = 16

// StartEmbedded starts FerretDB in-process on a random loopback port, with
// its SQLite files in dir, and connects to it. The directory is locked so a
// second process cannot open it.
//
// Writes go through one connection, one at a time: the embedded server
// does not apply concurrent updates atomically (DESIGN.md measured 31–100
// seats granted on a 10-seat event), but serialised, the guarantees
// MongoDB gives hold here too. Reads share a pool of their own and run in
// parallel, beside the writes.
func StartEmbedded(ctx context.Context, dir string, log *slog.Logger) (*Conn, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mongodb: create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("mongodb: data directory: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, // loopback only
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    slog.New(quietHandler{log.Handler()}),
	})
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("mongodb: start embedded server: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()
	files := newSQLiteFiles(abs)
	stop := func() {
		files.close()
		cancel()
		<-done
		lock.Close()
	}
	c := &Conn{Embedded: true, URI: f.MongoDBURI(), emb: &embedded{files: files, cache: newDocCache(cacheBytes)}, stop: stop}
	if c.client, c.reads, err = embeddedClients(ctx, c.URI); err != nil {
		stop()
		return nil, err
	}
	c.DB = c.Database(DatabaseName)
	if err := c.DB.Ping(ctx); err != nil {
		c.Close(context.Background())
		return nil, err
	}
	return c, nil
}

// embeddedClients connects the writer (one connection) and the readers to
// the embedded server at uri.
func embeddedClients(ctx context.Context, uri string) (write, read *mongo.Client, err error) {
	opts := func(pool uint64) *options.ClientOptions {
		return options.Client().ApplyURI(uri).SetMaxPoolSize(pool).SetTimeout(60 * time.Second)
	}
	if write, err = mongo.Connect(ctx, opts(1)); err != nil {
		return nil, nil, fmt.Errorf("mongodb: connect to embedded server: %w", err)
	}
	if read, err = mongo.Connect(ctx, opts(readers)); err != nil {
		_ = write.Disconnect(ctx)
		return nil, nil, fmt.Errorf("mongodb: connect to embedded server: %w", err)
	}
	return write, read, nil
}

// Database returns another database on the same server; tests use it to
// give each test a fresh one.
func (c *Conn) Database(name string) *DB {
	return &DB{read: c.reads.Database(name), write: c.client.Database(name), emb: c.emb}
}

// Ping reports whether the database answers.
func (c *Conn) Ping(ctx context.Context) error { return c.DB.Ping(ctx) }

// Close disconnects and, in embedded mode, stops the server and releases
// the data directory. On the embedded store it first waits for the write
// in progress, if any, so no write is cut in half.
func (c *Conn) Close(ctx context.Context) error {
	if c.emb != nil {
		c.emb.writes.Lock()
		defer c.emb.writes.Unlock()
	}
	err := c.client.Disconnect(ctx)
	if c.reads != c.client {
		err = errors.Join(err, c.reads.Disconnect(ctx))
	}
	c.stop()
	return err
}

// lockDir takes an exclusive, non-blocking lock on dir/LOCK. The lock goes
// with the process, so a crash never leaves the directory locked.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("mongodb: open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrDataDirLocked, dir)
		}
		return nil, fmt.Errorf("mongodb: lock data directory: %w", err)
	}
	return f, nil
}
