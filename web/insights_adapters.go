package web

import (
	"context"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/views"
)

// ADAPTERS FOR THE LEAD TO WIRE. The insight page was built while its
// figures were written beside it. Each function here stands for one
// domain call that had not landed on main when the page did; each
// reports "not ready" (false, or Ready false), and the page then says of
// that section that its figures are not available yet. Replace each body
// with the call named in its comment (the signatures are those agreed,
// or as close as could be guessed), and delete this file when all are.

// membersFigures: activity.MembersFigures(rows, today).
func membersFigures(rows []activity.Rollup, today activity.Day) (activity.Members, bool) {
	return activity.Members{}, false
}

// cohortFigures: activity.Cohorts(rows, today).
func cohortFigures(rows []activity.Rollup, today activity.Day) ([]activity.Cohort, bool) {
	return nil, false
}

// repeatFigures: activity.RepeatRate(rows, today).
func repeatFigures(rows []activity.Rollup, today activity.Day) (activity.Repeat, bool) {
	return activity.Repeat{}, false
}

// atRiskFigures: activity.AtRisk(rows, today).
func atRiskFigures(rows []activity.Rollup, today activity.Day) ([]activity.AtRiskMember, bool) {
	return nil, false
}

// segmentFigures: activity.SegmentCounts(rows, today, premium), premium
// being the accounts holding a paid or granted tier now (premiumSet).
func segmentFigures(rows []activity.Rollup, today activity.Day, premium map[string]bool) ([]activity.SegmentCount, bool) {
	return nil, false
}

// trueFanRule: views.TrueFanRule{Weeks: activity.TrueFanWeeks, Of:
// activity.TrueFanOf, Kinds: activity.TrueFanKinds, Days:
// activity.TrueFanPremiumDays}, the numbers as agreed until then.
func trueFanRule() views.TrueFanRule { return views.TrueFanRule{Weeks: 8, Of: 12, Kinds: 2, Days: 30} }

// premiumView: membership.PremiumFigures(ctx, staff, now, loc), mapped
// to views.InsightPremium (Members, MRR, LastMonth.Churn, ARPU, LTV,
// Trials.Rate; Trend → Months with Paying = PayingAtStart + New −
// Cancelled).
func (s *server) premiumView(ctx context.Context, staff auth.Account, now time.Time, loc *time.Location) (views.InsightPremium, error) {
	return views.InsightPremium{}, nil
}

// heardView: community.HeardFigures(ctx, a, now, loc), mapped to
// views.InsightHeard.
func (s *server) heardView(ctx context.Context, a community.Actor, now time.Time, loc *time.Location) (views.InsightHeard, error) {
	return views.InsightHeard{}, nil
}

// eventsView: community.EventFigures(ctx, a, now) for the last ten
// events, and the members who came to two or more, mapped to
// views.InsightEvents.
func (s *server) eventsView(ctx context.Context, a community.Actor, now time.Time, loc *time.Location) (views.InsightEvents, error) {
	return views.InsightEvents{}, nil
}
