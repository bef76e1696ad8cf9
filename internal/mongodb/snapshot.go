package mongodb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Snapshot keeps, across a restart, a copy in memory that a package made
// of a collection on the sole writer: the embedded server reads a
// collection by decoding every stored value in Go (5,000 activity
// rollups: 0.9 s), where a snapshot is a few large binary values read by
// _id (milliseconds). It is written when the process stops cleanly and
// trusted at the next start only if nothing was written since: Take
// reads it and marks it stale in the same breath, and every writer of the
// collection calls Stale before its first write of the process, so a
// crash, a seed or any other writer leaves it stale and the next start
// reads the collection instead.
//
// Its documents live in the "snapshots" collection: one "<name>" marker
// saying whether the chunks "<name>/0", "<name>/1"… are current, and the
// shape of the type saved (a version whose types differ reads the
// collection instead). A binary older than snapshots writes without
// marking them: after running one on the data, delete the "snapshots"
// collection before starting this one again.
type Snapshot struct {
	coll *Collection
	name string

	mu    sync.Mutex
	stale bool // known stale in the database: Stale need not write again
}

// snapshotChunk bounds one chunk well under MongoDB's 16 MB document.
const snapshotChunk = 4 << 20

type snapshotMark struct {
	ID      string    `bson:"_id"`
	Current bool      `bson:"current"`
	Chunks  int       `bson:"chunks"`
	Shape   string    `bson:"shape"` // of the value saved: see shapeOf
	At      time.Time `bson:"at"`
}

type snapshotPart struct {
	ID   string `bson:"_id"`
	Data []byte `bson:"data"`
}

// Snapshot returns the snapshot called name.
func (d *DB) Snapshot(name string) *Snapshot {
	return &Snapshot{coll: d.Collection("snapshots"), name: name}
}

// EnsureIndexes declares the collection, so its lookups by _id are index
// lookups on the embedded store rather than scans of every chunk.
func (s *Snapshot) EnsureIndexes(ctx context.Context) error {
	return EnsureIndexes(ctx, s.coll)
}

// Take decodes the snapshot into v (with encoding/gob) if it is current,
// reporting whether it was, and leaves it stale: from now on the
// collection may change. A missing, stale or unreadable snapshot is
// (false, nil) when it could be marked stale, and v is then untouched.
func (s *Snapshot) Take(ctx context.Context, v any) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m snapshotMark
	err := s.coll.FindOne(ctx, bson.M{"_id": s.name}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		s.stale = true // nothing to trust; nothing to mark
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mongodb: read snapshot %s: %w", s.name, err)
	}
	var data []byte
	ok := m.Current && m.Shape == shapeOf(v)
	for i := 0; ok && i < m.Chunks; i++ {
		var p snapshotPart
		if err := s.coll.FindOne(ctx, bson.M{"_id": s.part(i)}).Decode(&p); err != nil {
			ok = false
			break
		}
		data = append(data, p.Data...)
	}
	if err := s.markStale(ctx); err != nil {
		return false, err
	}
	if !ok {
		return false, nil
	}
	return gob.NewDecoder(bytes.NewReader(data)).Decode(v) == nil, nil
}

// Stale marks the snapshot stale before a write to what it copies; after
// the first call of the process it costs nothing, until Save.
func (s *Snapshot) Stale(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stale {
		return nil
	}
	return s.markStale(ctx)
}

func (s *Snapshot) markStale(ctx context.Context) error {
	_, err := s.coll.UpdateOne(ctx, bson.M{"_id": s.name}, bson.M{"$set": bson.M{"current": false}}, options.Update().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("mongodb: mark snapshot %s stale: %w", s.name, err)
	}
	s.stale = true
	return nil
}

// Save writes v (with encoding/gob) as the current snapshot. The caller
// holds off its own writes meanwhile; any later one must call Stale
// first. The marker is written last, so a save cut short stays stale.
func (s *Snapshot) Save(ctx context.Context, v any) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("mongodb: encode snapshot %s: %w", s.name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.markStale(ctx); err != nil {
		return err
	}
	data, n := buf.Bytes(), 0
	for ; len(data) > 0 || n == 0; n++ {
		chunk := data[:min(len(data), snapshotChunk)]
		data = data[len(chunk):]
		if _, err := s.coll.ReplaceOne(ctx, bson.M{"_id": s.part(n)}, snapshotPart{ID: s.part(n), Data: chunk},
			options.Replace().SetUpsert(true)); err != nil {
			return fmt.Errorf("mongodb: save snapshot %s: %w", s.name, err)
		}
	}
	// From here a write must mark it stale again, even should the marker's
	// write report an error after landing.
	s.stale = false
	_, err := s.coll.ReplaceOne(ctx, bson.M{"_id": s.name}, snapshotMark{ID: s.name, Current: true, Chunks: n,
		Shape: shapeOf(v), At: time.Now()}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("mongodb: save snapshot %s: %w", s.name, err)
	}
	return nil
}

// shapeOf names the type of v (a pointer's element, a slice's element),
// every struct field's name and type, recursively: a snapshot saved by a
// version whose types differ is not taken, where gob would fill the
// fields it lacks with zero values.
func shapeOf(v any) string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		b.WriteString(t.String())
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			b.WriteString("[")
			walk(t.Elem())
			b.WriteString("]")
		case reflect.Map:
			b.WriteString("[")
			walk(t.Key())
			b.WriteString("]")
			walk(t.Elem())
		case reflect.Struct:
			if seen[t] || t.PkgPath() == "time" {
				return
			}
			seen[t] = true
			b.WriteString("{")
			for i := range t.NumField() {
				f := t.Field(i)
				b.WriteString(f.Name + " ")
				walk(f.Type)
				b.WriteString(";")
			}
			b.WriteString("}")
		}
	}
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	walk(t)
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

func (s *Snapshot) part(i int) string { return s.name + "/" + strconv.Itoa(i) }
