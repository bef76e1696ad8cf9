package community

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/mongodb"
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
	return s.toggleReaction(ctx, a, st.Group.ID, postTarget(id), s.posts, string(id), r)
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
	return s.toggleReaction(ctx, a, st.Group.ID, commentTarget(id), s.comments, string(id), r)
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

// toggleReaction inserts the reaction, or deletes it if it was there, and
// moves the target's counter only after the document changed, so the
// counter follows the documents exactly under any concurrency.
func (s *Service) toggleReaction(ctx context.Context, a Actor, g GroupID, target string, coll *mongodb.Collection, id string, r Reaction) error {
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
	if _, err = coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"reactions." + string(r): delta}}); err != nil {
		return wrap(err, "count reaction")
	}
	if coll == s.posts { // the feed shows a post's reactions
		return s.feedChanged(ctx, g)
	}
	return nil
}

// reactionsOf returns which reactions the actor gave to each target, with
// one query for the whole page.
func (s *Service) reactionsOf(ctx context.Context, a Actor, targets []string) (map[string]map[Reaction]bool, error) {
	out := map[string]map[Reaction]bool{}
	if !a.SignedIn() || len(targets) == 0 {
		return out, nil
	}
	cur, err := s.reactions.Find(ctx, bson.M{"account": a.ID(), "target": bson.M{"$in": targets}},
		options.Find().SetLimit(int64(len(targets)*len(Reactions))))
	if err != nil {
		return out, wrap(err, "list reactions")
	}
	var docs []reactionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return out, wrap(err, "list reactions")
	}
	for _, d := range docs {
		if out[d.Target] == nil {
			out[d.Target] = map[Reaction]bool{}
		}
		out[d.Target][d.Reaction] = true
	}
	return out, nil
}
