package community

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// maxPinned bounds the pinned posts shown above the feed.
const maxPinned = 5

// Feed returns the actor's standing in the group at slug and, for those
// who may read it, one page of its feed: pinned posts first on the first
// page, then the rest newest first, older than the cursor before. A page
// costs the same few queries whatever its length: the group, the
// member, the pinned posts, the page, and the viewer's reactions on it;
// the pinned posts and the page come from the cache while the group's
// feed has not changed. On the embedded store the posts of a page are
// found in the feed's order in memory (content_index.go) and looked up by id.
func (s *Service) Feed(ctx context.Context, a Actor, slug, before string) (Standing, FeedPage, error) {
	st, err := s.GroupBySlug(ctx, a, slug)
	if err != nil || !st.CanRead() {
		return st, FeedPage{}, err
	}
	var page FeedPage
	q := feedQuery{part: "before:" + before}
	if before != "" {
		at, id, ok := parseCursor(before)
		if !ok {
			return st, page, ErrNotFound
		}
		q.before = &postCursor{at: at, id: id}
	}
	// The pinned posts on top are left out of every page below them; a
	// pin beyond the few on top (two moderators pinning at once) still
	// shows, in its place in time.
	pinned, err := s.feedPosts(ctx, st, feedQuery{part: "pinned", pinned: true}, maxPinned)
	if err != nil {
		return st, page, err
	}
	for _, p := range pinned {
		q.skip = append(q.skip, p.ID)
	}
	if before == "" {
		page.Pinned = pinned
	}
	posts, err := s.feedPosts(ctx, st, q, FeedPageSize+1)
	if err != nil {
		return st, page, err
	}
	page.Posts, page.Next = cutPage(posts, FeedPageSize, func(p Post) string { return cursor(p.CreatedAt, string(p.ID)) })
	var targets []string
	for _, p := range append(page.Pinned, page.Posts...) {
		if reacted(p.Reactions) {
			targets = append(targets, postTarget(p.ID))
		}
	}
	mine, err := s.reactionsOf(ctx, a, targets)
	page.Mine = map[PostID]map[Reaction]bool{}
	for t, rs := range mine {
		page.Mine[PostID(strings.TrimPrefix(t, "post:"))] = rs
	}
	return st, page, err
}

// feedQuery is a part of a feed page: the pinned posts, or the posts
// older than a cursor but those pinned on top.
type feedQuery struct {
	part   string // names the part in the page cache
	pinned bool
	before *postCursor
	skip   []PostID
}

// postCursor is a keyset position in a feed: a time and the id that
// breaks ties.
type postCursor struct {
	at time.Time
	id string
}

// filter is the query as a filter on posts, but for their state.
func (q feedQuery) filter(g GroupID) bson.M {
	filter := bson.M{"group": g}
	if q.pinned {
		filter["pinned"] = true
	}
	if q.skip != nil {
		filter["_id"] = bson.M{"$nin": q.skip}
	}
	if q.before != nil {
		filter["$or"] = bson.A{bson.M{"createdAt": bson.M{"$lt": q.before.at}},
			bson.M{"createdAt": q.before.at, "_id": bson.M{"$lt": q.before.id}}}
	}
	return filter
}

// keeps is filter as a test of one post of the feed in memory.
func (q feedQuery) keeps(r contentRow) bool {
	return (!q.pinned || r.Pinned) && !slices.Contains(q.skip, PostID(r.ID))
}

// visibleStates narrows a post or comment filter to what the actor sees:
// published content, plus held and hidden content for moderators and for
// its own author.
func (st Standing) visibleStates(filter bson.M) {
	switch {
	case st.CanModerate():
		filter["state"] = bson.M{"$in": bson.A{Published, Held, Hidden}}
	default:
		filter["$and"] = bson.A{bson.M{"$or": bson.A{
			bson.M{"state": Published},
			bson.M{"state": bson.M{"$in": bson.A{Held, Hidden}}, "author": st.Actor.ID()},
		}}}
	}
}

// findPosts returns up to n posts matching filter, newest first. Served
// by index "posts_group_feed".
func (s *Service) findPosts(ctx context.Context, filter bson.M, n int) ([]Post, error) {
	var docs []postDoc
	sort := bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}
	if err := s.findAll(ctx, s.posts, filter, sort, n, &docs, "list posts"); err != nil {
		return nil, err
	}
	out := make([]Post, len(docs))
	for i, d := range docs {
		out[i] = d.post()
	}
	return out, nil
}

// cursor is a keyset position: a time and the id that breaks ties.
func cursor(at time.Time, id string) string {
	return strconv.FormatInt(at.UnixMilli(), 10) + "-" + id
}

// cutPage trims a listing read with one document more than a page, n, to
// the page, and returns the cursor to the next page made from the last
// document kept, or "" when there was no more: this is the last page.
func cutPage[T any](docs []T, n int, next func(T) string) ([]T, string) {
	if len(docs) <= n {
		return docs, ""
	}
	docs = docs[:n]
	return docs, next(docs[n-1])
}

// pageAfter narrows filter to the documents past a cursor in a listing
// sorted by field then _id: older ones ("$lt") or newer ones ("$gt").
// toID turns the cursor's id back into the document's _id. A cursor that
// does not parse is ErrNotFound, like any other bad link.
func pageAfter(filter bson.M, field, c, op string, toID func(string) string) error {
	at, id, ok := parseCursor(c)
	if !ok {
		return ErrNotFound
	}
	if toID != nil {
		id = toID(id)
	}
	filter["$or"] = bson.A{bson.M{field: bson.M{op: at}}, bson.M{field: at, "_id": bson.M{op: id}}}
	return nil
}

// parseCursor reads a cursor made by cursor.
func parseCursor(c string) (time.Time, string, bool) {
	ms, id, ok := strings.Cut(c, "-")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || !validID(id) {
		return time.Time{}, "", false
	}
	return time.UnixMilli(n).UTC(), id, true
}
