package community

import (
	"context"
	"errors"
	"time"

	"fanclub/auth"
	"fanclub/internal/ratelimit"
)

// ErrRenamingTooFast means the account changed its name or avatar too
// often lately.
var ErrRenamingTooFast = errors.New("community: renaming too fast")

// renameLimit bounds how often one account changes its name or avatar:
// each change rewrites every copy of them (RenameAccount), a scan of
// several collections on the embedded store.
var renameLimit = limit{"rename-hour:", ratelimit.Rule{Max: 5, Window: time.Hour}}

// AllowRename counts a change of the account's name or avatar, and
// returns ErrRenamingTooFast when it comes too soon after others.
func (s *Service) AllowRename(ctx context.Context, who auth.Account) error {
	return s.allow(ctx, Actor{Account: who}, ErrRenamingTooFast, renameLimit)
}

// allowVote applies the per-account voting limits: a script voting and
// taking its vote back is stopped before it costs a vote's writes.
func (s *Service) allowVote(ctx context.Context, a Actor) error {
	return s.allow(ctx, a, ErrVotingTooFast, limit{"vote-min:", s.limits.VotesPerMinute}, limit{"vote-day:", s.limits.VotesPerDay})
}

// limit is a rule counted under a key prefix, per account.
type limit struct {
	key  string
	rule ratelimit.Rule
}

// allow counts one attempt of the actor against each limit, and returns
// refused when one is spent.
func (s *Service) allow(ctx context.Context, a Actor, refused error, limits ...limit) error {
	for _, l := range limits {
		ok, err := s.limiter.Allow(ctx, l.key+string(a.ID()), l.rule)
		if err != nil {
			return err
		}
		if !ok {
			return refused
		}
	}
	return nil
}
