package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

type sessionDoc struct {
	ID         string      `bson:"_id"`
	AccountID  AccountID   `bson:"accountId,omitempty"`
	CSRF       string      `bson:"csrf"`
	OAuth      *oauthState `bson:"oauth,omitempty"`
	CreatedAt  time.Time   `bson:"createdAt"`
	SeenAt     time.Time   `bson:"seenAt"`
	ExpiresAt  time.Time   `bson:"expiresAt"`
	AbsoluteAt time.Time   `bson:"absoluteAt"`
}

func (d sessionDoc) session() Session {
	return Session{ID: d.ID, AccountID: d.AccountID, CSRF: d.CSRF,
		CreatedAt: d.CreatedAt, SeenAt: d.SeenAt, ExpiresAt: d.ExpiresAt, EndsAt: d.AbsoluteAt}
}

func (s *Service) insertSession(ctx context.Context, d sessionDoc) error {
	_, err := s.sessions.InsertOne(ctx, d)
	return err
}

func (s *Service) findSession(ctx context.Context, id string) (sessionDoc, error) {
	var d sessionDoc
	err := s.sessions.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("auth: find session: %w", err)
	}
	return d, nil
}

func (s *Service) touchSession(ctx context.Context, d sessionDoc) error {
	_, err := s.sessions.UpdateOne(ctx, bson.M{"_id": d.ID},
		bson.M{"$set": bson.M{"seenAt": d.SeenAt, "expiresAt": d.ExpiresAt}})
	if err != nil {
		return fmt.Errorf("auth: touch session: %w", err)
	}
	return nil
}

func (s *Service) setSessionOAuth(ctx context.Context, id string, o oauthState) error {
	res, err := s.sessions.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"oauth": o}})
	if err != nil {
		return fmt.Errorf("auth: keep sign-in state: %w", err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// takeSessionOAuth removes and returns the session's OAuth state if it
// matches provider and state, in one conditional update, so a callback
// can be used once.
func (s *Service) takeSessionOAuth(ctx context.Context, id, provider, state string) (oauthState, error) {
	var d sessionDoc
	err := s.sessions.FindOneAndUpdate(ctx,
		bson.M{"_id": id, "oauth.provider": provider, "oauth.state": state},
		bson.M{"$unset": bson.M{"oauth": ""}},
		options.FindOneAndUpdate().SetReturnDocument(options.Before),
	).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && d.OAuth == nil) {
		return oauthState{}, ErrBadState
	}
	if err != nil {
		return oauthState{}, fmt.Errorf("auth: take sign-in state: %w", err)
	}
	return *d.OAuth, nil
}

func (s *Service) deleteSession(ctx context.Context, id string) error {
	if _, err := s.sessions.DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return fmt.Errorf("auth: delete session: %w", err)
	}
	return nil
}

func (s *Service) deleteAccountSessions(ctx context.Context, a AccountID) error {
	if _, err := s.sessions.DeleteMany(ctx, bson.M{"accountId": a}); err != nil {
		return fmt.Errorf("auth: delete sessions: %w", err)
	}
	return nil
}

func (s *Service) accountSessions(ctx context.Context, a AccountID) ([]sessionDoc, error) {
	cur, err := s.sessions.Find(ctx, bson.M{"accountId": a}, options.Find().SetLimit(500))
	if err != nil {
		return nil, fmt.Errorf("auth: list sessions: %w", err)
	}
	var ds []sessionDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("auth: list sessions: %w", err)
	}
	return ds, nil
}

func (s *Service) deleteExpiredSessions(ctx context.Context, now time.Time) error {
	if _, err := s.sessions.DeleteMany(ctx, bson.M{"expiresAt": bson.M{"$lt": now}}); err != nil {
		return fmt.Errorf("auth: sweep sessions: %w", err)
	}
	return nil
}
