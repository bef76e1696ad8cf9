package membership

import "errors"

var (
	// ErrNotFound means the tier, account or subscription does not exist.
	ErrNotFound = errors.New("membership: not found")
	// ErrForbidden means the actor may not do this (admins manage tiers).
	ErrForbidden = errors.New("membership: forbidden")
	// ErrBillingOff means no Stripe key is configured: nothing can be
	// bought, and tiers with prices cannot be checked.
	ErrBillingOff = errors.New("membership: billing is not set up")
	// ErrNotForSale means the tier has no price for the asked interval.
	ErrNotForSale = errors.New("membership: the tier has no such price")
	// ErrNoCustomer means the account has never been to Checkout, so
	// Stripe has no billing for it to manage.
	ErrNoCustomer = errors.New("membership: no billing for this account")
	// ErrStripe means Stripe refused or could not be reached; the details
	// are in the log.
	ErrStripe = errors.New("membership: Stripe did not answer as expected")
	// ErrBadSignature means a webhook's signature is missing or wrong.
	ErrBadSignature = errors.New("membership: webhook signature is not valid")
	// ErrAPIVersion means a webhook was rendered for another Stripe API
	// version than the one this build reads.
	ErrAPIVersion = errors.New("membership: webhook is in another Stripe API version")
	// ErrMalformedEvent means a webhook is signed but holds no object this
	// build can read (no data, or a field of the wrong type): a retry of
	// the same body would fail the same way.
	ErrMalformedEvent = errors.New("membership: webhook event cannot be read")
)

// ValidationError lists what is wrong with an input, field by field, as
// message keys the page translates.
type ValidationError map[string]string

func (v ValidationError) Error() string { return "membership: invalid input" }

// OrNil returns nil when nothing is wrong.
func (v ValidationError) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
