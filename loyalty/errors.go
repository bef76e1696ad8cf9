package loyalty

import "errors"

var (
	// ErrNotFound means no such account, entry or reward, or one the
	// actor may not see.
	ErrNotFound = errors.New("loyalty: not found")
	// ErrForbidden means the actor may not do this (staff run the
	// programme).
	ErrForbidden = errors.New("loyalty: forbidden")
	// ErrOff means the programme is not turned on.
	ErrOff = errors.New("loyalty: the programme is off")
	// ErrShortOfPoints means the balance does not cover the price.
	ErrShortOfPoints = errors.New("loyalty: not enough points")
	// ErrBusy means a balance kept changing under every attempt: a retry
	// later will do.
	ErrBusy = errors.New("loyalty: the balance is busy")
)

// ValidationError lists what is wrong with an input, field by field, as
// message keys the web layer translates.
type ValidationError map[string]string

func (v ValidationError) Error() string { return "loyalty: invalid input" }

// OrNil returns v as an error when it holds something, else nil.
func (v ValidationError) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
