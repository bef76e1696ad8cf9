package auth

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

type accountDoc struct {
	ID            AccountID      `bson:"_id"`
	Name          string         `bson:"name"`
	Email         string         `bson:"email,omitempty"`
	EmailVerified bool           `bson:"emailVerified"`
	AvatarURL     string         `bson:"avatarUrl,omitempty"`
	Locale        string         `bson:"locale,omitempty"`
	TimeZone      string         `bson:"timeZone,omitempty"`
	BirthMonth    int            `bson:"birthMonth,omitempty"`
	BirthDay      int            `bson:"birthDay,omitempty"`
	BirthdaySetAt time.Time      `bson:"birthdaySetAt,omitempty"`
	Mail          MailPreference `bson:"mail,omitempty"` // absent: MailNone
	MailJoin      bool           `bson:"mailJoin,omitempty"`
	News          bool           `bson:"news,omitempty"`
	NewsSince     time.Time      `bson:"newsSince,omitempty"`
	// NewsRemindedAt is when they were last told of their agreement to
	// news (RemindNewsConsent).
	NewsRemindedAt time.Time `bson:"newsRemindedAt,omitempty"`
	Role           Role      `bson:"role"`
	// Identities counts the linked identities, so that unlinking can be
	// refused atomically when only one is left.
	Identities int       `bson:"identities"`
	CreatedAt  time.Time `bson:"createdAt"`
	LastSeenAt time.Time `bson:"lastSeenAt"`
	DeletedAt  time.Time `bson:"deletedAt,omitempty"`
}

func (d accountDoc) account() Account {
	a := Account{ID: d.ID, Name: d.Name, Email: d.Email, EmailVerified: d.EmailVerified,
		AvatarURL: d.AvatarURL, Locale: d.Locale, TimeZone: d.TimeZone, Birthday: Birthday{Month: d.BirthMonth, Day: d.BirthDay},
		BirthdaySetAt: d.BirthdaySetAt,
		Mail:          d.Mail, MailJoinRequests: d.MailJoin, News: d.News, NewsSince: d.NewsSince, Role: d.Role, CreatedAt: d.CreatedAt, LastSeenAt: d.LastSeenAt}
	if a.Mail == "" {
		a.Mail = MailNone
	}
	return a
}

func newAccountID() AccountID { return AccountID(primitive.NewObjectID().Hex()) }

func (s *Service) insertAccount(ctx context.Context, d accountDoc) error {
	if _, err := s.accounts.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("auth: insert account: %w", err)
	}
	return nil
}

func (s *Service) findAccount(ctx context.Context, id AccountID) (accountDoc, error) {
	var d accountDoc
	err := s.accounts.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && !d.DeletedAt.IsZero()) {
		return accountDoc{}, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("auth: find account: %w", err)
	}
	return d, nil
}

func (s *Service) updateAccount(ctx context.Context, id AccountID, set bson.M) error {
	res, err := s.accounts.UpdateOne(ctx, bson.M{"_id": id, "deletedAt": bson.M{"$exists": false}}, bson.M{"$set": set})
	if err != nil {
		return fmt.Errorf("auth: update account: %w", err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

func (s *Service) touchAccount(ctx context.Context, id AccountID) error {
	return s.updateAccount(ctx, id, bson.M{"lastSeenAt": s.now()})
}

// incIdentities adds n to the account's identity count. With n < 0 it only
// applies while more than -n remain, and reports ErrLastIdentity otherwise.
func (s *Service) incIdentities(ctx context.Context, id AccountID, n int) error {
	filter := bson.M{"_id": id}
	if n < 0 {
		filter["identities"] = bson.M{"$gt": -n}
	}
	res, err := s.accounts.UpdateOne(ctx, filter, bson.M{"$inc": bson.M{"identities": n}})
	if err != nil {
		return fmt.Errorf("auth: count identities: %w", err)
	}
	if res.MatchedCount == 0 {
		return ErrLastIdentity
	}
	return nil
}

// eraseAccount removes everything personal from the account document and
// marks it deleted; the document stays so content elsewhere keeps a
// consistent author reference. Only an account off the staff is erased,
// so that a deleted account never keeps a role or counts as an owner: it
// reports whether it was.
func (s *Service) eraseAccount(ctx context.Context, id AccountID) (bool, error) {
	res, err := s.accounts.UpdateOne(ctx, bson.M{"_id": id, "role": bson.M{"$nin": bson.A{RoleOwner, RoleAdmin}}}, bson.M{
		"$set":   bson.M{"deletedAt": s.now(), "name": "", "identities": 0},
		"$unset": bson.M{"email": "", "emailVerified": "", "avatarUrl": "", "locale": "", "timeZone": "", "birthMonth": "", "birthDay": "", "birthdaySetAt": "", "mail": "", "mailJoin": "", "news": "", "newsSince": "", "newsRemindedAt": "", "lastSeenAt": ""},
	})
	if err != nil {
		return false, fmt.Errorf("auth: erase account: %w", err)
	}
	return res.MatchedCount == 1, nil
}

// claimOwner makes a the site owner if nobody is yet. The unique _id of
// the claim document decides between two first sign-ups at once.
func (s *Service) claimOwner(ctx context.Context, a AccountID) (bool, error) {
	_, err := s.site.InsertOne(ctx, bson.M{"_id": "owner", "accountId": a, "at": s.now()})
	if mongodb.IsDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("auth: claim owner: %w", err)
	}
	return true, nil
}

// DeletedAccounts lists the accounts deleted (their tombstones' ids), for
// the daily sweep of what other records still hold of them. It reads the
// whole collection on the embedded store: not for a request.
func (s *Service) DeletedAccounts(ctx context.Context) ([]string, error) {
	cur, err := s.accounts.Find(ctx, bson.M{"deletedAt": bson.M{"$exists": true}}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return nil, fmt.Errorf("auth: deleted accounts: %w", err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("auth: deleted accounts: %w", err)
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out, nil
}

// updateAccountIf sets set on the live account id if it also matches
// cond, and reports whether it did.
func (s *Service) updateAccountIf(ctx context.Context, id AccountID, cond, set bson.M) (bool, error) {
	filter := bson.M{"_id": id, "deletedAt": bson.M{"$exists": false}}
	maps.Copy(filter, cond)
	res, err := s.accounts.UpdateOne(ctx, filter, bson.M{"$set": set})
	if err != nil {
		return false, fmt.Errorf("auth: update account: %w", err)
	}
	return res.MatchedCount == 1, nil
}
