package auth

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

type accountEmailDoc struct {
	ID       string      `bson:"_id"`        // a verified email, lower-cased
	Accounts []AccountID `bson:"accountIds"` // the accounts holding it: one, nearly always
}

// addAccountEmail records that account a holds email.
func (s *Service) addAccountEmail(ctx context.Context, email string, a AccountID) error {
	add := func() error {
		_, err := s.accountEmails.UpdateOne(ctx, bson.M{"_id": email},
			bson.M{"$addToSet": bson.M{"accountIds": a}}, options.Update().SetUpsert(true))
		return err
	}
	err := add()
	if mongodb.IsDuplicateKey(err) { // another upsert inserted the email first
		err = add()
	}
	if err != nil {
		return fmt.Errorf("auth: add account email: %w", err)
	}
	return nil
}

// dropAccountEmail records that account a no longer holds email. An email
// nobody holds is not kept.
func (s *Service) dropAccountEmail(ctx context.Context, email string, a AccountID) error {
	if _, err := s.accountEmails.UpdateOne(ctx, bson.M{"_id": email}, bson.M{"$pull": bson.M{"accountIds": a}}); err != nil {
		return fmt.Errorf("auth: drop account email: %w", err)
	}
	if _, err := s.accountEmails.DeleteOne(ctx, bson.M{"_id": email, "accountIds": bson.A{}}); err != nil {
		return fmt.Errorf("auth: drop account email: %w", err)
	}
	return nil
}

// dropAccountEmails forgets every email account a holds. Served by index
// "account_emails_account"; an account holds a handful.
func (s *Service) dropAccountEmails(ctx context.Context, a AccountID) error {
	cur, err := s.accountEmails.Find(ctx, bson.M{"accountIds": a}, options.Find().SetLimit(100))
	if err != nil {
		return fmt.Errorf("auth: list account emails: %w", err)
	}
	var ds []accountEmailDoc
	if err := cur.All(ctx, &ds); err != nil {
		return fmt.Errorf("auth: list account emails: %w", err)
	}
	for _, d := range ds {
		if err := s.dropAccountEmail(ctx, d.ID, a); err != nil {
			return err
		}
	}
	return nil
}

// findAccountByVerifiedEmail returns a live account that holds email as a
// verified email: two lookups by _id.
func (s *Service) findAccountByVerifiedEmail(ctx context.Context, email string) (accountDoc, error) {
	var e accountEmailDoc
	err := s.accountEmails.FindOne(ctx, bson.M{"_id": email}).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return accountDoc{}, ErrNotFound
	}
	if err != nil {
		return accountDoc{}, fmt.Errorf("auth: find account email: %w", err)
	}
	for _, a := range e.Accounts {
		d, err := s.findAccount(ctx, a)
		if errors.Is(err, ErrNotFound) {
			continue // deleted
		}
		return d, err
	}
	return accountDoc{}, ErrNotFound
}

// eachVerifiedEmail calls fn with every verified email of a live account,
// and every verified email an identity reports, with its account. It reads
// both collections through, once: for the backfill only.
func (s *Service) eachVerifiedEmail(ctx context.Context, fn func(email string, a AccountID) error) error {
	each := func(coll *mongodb.Collection, filter bson.M, account string) error {
		cur, err := coll.Find(ctx, filter, options.Find().SetProjection(bson.M{"email": 1, account: 1}))
		if err != nil {
			return fmt.Errorf("auth: read verified emails: %w", err)
		}
		defer cur.Close(ctx)
		for cur.Next(ctx) {
			var d struct {
				Email string `bson:"email"`
				ID    string `bson:"_id"`
				Acc   string `bson:"accountId"`
			}
			if err := cur.Decode(&d); err != nil {
				return fmt.Errorf("auth: read verified emails: %w", err)
			}
			a := AccountID(d.Acc)
			if account == "_id" {
				a = AccountID(d.ID)
			}
			if err := fn(d.Email, a); err != nil {
				return err
			}
		}
		return cur.Err()
	}
	live := bson.M{"emailVerified": true, "email": bson.M{"$exists": true, "$ne": ""}, "deletedAt": bson.M{"$exists": false}}
	if err := each(s.accounts, live, "_id"); err != nil {
		return err
	}
	return each(s.identities, bson.M{"emailVerified": true, "email": bson.M{"$exists": true, "$ne": ""}}, "accountId")
}
