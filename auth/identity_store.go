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

type identityDoc struct {
	ID            string    `bson:"_id"` // provider:subject
	Provider      string    `bson:"provider"`
	Subject       string    `bson:"subject"`
	AccountID     AccountID `bson:"accountId"`
	Email         string    `bson:"email,omitempty"`
	EmailVerified bool      `bson:"emailVerified"`
	AvatarURL     string    `bson:"avatarUrl,omitempty"`
	LinkedAt      time.Time `bson:"linkedAt"`
}

func (d identityDoc) identity() Identity {
	return Identity{ID: d.ID, Provider: d.Provider, Subject: d.Subject, AccountID: d.AccountID,
		Email: d.Email, EmailVerified: d.EmailVerified, AvatarURL: d.AvatarURL, LinkedAt: d.LinkedAt}
}

// insertIdentity is atomic on the _id: of two accounts racing to link the
// same identity, one gets a duplicate-key error.
func (s *Service) insertIdentity(ctx context.Context, d identityDoc) error {
	_, err := s.identities.InsertOne(ctx, d)
	return err
}

func (s *Service) findIdentity(ctx context.Context, id string) (identityDoc, error) {
	var d identityDoc
	err := s.identities.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("auth: find identity: %w", err)
	}
	return d, nil
}

// accountIdentities lists an account's identities, oldest first. Served by
// index "identities_account_linked"; an account has a handful at most.
func (s *Service) accountIdentities(ctx context.Context, a AccountID) ([]identityDoc, error) {
	cur, err := s.identities.Find(ctx, bson.M{"accountId": a},
		options.Find().SetSort(bson.D{{Key: "linkedAt", Value: 1}}).SetLimit(50))
	if err != nil {
		return nil, fmt.Errorf("auth: list identities: %w", err)
	}
	var ds []identityDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("auth: list identities: %w", err)
	}
	return ds, nil
}

func (s *Service) updateIdentitySeen(ctx context.Context, id, email string, verified bool, avatar string) error {
	_, err := s.identities.UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$set": bson.M{"email": email, "emailVerified": verified, "avatarUrl": avatar}})
	if err != nil {
		return fmt.Errorf("auth: update identity: %w", err)
	}
	return nil
}

func (s *Service) deleteIdentity(ctx context.Context, a AccountID, id string) (bool, error) {
	res, err := s.identities.DeleteOne(ctx, bson.M{"_id": id, "accountId": a})
	if err != nil {
		return false, fmt.Errorf("auth: delete identity: %w", err)
	}
	return res.DeletedCount == 1, nil
}

func (s *Service) deleteAccountIdentities(ctx context.Context, a AccountID) error {
	if _, err := s.identities.DeleteMany(ctx, bson.M{"accountId": a}); err != nil {
		return fmt.Errorf("auth: delete identities: %w", err)
	}
	return nil
}
