package community

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// Counters move with `$inc` after the write they count, so they drift
// only when a process dies between the two. A survey reads the documents
// and lists every counter that disagrees with them (a drift); applying a
// drift sets the one field, and only while it still holds the value the
// survey read, so a vote landing in between is never overwritten.
//
// That condition cannot see a write caught between its document and its
// `$inc`: the survey counts the document, the repair sets the counter to
// include it, then the `$inc` counts it again. The operator's Reconcile
// runs when the site is quiet and has none; RepairDrift, which runs while
// members vote, surveys twice a while apart and repairs only what both
// surveys found alike, which a write caught in its few milliseconds
// between the two would have changed.
//
// A survey reads documents and counters apart, seconds apart on a busy
// embedded store: a vote landing between the votes and the ideas read is
// a drift that is none, and one in each survey's gap, taken back between
// the two, makes both surveys alike. So an idea's counters and the
// ballots are read before their documents too, and compared only if they
// did not move meanwhile (surveyIdeas).

// Repairs counts the counters a repair found wrong and set right.
type Repairs struct {
	Groups   int // members or posts counters
	Posts    int // comments, reactions or reports counters
	Comments int // reactions or reports counters
	Members  int // counts of a member's published posts (which end a newcomer's hold) or held and hidden ones
	Ideas    int // vote or comment counters, with the trending score
	Ballots  int // lists of the ideas each account voted for
	// Reactions counts the sets of a person's reactions to a target that
	// did not list the reaction documents.
	Reactions int
	Events    int // going, waiting or attended counters, or a line beside a free seat
}

// driftKind says what a drift repairs, for Repairs.
type driftKind int

const (
	driftGroup driftKind = iota
	driftPost
	driftComment
	driftMember
	driftIdea
	driftBallot
	driftReactionSet
	driftEvent
	driftUnread
)

// drift is one stored value that disagrees with the documents it stands
// for: a counter (field, have, want), a list of ids (field, add, drop:
// what is missing from it and what it holds too many), or, with no
// field, an event's waiting line beside a free seat.
type drift struct {
	kind   driftKind
	group  GroupID
	coll   *mongodb.Collection
	id     any
	field  string
	have   any
	want   any
	also   bson.M // set with want: an idea's score follows its votes
	add    []string
	drop   []string
	insert bson.M // a list's other fields, should its document be missing
	upsert bool   // a counter whose document may be missing
}

// key tells two surveys' drifts apart: equal keys are the same value,
// read the same, to be set the same.
func (d drift) key() string {
	return fmt.Sprintf("%s|%v|%s|%v|%v|%v|%v", d.coll.Name(), d.id, d.field, d.have, d.want, d.add, d.drop)
}

// counter is the drift of a counter, or false when it holds want.
func counter(kind driftKind, g GroupID, coll *mongodb.Collection, id any, field string, have, want int) (drift, bool) {
	return drift{kind: kind, group: g, coll: coll, id: id, field: field, have: have, want: want}, have != want
}

// list is the drift of a list of ids, or false when it holds want.
func list(kind driftKind, g GroupID, coll *mongodb.Collection, id string, have, want []string, insert bson.M) (drift, bool) {
	d := drift{kind: kind, group: g, coll: coll, id: id, field: "ideas", insert: insert}
	if kind == driftReactionSet {
		d.field = "reactions"
	}
	for _, w := range want {
		if !slices.Contains(have, w) {
			d.add = append(d.add, w)
		}
	}
	for _, h := range have {
		if !slices.Contains(want, h) {
			d.drop = append(d.drop, h)
		}
	}
	slices.Sort(d.add)
	slices.Sort(d.drop)
	return d, len(d.add)+len(d.drop) > 0
}

// apply sets the drift right and reports whether it changed anything; a
// counter that moved since the survey is left for the next one.
func (s *Service) apply(ctx context.Context, d drift) (bool, error) {
	switch {
	case d.field == "": // an event's line beside a free seat
		return true, s.promote(ctx, d.id.(EventID), "")
	case d.kind == driftBallot || d.kind == driftReactionSet:
		// Adding an id that is missing, or taking away one too many,
		// is what the write that failed to would have done. MongoDB
		// takes no $addToSet and $pullAll of one field in one update (and
		// FerretDB ignores a $pull by condition).
		var updates []bson.M
		if len(d.add) > 0 {
			add := bson.M{"$addToSet": bson.M{d.field: bson.M{"$each": d.add}}}
			if d.insert != nil {
				add["$setOnInsert"] = d.insert
			}
			updates = append(updates, add)
		}
		if len(d.drop) > 0 {
			updates = append(updates, bson.M{"$pullAll": bson.M{d.field: d.drop}})
		}
		changed := false
		for _, u := range updates {
			res, err := d.coll.UpdateOne(ctx, bson.M{"_id": d.id}, u, options.Update().SetUpsert(true))
			if mongodb.IsDuplicateKey(err) {
				continue // inserted meanwhile by the write that owed it
			}
			if err != nil {
				return changed, wrap(err, "repair "+d.coll.Name())
			}
			changed = changed || res.ModifiedCount+res.UpsertedCount > 0
		}
		return changed, nil
	default:
		filter := bson.M{"_id": d.id, d.field: d.have}
		if d.have == 0 { // a counter never moved may be absent
			delete(filter, d.field)
			filter["$or"] = bson.A{bson.M{d.field: 0}, bson.M{d.field: bson.M{"$exists": false}}}
		}
		set := bson.M{d.field: d.want}
		maps.Copy(set, d.also)
		res, err := d.coll.UpdateOne(ctx, filter, bson.M{"$set": set}, options.Update().SetUpsert(d.upsert))
		if mongodb.IsDuplicateKey(err) {
			return false, nil // it was there after all, and has moved since
		}
		if err != nil {
			return false, wrap(err, "repair "+d.coll.Name())
		}
		return res.ModifiedCount+res.UpsertedCount > 0, nil
	}
}

// applyAll applies the drifts, counts the documents it set right, and
// tells the boards and feeds that changed.
func (s *Service) applyAll(ctx context.Context, drifts []drift) (map[GroupID]Repairs, int, error) {
	type fixed struct {
		kind driftKind
		id   string
	}
	seen := map[fixed]bool{}
	out := map[GroupID]Repairs{}
	unread := 0
	var err error
	for _, d := range drifts {
		changed, aerr := s.apply(ctx, d)
		if aerr != nil {
			err = aerr
			break
		}
		f := fixed{d.kind, fmt.Sprint(d.id)}
		if !changed || seen[f] {
			continue
		}
		seen[f] = true
		r := out[d.group]
		switch d.kind {
		case driftGroup:
			r.Groups++
		case driftPost:
			r.Posts++
		case driftComment:
			r.Comments++
		case driftMember:
			r.Members++
		case driftIdea:
			r.Ideas++
		case driftBallot:
			r.Ballots++
		case driftReactionSet:
			r.Reactions++
		case driftEvent:
			r.Events++
		case driftUnread:
			unread++
			continue
		}
		out[d.group] = r
	}
	if err != nil {
		return out, unread, s.ideasLost(err) // an idea may have been set before it
	}
	for g, r := range out {
		if r.Ideas > 0 {
			if err := s.boardChanged(ctx, g); err != nil {
				return out, unread, err
			}
		}
		if r.Posts > 0 {
			if err := s.feedChanged(ctx, g); err != nil {
				return out, unread, err
			}
		}
	}
	return out, unread, nil
}

// Reconcile recounts a group's counters from the documents (active
// members, published posts, each post's published comments, each post's
// and comment's reactions and open reports, each member's published and
// unpublished posts, reaction sets, idea votes, comments and scores,
// ballots, event seats) and repairs those that drifted. It is the
// operator's command, for a quiet site; RepairDrift is for a busy one.
func (s *Service) Reconcile(ctx context.Context, g GroupID) (Repairs, error) {
	drifts, err := s.survey(ctx, g)
	if err != nil {
		return Repairs{}, err
	}
	out, _, err := s.applyAll(ctx, drifts)
	return out[g], err
}

// ReconcileAll reconciles every group, each collection read once for
// all, and returns the repairs made in the groups that needed any.
func (s *Service) ReconcileAll(ctx context.Context) (map[GroupID]Repairs, error) {
	drifts, err := s.survey(ctx, "")
	if err != nil {
		return nil, err
	}
	out, _, err := s.applyAll(ctx, drifts)
	return out, err
}

// ReconcileUnread recounts every account's unread notices and sets the
// bell's counts that drifted, returning how many it set. Like Reconcile,
// run it when the site is quiet.
func (s *Service) ReconcileUnread(ctx context.Context) (int, error) {
	drifts, err := s.surveyUnread(ctx)
	if err != nil {
		return 0, err
	}
	_, n, err := s.applyAll(ctx, drifts)
	return n, err
}

// RepairDrift is the repair for a site in use: it surveys every group's
// counters and every account's unread count, waits settle, surveys
// again, and sets what both surveys found alike (see the comment at the
// top of this file). It returns the repairs by group and how many unread
// counts it set.
func (s *Service) RepairDrift(ctx context.Context, settle time.Duration) (map[GroupID]Repairs, int, error) {
	return s.repairDrift(ctx, func(ctx context.Context) error {
		select {
		case <-time.After(settle):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

func (s *Service) repairDrift(ctx context.Context, settle func(context.Context) error) (map[GroupID]Repairs, int, error) {
	survey := func() ([]drift, error) {
		drifts, err := s.survey(ctx, "")
		if err != nil {
			return nil, err
		}
		unread, err := s.surveyUnread(ctx)
		return append(drifts, unread...), err
	}
	first, err := survey()
	if err != nil || len(first) == 0 {
		return nil, 0, err
	}
	if err := settle(ctx); err != nil {
		return nil, 0, err
	}
	second, err := survey()
	if err != nil {
		return nil, 0, err
	}
	alike := map[string]bool{}
	for _, d := range first {
		alike[d.key()] = true
	}
	second = slices.DeleteFunc(second, func(d drift) bool { return !alike[d.key()] })
	return s.applyAll(ctx, second)
}

// survey lists the drifted counters of group g, or of every group if g
// is "". Each collection is read once, in batches.
func (s *Service) survey(ctx context.Context, g GroupID) ([]drift, error) {
	filter, groups, ballots := bson.M{}, bson.M{}, bson.M{}
	if g != "" {
		filter, groups = bson.M{"group": g}, bson.M{"_id": g}
		ballots = bson.M{"_id": bson.M{"$regex": "^" + string(g) + ":"}}
	}
	var out []drift
	// The ideas' counters and the ballots as they were before their votes
	// and comments were read: see surveyIdeas.
	before, err := s.surveyIdeasBefore(ctx, filter, ballots)
	if err != nil {
		return nil, err
	}
	content, ideaComments, err := s.surveyContent(ctx, filter, groups)
	if err != nil {
		return nil, err
	}
	out = append(out, content...)
	ideas, err := s.surveyIdeas(ctx, filter, ballots, ideaComments, before)
	if err != nil {
		return nil, err
	}
	out = append(out, ideas...)
	events, err := s.surveyEvents(ctx, filter)
	return append(out, events...), err
}

// tally is what the documents say a post's or comment's counters are.
type tally struct {
	comments  int
	reactions map[Reaction]int
	reports   int
}

// memberKey is a member of a group, for counts by member.
type memberKey struct {
	group   GroupID
	account auth.AccountID
}

// surveyContent lists the drifted counters of groups, members, posts,
// comments and reaction sets, and returns the published comments on
// each idea, which it reads on the way.
func (s *Service) surveyContent(ctx context.Context, filter, groups bson.M) ([]drift, map[IdeaID]int, error) {
	count := map[string]*tally{} // by target
	at := func(target string) *tally {
		if count[target] == nil {
			count[target] = &tally{reactions: map[Reaction]int{}}
		}
		return count[target]
	}
	type reactionSet struct {
		group     GroupID
		target    string
		reactions []string
	}
	sets := map[string]*reactionSet{}
	if err := each(ctx, s.reactions, filter, func(d reactionDoc) {
		at(d.Target).reactions[d.Reaction]++
		id := reactionSetID(d.Target, d.Account)
		if sets[id] == nil {
			sets[id] = &reactionSet{group: d.Group, target: d.Target}
		}
		sets[id].reactions = append(sets[id].reactions, string(d.Reaction))
	}); err != nil {
		return nil, nil, err
	}
	if err := each(ctx, s.reports, with(filter, "resolved", false), func(d reportDoc) { at(d.Target).reports++ }); err != nil {
		return nil, nil, err
	}
	var out []drift
	reactions := func(kind driftKind, g GroupID, coll *mongodb.Collection, id any, have map[Reaction]int, t *tally) {
		all := maps.Clone(t.reactions)
		for r := range have {
			if _, ok := all[r]; !ok {
				all[r] = 0
			}
		}
		for _, r := range slices.Sorted(maps.Keys(all)) {
			if d, ok := counter(kind, g, coll, id, "reactions."+string(r), have[r], t.reactions[r]); ok {
				out = append(out, d)
			}
		}
	}
	ideaComments := map[IdeaID]int{}
	var comments []commentDoc
	if err := each(ctx, s.comments, filter, func(d commentDoc) {
		if d.State == Published {
			if d.Idea != "" {
				ideaComments[d.Idea]++
			} else {
				at(postTarget(d.Post)).comments++
			}
		}
		d.Body, d.HTML = "", "" // only the counters are kept
		comments = append(comments, d)
	}); err != nil {
		return nil, nil, err
	}
	for _, d := range comments {
		t := at(commentTarget(d.ID))
		reactions(driftComment, d.Group, s.comments, d.ID, d.Reactions, t)
		if c, ok := counter(driftComment, d.Group, s.comments, d.ID, "reports", d.Reports, t.reports); ok {
			out = append(out, c)
		}
	}
	published, unpublished := map[memberKey]int{}, map[memberKey]int{}
	posts := map[GroupID]int{}
	if err := each(ctx, s.posts, filter, func(d postDoc) {
		switch d.State {
		case Published:
			published[memberKey{d.Group, d.Author}]++
			posts[d.Group]++
		case Held, Hidden:
			unpublished[memberKey{d.Group, d.Author}]++
		}
		t := at(postTarget(d.ID))
		reactions(driftPost, d.Group, s.posts, d.ID, d.Reactions, t)
		for _, f := range []struct {
			field      string
			have, want int
		}{{"comments", d.Comments, t.comments}, {"reports", d.Reports, t.reports}} {
			if dr, ok := counter(driftPost, d.Group, s.posts, d.ID, f.field, f.have, f.want); ok {
				out = append(out, dr)
			}
		}
	}); err != nil {
		return nil, nil, err
	}
	members := map[GroupID]int{}
	if err := each(ctx, s.members, filter, func(d memberDoc) {
		if d.State == StateActive {
			members[d.Group]++
		}
		k := memberKey{d.Group, d.Account}
		if c, ok := counter(driftMember, d.Group, s.members, d.ID, "published", d.Published, published[k]); ok {
			out = append(out, c)
		}
		if c, ok := counter(driftMember, d.Group, s.members, d.ID, "unpublished", d.Unpublished, unpublished[k]); ok {
			out = append(out, c)
		}
	}); err != nil {
		return nil, nil, err
	}
	if err := each(ctx, s.groups, groups, func(d groupDoc) {
		if c, ok := counter(driftGroup, d.ID, s.groups, d.ID, "members", d.Members, members[d.ID]); ok {
			out = append(out, c)
		}
		if c, ok := counter(driftGroup, d.ID, s.groups, d.ID, "posts", d.Posts, posts[d.ID]); ok {
			out = append(out, c)
		}
	}); err != nil {
		return nil, nil, err
	}
	if err := each(ctx, s.reactionSets, filter, func(d reactionSetDoc) {
		want := sets[d.ID]
		if want == nil {
			want = &reactionSet{}
		}
		delete(sets, d.ID)
		have := make([]string, len(d.Reactions))
		for i, r := range d.Reactions {
			have[i] = string(r)
		}
		if l, ok := list(driftReactionSet, d.Group, s.reactionSets, d.ID, have, want.reactions, nil); ok {
			out = append(out, l)
		}
	}); err != nil {
		return nil, nil, err
	}
	for _, id := range slices.Sorted(maps.Keys(sets)) { // sets that are missing
		set := sets[id]
		l, _ := list(driftReactionSet, set.group, s.reactionSets, id, nil, set.reactions, bson.M{"target": set.target, "group": set.group})
		out = append(out, l)
	}
	return out, ideaComments, nil
}

// surveyIdeas lists the drifted counters and scores of ideas, given
// their published comments, and the ballots that list other ideas than
// their account's votes.
//
// The votes and comments are read first, the ideas and ballots after, a
// while later on a busy site (seconds, on the embedded store): a vote
// landing in between is in the counter or ballot but not in the votes
// read, a drift that is none. Two surveys alike do not rule it out (a
// vote in each survey's gap, taken back between them, makes them alike),
// so a counter or ballot is compared only if it holds what it held
// before its documents were read (before).
func (s *Service) surveyIdeas(ctx context.Context, filter, ballots bson.M, comments map[IdeaID]int, before ideasBefore) ([]drift, error) {
	votes := map[IdeaID]int{}
	voted := map[string][]string{} // by ballot
	groupOf := map[string]GroupID{}
	if err := each(ctx, s.votes, filter, func(v voteDoc) {
		votes[v.Idea]++
		b := ballotID(v.Group, v.Account)
		voted[b] = append(voted[b], string(v.Idea))
		groupOf[b] = v.Group
	}); err != nil {
		return nil, err
	}
	var out []drift
	if err := each(ctx, s.ideas, filter, func(d ideaDoc) {
		was, known := before.ideas[d.ID]
		n := votes[d.ID]
		score := trendingScore(n, d.CreatedAt)
		if !known || was.Votes != d.Votes {
			// voted for while the votes were read: the next survey
		} else if c, ok := counter(driftIdea, d.Group, s.ideas, d.ID, "votes", d.Votes, n); ok {
			c.also = bson.M{"score": score}
			out = append(out, c)
		} else if d.Score != score {
			out = append(out, drift{kind: driftIdea, group: d.Group, coll: s.ideas, id: d.ID, field: "score", have: d.Score, want: score})
		}
		if !known || was.Comments != d.Comments {
			// commented on while the comments were read
		} else if c, ok := counter(driftIdea, d.Group, s.ideas, d.ID, "comments", d.Comments, comments[d.ID]); ok {
			out = append(out, c)
		}
	}); err != nil {
		return nil, err
	}
	if err := each(ctx, s.ballots, ballots, func(d ballotDoc) {
		have := make([]string, len(d.Ideas))
		for i, id := range d.Ideas {
			have[i] = string(id)
		}
		if was, known := before.ballots[d.ID]; !known || !slices.Equal(was, d.Ideas) {
			delete(voted, d.ID) // marked while the votes were read: the next survey
			return
		}
		g, _, _ := strings.Cut(d.ID, ":")
		if l, ok := list(driftBallot, GroupID(g), s.ballots, d.ID, have, voted[d.ID], nil); ok {
			out = append(out, l)
		}
		delete(voted, d.ID)
	}); err != nil {
		return nil, err
	}
	for _, id := range slices.Sorted(maps.Keys(voted)) { // ballots that are missing
		l, _ := list(driftBallot, groupOf[id], s.ballots, id, nil, voted[id], nil)
		out = append(out, l)
	}
	return out, nil
}

// ideasBefore is the ideas' counters and the ballots, read before their
// votes and comments.
type ideasBefore struct {
	ideas   map[IdeaID]ideaDoc
	ballots map[string][]IdeaID
}

func (s *Service) surveyIdeasBefore(ctx context.Context, filter, ballots bson.M) (ideasBefore, error) {
	b := ideasBefore{ideas: map[IdeaID]ideaDoc{}, ballots: map[string][]IdeaID{}}
	if err := each(ctx, s.ideas, filter, func(d ideaDoc) {
		b.ideas[d.ID] = ideaDoc{Votes: d.Votes, Comments: d.Comments}
	}); err != nil {
		return b, err
	}
	err := each(ctx, s.ballots, ballots, func(d ballotDoc) { b.ballots[d.ID] = d.Ideas })
	return b, err
}

// surveyEvents lists the drifted going, waiting and attended counters of
// events, and the lines left waiting beside a free seat.
func (s *Service) surveyEvents(ctx context.Context, filter bson.M) ([]drift, error) {
	type counts struct{ going, waiting, attended int }
	have := map[EventID]counts{}
	if err := each(ctx, s.rsvps, filter, func(r rsvpDoc) {
		c := have[r.Event]
		switch r.State {
		case RSVPGoing:
			c.going++
			if r.Attended {
				c.attended++
			}
		case RSVPWaitlist:
			c.waiting++
		}
		have[r.Event] = c
	}); err != nil {
		return nil, err
	}
	var out []drift
	if err := each(ctx, s.events, filter, func(d eventDoc) {
		c := have[d.ID]
		for _, f := range []struct {
			field      string
			have, want int
		}{{"going", d.Going, c.going}, {"waiting", d.Waiting, c.waiting}, {"attended", d.Attended, c.attended}} {
			if dr, ok := counter(driftEvent, d.Group, s.events, d.ID, f.field, f.have, f.want); ok {
				out = append(out, dr)
			}
		}
		e := Event(d)
		e.Going = c.going
		if c.waiting > 0 && !e.Cancelled && !e.Full() && !e.Over(s.now()) {
			out = append(out, drift{kind: driftEvent, group: d.Group, coll: s.events, id: d.ID, have: c.going, want: c.waiting})
		}
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// surveyUnread lists the bells whose unread count differs from the
// account's unread notices.
func (s *Service) surveyUnread(ctx context.Context) ([]drift, error) {
	unread := map[auth.AccountID]int{}
	if err := each(ctx, s.notifications, bson.M{"read": false}, func(d noticeDoc) { unread[d.Account]++ }); err != nil {
		return nil, err
	}
	var out []drift
	if err := each(ctx, s.unread, bson.M{}, func(d struct {
		ID     auth.AccountID `bson:"_id"`
		Unread int            `bson:"unread"`
	}) {
		if c, ok := counter(driftUnread, "", s.unread, d.ID, "unread", d.Unread, unread[d.ID]); ok {
			out = append(out, c)
		}
		delete(unread, d.ID)
	}); err != nil {
		return nil, err
	}
	for _, a := range slices.Sorted(maps.Keys(unread)) { // bells never rung
		out = append(out, drift{kind: driftUnread, coll: s.unread, id: a, field: "unread", have: 0, want: unread[a], upsert: true})
	}
	return out, nil
}

// with is filter with one more condition.
func with(filter bson.M, key string, value any) bson.M {
	out := maps.Clone(filter)
	out[key] = value
	return out
}

// each decodes every document matching filter into a T and passes it to
// fn: for maintenance and for loading what is kept in memory, as it
// reads the whole match, in batches.
func each[T any](ctx context.Context, coll *mongodb.Collection, filter bson.M, fn func(T), opts ...*options.FindOptions) error {
	cur, err := coll.Find(ctx, filter, opts...)
	if err != nil {
		return wrap(err, "scan "+coll.Name())
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d T
		if err := cur.Decode(&d); err != nil {
			return wrap(err, "scan "+coll.Name())
		}
		fn(d)
	}
	return wrap(cur.Err(), "scan "+coll.Name())
}
