package community

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
)

type commentDoc struct {
	ID           CommentID        `bson:"_id"`
	Post         PostID           `bson:"post,omitempty"`
	Idea         IdeaID           `bson:"idea,omitempty"`
	Group        GroupID          `bson:"group"`
	Author       auth.AccountID   `bson:"author"`
	AuthorName   string           `bson:"authorName"`
	AuthorAvatar string           `bson:"authorAvatar,omitempty"`
	Body         string           `bson:"body"`
	HTML         string           `bson:"html"`
	State        ContentState     `bson:"state"`
	ReplyTo      CommentID        `bson:"replyTo,omitempty"`
	ReplyToName  string           `bson:"replyToName,omitempty"`
	ReplyToQuote string           `bson:"replyToQuote,omitempty"`
	Reactions    map[Reaction]int `bson:"reactions"`
	Reports      int              `bson:"reports"`
	Mentions     []auth.AccountID `bson:"mentions,omitempty"`
	CreatedAt    time.Time        `bson:"createdAt"`
	EditedAt     time.Time        `bson:"editedAt,omitempty"`
}

func (d commentDoc) comment() Comment {
	if d.Reactions == nil {
		d.Reactions = map[Reaction]int{}
	}
	return Comment(d)
}

func (s *Service) insertComment(ctx context.Context, c Comment) error {
	_, err := s.comments.InsertOne(ctx, commentDoc(c))
	return s.commentWritten(ctx, c, wrap(err, "insert comment"))
}

// commentWritten follows a write that changed, or may have changed if it
// failed (werr), a comment's place or visibility: it brings the thread's
// order in memory, if there is one, up to date.
func (s *Service) commentWritten(ctx context.Context, c Comment, werr error) error {
	switch {
	case s.threadIdx == nil:
		return werr
	case werr != nil:
		s.threadIdx.lost()
		return werr
	}
	return s.threadIdx.moved(ctx, c.On().key(), string(c.ID))
}

func (s *Service) findComment(ctx context.Context, id CommentID) (Comment, error) {
	var d commentDoc
	err := s.comments.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Comment{}, ErrNotFound
	}
	return d.comment(), wrap(err, "find comment")
}
