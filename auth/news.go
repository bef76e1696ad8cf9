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

	"fanclub/internal/mail"
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
	update := bson.M{"$set": bson.M{"news": false}, "$unset": bson.M{"newsSince": "", "newsRemindedAt": ""}}
	if on {
		filter["news"] = bson.M{"$ne": true}
		update = bson.M{"$set": bson.M{"news": true, "newsSince": s.now()}, "$unset": bson.M{"newsRemindedAt": ""}}
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

// RemindNewsConsent tells everyone who agreed to the brand's news two
// years ago or more, and has not been told since, that they did and how
// to stop: Korean law (정보통신망법 제50조 제8항, 시행령 제62조의3) asks
// this of promotional mail every two years. Each is claimed by one
// conditional update before the mail, so two instances or a second run
// tell them once; a mail that fails gives the claim back for the next
// run. It reads the accounts whole on the embedded store: run it daily,
// not from a request. It returns how many it told.
func (s *Service) RemindNewsConsent(ctx context.Context) (int, error) {
	due := s.now().AddDate(-2, 0, 0)
	unreminded := bson.M{"newsRemindedAt": bson.M{"$exists": false}, "newsSince": bson.M{"$lte": due}}
	filter := bson.M{"news": true, "deletedAt": bson.M{"$exists": false},
		"$or": bson.A{unreminded, bson.M{"newsRemindedAt": bson.M{"$lte": due}}}}
	cur, err := s.accounts.Find(ctx, filter)
	if err != nil {
		return 0, fmt.Errorf("auth: news reminders: %w", err)
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, fmt.Errorf("auth: news reminders: %w", err)
	}
	n := 0
	var errs []error
	for _, d := range docs {
		claim := bson.M{"_id": d.ID, "news": true, "newsRemindedAt": bson.M{"$exists": false}}
		if !d.NewsRemindedAt.IsZero() {
			claim["newsRemindedAt"] = d.NewsRemindedAt
		}
		res, err := s.accounts.UpdateOne(ctx, claim, bson.M{"$set": bson.M{"newsRemindedAt": s.now()}})
		if err != nil {
			return n, fmt.Errorf("auth: claim news reminder: %w", err)
		}
		if res.ModifiedCount == 0 {
			continue // told by another instance, or changed their mind meanwhile
		}
		a := d.account()
		unsubscribe, err := s.UnsubscribeURL(ctx, a.ID)
		if err == nil && a.Email != "" {
			loc := s.Zone(ctx) // the day they agreed, in their zone if they chose one
			if z, zerr := time.LoadLocation(a.TimeZone); a.TimeZone != "" && zerr == nil {
				loc = z
			}
			err = s.mailer.Send(ctx, newsReminderMail(a, loc, unsubscribe, s.baseURL+"/settings"))
		}
		if err != nil {
			back := bson.M{"$unset": bson.M{"newsRemindedAt": ""}}
			if !d.NewsRemindedAt.IsZero() {
				back = bson.M{"$set": bson.M{"newsRemindedAt": d.NewsRemindedAt}}
			}
			if _, uerr := s.accounts.UpdateOne(context.WithoutCancel(ctx), bson.M{"_id": d.ID}, back); uerr != nil {
				err = errors.Join(err, uerr)
			}
			errs = append(errs, fmt.Errorf("auth: news reminder to %s: %w", a.ID, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// newsReminderMail tells a when they agreed to the brand's news, in their
// language, and the two ways to stop.
func newsReminderMail(a Account, loc *time.Location, unsubscribe, settings string) mail.Message {
	since := a.NewsSince.In(loc)
	if a.Locale == "ko" {
		return mail.Message{To: a.Email, Locale: "ko", Subject: "소식 수신 동의 안내",
			Text: fmt.Sprintf("%s에 소식과 혜택 메일을 받는 데 동의하셨어요. 계속 받으시려면 아무것도 하지 않으셔도 돼요.\n\n"+
				"그만 받으시려면 이 링크를 여세요:\n%s\n\n설정에서 언제든 바꿀 수 있어요:\n%s\n",
				since.Format("2006년 1월 2일"), unsubscribe, settings)}
	}
	return mail.Message{To: a.Email, Locale: "en", Subject: "You agreed to our news",
		Text: fmt.Sprintf("On %s you agreed to get news and offers from us by email. To keep getting them, do nothing.\n\n"+
			"To stop, open this link:\n%s\n\nYou can change it any time in your settings:\n%s\n",
			since.Format("2 January 2006"), unsubscribe, settings)}
}
