package membership

import (
	"context"

	"fanclub/internal/activity"
)

// engaged notes in the activity record what an event just stored did to
// a subscription's life, if anything: one more write to the event that
// changed it, made only once that change landed, so a replayed or
// out-of-order event (which stores nothing) notes nothing.
func (s *Service) engaged(ctx context.Context, before, after Subscription) {
	if kind := lifecycle(before, after); kind != "" && s.delivery.Activity != nil {
		s.delivery.Activity.Record(ctx, string(after.Account), kind)
	}
}

// lifecycle is the step in a subscription's life from before (the zero
// value for one not stored yet) to after, for the activity record:
//
//   - Cancel when its cancellation is first heard of: the member asked
//     for it to end with the period, or it ended without having been
//     asked to (refused payments, cancelled at once). Its end at the
//     period's close, after it was asked for, is the same cancellation.
//   - Subscribe when it first goes live (trialing, active or past due):
//     a Checkout whose first payment is still incomplete has not started.
//   - Renew when a live subscription's paid period end moves forward: an
//     invoice paid for a period after the first, a trial converted, or
//     Stripe's own update for the new period — whichever lands first;
//     the others find the period already there.
//
// "" for any other change. Stripe sends several events for one step
// (an update and an invoice for a renewal): only the first changes what
// the step depends on, so each step is noted once.
func lifecycle(before, after Subscription) activity.Kind {
	switch {
	case cancelling(after) && !cancelling(before):
		return activity.Cancel
	case !live(after):
		return ""
	case !started(before):
		return activity.Subscribe
	case !before.PeriodEnd.IsZero() && after.PeriodEnd.After(before.PeriodEnd):
		return activity.Renew
	}
	return ""
}

// cancelling reports whether the subscription is ended or set to end.
func cancelling(s Subscription) bool {
	return s.Status == StatusCanceled || s.CancelAtPeriodEnd
}

// live reports whether the subscription is under way: trialing, paid for,
// or being retried.
func live(s Subscription) bool {
	return s.Status == StatusTrialing || s.Status == StatusActive || s.Status == StatusPastDue
}

// started reports whether the subscription had gone live: anything but
// not stored yet, or a first payment not made.
func started(s Subscription) bool {
	switch s.Status {
	case "", StatusIncomplete, StatusIncompleteExpired:
		return false
	}
	return true
}
