package web

import (
	"context"
	"time"

	"fanclub/auth"
	"fanclub/views"
)

// ADAPTER FOR THE LEAD TO WIRE. The insight page was built while its
// figures were written beside it; this stands for the one call that had
// not landed on main when the page did, and reports the section not
// ready, so the page says its figures are not available yet. Replace
// the body, and delete this file.

// premiumView: membership.PremiumFigures(ctx, staff, now, loc), mapped
// to views.InsightPremium: Currency, Members, MRR, LastMonth.Churn and
// ChurnKnown, ARPU and ARPUKnown, LTV and LTVKnown, Trials.Rate and
// RateKnown; Trend → Months, each with Paying = PayingAtStart + New −
// Cancelled, MRR, Churn and ChurnKnown.
func (s *server) premiumView(ctx context.Context, staff auth.Account, now time.Time, loc *time.Location) (views.InsightPremium, error) {
	return views.InsightPremium{}, nil
}
