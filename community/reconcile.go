package community

import (
	"context"
	"maps"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// Repairs counts the counters Reconcile found wrong and set right.
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

// Reconcile recounts a group's counters from the documents (active
// members, published posts, each post's published comments, each post's
// and comment's reactions and open reports, each member's published and
// unpublished posts) and repairs any that drifted. Counters move with `$inc` after
// the write they count, so drift needs a crash between the two; this is
// the repair, run by hand when the site is quiet (it recounts, then sets,
// so a write landing in between is missed until the next run).
func (s *Service) Reconcile(ctx context.Context, g GroupID) (Repairs, error) {
	var r Repairs
	members, err := s.members.CountDocuments(ctx, bson.M{"group": g, "state": StateActive})
	if err != nil {
		return r, wrap(err, "recount members")
	}
	posts, err := s.posts.CountDocuments(ctx, bson.M{"group": g, "state": Published})
	if err != nil {
		return r, wrap(err, "recount posts")
	}
	res, err := s.groups.UpdateOne(ctx, bson.M{"_id": g, "$or": bson.A{bson.M{"members": bson.M{"$ne": members}}, bson.M{"posts": bson.M{"$ne": posts}}}},
		bson.M{"$set": bson.M{"members": members, "posts": posts}})
	if err != nil {
		return r, wrap(err, "repair group")
	}
	r.Groups = int(res.ModifiedCount)
	if r.Posts, r.Comments, r.Members, err = s.reconcileContent(ctx, g); err != nil {
		return r, err
	}
	if r.Reactions, err = s.reconcileReactionSets(ctx, bson.M{"group": g}); err != nil {
		return r, err
	}
	if r.Ideas, r.Ballots, err = s.reconcileIdeas(ctx, g); err != nil {
		return r, s.ideasLost(err)
	}
	if r.Ideas > 0 {
		if err := s.boardChanged(ctx, g); err != nil {
			return r, err
		}
	}
	r.Events, err = s.reconcileEvents(ctx, g)
	return r, err
}

// tally is what the documents say a post's or comment's counters are.
type tally struct {
	comments  int
	reactions map[Reaction]int
	reports   int
}

// reconcileContent recounts the counters on a group's posts, comments and
// members and sets those that differ.
func (s *Service) reconcileContent(ctx context.Context, g GroupID) (posts, comments, members int, err error) {
	count := map[string]*tally{} // by target
	at := func(target string) *tally {
		if count[target] == nil {
			count[target] = &tally{reactions: map[Reaction]int{}}
		}
		return count[target]
	}
	published, unpublished := map[auth.AccountID]int{}, map[auth.AccountID]int{}
	if err := each(ctx, s.reactions, bson.M{"group": g}, func(d reactionDoc) { at(d.Target).reactions[d.Reaction]++ }); err != nil {
		return 0, 0, 0, err
	}
	if err := each(ctx, s.reports, bson.M{"group": g, "resolved": false}, func(d reportDoc) { at(d.Target).reports++ }); err != nil {
		return 0, 0, 0, err
	}
	var commentFixes, postFixes []string
	if err := each(ctx, s.comments, bson.M{"group": g}, func(d commentDoc) {
		if d.State == Published {
			at(postTarget(d.Post)).comments++
		}
		if t := at(commentTarget(d.ID)); !sameCounts(d.Reactions, t.reactions) || d.Reports != t.reports {
			commentFixes = append(commentFixes, commentTarget(d.ID))
		}
	}); err != nil {
		return 0, 0, 0, err
	}
	if err := each(ctx, s.posts, bson.M{"group": g}, func(d postDoc) {
		switch d.State {
		case Published:
			published[d.Author]++
		case Held, Hidden:
			unpublished[d.Author]++
		}
		if t := at(postTarget(d.ID)); d.Comments != t.comments || !sameCounts(d.Reactions, t.reactions) || d.Reports != t.reports {
			postFixes = append(postFixes, postTarget(d.ID))
		}
	}); err != nil {
		return 0, 0, 0, err
	}
	for _, target := range append(postFixes, commentFixes...) {
		t := count[target]
		set := bson.M{"reactions": t.reactions, "reports": t.reports}
		coll, id := s.targetColl(target)
		if coll == s.posts {
			set["comments"] = t.comments
		}
		if _, err := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set}); err != nil {
			return 0, 0, 0, wrap(err, "repair counters")
		}
	}
	if len(postFixes) > 0 {
		if err := s.feedChanged(ctx, g); err != nil {
			return 0, 0, 0, err
		}
	}
	members, err = s.reconcileAuthors(ctx, g, published, unpublished)
	return len(postFixes), len(commentFixes), members, err
}

// reconcileAuthors sets each member's counts of published posts and of
// held or hidden ones.
func (s *Service) reconcileAuthors(ctx context.Context, g GroupID, published, unpublished map[auth.AccountID]int) (int, error) {
	var fixes []memberDoc
	if err := each(ctx, s.members, bson.M{"group": g}, func(d memberDoc) {
		if d.Published != published[d.Account] || d.Unpublished != unpublished[d.Account] {
			fixes = append(fixes, d)
		}
	}); err != nil {
		return 0, err
	}
	for _, d := range fixes {
		set := bson.M{"published": published[d.Account], "unpublished": unpublished[d.Account]}
		if _, err := s.members.UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$set": set}); err != nil {
			return 0, wrap(err, "repair member")
		}
	}
	return len(fixes), nil
}

// ReconcileAll reconciles every group, a batch of ids at a time, and
// returns the repairs made in the groups that needed any.
func (s *Service) ReconcileAll(ctx context.Context) (map[GroupID]Repairs, error) {
	out := map[GroupID]Repairs{}
	var ids []GroupID
	if err := each(ctx, s.groups, bson.M{}, func(d groupDoc) { ids = append(ids, d.ID) }); err != nil {
		return out, err
	}
	for _, id := range ids {
		r, err := s.Reconcile(ctx, id)
		if err != nil {
			return out, err
		}
		if r != (Repairs{}) {
			out[id] = r
		}
	}
	return out, nil
}

// each decodes every document matching filter into a T and passes it to
// fn. Only for maintenance: it reads the whole match, in batches.
func each[T any](ctx context.Context, coll *mongodb.Collection, filter bson.M, fn func(T)) error {
	cur, err := coll.Find(ctx, filter)
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

// sameCounts compares reaction counters, treating zero as absent.
func sameCounts(have, want map[Reaction]int) bool {
	return maps.EqualFunc(nonZero(have), nonZero(want), func(a, b int) bool { return a == b })
}

func nonZero(m map[Reaction]int) map[Reaction]int {
	out := map[Reaction]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}
