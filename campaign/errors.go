package campaign

import "errors"

var (
	// ErrNotFound means no such campaign, or one the actor may not see.
	ErrNotFound = errors.New("campaign: not found")
	// ErrAlreadyToday means the segment already had a campaign today: at
	// most one a segment a day, so members are not flooded.
	ErrAlreadyToday = errors.New("campaign: the segment already had a campaign today")
)

// ValidationError lists what is wrong with an input, field by field, as
// message keys the web layer translates.
type ValidationError map[string]string

func (v ValidationError) Error() string { return "campaign: invalid input" }

// orNil returns v as an error when it holds something, else nil.
func (v ValidationError) orNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
