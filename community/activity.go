package community

import (
	"context"

	"fanclub/auth"
	"fanclub/internal/activity"
)

// engaged notes in the activity record that account took part in kind:
// one more write, and never an error for the action. Callers note it once
// the write that made it so has landed, after the counters that follow
// it, so the record's write does not widen the gap between the two.
func (s *Service) engaged(ctx context.Context, account auth.AccountID, kind activity.Kind) {
	if s.delivery.Activity != nil {
		s.delivery.Activity.Record(ctx, string(account), kind)
	}
}
