package community

import (
	"context"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

// versionCache keeps recent pages in memory, each under the version of
// its group (the feed's or, on MongoDB, the board's) when it was read: a
// page read again before the group's feed changes costs no query for
// posts. Every instance reads the version with the group, so a write on
// one instance makes the others read afresh.
type versionCache[T any] struct {
	mu      sync.Mutex
	entries map[string]cacheEntry[T]
	order   []string // keys, oldest first, for eviction
}

type cacheEntry[T any] struct {
	version int64
	value   T
}

// cacheSize bounds the pages kept: a page is a few dozen documents.
const cacheSize = 512

func newVersionCache[T any]() *versionCache[T] {
	return &versionCache[T]{entries: map[string]cacheEntry[T]{}}
}

func (c *versionCache[T]) get(key string, version int64) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.version != version {
		var zero T
		return zero, false
	}
	return e.value, true
}

func (c *versionCache[T]) put(key string, version int64, value T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok {
		if len(c.order) >= cacheSize {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, key)
	}
	c.entries[key] = cacheEntry[T]{version: version, value: value}
}

// feedPosts returns up to n posts of the group's feed that q selects,
// newest first, as the actor may see them. Pages everyone in a class sees
// alike are cached: "mod" (every moderator sees published, held and
// hidden posts) and "pub" (published posts only, for members with no held
// or hidden post of their own). Anyone else's page is read afresh.
func (s *Service) feedPosts(ctx context.Context, st Standing, q feedQuery, n int) ([]Post, error) {
	filter := q.filter(st.Group.ID)
	class, sees := "", func(r contentRow) bool { return st.mayView(r.State, r.Author) }
	switch {
	case st.CanModerate():
		class, filter["state"] = "mod", bson.M{"$in": bson.A{Published, Held, Hidden}}
	case st.Member.Unpublished <= 0:
		class, filter["state"] = "pub", Published
		sees = func(r contentRow) bool { return r.State == Published }
	default:
		st.visibleStates(filter)
		return s.readFeed(ctx, st.Group.ID, q, filter, sees, n)
	}
	key := string(st.Group.ID) + "|" + class + "|" + q.part
	if posts, ok := s.feed.get(key, st.Group.FeedVersion); ok {
		return slices.Clone(posts), nil // the cached page is shared: callers get their own
	}
	posts, err := s.readFeed(ctx, st.Group.ID, q, filter, sees, n)
	if err == nil {
		s.feed.put(key, st.Group.FeedVersion, posts)
	}
	return posts, err
}

// readFeed reads the posts of a feed query: found in the feed's order in
// memory, where sees says which the reader sees, and looked up by id; or
// by a query with filter.
func (s *Service) readFeed(ctx context.Context, g GroupID, q feedQuery, filter bson.M, sees func(contentRow) bool, n int) ([]Post, error) {
	if s.feedIdx == nil {
		return s.findPosts(ctx, filter, n)
	}
	f, err := s.feedIdx.order(ctx, string(g))
	if err != nil {
		return nil, err
	}
	ids := f.list(q.before, true, func(r contentRow) bool { return sees(r) && q.keeps(r) }, n)
	if len(ids) == 0 {
		return nil, nil
	}
	posts, err := s.findPosts(ctx, bson.M{"_id": bson.M{"$in": ids}}, n)
	// The posts as stored decide what the reader sees, whatever the order
	// in memory said.
	return slices.DeleteFunc(posts, func(p Post) bool { return !sees(contentRow{State: p.State, Author: p.Author}) }), err
}

// drop forgets the entry under key, if there is one.
func (c *versionCache[T]) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}
