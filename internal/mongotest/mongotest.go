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

	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

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
func New(t testing.TB) *mongo.Database {
	t.Helper()
	c := Conn(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := c.Database("t" + hex.EncodeToString(b[:]))
	t.Cleanup(func() { _ = db.Drop(context.Background()) })
	return db
}

// NewMonitored returns an empty database, like New, reached through its
// own client that reports every command to mon: tests count the round
// trips a page costs with it.
func NewMonitored(t testing.TB, mon *event.CommandMonitor) *mongo.Database {
	t.Helper()
	c := Conn(t)
	client, err := mongo.Connect(context.Background(), options.Client().ApplyURI(c.URI).SetMaxPoolSize(1).SetMonitor(mon))
	if err != nil {
		t.Fatalf("mongotest: connect a monitored client: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := client.Database("t" + hex.EncodeToString(b[:]))
	t.Cleanup(func() {
		_ = db.Drop(context.Background())
		_ = client.Disconnect(context.Background())
	})
	return db
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
