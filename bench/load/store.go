package main

// The data directory: the seed state kept between runs, and the
// embedded store opened on it.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// credential is a signed-in session the clients use.
type credential struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	Token   string `json:"token"` // the fanclub_session cookie
	CSRF    string `json:"csrf"`
}

// seedState is written to the data directory when seeding finishes; its
// presence, at the requested size, is the marker that the directory is
// seeded.
type seedState struct {
	Size       string       `json:"size"`
	SeededAt   time.Time    `json:"seededAt"`
	SeedTook   string       `json:"seedTook"`
	FirstStart string       `json:"firstStart"` // the first server start, which builds the indexes
	Group      string       `json:"group"`
	Slug       string       `json:"slug"`
	Owner      string       `json:"owner"`
	Members    int          `json:"members"`
	Ideas      []string     `json:"ideas"`
	Cursors    []string     `json:"cursors"` // feed cursors: Cursors[k] opens page k+2
	Sessions   []credential `json:"sessions"`
	// Staff is the site owner's session, for /admin/insights; with it
	// the directory holds a year of activity and subscriptions
	// (insights.go).
	Staff credential `json:"staff,omitempty"`
	// With -social (Size then ends in "+social"): commented posts, a
	// sample, and every commented idea.
	Social      bool         `json:"social,omitempty"`
	Threads     []threadMark `json:"threads,omitempty"`
	IdeaThreads []threadMark `json:"ideaThreads,omitempty"`
}

// threadMark is a post or idea with comments and the marker word of its
// oldest comment, which its page shows first.
type threadMark struct {
	ID      string `json:"id"`
	Comment string `json:"comment"`
}

const (
	stateFile    = "load-state.json"
	seedingFile  = "load-seeding" // present while a seed is under way
	sessionsKept = 400
	batchSize    = 1000
	groupSlug    = "club"
)

func loadState(dir string) (*seedState, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	var st seedState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", stateFile, err)
	}
	return &st, nil
}

func saveState(dir string, st *seedState) error {
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, stateFile), b, 0o600)
}

// prepareDir decides whether dir must be seeded: not when it holds a
// finished seed of this size; yes when it is missing, empty or holds an
// unfinished seed (which is wiped). Anything else is refused, so the
// driver never overwrites a directory it did not make.
func prepareDir(dir, size string) (*seedState, bool, error) {
	if st, err := loadState(dir); err == nil {
		if st.Size != size {
			return nil, false, fmt.Errorf("%s is seeded at size %s, not %s: pick another -dir", dir, st.Size, size)
		}
		return st, false, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil, true, os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return nil, false, err
	}
	if _, err := os.Stat(filepath.Join(dir, seedingFile)); err != nil {
		return nil, false, fmt.Errorf("%s is not empty and was not seeded by this driver: pick another -dir", dir)
	}
	fmt.Printf("%s holds an unfinished seed: wiping it\n", dir)
	if err := os.RemoveAll(dir); err != nil {
		return nil, false, err
	}
	return nil, true, os.MkdirAll(dir, 0o700)
}

// collection is what the driver asks of a collection. conn.DB's
// collections have it whether conn.DB is the driver's *mongo.Database or
// internal/mongodb's own wrapper over it.
type collection interface {
	Name() string
	Find(ctx context.Context, filter any, opts ...*options.FindOptions) (*mongo.Cursor, error)
	InsertOne(ctx context.Context, doc any, opts ...*options.InsertOneOptions) (*mongo.InsertOneResult, error)
	InsertMany(ctx context.Context, docs []any, opts ...*options.InsertManyOptions) (*mongo.InsertManyResult, error)
	UpdateMany(ctx context.Context, filter, update any, opts ...*options.UpdateOptions) (*mongo.UpdateResult, error)
}

// store is the embedded store opened on the data directory.
type store struct{ conn *mongodb.Conn }

// openStore starts the embedded store on dir, quietly: only its errors
// are logged.
func openStore(ctx context.Context, dir string) (store, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	conn, err := mongodb.StartEmbedded(ctx, dir, log)
	return store{conn: conn}, err
}

func (db store) coll(name string) collection { return db.conn.DB.Collection(name) }

func (db store) close() { _ = db.conn.Close(context.Background()) }

// batcher inserts documents in batches of batchSize.
type batcher struct {
	ctx   context.Context
	coll  collection
	docs  []any
	total int
	every int // print progress every this many documents; 0: never
}

func newBatcher(ctx context.Context, db store, coll string, every int) *batcher {
	return &batcher{ctx: ctx, coll: db.coll(coll), every: every}
}

func (b *batcher) add(doc any) error {
	b.docs = append(b.docs, doc)
	if len(b.docs) < batchSize {
		return nil
	}
	return b.flush()
}

func (b *batcher) flush() error {
	if len(b.docs) == 0 {
		return nil
	}
	if _, err := b.coll.InsertMany(b.ctx, b.docs); err != nil {
		return fmt.Errorf("insert into %s: %w", b.coll.Name(), err)
	}
	before := b.total
	b.total += len(b.docs)
	b.docs = b.docs[:0]
	if b.every > 0 && before/b.every != b.total/b.every {
		fmt.Printf("    %s: %d\n", b.coll.Name(), b.total)
	}
	return nil
}

// each decodes every document of coll matching filter into a T.
func each[T any](ctx context.Context, db store, coll string, filter bson.M, fn func(T)) error {
	cur, err := db.coll(coll).Find(ctx, filter, options.Find().SetBatchSize(2000))
	if err != nil {
		return fmt.Errorf("read %s: %w", coll, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d T
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("decode %s: %w", coll, err)
		}
		fn(d)
	}
	return cur.Err()
}
