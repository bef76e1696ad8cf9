package community

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/activity"
)

// Reaction is one of a small fixed set of reactions to a post or comment.
// A person gives each at most once per target.
type Reaction string

// Reactions in the order the page shows them.
var Reactions = []Reaction{"like", "love", "laugh", "wow", "sad", "thanks"}

// Emoji is how a reaction looks.
func (r Reaction) Emoji() string {
	switch r {
	case "like":
		return "👍"
	case "love":
		return "❤️"
	case "laugh":
		return "😂"
	case "wow":
		return "😮"
	case "sad":
		return "😢"
	case "thanks":
		return "🙏"
	}
	return ""
}

// ParseReaction returns the reaction named s, or false if none is.
func ParseReaction(s string) (Reaction, bool) {
	for _, r := range Reactions {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// A reaction document's _id is target:account:reaction, so a person gives
// each reaction once per target however fast they click: the second
// insert fails on the key. Targets are "post:<id>" or "comment:<id>".
type reactionDoc struct {
	ID        string         `bson:"_id"`
	Target    string         `bson:"target"`
	Group     GroupID        `bson:"group"`
	Account   auth.AccountID `bson:"account"`
	Reaction  Reaction       `bson:"reaction"`
	CreatedAt time.Time      `bson:"createdAt"`
}

func postTarget(id PostID) string       { return "post:" + string(id) }
func commentTarget(id CommentID) string { return "comment:" + string(id) }

// ReactToPost gives or takes back the actor's reaction to a post.
func (s *Service) ReactToPost(ctx context.Context, a Actor, slug string, id PostID, r Reaction) error {
	p, st, err := s.PostByID(ctx, a, slug, id)
	if err != nil {
		return err
	}
	if err := s.checkReaction(st, p.State, r); err != nil {
		return err
	}
	return s.toggleReaction(ctx, a, st.Group.ID, postTarget(id), r)
}

// ReactToComment gives or takes back the actor's reaction to a comment.
func (s *Service) ReactToComment(ctx context.Context, a Actor, slug string, on Parent, id CommentID, r Reaction) error {
	c, st, err := s.CommentByID(ctx, a, slug, on, id)
	if err != nil {
		return err
	}
	if err := s.checkReaction(st, c.State, r); err != nil {
		return err
	}
	return s.toggleReaction(ctx, a, st.Group.ID, commentTarget(id), r)
}

func (s *Service) checkReaction(st Standing, state ContentState, r Reaction) error {
	if err := st.requirePost(); err != nil {
		return err
	}
	if _, ok := ParseReaction(string(r)); !ok {
		return ValidationError{"reaction": "reaction.error.unknown"}
	}
	if state != Published {
		return ErrForbidden
	}
	return nil
}

// A person's reactions to one target are also kept together, under _id
// target:account: a page marks the reactions its reader gave with one
// lookup by _id per post or comment (one query on MongoDB) instead of a
// search of every reaction of the site, which the embedded store answers
// by reading them all. The set follows the reaction documents, which stay
// the record: it is changed after one was inserted or deleted, and
// reconcile rebuilds it.
type reactionSetDoc struct {
	ID        string     `bson:"_id"` // target:account
	Target    string     `bson:"target"`
	Group     GroupID    `bson:"group"`
	Reactions []Reaction `bson:"reactions"`
}

func reactionSetID(target string, a auth.AccountID) string { return target + ":" + string(a) }

// toggleReaction inserts the reaction, or deletes it if it was there, and
// moves the target's counter and the reader's set only after the document
// changed, so the counter follows the documents exactly under any
// concurrency.
func (s *Service) toggleReaction(ctx context.Context, a Actor, g GroupID, target string, r Reaction) error {
	key := target + ":" + string(a.ID()) + ":" + string(r)
	_, err := s.reactions.InsertOne(ctx, reactionDoc{ID: key, Target: target, Group: g, Account: a.ID(), Reaction: r, CreatedAt: s.now()})
	delta := 1
	if err = dupOr(err, "insert reaction"); errors.Is(err, errDuplicate) {
		res, derr := s.reactions.DeleteOne(ctx, bson.M{"_id": key})
		if derr != nil {
			return wrap(derr, "delete reaction")
		}
		if res.DeletedCount == 0 { // a racing click took it back first
			return nil
		}
		delta = -1
	} else if err != nil {
		return err
	}
	if delta > 0 {
		// Given, not taken back; noted once counted, so the record's
		// write does not widen the gap between a reaction and its count.
		defer s.engaged(ctx, a.ID(), activity.React)
	}
	return s.countReaction(ctx, a.ID(), g, target, r, delta)
}

// countReaction follows a reaction document inserted (+1) or deleted
// (-1): the giver's set and the target's counter.
func (s *Service) countReaction(ctx context.Context, account auth.AccountID, g GroupID, target string, r Reaction, delta int) error {
	op := map[int]string{1: "$addToSet", -1: "$pull"}[delta]
	if _, err := s.reactionSets.UpdateOne(ctx, bson.M{"_id": reactionSetID(target, account)},
		bson.M{op: bson.M{"reactions": r}, "$set": bson.M{"target": target, "group": g}}, options.Update().SetUpsert(true)); err != nil {
		return wrap(err, "mark reaction")
	}
	coll, id := s.posts, strings.TrimPrefix(target, "post:")
	if c, ok := strings.CutPrefix(target, "comment:"); ok {
		coll, id = s.comments, c
	}
	if _, err := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"reactions." + string(r): delta}}); err != nil {
		return wrap(err, "count reaction")
	}
	if coll == s.posts { // the feed shows a post's reactions
		return s.feedChanged(ctx, g)
	}
	return nil
}

// reacted reports whether a post or comment has any reaction: the page
// asks for its reader's own only on those.
func reacted(counts map[Reaction]int) bool {
	for _, n := range counts {
		if n > 0 {
			return true
		}
	}
	return false
}

// reactionsOf returns which reactions the actor gave to each target, with
// one query for the whole page: its reaction sets, by _id.
func (s *Service) reactionsOf(ctx context.Context, a Actor, targets []string) (map[string]map[Reaction]bool, error) {
	out := map[string]map[Reaction]bool{}
	if !a.SignedIn() || len(targets) == 0 {
		return out, nil
	}
	ids := make([]string, len(targets))
	for i, t := range targets {
		ids[i] = reactionSetID(t, a.ID())
	}
	cur, err := s.reactionSets.Find(ctx, bson.M{"_id": bson.M{"$in": ids}}, options.Find().SetLimit(int64(len(ids))))
	if err != nil {
		return out, wrap(err, "list reactions")
	}
	var docs []reactionSetDoc
	if err := cur.All(ctx, &docs); err != nil {
		return out, wrap(err, "list reactions")
	}
	for _, d := range docs {
		for _, r := range d.Reactions {
			if out[d.Target] == nil {
				out[d.Target] = map[Reaction]bool{}
			}
			out[d.Target][r] = true
		}
	}
	return out, nil
}

// BackfillReactionSets builds every account's reaction sets from the
// reaction documents: the migration for databases from before they were
// kept. The sets are inserted a thousand at a time (one by one, half a
// million took the embedded store nine minutes); a set already there
// (from a run cut short, or a reaction given meanwhile on another
// instance) gets the reactions added, and reconcile repairs anything a
// reaction taken back meanwhile leaves. Running it again changes nothing.
func (s *Service) BackfillReactionSets(ctx context.Context) error {
	sets := map[string]*reactionSetDoc{}
	if err := each(ctx, s.reactions, bson.M{}, func(d reactionDoc) {
		id := reactionSetID(d.Target, d.Account)
		if sets[id] == nil {
			sets[id] = &reactionSetDoc{ID: id, Target: d.Target, Group: d.Group}
		}
		sets[id].Reactions = append(sets[id].Reactions, d.Reaction)
	}); err != nil {
		return err
	}
	batch := make([]any, 0, 1000)
	flush := func() error {
		defer func() { batch = batch[:0] }()
		if len(batch) == 0 {
			return nil
		}
		_, err := s.reactionSets.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		var bulk mongo.BulkWriteException
		if !errors.As(err, &bulk) || bulk.WriteConcernError != nil {
			return wrap(err, "backfill reaction sets")
		}
		for _, we := range bulk.WriteErrors {
			if we.Code != 11000 { // not a set already there
				return wrap(err, "backfill reaction sets")
			}
			d := batch[we.Index].(reactionSetDoc)
			if _, err := s.reactionSets.UpdateOne(ctx, bson.M{"_id": d.ID},
				bson.M{"$addToSet": bson.M{"reactions": bson.M{"$each": d.Reactions}}}); err != nil {
				return wrap(err, "backfill reaction sets")
			}
		}
		return nil
	}
	for _, set := range sets {
		if batch = append(batch, *set); len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
