package community

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// contentIndex holds in memory the order of a collection of content: the
// posts of every group's feed, or the comments of every post and idea.
// For each document it keeps when it was written, its state, whether it
// is pinned and who wrote it, for a site whose database this process
// alone writes (the embedded store: mongodb.DB.SoleWriter). A page is
// then the ids found here, in order, and the documents looked up by those
// ids, instead of a query the embedded server answers by decoding and
// sorting the whole collection (bench/README.md). On MongoDB the indexed
// queries serve the pages and this is not used. It costs about a hundred
// bytes a document.
//
// It is loaded whole, in one read of the collection, on first use or by
// Warm at start-up, and follows the database exactly: the writes that
// change a document's place or visibility (a new one, a state change, a
// pin) end with moved, which reads the document back by _id. Those
// read-backs are serialised per partition and each starts after its write
// landed, so the last one reads the last write and the order never goes
// back to an older state; one waits for a load in progress, and none is
// needed before any load, which will read the write. Text and counters
// are not kept here: pages read them with the documents.
type contentIndex struct {
	coll *mongodb.Collection
	key  func(contentDoc) string // the partition a document belongs to

	loader[contentParts]
	mu sync.Mutex // guards the maps of partitions loaded
}

// contentParts is every partition's order, as one read loaded it.
type contentParts map[string]*contentOrder

// contentDoc is what a post or comment tells the index of itself.
type contentDoc struct {
	ID        string         `bson:"_id"`
	Group     GroupID        `bson:"group"`
	Post      PostID         `bson:"post,omitempty"`
	Idea      IdeaID         `bson:"idea,omitempty"`
	CreatedAt time.Time      `bson:"createdAt"`
	State     ContentState   `bson:"state"`
	Pinned    bool           `bson:"pinned"`
	Author    auth.AccountID `bson:"author"`
}

// contentRow is one document in its partition's order.
type contentRow struct {
	ID        string
	CreatedAt time.Time
	State     ContentState
	Pinned    bool
	Author    auth.AccountID
}

func (d contentDoc) row() contentRow {
	return contentRow{ID: d.ID, CreatedAt: d.CreatedAt, State: d.State, Pinned: d.Pinned, Author: d.Author}
}

// older orders rows oldest first, as the sort {createdAt: 1, _id: 1}.
func older(x, y contentRow) int {
	if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(x.ID, y.ID)
}

// contentOrder is one partition's documents, oldest first.
type contentOrder struct {
	refresh sync.Mutex // serialises read-backs
	mu      sync.Mutex // guards rows
	rows    []contentRow
}

// feedKey partitions posts by group; threadKey comments by parent.
func feedKey(d contentDoc) string { return string(d.Group) }

func threadKey(d contentDoc) string { return Parent{Post: d.Post, Idea: d.Idea}.key() }

// key names the parent's thread in the index of comments.
func (p Parent) key() string {
	if p.Idea != "" {
		return "idea:" + string(p.Idea)
	}
	return "post:" + string(p.Post)
}

func newContentIndex(coll *mongodb.Collection, key func(contentDoc) string) *contentIndex {
	return &contentIndex{coll: coll, key: key}
}

// load makes sure the whole order is in memory, reading it on first use.
func (x *contentIndex) load(ctx context.Context) (contentParts, error) {
	return x.loader.load(ctx, x.read)
}

// read reads the order of every document, in one scan on the embedded
// server.
func (x *contentIndex) read(ctx context.Context) (contentParts, error) {
	cur, err := x.coll.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"group": 1, "post": 1, "idea": 1,
		"createdAt": 1, "state": 1, "pinned": 1, "author": 1}))
	if err != nil {
		return nil, wrap(err, "load "+x.coll.Name())
	}
	defer cur.Close(ctx)
	parts := contentParts{}
	for cur.Next(ctx) {
		var d contentDoc
		if err := cur.Decode(&d); err != nil {
			return nil, wrap(err, "load "+x.coll.Name())
		}
		if d.State == Deleted {
			continue
		}
		o := parts[x.key(d)]
		if o == nil {
			o = &contentOrder{}
			parts[x.key(d)] = o
		}
		o.rows = append(o.rows, d.row())
	}
	if err := cur.Err(); err != nil {
		return nil, wrap(err, "load "+x.coll.Name())
	}
	for _, o := range parts {
		slices.SortFunc(o.rows, older)
	}
	return parts, nil
}

// of returns a partition's order among parts.
func (x *contentIndex) of(parts contentParts, key string) *contentOrder {
	x.mu.Lock()
	defer x.mu.Unlock()
	o := parts[key]
	if o == nil { // nothing in it yet
		o = &contentOrder{}
		parts[key] = o
	}
	return o
}

// order returns a partition's order, loading the whole index on first
// use.
func (x *contentIndex) order(ctx context.Context, key string) (*contentOrder, error) {
	parts, err := x.load(ctx)
	if err != nil {
		return nil, err
	}
	return x.of(parts, key), nil
}

// moved brings a partition's order up to date after a write that changed
// a document's place or visibility: it reads the document back. If that
// fails, the index is read again at next use.
func (x *contentIndex) moved(ctx context.Context, key, id string) error {
	a := x.loaded()
	if a == nil {
		return nil
	}
	ctx = context.WithoutCancel(ctx) // a read-back left half done would leave the order behind
	o := x.of(a.value, key)
	o.refresh.Lock()
	defer o.refresh.Unlock()
	var d contentDoc
	err := x.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		x.forget(a)
		return wrap(err, "read back "+x.coll.Name())
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rows := slices.DeleteFunc(slices.Clone(o.rows), func(r contentRow) bool { return r.ID == id })
	if err == nil && d.State != Deleted {
		at, _ := slices.BinarySearchFunc(rows, d.row(), older)
		rows = slices.Insert(rows, at, d.row())
	}
	o.rows = rows // a new slice: pages being read keep the old one
	return nil
}

// lost is for a write that failed after changing a document: the index
// is read again at next use.
func (x *contentIndex) lost() {
	if a := x.loaded(); a != nil {
		x.forget(a)
	}
}

// list returns the ids of up to n documents that keep takes, newest first
// and older than the cursor if newest, else oldest first and newer than
// the cursor.
func (o *contentOrder) list(from *postCursor, newest bool, keep func(contentRow) bool, n int) []string {
	o.mu.Lock()
	rows := o.rows
	o.mu.Unlock()
	at := len(rows)
	if from != nil {
		i, found := slices.BinarySearchFunc(rows, contentRow{ID: from.id, CreatedAt: from.at}, older)
		at = i
		if !newest && found {
			at++ // the document at the cursor ended the last page
		}
	} else if !newest {
		at = 0
	}
	var out []string
	if newest {
		for i := at - 1; i >= 0 && len(out) < n; i-- {
			if keep(rows[i]) {
				out = append(out, rows[i].ID)
			}
		}
		return out
	}
	for i := at; i < len(rows) && len(out) < n; i++ {
		if keep(rows[i]) {
			out = append(out, rows[i].ID)
		}
	}
	return out
}
