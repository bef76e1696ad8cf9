package community

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// NoticeKind says what a notification is about.
type NoticeKind string

const (
	NoticeReply        NoticeKind = "reply"         // a comment on my post, or a reply to my comment
	NoticeMention      NoticeKind = "mention"       // someone @mentioned me
	NoticeJoinApproved NoticeKind = "join_approved" // my request to join was approved
	NoticeJoinDeclined NoticeKind = "join_declined"
	NoticeInvited      NoticeKind = "invited" // I was invited to a group
)

// Notice is an in-app notification for one account.
type Notice struct {
	ID        string
	Account   auth.AccountID
	Kind      NoticeKind
	ActorName string // who caused it
	GroupSlug string
	GroupName string
	Post      PostID // the post it concerns, if any
	Read      bool
	CreatedAt time.Time
}

type noticeDoc struct {
	ID        string         `bson:"_id"`
	Account   auth.AccountID `bson:"account"`
	Kind      NoticeKind     `bson:"kind"`
	ActorName string         `bson:"actorName"`
	GroupSlug string         `bson:"groupSlug"`
	GroupName string         `bson:"groupName"`
	Post      PostID         `bson:"post,omitempty"`
	Read      bool           `bson:"read"`
	CreatedAt time.Time      `bson:"createdAt"`
}

// notify records a notice for the account and bumps its unread count.
// Nobody is notified of their own actions. A failure is logged: the
// action that caused it has already happened.
func (s *Service) notify(ctx context.Context, n Notice) {
	if n.Account == "" {
		return
	}
	n.ID, n.CreatedAt = newID(), s.now()
	d := noticeDoc{ID: n.ID, Account: n.Account, Kind: n.Kind, ActorName: n.ActorName, GroupSlug: n.GroupSlug,
		GroupName: n.GroupName, Post: n.Post, CreatedAt: n.CreatedAt}
	if _, err := s.notifications.InsertOne(ctx, d); err != nil {
		s.log.ErrorContext(ctx, "notification write failed", "kind", n.Kind, "err", err)
		return
	}
	if _, err := s.unread.UpdateOne(ctx, bson.M{"_id": n.Account}, bson.M{"$inc": bson.M{"unread": 1}},
		options.Update().SetUpsert(true)); err != nil {
		s.log.ErrorContext(ctx, "notification count failed", "err", err)
	}
}

// Unread returns how many notices the actor has not read: one lookup by
// _id, cheap enough for every page's bell.
func (s *Service) Unread(ctx context.Context, a Actor) (int, error) {
	if !a.SignedIn() {
		return 0, nil
	}
	var d struct {
		Unread int `bson:"unread"`
	}
	err := s.unread.FindOne(ctx, bson.M{"_id": a.ID()}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return max(d.Unread, 0), wrap(err, "count unread")
}
