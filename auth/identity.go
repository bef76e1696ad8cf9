package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fanclub/internal/mongodb"
)

// Identity is one sign-in method linked to an account: a provider's
// subject, or an email address proven by a link.
type Identity struct {
	ID            string // provider + ":" + subject; unique by construction
	Provider      string // "google", "github", "kakao", "naver", "oidc", "email"
	Subject       string
	AccountID     AccountID
	Email         string
	EmailVerified bool
	AvatarURL     string
	LinkedAt      time.Time
}

// ProviderInfo names a configured sign-in method for the sign-in page.
type ProviderInfo struct {
	ID   string // as in the URL: /auth/{ID}
	Name string // shown on the button
}

// External is what a provider (or a used email link) says about a person.
type External struct {
	Provider      string
	Subject       string
	Email         string // lower-cased
	EmailVerified bool   // only a provider's explicit word makes this true
	Name          string
	AvatarURL     string
}

func (e External) identityID() string { return e.Provider + ":" + e.Subject }

// SignIn returns the account that ext signs into, creating one for a new
// person. A new identity whose verified email is one of an existing
// account's verified emails (its primary one, or any its sign-in methods
// vouch for) is refused with ErrAccountExists rather than merged: the
// person signs in the old way and links this one in settings. An
// unverified email never matches anything.
func (s *Service) SignIn(ctx context.Context, ext External) (Account, error) {
	a, _, err := s.signIn(ctx, ext)
	return a, err
}

// signIn is SignIn, also reporting whether it created the account.
func (s *Service) signIn(ctx context.Context, ext External) (Account, bool, error) {
	ident, err := s.findIdentity(ctx, ext.identityID())
	if err == nil {
		if err := s.identitySeen(ctx, ident, ext); err != nil {
			return Account{}, false, err
		}
		a, err := s.findAccount(ctx, ident.AccountID)
		if !errors.Is(err, ErrNotFound) {
			return a.account(), false, err
		}
		// The identity outlived a deleted account (a link that raced the
		// deletion): drop it, and this person starts afresh.
		if _, err := s.deleteIdentity(ctx, ident.AccountID, ident.ID); err != nil {
			return Account{}, false, err
		}
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Account{}, false, err
	}
	if ext.EmailVerified && ext.Email != "" {
		_, err := s.findAccountByVerifiedEmail(ctx, ext.Email)
		if err == nil {
			return Account{}, false, ErrAccountExists
		}
		if !errors.Is(err, ErrNotFound) {
			return Account{}, false, err
		}
	}
	return s.createAccount(ctx, ext)
}

// createAccount makes an account for ext, reporting false when another
// request made it first and that one is returned.
func (s *Service) createAccount(ctx context.Context, ext External) (Account, bool, error) {
	now := s.now()
	d := accountDoc{ID: newAccountID(), Name: defaultName(ext), Role: RoleMember,
		AvatarURL: ext.AvatarURL, Identities: 1, CreatedAt: now, LastSeenAt: now}
	if ext.Email != "" {
		d.Email, d.EmailVerified = ext.Email, ext.EmailVerified
	}
	if err := s.insertAccount(ctx, d); err != nil {
		return Account{}, false, err
	}
	err := s.insertIdentity(ctx, identityDoc{ID: ext.identityID(), Provider: ext.Provider, Subject: ext.Subject,
		AccountID: d.ID, Email: ext.Email, EmailVerified: ext.EmailVerified, AvatarURL: ext.AvatarURL, LinkedAt: now})
	if mongodb.IsDuplicateKey(err) {
		// The same person signed in twice at once and the other request
		// won: drop this account and use theirs.
		if _, err := s.eraseAccount(ctx, d.ID); err != nil {
			return Account{}, false, err
		}
		a, err := s.SignIn(ctx, ext)
		return a, false, err
	}
	if err != nil {
		return Account{}, false, fmt.Errorf("auth: insert identity: %w", err)
	}
	s.joined(ctx, d.ID, d.CreatedAt) // the account can be signed into: it has joined
	if err := s.holdVerifiedEmail(ctx, d.ID, ext); err != nil {
		return Account{}, false, err
	}
	// Claimed only once the account can be signed into, so the owner is
	// never an account that failed half-way.
	owner, err := s.claimOwner(ctx, d.ID)
	if err != nil {
		return Account{}, false, err
	}
	if owner {
		if _, err := s.changeRole(ctx, d.account(), RoleMember, RoleOwner); err != nil {
			return Account{}, false, err
		}
		d.Role = RoleOwner
	}
	s.log.InfoContext(ctx, "account created", "account", d.ID, "provider", ext.Provider, "owner", owner)
	return d.account(), true, nil
}

// defaultName is the display name a new account starts with.
func defaultName(ext External) string {
	if n := cleanName(ext.Name); n != "" {
		return n
	}
	if local, _, ok := strings.Cut(ext.Email, "@"); ok && cleanName(local) != "" {
		return cleanName(local)
	}
	return "member"
}

// Link adds ext as a sign-in method of account a. An identity already
// linked to another account is refused with ErrIdentityTaken and stays
// where it is; linking one already on a is a no-op.
func (s *Service) Link(ctx context.Context, a AccountID, ext External) error {
	if _, err := s.findAccount(ctx, a); err != nil {
		return err
	}
	err := s.insertIdentity(ctx, identityDoc{ID: ext.identityID(), Provider: ext.Provider, Subject: ext.Subject,
		AccountID: a, Email: ext.Email, EmailVerified: ext.EmailVerified, AvatarURL: ext.AvatarURL, LinkedAt: s.now()})
	if mongodb.IsDuplicateKey(err) {
		ident, ferr := s.findIdentity(ctx, ext.identityID())
		if ferr != nil {
			return ferr
		}
		if ident.AccountID != a {
			return ErrIdentityTaken
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: link identity: %w", err)
	}
	if err := s.holdVerifiedEmail(ctx, a, ext); err != nil {
		return err
	}
	return s.incIdentities(ctx, a, 1)
}

// Unlink removes a sign-in method from account a, never the last one. The
// count is decremented first, conditionally, so two unlinks at once cannot
// both pass the check and leave the account with no way in.
func (s *Service) Unlink(ctx context.Context, a AccountID, identityID string) error {
	ident, err := s.findIdentity(ctx, identityID)
	if err != nil || ident.AccountID != a {
		return ErrNotFound
	}
	if err := s.incIdentities(ctx, a, -1); err != nil {
		return err
	}
	deleted, err := s.deleteIdentity(ctx, a, identityID)
	if err != nil || !deleted {
		if rerr := s.incIdentities(ctx, a, 1); rerr != nil {
			return rerr
		}
		if err == nil {
			err = ErrNotFound
		}
		return err
	}
	if ident.EmailVerified {
		return s.recheckVerifiedEmail(ctx, a, ident.Email)
	}
	return nil
}

// Identities lists account a's sign-in methods, oldest first.
func (s *Service) Identities(ctx context.Context, a AccountID) ([]Identity, error) {
	ds, err := s.accountIdentities(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]Identity, len(ds))
	for i, d := range ds {
		out[i] = d.identity()
	}
	return out, nil
}

// Outcome is where a finished sign-in round trip leaves the browser:
// signed in as Account, or, when Linked, still signed in as before with
// one more sign-in method on its account.
type Outcome struct {
	Account Account
	Linked  bool
	// Created is true when this sign-in made the account: a newcomer.
	Created bool
}

// finish signs in with ext, or links it to the session's account when the
// round trip was started for linking. A link is only ever made to the
// account signed in on this very session.
func (s *Service) finish(ctx context.Context, sess Session, ext External, linkTo AccountID) (Outcome, error) {
	if linkTo == "" {
		a, created, err := s.signIn(ctx, ext)
		return Outcome{Account: a, Created: created}, err
	}
	if sess.AccountID != linkTo {
		return Outcome{}, ErrForbidden
	}
	if err := s.Link(ctx, linkTo, ext); err != nil {
		return Outcome{}, err
	}
	a, err := s.AccountByID(ctx, linkTo)
	return Outcome{Account: a, Linked: true}, err
}

// SignInMethods is what the settings page shows about sign-in methods.
type SignInMethods struct {
	Identities []Identity
	Linkable   []ProviderInfo // configured providers not linked yet
	Avatars    []string       // avatars the identities reported, once each
}

// Methods lists account a's sign-in methods, the providers it could still
// link and the avatars it may choose from.
func (s *Service) Methods(ctx context.Context, a AccountID) (SignInMethods, error) {
	ids, err := s.Identities(ctx, a)
	if err != nil {
		return SignInMethods{}, err
	}
	m := SignInMethods{Identities: ids}
	linked := map[string]bool{}
	for _, id := range ids {
		linked[id.Provider] = true
		if id.AvatarURL != "" && !slices.Contains(m.Avatars, id.AvatarURL) {
			m.Avatars = append(m.Avatars, id.AvatarURL)
		}
	}
	for _, p := range s.providers {
		if !linked[p.info.ID] {
			m.Linkable = append(m.Linkable, p.info)
		}
	}
	return m, nil
}
