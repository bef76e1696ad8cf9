package community

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

// boardIndex holds in memory every idea of the site, without its text,
// for a site whose database this process alone writes (the embedded
// store: mongodb.DB.SoleWriter). The boards' pages, the roadmap, the
// response queue, similar titles and the response stats are then worked
// out in Go, instead of by a query the embedded server answers by
// decoding and sorting every idea of the site, which a vote made stale at
// once (bench/README.md). On MongoDB, which several instances share, the
// indexed queries serve them and this is not used.
//
// It is loaded whole, in one read of the collection, on first use or by
// Warm at start-up. It follows the database exactly: every write to ideas
// ends with boardChanged naming the ideas it changed, which reads them
// back by _id into their board. Those read-backs are serialised per
// board and each starts after its write landed, so the last one reads
// the last write, and a board never goes back to an older state. A
// read-back waits for a load in progress, and is skipped before any,
// since the load will read the write. A change that names no ideas (a
// tag taken off all of them, a reconcile) reads the group's ideas again.
type boardIndex struct {
	loader[boards]
	mu sync.Mutex // guards the maps of boards loaded
}

// boards is every group's ideas, as one read loaded them.
type boards map[GroupID]*boardIdeas

// boardIdeas is one group's ideas.
type boardIdeas struct {
	refresh sync.Mutex // serialises read-backs
	mu      sync.Mutex // guards ideas and sorted
	ideas   map[IdeaID]Idea
	sorted  map[string][]Idea // by sort field, best first; rebuilt after a change
}

func newBoardIndex() *boardIndex { return &boardIndex{} }

// card is an idea as boards keep it: without the text and timeline that
// only its own page shows.
func card(i Idea) Idea {
	i.Body, i.HTML, i.History = "", "", nil
	i.Response.HTML = ""
	return i
}

// load makes sure every idea is in memory, reading them on first use.
func (x *boardIndex) load(ctx context.Context, s *Service) (boards, error) {
	return x.loader.load(ctx, func(ctx context.Context) (boards, error) { return readBoards(ctx, s) })
}

// readBoards reads every idea of the site, in one scan on the embedded
// server.
func readBoards(ctx context.Context, s *Service) (boards, error) {
	cur, err := s.ideas.Find(ctx, bson.M{})
	if err != nil {
		return nil, wrap(err, "load boards")
	}
	defer cur.Close(ctx)
	all := boards{}
	for cur.Next(ctx) {
		var d ideaDoc
		if err := cur.Decode(&d); err != nil {
			return nil, wrap(err, "load boards")
		}
		b := all[d.Group]
		if b == nil {
			b = &boardIdeas{ideas: map[IdeaID]Idea{}}
			all[d.Group] = b
		}
		b.ideas[d.ID] = card(d.idea())
	}
	return all, wrap(cur.Err(), "load boards")
}

// of returns the group's ideas among all.
func (x *boardIndex) of(all boards, g GroupID) *boardIdeas {
	x.mu.Lock()
	defer x.mu.Unlock()
	b := all[g]
	if b == nil { // no idea yet
		b = &boardIdeas{ideas: map[IdeaID]Idea{}}
		all[g] = b
	}
	return b
}

// board returns the group's ideas, loading every board on first use.
func (x *boardIndex) board(ctx context.Context, s *Service, g GroupID) (*boardIdeas, error) {
	all, err := x.load(ctx, s)
	if err != nil {
		return nil, err
	}
	return x.of(all, g), nil
}

// changed brings the group's board up to date after a write to ideas:
// it reads back the ideas named, or all of the group's if none are. If
// that fails, the boards are read again at next use: whatever the write
// left, that read sees.
func (x *boardIndex) changed(ctx context.Context, s *Service, g GroupID, ids []IdeaID) error {
	a := x.loaded()
	if a == nil {
		return nil
	}
	ctx = context.WithoutCancel(ctx) // a read-back left half done would leave the board behind
	b := x.of(a.value, g)
	b.refresh.Lock()
	defer b.refresh.Unlock()
	var found []Idea
	var err error
	if len(ids) > 0 {
		found, err = s.findIdeas(ctx, bson.M{"_id": bson.M{"$in": ids}}, nil, len(ids)) // lookups by _id
	} else { // the embedded server scans for this: rare
		err = each(ctx, s.ideas, bson.M{"group": g}, func(d ideaDoc) { found = append(found, d.idea()) })
	}
	if err != nil {
		x.forget(a)
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(ids) == 0 {
		clear(b.ideas)
	}
	for _, id := range ids {
		delete(b.ideas, id)
	}
	for _, i := range found {
		if i.Group == g {
			b.ideas[i.ID] = card(i)
		}
	}
	b.sorted = nil
	return nil
}

// lost is for a write to ideas that failed after changing some: the
// boards are read again at next use.
func (x *boardIndex) lost() {
	if a := x.loaded(); a != nil {
		x.forget(a)
	}
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

// every returns the ideas of every group that keep takes, in no order,
// loading the boards on first use.
func (x *boardIndex) every(ctx context.Context, s *Service, keep func(Idea) bool) ([]Idea, error) {
	all, err := x.load(ctx, s)
	if err != nil {
		return nil, err
	}
	x.mu.Lock() // of adds boards to the map
	bs := slices.Collect(maps.Values(all))
	x.mu.Unlock()
	var out []Idea
	for _, b := range bs {
		out = append(out, b.all(keep)...)
	}
	return out, nil
}

// compareIdeas orders two ideas by field, then id, as a sort
// {field: 1, _id: 1} does (boards list them the other way round).
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
