package community

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// Board sorts.
const (
	SortTrending = "trending"
	SortTop      = "top"
	SortNew      = "new"
	SortUpdated  = "updated"
)

// BoardSorts lists the sorts in the order the board offers them.
var BoardSorts = []string{SortTrending, SortTop, SortNew, SortUpdated}

// sortField is the idea field each sort orders by, descending, with _id
// breaking ties.
var sortField = map[string]string{SortTrending: "score", SortTop: "votes", SortNew: "createdAt", SortUpdated: "updatedAt"}

// Status filters besides the statuses themselves.
const (
	StatusActive = ""    // open, under review, planned, in progress
	StatusAll    = "all" // everything but merged duplicates
)

// BoardPageSize is how many ideas a board page holds.
const BoardPageSize = 20

// BoardQuery is how a reader narrows and orders the board.
type BoardQuery struct {
	Sort   string // one of BoardSorts; "" is trending
	Status string // StatusActive, StatusAll or an IdeaStatus
	Tag    string // a tag id, or ""
	Mine   bool   // ideas the reader proposed
	Voted  bool   // ideas the reader voted for
	After  string // cursor
}

// BoardPage is one page of a group's ideas.
type BoardPage struct {
	Query BoardQuery
	Ideas []Idea
	// Voted marks the ideas on the page the reader voted for.
	Voted map[IdeaID]bool
	// Next is the cursor for the next page, "" on the last.
	Next  string
	Stats ResponseStats
}

// ResponseStats is the brand's promise made visible: how fast ideas got a
// first official response over the last 30 days.
type ResponseStats struct {
	Answered int           // ideas first answered in the window
	Median   time.Duration // median time from proposal to first response
}

// ResponseWindow is how far back ResponseStats look.
const ResponseWindow = 30 * 24 * time.Hour

// Board returns one page of the group's ideas for the query, with the
// reader's votes on it and the response stats. A page costs the same few
// queries whatever its length: the group, the member, the page (cached
// while the board has not changed, unless it is the reader's own "mine"
// or "voted" view), the reader's ballot and the stats (cached too). On
// the embedded store the page comes from the board in memory
// (board_index.go).
func (s *Service) Board(ctx context.Context, a Actor, slug string, q BoardQuery) (Standing, BoardPage, error) {
	st, err := s.boardStanding(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return st, BoardPage{}, err
	}
	after, err := q.check(st)
	if err != nil {
		return st, BoardPage{}, err
	}
	page := BoardPage{Query: q}
	if page.Voted, err = s.votedFor(ctx, a, st.Group.ID); err != nil {
		return st, page, err
	}
	ideas, err := s.boardIdeas(ctx, st, q, after, page.Voted)
	if err != nil {
		return st, page, err
	}
	field := sortField[q.Sort]
	page.Ideas, page.Next = cutPage(ideas, BoardPageSize, func(i Idea) string { return i.cursor(field) })
	page.Stats, err = s.responseStats(ctx, st.Group)
	return st, page, err
}

// check fills in the default sort and refuses a query the board cannot
// answer; it returns the position the page starts after, if any.
func (q *BoardQuery) check(st Standing) (*ideaCursor, error) {
	if q.Sort == "" {
		q.Sort = SortTrending
	}
	field, ok := sortField[q.Sort]
	if !ok {
		return nil, ValidationError{"sort": "idea.error.sort"}
	}
	switch q.Status {
	case StatusActive, StatusAll:
	default:
		if _, ok := ParseIdeaStatus(q.Status); !ok {
			return nil, ValidationError{"status": "idea.error.status"}
		}
	}
	if q.Tag != "" {
		if _, ok := st.Group.Tag(q.Tag); !ok {
			return nil, ValidationError{"tags": "idea.error.tag_unknown"}
		}
	}
	if (q.Mine || q.Voted) && !st.Actor.SignedIn() {
		return nil, ErrSignInRequired
	}
	if q.After == "" {
		return nil, nil
	}
	c, err := parseIdeaCursor(field, q.After)
	return &c, err
}

// boardIdeas returns the ideas of a checked query, one more than a page
// holds: from the board in memory, or from a query.
func (s *Service) boardIdeas(ctx context.Context, st Standing, q BoardQuery, after *ideaCursor, voted map[IdeaID]bool) ([]Idea, error) {
	field := sortField[q.Sort]
	if s.boardIdx != nil {
		b, err := s.boardIdx.board(ctx, s, st.Group.ID)
		if err != nil {
			return nil, err
		}
		return b.list(field, after, q.keeps(st, voted), BoardPageSize+1), nil
	}
	filter := q.filter(st, after, voted)
	sort := bson.D{{Key: field, Value: -1}, {Key: "_id", Value: -1}}
	if q.Mine || q.Voted {
		return s.findIdeas(ctx, filter, sort, BoardPageSize+1)
	}
	key := strings.Join([]string{string(st.Group.ID), "board", q.Sort, q.Status, q.Tag, q.After}, "|")
	return s.cachedIdeas(ctx, st.Group, key, filter, sort, BoardPageSize+1)
}

// filter is a checked query as a filter on ideas.
func (q BoardQuery) filter(st Standing, after *ideaCursor, voted map[IdeaID]bool) bson.M {
	filter := bson.M{"group": st.Group.ID, "removed": false}
	switch q.Status {
	case StatusActive:
		filter["status"] = bson.M{"$in": activeStatuses}
	case StatusAll:
		filter["status"] = bson.M{"$ne": IdeaMerged}
	default:
		filter["status"] = q.Status
	}
	if q.Tag != "" {
		filter["tags"] = q.Tag
	}
	if q.Mine {
		filter["author"] = st.Actor.ID()
	}
	if q.Voted {
		ids := bson.A{}
		for id := range voted {
			ids = append(ids, id)
		}
		filter["_id"] = bson.M{"$in": ids}
	}
	if after != nil {
		field := sortField[q.Sort]
		at := after.value(field)
		filter["$or"] = bson.A{bson.M{field: bson.M{"$lt": at}}, bson.M{field: at, "_id": bson.M{"$lt": after.id}}}
	}
	return filter
}

// keeps is filter as a test of one idea, for the board in memory.
func (q BoardQuery) keeps(st Standing, voted map[IdeaID]bool) func(Idea) bool {
	return func(i Idea) bool {
		switch {
		case i.Removed,
			q.Status == StatusActive && !slices.Contains(activeStatuses, i.Status),
			q.Status == StatusAll && i.Status == IdeaMerged,
			q.Status != StatusActive && q.Status != StatusAll && string(i.Status) != q.Status,
			q.Tag != "" && !slices.Contains(i.Tags, q.Tag),
			q.Mine && i.Author != st.Actor.ID(),
			q.Voted && !voted[i.ID]:
			return false
		}
		return true
	}
}

// cachedIdeas reads ideas the way every reader of the group sees them
// alike, from the cache while the group's board version holds.
func (s *Service) cachedIdeas(ctx context.Context, g Group, key string, filter bson.M, sort bson.D, n int) ([]Idea, error) {
	if ideas, ok := s.board.get(key, g.BoardVersion); ok {
		return slices.Clone(ideas), nil // the cached page is shared: callers get their own
	}
	ideas, err := s.findIdeas(ctx, filter, sort, n)
	if err == nil {
		s.board.put(key, g.BoardVersion, ideas)
	}
	return ideas, err
}

// cursor is the idea's keyset position in a listing sorted by field:
// the field's value, then the id.
func (i Idea) cursor(field string) string {
	var v string
	switch field {
	case "score":
		v = strconv.FormatFloat(i.Score, 'f', -1, 64)
	case "votes":
		v = strconv.Itoa(i.Votes)
	case "createdAt":
		v = strconv.FormatInt(i.CreatedAt.UnixMilli(), 10)
	case "updatedAt":
		v = strconv.FormatInt(i.UpdatedAt.UnixMilli(), 10)
	}
	return v + "_" + string(i.ID)
}

// ideaCursor is a position in a listing of ideas sorted by a field: the
// field's value there, and the id that breaks ties.
type ideaCursor struct {
	score float64
	votes int
	at    time.Time
	id    IdeaID
}

// parseIdeaCursor reads a cursor Idea.cursor made for field. One that
// does not parse is ErrNotFound, like any other bad link.
func parseIdeaCursor(field, c string) (ideaCursor, error) {
	v, id, ok := strings.Cut(c, "_")
	if !ok || !validID(id) {
		return ideaCursor{}, ErrNotFound
	}
	out := ideaCursor{id: IdeaID(id)}
	var err error
	switch field {
	case "score":
		out.score, err = strconv.ParseFloat(v, 64)
	case "votes":
		out.votes, err = strconv.Atoi(v)
	default:
		var ms int64
		ms, err = strconv.ParseInt(v, 10, 64)
		out.at = time.UnixMilli(ms).UTC()
	}
	if err != nil {
		return ideaCursor{}, ErrNotFound
	}
	return out, nil
}

// value is the cursor's value of field, for a filter.
func (c ideaCursor) value(field string) any {
	switch field {
	case "score":
		return c.score
	case "votes":
		return c.votes
	}
	return c.at
}

// compare orders the cursor against an idea by field, then id.
func (c ideaCursor) compare(field string, i Idea) int {
	return compareIdeas(field, Idea{ID: c.id, Score: c.score, Votes: c.votes, CreatedAt: c.at, UpdatedAt: c.at}, i)
}

// statsFor is how long response stats are kept: a median over 30 days
// moves slowly, while votes change the board version all the time.
const statsFor = 10 * time.Minute

// responseStats are the group's ResponseStats, cached for statsFor. A
// first response drops them on the instance that recorded it; other
// instances show it within statsFor.
func (s *Service) responseStats(ctx context.Context, g Group) (ResponseStats, error) {
	key, window := statsKey(g.ID), s.now().UnixNano()/int64(statsFor)
	if st, ok := s.stats.get(key, window); ok {
		return st, nil
	}
	since := s.now().Add(-ResponseWindow)
	answered, err := s.groupIdeas(ctx, g.ID, bson.M{"group": g.ID, "firstResponseAt": bson.M{"$gte": since}},
		func(i Idea) bool { return !i.FirstResponseAt.Before(since) }, nil, 5000)
	if err != nil {
		return ResponseStats{}, wrap(err, "response stats")
	}
	waits := make([]time.Duration, len(answered))
	for i, d := range answered {
		waits[i] = d.FirstResponseAt.Sub(d.CreatedAt)
	}
	st := ResponseStats{Answered: len(waits), Median: median(waits)}
	s.stats.put(key, window, st)
	return st, nil
}

func statsKey(g GroupID) string { return string(g) + "|stats" }

// median is the middle of ds, or the mean of the two middle ones; 0 for
// none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	mid := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[mid]
	}
	return (ds[mid-1] + ds[mid]) / 2
}

// Roadmap is what the brand is doing with a group's ideas.
type Roadmap struct {
	Planned    []Idea
	InProgress []Idea
	Shipped    []Idea // shipped within ShippedWindow
}

// ShippedWindow is how long a shipped idea stays on the roadmap.
const ShippedWindow = 90 * 24 * time.Hour

// maxRoadmap bounds each column.
const maxRoadmap = 100

// Roadmap returns the group's planned, in-progress and recently shipped
// ideas, most recently moved first, in one query (cached).
func (s *Service) Roadmap(ctx context.Context, a Actor, slug string) (Standing, Roadmap, error) {
	st, err := s.boardStanding(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return st, Roadmap{}, err
	}
	shippedSince := s.now().Add(-ShippedWindow)
	filter := bson.M{"group": st.Group.ID, "removed": false, "$or": bson.A{
		bson.M{"status": bson.M{"$in": bson.A{IdeaPlanned, IdeaInProgress}}},
		bson.M{"status": IdeaShipped, "statusAt": bson.M{"$gte": shippedSince}},
	}}
	keep := func(i Idea) bool {
		return !i.Removed && (i.Status == IdeaPlanned || i.Status == IdeaInProgress ||
			i.Status == IdeaShipped && !i.StatusAt.Before(shippedSince))
	}
	sort := bson.D{{Key: "statusAt", Value: -1}, {Key: "_id", Value: -1}}
	var ideas []Idea
	if s.boardIdx != nil {
		ideas, err = s.groupIdeas(ctx, st.Group.ID, filter, keep, sort, 3*maxRoadmap)
	} else {
		ideas, err = s.cachedIdeas(ctx, st.Group, string(st.Group.ID)+"|roadmap", filter, sort, 3*maxRoadmap)
	}
	if err != nil {
		return st, Roadmap{}, err
	}
	var r Roadmap
	for _, i := range ideas {
		col := map[IdeaStatus]*[]Idea{IdeaPlanned: &r.Planned, IdeaInProgress: &r.InProgress, IdeaShipped: &r.Shipped}[i.Status]
		if col != nil && len(*col) < maxRoadmap {
			*col = append(*col, i)
		}
	}
	return st, r, nil
}

// OverdueAfter is how long an idea may wait for a first response before
// the queue marks it overdue.
const OverdueAfter = 24 * time.Hour

// Overdue reports whether the idea has waited too long for an answer.
func (i Idea) Overdue(now time.Time) bool {
	return i.Response.IsZero() && i.Open() && now.Sub(i.CreatedAt) > OverdueAfter
}

// ResponseQueue is the moderators' list of ideas nobody has answered.
type ResponseQueue struct {
	Ideas []Idea // oldest first
	Next  string
	Stats ResponseStats
}

// Unanswered returns a page of the group's open ideas without an official
// response, oldest first, after the cursor, for its moderators.
func (s *Service) Unanswered(ctx context.Context, a Actor, slug, after string) (Standing, ResponseQueue, error) {
	st, err := s.boardStanding(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return st, ResponseQueue{}, err
	}
	filter := bson.M{"group": st.Group.ID, "removed": false, "status": bson.M{"$ne": IdeaMerged},
		"firstResponseAt": bson.M{"$exists": false}}
	var from time.Time
	var fromID IdeaID
	if after != "" {
		var id string
		var ok bool
		if from, id, ok = parseCursor(after); !ok {
			return st, ResponseQueue{}, ErrNotFound
		}
		fromID = IdeaID(id)
		filter["$or"] = bson.A{bson.M{"createdAt": bson.M{"$gt": from}}, bson.M{"createdAt": from, "_id": bson.M{"$gt": fromID}}}
	}
	keep := func(i Idea) bool {
		later := i.CreatedAt.After(from) || i.CreatedAt.Equal(from) && i.ID > fromID
		return !i.Removed && i.Status != IdeaMerged && i.FirstResponseAt.IsZero() && (after == "" || later)
	}
	ideas, err := s.groupIdeas(ctx, st.Group.ID, filter, keep, bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, BoardPageSize+1)
	if err != nil {
		return st, ResponseQueue{}, err
	}
	var q ResponseQueue
	q.Ideas, q.Next = cutPage(ideas, BoardPageSize, func(i Idea) string { return cursor(i.CreatedAt, string(i.ID)) })
	q.Stats, err = s.responseStats(ctx, st.Group)
	return st, q, err
}

// groupIdeas returns up to n ideas of group g that filter selects, in
// the order of sort (fields compareField knows, each 1 or -1): from the
// board in memory, where keep is filter as a test of one idea, or from a
// query.
func (s *Service) groupIdeas(ctx context.Context, g GroupID, filter bson.M, keep func(Idea) bool, sort bson.D, n int) ([]Idea, error) {
	if s.boardIdx == nil {
		return s.findIdeas(ctx, filter, sort, n)
	}
	b, err := s.boardIdx.board(ctx, s, g)
	if err != nil {
		return nil, err
	}
	ideas := b.all(keep)
	slices.SortFunc(ideas, func(x, y Idea) int {
		for _, k := range sort {
			if c := k.Value.(int) * compareField(k.Key, x, y); c != 0 {
				return c
			}
		}
		return 0
	})
	return ideas[:min(len(ideas), n)], nil
}
