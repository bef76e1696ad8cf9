// Package mongodb opens fanclub's database: a MongoDB named by a URI, or an
// embedded FerretDB server on loopback over SQLite files in a data
// directory. Either way callers get a *mongo.Database and the same driver
// code runs in development, tests and production.
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
	DB       *mongo.Database
	Embedded bool   // true when the database is the in-process FerretDB
	URI      string // where the server listens, for a second client
	client   *mongo.Client
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
	c := &Conn{DB: client.Database(name), URI: uri, client: client, stop: func() {}}
	if err := c.Ping(ctx); err != nil {
		_ = client.Disconnect(ctx)
		return nil, err
	}
	return c, nil
}

// ErrDataDirLocked means another process already serves the data directory.
var ErrDataDirLocked = errors.New("mongodb: the data directory is in use by another fanclub process")

// StartEmbedded starts FerretDB in-process on a random loopback port, with
// its SQLite files in dir, and connects to it. The directory is locked so a
// second process cannot open it.
//
// The client uses a single connection: the embedded server does not apply
// concurrent updates atomically (DESIGN.md measured 31–100 seats granted on
// a 10-seat event), but with one connection every write is serialised and
// the guarantees MongoDB gives hold here too.
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
	stop := func() {
		cancel()
		<-done
		lock.Close()
	}
	client, err := mongo.Connect(ctx, options.Client().
		ApplyURI(f.MongoDBURI()).
		SetMaxPoolSize(1).
		SetTimeout(60*time.Second))
	if err != nil {
		stop()
		return nil, fmt.Errorf("mongodb: connect to embedded server: %w", err)
	}
	c := &Conn{DB: client.Database(DatabaseName), Embedded: true, URI: f.MongoDBURI(), client: client, stop: stop}
	if err := c.Ping(ctx); err != nil {
		c.Close(context.Background())
		return nil, err
	}
	return c, nil
}

// Database returns another database on the same connection; tests use it
// to give each test a fresh one.
func (c *Conn) Database(name string) *mongo.Database { return c.client.Database(name) }

// Ping reports whether the database answers.
func (c *Conn) Ping(ctx context.Context) error {
	if err := c.DB.RunCommand(ctx, map[string]int{"ping": 1}).Err(); err != nil {
		return fmt.Errorf("mongodb: ping: %w", err)
	}
	return nil
}

// Close disconnects and, in embedded mode, stops the server and releases
// the data directory.
func (c *Conn) Close(ctx context.Context) error {
	err := c.client.Disconnect(ctx)
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

// IsDuplicateKey reports whether err is a refused duplicate _id or unique
// index key.
func IsDuplicateKey(err error) bool { return mongo.IsDuplicateKeyError(err) }

// EnsureIndexes creates the named indexes of a collection that are
// missing. Every index fanclub uses is declared through here at start-up.
//
// Indexes are created one at a time, and only when absent: the embedded
// server crashes the connection when one createIndexes command repeats two
// or more existing indexes, which every restart would do.
func EnsureIndexes(ctx context.Context, coll *mongo.Collection, models ...mongo.IndexModel) error {
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("mongodb: indexes of %s: %w", coll.Name(), err)
	}
	have := map[string]bool{}
	for _, s := range specs {
		have[s.Name] = true
	}
	for _, m := range models {
		if m.Options == nil || m.Options.Name == nil {
			return fmt.Errorf("mongodb: an index of %s has no name", coll.Name())
		}
		if have[*m.Options.Name] {
			continue
		}
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("mongodb: index %s of %s: %w", *m.Options.Name, coll.Name(), err)
		}
	}
	return nil
}
