package auth

import (
	"context"
	"errors"
	"fmt"
)

// SeedAccount creates a live account with a verified email and role, and
// the email identity that lets its person sign in later with an emailed
// link, just as an account made by signing in with a link would be. It
// exists for the demo seed; the site itself creates accounts only by
// sign-in. An address already in use is ErrAccountExists; asking for the
// owner role when the site has an owner is ErrForbidden.
func (s *Service) SeedAccount(ctx context.Context, email, name string, role Role, locale string) (Account, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return Account{}, err
	}
	name, _, err = ProfileInput{Name: name, Locale: locale}.Validate()
	if err != nil {
		return Account{}, err
	}
	if role != RoleOwner && role != RoleAdmin && role != RoleMember {
		return Account{}, fmt.Errorf("auth: seed account: unknown role %q", role)
	}
	if _, err := s.findAccountByVerifiedEmail(ctx, email); !errors.Is(err, ErrNotFound) {
		if err == nil {
			err = ErrAccountExists
		}
		return Account{}, err
	}
	now := s.now()
	d := accountDoc{ID: newAccountID(), Name: name, Email: email, EmailVerified: true, Locale: locale,
		Role: RoleMember, Identities: 1, CreatedAt: now, LastSeenAt: now}
	if err := s.insertAccount(ctx, d); err != nil {
		return Account{}, err
	}
	ext := External{Provider: "email", Subject: email, Email: email, EmailVerified: true}
	if err := s.insertIdentity(ctx, identityDoc{ID: ext.identityID(), Provider: ext.Provider, Subject: ext.Subject,
		AccountID: d.ID, Email: email, EmailVerified: true, LinkedAt: now}); err != nil {
		return Account{}, fmt.Errorf("auth: seed identity: %w", err)
	}
	s.joined(ctx, d.ID, d.CreatedAt)
	if err := s.holdVerifiedEmail(ctx, d.ID, ext); err != nil {
		return Account{}, err
	}
	if role == RoleOwner {
		owner, err := s.claimOwner(ctx, d.ID)
		if err != nil {
			return Account{}, err
		}
		if !owner {
			return Account{}, fmt.Errorf("%w: the site already has an owner", ErrForbidden)
		}
	}
	return s.changeRole(ctx, d.account(), RoleMember, role)
}
