package community

import (
	"context"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

// feedCache keeps recent feed pages in memory, each under the feed
// version of its group when it was read. The embedded store scans every
// post on the site for a page (bench/README.md); with the cache, a page
// read again before the group's feed changes costs no query for posts.
// Every instance reads the version with the group, so a write on one
// instance makes the others read afresh.
type feedCache struct {
	mu      sync.Mutex
	entries map[string]feedEntry
	order   []string // keys, oldest first, for eviction
}

type feedEntry struct {
	version int64
	posts   []Post
}

// feedCacheSize bounds the pages kept: a page is at most 21 posts.
const feedCacheSize = 512

func newFeedCache() *feedCache { return &feedCache{entries: map[string]feedEntry{}} }

func (c *feedCache) get(key string, version int64) ([]Post, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.version != version {
		return nil, false
	}
	return e.posts, true
}

func (c *feedCache) put(key string, version int64, posts []Post) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok {
		if len(c.order) >= feedCacheSize {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, key)
	}
	c.entries[key] = feedEntry{version: version, posts: posts}
}

// feedPosts returns up to n posts of the group matching filter, newest
// first. Pages everyone in a class sees alike are cached: "mod" (every
// moderator sees published, held and hidden posts) and "pub" (published
// posts only, for members with no held or hidden post of their own).
// Anyone else's page is read afresh. part names the page within the feed.
func (s *Service) feedPosts(ctx context.Context, st Standing, part string, filter bson.M, n int) ([]Post, error) {
	class := ""
	switch {
	case st.CanModerate():
		class, filter["state"] = "mod", bson.M{"$in": bson.A{Published, Held, Hidden}}
	case st.Member.Unpublished <= 0:
		class, filter["state"] = "pub", Published
	default:
		st.visibleStates(filter)
		return s.findPosts(ctx, filter, n)
	}
	key := string(st.Group.ID) + "|" + class + "|" + part
	if posts, ok := s.feed.get(key, st.Group.FeedVersion); ok {
		return slices.Clone(posts), nil // the cached page is shared: callers get their own
	}
	posts, err := s.findPosts(ctx, filter, n)
	if err == nil {
		s.feed.put(key, st.Group.FeedVersion, posts)
	}
	return posts, err
}
