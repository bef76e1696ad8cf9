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

// countPublished moves the group's post counter and the author's count of
// published posts (which ends the hold on a new member's posts).
func (s *Service) countPublished(ctx context.Context, g GroupID, author auth.AccountID, delta int) error {
	if err := s.incGroup(ctx, g, "posts", delta); err != nil {
		return err
	}
	_, err := s.members.UpdateOne(ctx, bson.M{"_id": memberID(g, author)}, bson.M{"$inc": bson.M{"published": delta}})
	return wrap(err, "count member posts")
}
