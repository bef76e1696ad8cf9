package community

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// feedIndex holds in memory the order of every group feed: for every
// post, when it was written, its state, whether it is pinned and who
// wrote it, for a site whose database this process alone writes (the
// embedded store: mongodb.DB.SoleWriter). A feed page is then the ids it
// finds here, newest first, and the posts looked up by those ids, instead
// of a query the embedded server answers by decoding and sorting every
// post of the site (bench/README.md). On MongoDB the indexed query serves
// the page and this is not used. It costs about a hundred bytes a post.
//
// It is loaded and follows the database as boardIndex does: in one read
// of the collection, on first use or by Warm at start-up; the writes that
// change a post's place or visibility (a new post, a state change, a pin)
// end with postMoved, which reads the post back by _id, serialised per
// feed. Text, counters and reactions are not kept here: the page reads
// them with the posts.
type feedIndex struct {
	mu      sync.Mutex
	loading *loadAttempt // nil until a load starts, or after one failed
	feeds   map[GroupID]*feedOrder
}

// feedOrder is one group's posts, newest first.
type feedOrder struct {
	refresh sync.Mutex // serialises read-backs
	mu      sync.Mutex // guards posts
	posts   []feedEntry
}

// feedEntry is a post as the feed's order needs it.
type feedEntry struct {
	ID        PostID         `bson:"_id"`
	Group     GroupID        `bson:"group"`
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
	return cmp.Compare(y.ID, x.ID)
}

func newFeedIndex() *feedIndex { return &feedIndex{} }

// load makes sure every feed's order is in memory, reading it on first
// use; callers arriving during the read wait for it.
func (x *feedIndex) load(ctx context.Context, s *Service) error {
	x.mu.Lock()
	l := x.loading
	if l == nil {
		l = &loadAttempt{done: make(chan struct{})}
		x.loading = l
		x.mu.Unlock()
		l.err = x.read(context.WithoutCancel(ctx), s) // it serves everyone waiting
		if l.err != nil {
			x.mu.Lock()
			x.loading = nil // the next caller tries again
			x.mu.Unlock()
		}
		close(l.done)
	} else {
		x.mu.Unlock()
	}
	select {
	case <-l.done:
		return l.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read reads the order fields of every post of the site, in one scan on
// the embedded server.
func (x *feedIndex) read(ctx context.Context, s *Service) error {
	cur, err := s.posts.Find(ctx, bson.M{},
		options.Find().SetProjection(bson.M{"group": 1, "createdAt": 1, "state": 1, "pinned": 1, "author": 1}))
	if err != nil {
		return wrap(err, "load feeds")
	}
	defer cur.Close(ctx)
	feeds := map[GroupID]*feedOrder{}
	for cur.Next(ctx) {
		var e feedEntry
		if err := cur.Decode(&e); err != nil {
			return wrap(err, "load feeds")
		}
		if e.State == Deleted {
			continue
		}
		f := feeds[e.Group]
		if f == nil {
			f = &feedOrder{}
			feeds[e.Group] = f
		}
		f.posts = append(f.posts, e)
	}
	if err := cur.Err(); err != nil {
		return wrap(err, "load feeds")
	}
	for _, f := range feeds {
		slices.SortFunc(f.posts, newer)
	}
	x.mu.Lock()
	x.feeds = feeds
	x.mu.Unlock()
	return nil
}

// feed returns the group's order, loading every feed's on first use.
func (x *feedIndex) feed(ctx context.Context, s *Service, g GroupID) (*feedOrder, error) {
	if err := x.load(ctx, s); err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	f := x.feeds[g]
	if f == nil { // no post yet
		f = &feedOrder{}
		x.feeds[g] = f
	}
	return f, nil
}

// moved brings the group's order up to date after a write that changed
// a post's place or visibility: it reads the post back.
func (x *feedIndex) moved(ctx context.Context, s *Service, g GroupID, id PostID) error {
	x.mu.Lock()
	l := x.loading
	x.mu.Unlock()
	if l == nil {
		return nil // not loaded: the load will read the write
	}
	<-l.done
	if l.err != nil {
		return nil
	}
	f, err := x.feed(ctx, s, g)
	if err != nil {
		return err
	}
	f.refresh.Lock()
	defer f.refresh.Unlock()
	p, err := s.findPost(ctx, id)
	if err != nil && err != ErrNotFound {
		x.mu.Lock()
		x.loading = nil // whatever the write left, the next load reads it
		x.mu.Unlock()
		return err
	}
	e := feedEntry{ID: p.ID, Group: p.Group, CreatedAt: p.CreatedAt, State: p.State, Pinned: p.Pinned, Author: p.Author}
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
