// Package mongotest gives each test a fresh database on one embedded
// FerretDB server per test binary, started with the production settings.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"testing"

	"fanclub/internal/mongodb"
)

var (
	once    sync.Once
	conn    *mongodb.Conn
	connErr error
	dir     string
)

// Main runs a package's tests and then stops the embedded server and
// removes its files. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if conn != nil {
		_ = conn.Close(context.Background())
	}
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
	return code
}

// New returns an empty database that is dropped when the test ends.
func New(t testing.TB) *mongodb.DB {
	t.Helper()
	c := Conn(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := c.Database("t" + hex.EncodeToString(b[:]))
	t.Cleanup(func() { _ = db.Drop(context.Background()) })
	return db
}

// NewObserved returns an empty database, like New, that reports every
// operation asked of it to observe: tests count the queries a page costs
// with it.
func NewObserved(t testing.TB, observe func(mongodb.Op)) *mongodb.DB {
	t.Helper()
	return New(t).Observed(observe)
}

// Conn returns the test binary's embedded server connection, starting it
// on first use in a temporary directory.
func Conn(t testing.TB) *mongodb.Conn {
	t.Helper()
	once.Do(func() {
		var err error
		dir, err = os.MkdirTemp("", "fanclub-test-db-")
		if err != nil {
			connErr = err
			return
		}
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		conn, connErr = mongodb.StartEmbedded(context.Background(), dir, log)
	})
	if connErr != nil {
		t.Fatalf("mongotest: start embedded server: %v", connErr)
	}
	return conn
}
