package community

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

// boardIndex holds in memory every idea of each board read since start,
// without its text, for a site whose database this process alone writes
// (the embedded store: mongodb.DB.SoleWriter). The board's pages, the
// roadmap, the response queue, similar titles and the response stats are
// then worked out in Go, instead of by a query the embedded server answers
// by decoding and sorting every idea of the site, which a vote made
// stale at once (bench/README.md). On MongoDB, which several instances
// share, the indexed queries serve them and this is not used.
//
// It follows the database exactly. Every write to ideas ends with
// boardChanged naming the ideas it changed, which reads them back by _id
// into the board. Those read-backs are serialised per board and each
// starts after its write landed, so the last one reads the last write, and
// the board never goes back to an older state. A board is loaded whole on
// first use; a read-back waits for a load in progress, and is skipped for
// a board not loaded, which will read the write when it loads. A change
// that names no ideas (a tag taken off all of them, a reconcile) drops the
// board, to be loaded again.
type boardIndex struct {
	mu     sync.Mutex
	boards map[GroupID]*boardIdeas
}

// boardIdeas is one group's ideas.
type boardIdeas struct {
	ready   chan struct{} // closed once loaded (err says how)
	err     error
	refresh sync.Mutex // serialises read-backs
	mu      sync.Mutex // guards ideas and sorted
	ideas   map[IdeaID]Idea
	sorted  map[string][]Idea // by sort field, best first; rebuilt after a change
}

func newBoardIndex() *boardIndex { return &boardIndex{boards: map[GroupID]*boardIdeas{}} }

// card is an idea as boards keep it: without the text and timeline that
// only its own page shows.
func card(i Idea) Idea {
	i.Body, i.HTML, i.History = "", "", nil
	i.Response.HTML = ""
	return i
}

// board returns the group's ideas, loading them on first use.
func (x *boardIndex) board(ctx context.Context, s *Service, g GroupID) (*boardIdeas, error) {
	x.mu.Lock()
	b := x.boards[g]
	if b == nil {
		b = &boardIdeas{ready: make(chan struct{})}
		x.boards[g] = b
		x.mu.Unlock()
		// The load serves every reader waiting for it: one reader's
		// cancelled request must not fail it for the others.
		b.err = b.load(context.WithoutCancel(ctx), s, g)
		if b.err != nil {
			x.forget(g, b)
		}
		close(b.ready)
	} else {
		x.mu.Unlock()
	}
	select {
	case <-b.ready:
		return b, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// load reads every idea of the group: the embedded server scans the
// collection once.
func (b *boardIdeas) load(ctx context.Context, s *Service, g GroupID) error {
	cur, err := s.ideas.Find(ctx, bson.M{"group": g})
	if err != nil {
		return wrap(err, "load board")
	}
	var docs []ideaDoc
	if err := cur.All(ctx, &docs); err != nil {
		return wrap(err, "load board")
	}
	b.ideas = make(map[IdeaID]Idea, len(docs))
	for _, d := range docs {
		b.ideas[d.ID] = card(d.idea())
	}
	return nil
}

// forget drops the group's board if it is still b.
func (x *boardIndex) forget(g GroupID, b *boardIdeas) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.boards[g] == b {
		delete(x.boards, g)
	}
}

// changed brings the group's board up to date after a write to ideas:
// it reads back the ideas named, or drops the board if none are.
func (x *boardIndex) changed(ctx context.Context, s *Service, g GroupID, ids []IdeaID) error {
	x.mu.Lock()
	b := x.boards[g]
	x.mu.Unlock()
	if b == nil {
		return nil // not loaded: its load will read the write
	}
	<-b.ready
	if b.err != nil {
		return nil
	}
	if len(ids) == 0 {
		x.forget(g, b)
		return nil
	}
	b.refresh.Lock()
	defer b.refresh.Unlock()
	found, err := s.findIdeas(ctx, bson.M{"_id": bson.M{"$in": ids}}, nil, len(ids))
	if err != nil {
		x.forget(g, b) // whatever the write left, the next load reads it
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, id := range ids {
		delete(b.ideas, id)
	}
	for _, i := range found {
		b.ideas[i.ID] = card(i)
	}
	b.sorted = nil
	return nil
}

// list returns up to n ideas that keep takes, best first by field (one of
// sortField's), after the cursor if one is given.
func (b *boardIdeas) list(field string, after *ideaCursor, keep func(Idea) bool, n int) []Idea {
	b.mu.Lock()
	order := b.sorted[field]
	if order == nil {
		order = make([]Idea, 0, len(b.ideas))
		for _, i := range b.ideas {
			order = append(order, i)
		}
		slices.SortFunc(order, func(x, y Idea) int { return -compareIdeas(field, x, y) })
		if b.sorted == nil {
			b.sorted = map[string][]Idea{}
		}
		b.sorted[field] = order
	}
	b.mu.Unlock() // order is never changed once made, only replaced
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(order, *after, func(i Idea, c ideaCursor) int { return c.compare(field, i) })
		if start < len(order) && after.compare(field, order[start]) == 0 {
			start++ // the idea at the cursor ended the last page
		}
	}
	var out []Idea
	for _, i := range order[start:] {
		if len(out) == n {
			break
		}
		if keep(i) {
			out = append(out, i)
		}
	}
	return out
}

// all returns the ideas keep takes, in no order.
func (b *boardIdeas) all(keep func(Idea) bool) []Idea {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Idea
	for _, i := range b.ideas {
		if keep(i) {
			out = append(out, i)
		}
	}
	return out
}

// compareIdeas orders two ideas by field, then id, as the queries' sort
// {field: 1, _id: 1} does.
func compareIdeas(field string, x, y Idea) int {
	if c := compareField(field, x, y); c != 0 {
		return c
	}
	return compareField("_id", x, y)
}

// compareField orders two ideas by one field a listing sorts on.
func compareField(field string, x, y Idea) int {
	switch field {
	case "score":
		return cmp.Compare(x.Score, y.Score)
	case "votes":
		return cmp.Compare(x.Votes, y.Votes)
	case "createdAt":
		return x.CreatedAt.Compare(y.CreatedAt)
	case "updatedAt":
		return x.UpdatedAt.Compare(y.UpdatedAt)
	case "statusAt":
		return x.StatusAt.Compare(y.StatusAt)
	case "_id":
		return cmp.Compare(x.ID, y.ID)
	}
	panic("community: no order of ideas by " + field)
}
