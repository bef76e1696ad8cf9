package community

import (
	"context"
	"maps"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Repairs counts the counters Reconcile found wrong and set right.
type Repairs struct {
	Groups   int // members or posts counters
	Posts    int // comments or reactions counters
	Comments int // reactions counters
}

// Reconcile recounts a group's counters from the documents (active
// members, published posts, each post's published comments, each post's
// and comment's reactions) and repairs any that drifted. Counters move
// with `$inc` after the write they count, so drift needs a crash between
// the two; this is the repair, run by hand when the site is quiet (it
// recounts, then sets, so a write landing in between is missed until the
// next run).
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

	reactions := map[string]map[Reaction]int{}
	if err := each(ctx, s.reactions, bson.M{"group": g}, func(d reactionDoc) {
		if reactions[d.Target] == nil {
			reactions[d.Target] = map[Reaction]int{}
		}
		reactions[d.Target][d.Reaction]++
	}); err != nil {
		return r, err
	}
	comments := map[PostID]int{}
	var commentFixes []commentDoc
	if err := each(ctx, s.comments, bson.M{"group": g}, func(d commentDoc) {
		if d.State == Published {
			comments[d.Post]++
		}
		if !sameCounts(d.Reactions, reactions[commentTarget(d.ID)]) {
			commentFixes = append(commentFixes, d)
		}
	}); err != nil {
		return r, err
	}
	var postFixes []postDoc
	if err := each(ctx, s.posts, bson.M{"group": g}, func(d postDoc) {
		if d.Comments != comments[d.ID] || !sameCounts(d.Reactions, reactions[postTarget(d.ID)]) {
			postFixes = append(postFixes, d)
		}
	}); err != nil {
		return r, err
	}
	for _, d := range postFixes {
		if err := s.setCounts(ctx, s.posts, string(d.ID), bson.M{"comments": comments[d.ID], "reactions": nonNil(reactions[postTarget(d.ID)])}); err != nil {
			return r, err
		}
		r.Posts++
	}
	for _, d := range commentFixes {
		if err := s.setCounts(ctx, s.comments, string(d.ID), bson.M{"reactions": nonNil(reactions[commentTarget(d.ID)])}); err != nil {
			return r, err
		}
		r.Comments++
	}
	return r, nil
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
func each[T any](ctx context.Context, coll *mongo.Collection, filter bson.M, fn func(T)) error {
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

func nonNil(m map[Reaction]int) map[Reaction]int {
	if m == nil {
		return map[Reaction]int{}
	}
	return m
}

func (s *Service) setCounts(ctx context.Context, coll *mongo.Collection, id string, set bson.M) error {
	_, err := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set})
	return wrap(err, "repair counters")
}
