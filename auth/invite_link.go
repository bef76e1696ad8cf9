package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// SignInVerifiedEmail returns the account an address signs into once
// something other than a sign-in link proved that its holder reads it
// (an invitation mailed there, opened and accepted): the live account
// holding it as a verified email, else the one whose email sign-in
// method it is, else a new account with it as its verified primary
// email and sign-in method, exactly as a first email sign-in makes.
func (s *Service) SignInVerifiedEmail(ctx context.Context, raw string) (Account, error) {
	email, err := NormaliseEmail(raw)
	if err != nil {
		return Account{}, err
	}
	d, err := s.findAccountByVerifiedEmail(ctx, email)
	if err == nil {
		return d.account(), nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Account{}, err
	}
	a, err := s.SignIn(ctx, External{Provider: "email", Subject: email, Email: email, EmailVerified: true})
	if errors.Is(err, ErrAccountExists) { // another request made it meanwhile
		d, err = s.findAccountByVerifiedEmail(ctx, email)
		return d.account(), err
	}
	return a, err
}

// HoldsVerifiedEmail reports whether account a holds raw as one of its
// verified emails: whether an invitation mailed there is its own. One
// lookup by _id.
func (s *Service) HoldsVerifiedEmail(ctx context.Context, a AccountID, raw string) (bool, error) {
	email, err := NormaliseEmail(raw)
	if err != nil {
		return false, nil
	}
	var e accountEmailDoc
	err = s.accountEmails.FindOne(ctx, bson.M{"_id": email}).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("auth: find account email: %w", err)
	}
	return slices.Contains(e.Accounts, a), nil
}
