package community

import (
	"errors"
	"maps"
	"slices"
)

// Errors the web layer maps to statuses and messages.
var (
	// ErrNotFound covers what does not exist and what the actor may not
	// know exists: an unlisted group, a private group's content, a ban.
	ErrNotFound = errors.New("community: not found")
	// ErrForbidden means the actor can see the thing but not do this to it.
	ErrForbidden = errors.New("community: forbidden")
	// ErrSignInRequired means the action needs a signed-in account.
	ErrSignInRequired = errors.New("community: sign in required")
	// ErrMuted means a moderator muted the actor in this group for now.
	ErrMuted = errors.New("community: muted in this group")
	// ErrLocked means the post takes no more comments.
	ErrLocked = errors.New("community: comments are locked")
	// ErrRateLimited means the actor posted too much too fast.
	ErrRateLimited = errors.New("community: posting too fast")
	// ErrVotingTooFast means the actor voted and unvoted too often too fast.
	ErrVotingTooFast = errors.New("community: voting too fast")
	// ErrGone means the target was deleted, e.g. a report on a removed post.
	ErrGone = errors.New("community: already deleted")
	// ErrInviteInvalid covers an invitation link that is unknown, used up,
	// expired or revoked.
	ErrInviteInvalid = errors.New("community: invitation invalid or expired")
	// ErrTierRequired means the group needs a tier the actor does not have.
	ErrTierRequired = errors.New("community: a higher tier is required")
	// ErrConflict means the state changed under the request, e.g. approving
	// a request someone else already declined.
	ErrConflict = errors.New("community: state changed")
	// ErrEventCancelled means the event was called off: nothing about it
	// changes any more.
	ErrEventCancelled = errors.New("community: event cancelled")
	// ErrRSVPClosed means answers are closed: past the deadline, or the
	// event has started.
	ErrRSVPClosed = errors.New("community: rsvps closed")
)

// ValidationError lists what is wrong with an input, field by field, as
// message keys the web layer translates.
type ValidationError map[string]string

func (v ValidationError) Error() string { return "community: invalid input" }

// OrNil returns v as an error when it holds something, else nil.
func (v ValidationError) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// First returns the message of the first field by name, for a page that
// shows one message.
func (v ValidationError) First() string {
	keys := slices.Sorted(maps.Keys(v))
	if len(keys) == 0 {
		return ""
	}
	return v[keys[0]]
}
