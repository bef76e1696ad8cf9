package mongodb_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/internal/mongodb"
)

// lockedBuffer is a log written by the embedded server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestEmbeddedServerKeepsItsDumpsOutOfTheLog runs what an ordinary start
// does, at the default level: commands the embedded server answers with
// an error (an index list of a collection not created yet), and the
// driver's endSessions at disconnect. The caller gets the error; the log,
// which is for people, gets none of the server's wire dumps.
func TestEmbeddedServerKeepsItsDumpsOutOfTheLog(t *testing.T) {
	ctx := context.Background()
	var out lockedBuffer
	c, err := mongodb.StartEmbedded(ctx, t.TempDir(), slog.New(slog.NewTextHandler(&out, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if specs, err := c.DB.Collection("not_yet").Indexes().ListSpecifications(ctx); err != nil || len(specs) != 0 {
		t.Errorf("the indexes of a collection not created yet: %v, %v; want none", specs, err)
	}
	if _, err := c.DB.Collection("things").InsertOne(ctx, bson.M{"_id": 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DB.Collection("things").InsertOne(ctx, bson.M{"_id": 1}); !mongodb.IsDuplicateKey(err) {
		t.Errorf("a duplicate _id: %v, want refused", err)
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, dump := range []string{"Response", "NamespaceNotFound", "endSessions", "DuplicateKey", "E11000"} {
		if strings.Contains(out.String(), dump) {
			t.Errorf("the log has the embedded server's %q:\n%s", dump, out.String())
		}
	}
}
