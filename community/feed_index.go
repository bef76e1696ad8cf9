package community

import (
	"context"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// feedIndex holds in memory the order of each group feed read since
// start: for every post, when it was written, its state, whether it is
// pinned and who wrote it, for a site whose database this process alone
// writes (the embedded store: mongodb.DB.SoleWriter). A feed page is then
// the ids it finds here, newest first, and the posts looked up by those
// ids, instead of a query the embedded server answers by decoding and
// sorting every post of the site (bench/README.md). On MongoDB the
// indexed query serves the page and this is not used.
//
// It follows the database as boardIndex does: the writes that change a
// post's place or visibility (a new post, a state change, a pin) end
// with postMoved, which reads the post back by _id; the read-backs are
// serialised per feed, wait for a load in progress, and are skipped for
// a feed not loaded. Text, counters and reactions are not kept here: the
// page reads them with the posts.
type feedIndex struct {
	mu    sync.Mutex
	feeds map[GroupID]*feedOrder
}

// feedOrder is one group's posts, newest first.
type feedOrder struct {
	ready   chan struct{} // closed once loaded (err says how)
	err     error
	refresh sync.Mutex // serialises read-backs
	mu      sync.Mutex // guards posts
	posts   []feedEntry
}

// feedEntry is a post as the feed's order needs it.
type feedEntry struct {
	ID        PostID         `bson:"_id"`
	CreatedAt time.Time      `bson:"createdAt"`
	State     ContentState   `bson:"state"`
	Pinned    bool           `bson:"pinned"`
	Author    auth.AccountID `bson:"author"`
}

// newer orders entries newest first, as the feed's sort
// {createdAt: -1, _id: -1} does.
func newer(x, y feedEntry) int {
	if c := y.CreatedAt.Compare(x.CreatedAt); c != 0 {
		return c
	}
	return cmpString(string(y.ID), string(x.ID))
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func newFeedIndex() *feedIndex { return &feedIndex{feeds: map[GroupID]*feedOrder{}} }

// feed returns the group's order, loading it on first use.
func (x *feedIndex) feed(ctx context.Context, s *Service, g GroupID) (*feedOrder, error) {
	x.mu.Lock()
	f := x.feeds[g]
	if f == nil {
		f = &feedOrder{ready: make(chan struct{})}
		x.feeds[g] = f
		x.mu.Unlock()
		f.err = f.load(context.WithoutCancel(ctx), s, g) // it serves every reader waiting
		if f.err != nil {
			x.forget(g, f)
		}
		close(f.ready)
	} else {
		x.mu.Unlock()
	}
	select {
	case <-f.ready:
		return f, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// load reads the order fields of every post of the group: the embedded
// server scans the collection once.
func (f *feedOrder) load(ctx context.Context, s *Service, g GroupID) error {
	cur, err := s.posts.Find(ctx, bson.M{"group": g},
		options.Find().SetProjection(bson.M{"createdAt": 1, "state": 1, "pinned": 1, "author": 1}))
	if err != nil {
		return wrap(err, "load feed")
	}
	var entries []feedEntry
	if err := cur.All(ctx, &entries); err != nil {
		return wrap(err, "load feed")
	}
	entries = slices.DeleteFunc(entries, func(e feedEntry) bool { return e.State == Deleted })
	slices.SortFunc(entries, newer)
	f.posts = entries
	return nil
}

// forget drops the group's order if it is still f.
func (x *feedIndex) forget(g GroupID, f *feedOrder) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.feeds[g] == f {
		delete(x.feeds, g)
	}
}

// moved brings the group's order up to date after a write that changed
// a post's place or visibility: it reads the post back.
func (x *feedIndex) moved(ctx context.Context, s *Service, g GroupID, id PostID) error {
	x.mu.Lock()
	f := x.feeds[g]
	x.mu.Unlock()
	if f == nil {
		return nil // not loaded: its load will read the write
	}
	<-f.ready
	if f.err != nil {
		return nil
	}
	f.refresh.Lock()
	defer f.refresh.Unlock()
	p, err := s.findPost(ctx, id)
	if err != nil && err != ErrNotFound {
		x.forget(g, f) // whatever the write left, the next load reads it
		return err
	}
	e := feedEntry{ID: p.ID, CreatedAt: p.CreatedAt, State: p.State, Pinned: p.Pinned, Author: p.Author}
	f.mu.Lock()
	defer f.mu.Unlock()
	posts := slices.DeleteFunc(slices.Clone(f.posts), func(o feedEntry) bool { return o.ID == id })
	if err == nil && p.State != Deleted {
		at, _ := slices.BinarySearchFunc(posts, e, newer)
		posts = slices.Insert(posts, at, e)
	}
	f.posts = posts // a new slice: pages being read keep the old one
	return nil
}

// list returns the ids of up to n posts that keep takes, newest first,
// older than the cursor if one is given.
func (f *feedOrder) list(before *postCursor, keep func(feedEntry) bool, n int) []PostID {
	f.mu.Lock()
	posts := f.posts
	f.mu.Unlock()
	start := 0
	if before != nil {
		start, _ = slices.BinarySearchFunc(posts, feedEntry{ID: PostID(before.id), CreatedAt: before.at}, newer)
		if start < len(posts) && posts[start].ID == PostID(before.id) {
			start++ // the post at the cursor ended the last page
		}
	}
	var out []PostID
	for _, e := range posts[start:] {
		if len(out) == n {
			break
		}
		if keep(e) {
			out = append(out, e.ID)
		}
	}
	return out
}
