package auth

import (
	"context"
	"errors"
)

// An account's verified emails are its primary email when verified, and
// every email one of its identities reports as verified: an address added
// in settings with an emailed link, or one a linked provider vouches for.
// A new sign-in whose verified email is any of them is asked to link
// rather than given a second account. The account_emails collection,
// keyed by the email, says which accounts hold it, so that question is one
// _id lookup; the writes below keep it in step with accounts and
// identities.

// holdVerifiedEmail records that account a holds ext's email, if ext's
// provider verified it.
func (s *Service) holdVerifiedEmail(ctx context.Context, a AccountID, ext External) error {
	if !ext.EmailVerified || ext.Email == "" {
		return nil
	}
	return s.addAccountEmail(ctx, ext.Email, a)
}

// recheckVerifiedEmail forgets that account a holds email unless its
// primary email or one of its identities still vouches for it: called
// after an identity that reported it went or changed.
func (s *Service) recheckVerifiedEmail(ctx context.Context, a AccountID, email string) error {
	if email == "" {
		return nil
	}
	acc, err := s.findAccount(ctx, a)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if err == nil && acc.EmailVerified && acc.Email == email {
		return nil
	}
	ids, err := s.accountIdentities(ctx, a)
	if err != nil {
		return err
	}
	for _, d := range ids {
		if d.EmailVerified && d.Email == email {
			return nil
		}
	}
	return s.dropAccountEmail(ctx, email, a)
}

// identitySeen records what a returning identity's provider says now and
// keeps the account's verified emails in step when that changed.
func (s *Service) identitySeen(ctx context.Context, ident identityDoc, ext External) error {
	if err := s.updateIdentitySeen(ctx, ident.ID, ext.Email, ext.EmailVerified, ext.AvatarURL); err != nil {
		return err
	}
	if ident.Email == ext.Email && ident.EmailVerified == ext.EmailVerified {
		return nil
	}
	if err := s.holdVerifiedEmail(ctx, ident.AccountID, ext); err != nil {
		return err
	}
	if ident.EmailVerified {
		return s.recheckVerifiedEmail(ctx, ident.AccountID, ident.Email)
	}
	return nil
}

// BackfillAccountEmails records the verified emails of the accounts and
// identities stored before account_emails existed. It is idempotent.
func (s *Service) BackfillAccountEmails(ctx context.Context) error {
	return s.eachVerifiedEmail(ctx, func(email string, a AccountID) error {
		return s.addAccountEmail(ctx, email, a)
	})
}
