package community

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
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
// or "voted" view), the reader's ballot and the stats (cached too).
func (s *Service) Board(ctx context.Context, a Actor, slug string, q BoardQuery) (Standing, BoardPage, error) {
	st, err := s.boardStanding(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return st, BoardPage{}, err
	}
	filter, sort, err := q.filter(st)
	if err != nil {
		return st, BoardPage{}, err
	}
	page := BoardPage{Query: q}
	if page.Voted, err = s.votedFor(ctx, a, st.Group.ID); err != nil {
		return st, page, err
	}
	if q.Voted {
		ids := bson.A{}
		for id := range page.Voted {
			ids = append(ids, id)
		}
		filter["_id"] = bson.M{"$in": ids}
	}
	var ideas []Idea
	key := strings.Join([]string{string(st.Group.ID), "board", q.Sort, q.Status, q.Tag, q.After}, "|")
	if q.Mine || q.Voted {
		ideas, err = s.findIdeas(ctx, filter, sort, BoardPageSize+1)
	} else {
		ideas, err = s.cachedIdeas(ctx, st.Group, key, filter, sort, BoardPageSize+1)
	}
	if err != nil {
		return st, page, err
	}
	field := sortField[q.Sort]
	page.Ideas, page.Next = cutPage(ideas, BoardPageSize, func(i Idea) string { return i.cursor(field) })
	page.Stats, err = s.responseStats(ctx, st.Group)
	return st, page, err
}

// filter checks the query and turns it into a filter and sort.
func (q *BoardQuery) filter(st Standing) (bson.M, bson.D, error) {
	if q.Sort == "" {
		q.Sort = SortTrending
	}
	field, ok := sortField[q.Sort]
	if !ok {
		return nil, nil, ValidationError{"sort": "idea.error.sort"}
	}
	filter := bson.M{"group": st.Group.ID, "removed": false}
	switch q.Status {
	case StatusActive:
		filter["status"] = bson.M{"$in": activeStatuses}
	case StatusAll:
		filter["status"] = bson.M{"$ne": IdeaMerged}
	default:
		if _, ok := ParseIdeaStatus(q.Status); !ok {
			return nil, nil, ValidationError{"status": "idea.error.status"}
		}
		filter["status"] = q.Status
	}
	if q.Tag != "" {
		if _, ok := st.Group.Tag(q.Tag); !ok {
			return nil, nil, ValidationError{"tags": "idea.error.tag_unknown"}
		}
		filter["tags"] = q.Tag
	}
	if (q.Mine || q.Voted) && !st.Actor.SignedIn() {
		return nil, nil, ErrSignInRequired
	}
	if q.Mine {
		filter["author"] = st.Actor.ID()
	}
	if q.After != "" {
		if err := ideaPageAfter(filter, field, q.After); err != nil {
			return nil, nil, err
		}
	}
	return filter, bson.D{{Key: field, Value: -1}, {Key: "_id", Value: -1}}, nil
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

// ideaPageAfter narrows filter to the ideas after cursor c in a listing
// sorted by field, descending. A cursor that does not parse is
// ErrNotFound, like any other bad link.
func ideaPageAfter(filter bson.M, field, c string) error {
	v, id, ok := strings.Cut(c, "_")
	if !ok || !validID(id) {
		return ErrNotFound
	}
	var at any
	switch field {
	case "score":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return ErrNotFound
		}
		at = f
	case "votes":
		n, err := strconv.Atoi(v)
		if err != nil {
			return ErrNotFound
		}
		at = n
	default:
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return ErrNotFound
		}
		at = time.UnixMilli(ms).UTC()
	}
	filter["$or"] = bson.A{bson.M{field: bson.M{"$lt": at}}, bson.M{field: at, "_id": bson.M{"$lt": id}}}
	return nil
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
	var docs []struct {
		CreatedAt       time.Time `bson:"createdAt"`
		FirstResponseAt time.Time `bson:"firstResponseAt"`
	}
	cur, err := s.ideas.Find(ctx, bson.M{"group": g.ID, "firstResponseAt": bson.M{"$gte": s.now().Add(-ResponseWindow)}},
		options.Find().SetProjection(bson.M{"createdAt": 1, "firstResponseAt": 1}).SetLimit(5000))
	if err != nil {
		return ResponseStats{}, wrap(err, "response stats")
	}
	if err := cur.All(ctx, &docs); err != nil {
		return ResponseStats{}, wrap(err, "response stats")
	}
	waits := make([]time.Duration, len(docs))
	for i, d := range docs {
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
	filter := bson.M{"group": st.Group.ID, "removed": false, "$or": bson.A{
		bson.M{"status": bson.M{"$in": bson.A{IdeaPlanned, IdeaInProgress}}},
		bson.M{"status": IdeaShipped, "statusAt": bson.M{"$gte": s.now().Add(-ShippedWindow)}},
	}}
	sort := bson.D{{Key: "statusAt", Value: -1}, {Key: "_id", Value: -1}}
	ideas, err := s.cachedIdeas(ctx, st.Group, string(st.Group.ID)+"|roadmap", filter, sort, 3*maxRoadmap)
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
	if after != "" {
		if err := pageAfter(filter, "createdAt", after, "$gt", nil); err != nil {
			return st, ResponseQueue{}, err
		}
	}
	ideas, err := s.findIdeas(ctx, filter, bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, BoardPageSize+1)
	if err != nil {
		return st, ResponseQueue{}, err
	}
	var q ResponseQueue
	q.Ideas, q.Next = cutPage(ideas, BoardPageSize, func(i Idea) string { return cursor(i.CreatedAt, string(i.ID)) })
	q.Stats, err = s.responseStats(ctx, st.Group)
	return st, q, err
}
