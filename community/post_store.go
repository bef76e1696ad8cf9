package community

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
)

type postDoc struct {
	ID           PostID           `bson:"_id"`
	Group        GroupID          `bson:"group"`
	Author       auth.AccountID   `bson:"author"`
	AuthorName   string           `bson:"authorName"`
	AuthorAvatar string           `bson:"authorAvatar,omitempty"`
	Body         string           `bson:"body"`
	HTML         string           `bson:"html"`
	State        ContentState     `bson:"state"`
	Pinned       bool             `bson:"pinned"`
	Locked       bool             `bson:"locked"`
	Comments     int              `bson:"comments"`
	Reactions    map[Reaction]int `bson:"reactions"`
	Reports      int              `bson:"reports"`
	Mentions     []auth.AccountID `bson:"mentions,omitempty"`
	CreatedAt    time.Time        `bson:"createdAt"`
	EditedAt     time.Time        `bson:"editedAt,omitempty"`
}

func (d postDoc) post() Post {
	if d.Reactions == nil {
		d.Reactions = map[Reaction]int{}
	}
	return Post(d)
}

func (s *Service) insertPost(ctx context.Context, p Post) error {
	_, err := s.posts.InsertOne(ctx, postDoc(p))
	return wrap(err, "insert post")
}

func (s *Service) findPost(ctx context.Context, id PostID) (Post, error) {
	var d postDoc
	err := s.posts.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Post{}, ErrNotFound
	}
	return d.post(), wrap(err, "find post")
}

// countPostState keeps the counters that follow a post's state in step
// when it moves from one state to another ("" for a new post): the
// group's and the author's published posts (the latter ends a newcomer's
// hold), the author's held and hidden posts, and the group's feed version.
func (s *Service) countPostState(ctx context.Context, p Post, from, to ContentState) error {
	published := func(st ContentState) int { return map[bool]int{true: 1}[st == Published] }
	unpublished := func(st ContentState) int { return map[bool]int{true: 1}[st == Held || st == Hidden] }
	dp, du := published(to)-published(from), unpublished(to)-unpublished(from)
	if _, err := s.groups.UpdateOne(ctx, bson.M{"_id": p.Group}, bson.M{"$inc": bson.M{"posts": dp, "feedVersion": 1}}); err != nil {
		return wrap(err, "count group posts")
	}
	if dp == 0 && du == 0 {
		return nil
	}
	_, err := s.members.UpdateOne(ctx, bson.M{"_id": memberID(p.Group, p.Author)},
		bson.M{"$inc": bson.M{"published": dp, "unpublished": du}})
	return wrap(err, "count member posts")
}

// postWritten follows a write that changed, or may have changed if it
// failed (werr), a post's place or visibility: it brings the feed's
// order in memory, if there is one, up to date, before the feed's version
// moves, so no page cached under the new version is read from the old
// order.
func (s *Service) postWritten(ctx context.Context, p Post, werr error) error {
	switch {
	case s.feedIdx == nil:
		return werr
	case werr != nil:
		s.feedIdx.lost()
		return werr
	}
	return s.feedIdx.moved(ctx, string(p.Group), string(p.ID))
}

// feedChanged tells every instance that the group's cached feed pages are
// stale: a post's text, flags or counters changed.
func (s *Service) feedChanged(ctx context.Context, g GroupID) error {
	return s.incGroup(ctx, g, "feedVersion", 1)
}
