package auth

import "errors"

// Errors the web layer maps to statuses and messages.
var (
	ErrNotFound        = errors.New("auth: not found")
	ErrForbidden       = errors.New("auth: forbidden")
	ErrUnknownProvider = errors.New("auth: unknown sign-in provider")
	// ErrBadState means an OAuth callback whose state does not match the
	// one kept in the session: forged, replayed or from another browser.
	ErrBadState = errors.New("auth: sign-in state does not match")
	// ErrProviderFailed means the provider refused or failed the exchange.
	ErrProviderFailed = errors.New("auth: the sign-in provider did not complete")
	// ErrSignInCancelled means the provider sent the person back without a
	// code: they cancelled there, or it would not sign them in.
	ErrSignInCancelled = errors.New("auth: sign-in was cancelled at the provider")
	// ErrTokenInvalid means the provider's answer failed verification: an
	// ID token not signed by its keys, from another issuer, for another
	// client, expired or without this round trip's nonce, or userinfo
	// naming another person. Nobody is signed in.
	ErrTokenInvalid = errors.New("auth: the sign-in provider's answer failed verification")
	// ErrIdentityTaken means the identity is linked to another account; it
	// is never moved.
	ErrIdentityTaken = errors.New("auth: this sign-in method belongs to another account")
	// ErrAccountExists means a new sign-in's verified email matches an
	// existing account; it is never merged silently.
	ErrAccountExists = errors.New("auth: an account with this email already exists")
	// ErrLastIdentity refuses to unlink the only way into an account.
	ErrLastIdentity = errors.New("auth: cannot remove the last sign-in method")
	// ErrLastOwner refuses to delete the site's only owner, or take the
	// role from them: a site nobody owns has nobody to appoint its admins.
	ErrLastOwner = errors.New("auth: the site's last owner cannot stop being its owner")
	// ErrLinkInvalid covers an emailed link that is unknown, used or expired.
	ErrLinkInvalid = errors.New("auth: the sign-in link is invalid or expired")
	// ErrRateLimited means too many attempts from this address or for this email.
	ErrRateLimited = errors.New("auth: too many attempts")
)

// ValidationError lists what is wrong with an input, field by field, as
// message keys the web layer translates.
type ValidationError map[string]string

func (v ValidationError) Error() string { return "auth: invalid input" }

// OrNil returns v as an error when it holds something, else nil.
func (v ValidationError) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
