package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/internal/mongodb"
)

// ErrUnsubscribeInvalid means an unsubscribe link whose signature does not
// match its account: forged, cut short, or for an account since deleted.
var ErrUnsubscribeInvalid = errors.New("auth: the unsubscribe link is invalid")

// unsubscribeKeyID is the _id, in the site collection, of the secret that
// signs unsubscribe links. It is made once, at first use, and shared by
// every instance through the database.
const unsubscribeKeyID = "unsubscribe_key"

// unsubscribeKey is the signing secret, read once per process.
type unsubscribeKey struct {
	mu  sync.Mutex
	key []byte
}

// SetNews turns account a's agreement to the brand's promotional mail on
// or off. Turning it on records when, as the consent record; turning it
// off forgets that. Saying yes again while it is on keeps the first date:
// the settings form sends the choice with every save, and re-saving the
// other mail choices is not a new agreement.
func (s *Service) SetNews(ctx context.Context, a AccountID, on bool) error {
	filter := bson.M{"_id": a, "deletedAt": bson.M{"$exists": false}}
	update := bson.M{"$set": bson.M{"news": false}, "$unset": bson.M{"newsSince": ""}}
	if on {
		filter["news"] = bson.M{"$ne": true}
		update = bson.M{"$set": bson.M{"news": true, "newsSince": s.now()}}
	}
	res, err := s.accounts.UpdateOne(ctx, filter, update)
	if err != nil {
		return fmt.Errorf("auth: set news: %w", err)
	}
	if res.MatchedCount == 0 {
		if on { // already on, or no such account
			_, err := s.findAccount(ctx, a)
			return err
		}
		return ErrNotFound
	}
	return nil
}

// UnsubscribeURL is the one-click unsubscribe address for account a's
// promotional mail. The link carries the account and an HMAC of it, so
// it works signed out, never expires (RFC 8058 asks that it keep
// working), and cannot be made for another account without the key.
func (s *Service) UnsubscribeURL(ctx context.Context, a AccountID) (string, error) {
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return "", err
	}
	return s.baseURL + "/unsubscribe/" + unsubscribeToken(key, a), nil
}

// UnsubscribeAccount reads the account an unsubscribe token names, for the
// page that asks to confirm; it changes nothing.
func (s *Service) UnsubscribeAccount(ctx context.Context, token string) (Account, error) {
	id, err := s.verifyUnsubscribe(ctx, token)
	if err != nil {
		return Account{}, err
	}
	d, err := s.findAccount(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Account{}, ErrUnsubscribeInvalid
	}
	return d.account(), err
}

// Unsubscribe turns off promotional mail for the account token names.
// Using the link again changes nothing and is no error.
func (s *Service) Unsubscribe(ctx context.Context, token string) (Account, error) {
	a, err := s.UnsubscribeAccount(ctx, token)
	if err != nil {
		return Account{}, err
	}
	if a.News {
		if err := s.SetNews(ctx, a.ID, false); err != nil {
			return Account{}, err
		}
		a.News, a.NewsSince = false, time.Time{}
	}
	return a, nil
}

func (s *Service) verifyUnsubscribe(ctx context.Context, token string) (AccountID, error) {
	id, _, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 {
		return "", ErrUnsubscribeInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return "", ErrUnsubscribeInvalid
	}
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return "", err
	}
	want := unsubscribeToken(key, AccountID(raw))
	if !hmac.Equal([]byte(want), []byte(token)) {
		return "", ErrUnsubscribeInvalid
	}
	return AccountID(raw), nil
}

// unsubscribeToken is the account id and its signature, both URL-safe.
func unsubscribeToken(key []byte, a AccountID) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("unsubscribe:" + string(a)))
	return base64.RawURLEncoding.EncodeToString([]byte(a)) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// unsubscribeKey reads the signing secret, making it on first use: an
// insert that loses a race to another instance reads the winner's.
func (s *Service) unsubscribeKey(ctx context.Context) ([]byte, error) {
	s.newsKey.mu.Lock()
	defer s.newsKey.mu.Unlock()
	if s.newsKey.key != nil {
		return s.newsKey.key, nil
	}
	var d struct {
		Key string `bson:"key"`
	}
	err := s.site.FindOne(ctx, bson.M{"_id": unsubscribeKeyID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		d.Key = randomToken(32)
		_, err = s.site.InsertOne(ctx, bson.M{"_id": unsubscribeKeyID, "key": d.Key})
		if mongodb.IsDuplicateKey(err) {
			err = s.site.FindOne(ctx, bson.M{"_id": unsubscribeKeyID}).Decode(&d)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("auth: unsubscribe key: %w", err)
	}
	s.newsKey.key = []byte(d.Key)
	return s.newsKey.key, nil
}
