package membership

import (
	"context"
	"maps"
	"slices"
	"time"

	"fanclub/auth"
)

// Premium is what paid membership earns and keeps, for the brand's
// insight page. It is worked out from the subscriptions as stored from
// Stripe's webhooks (comps are given, not paid, and never count), at one
// instant, with months being calendar months in the site's time zone.
//
// Every figure follows from when each subscription billed (its paid
// span, see paidSpan):
//
//   - Paying now: a subscription whose paid span holds the instant,
//     which is one Stripe bills now (active or past due; a trial is not
//     paying). Members counts the distinct accounts holding one.
//   - MRR: the monthly amounts (a yearly price spread over twelve months)
//     of the paying subscriptions, per currency, at today's prices: the
//     site keeps each subscription's current price, not its history.
//   - ARPU: MRR in the main currency ÷ the members paying in it.
//   - Lifetime value: ARPU ÷ last month's churn rate (the churn counts
//     subscriptions in every currency), worked out exactly and rounded
//     once.
//   - Trial conversion: see TrialConversion.
//
// A ratio without a meaning (nothing to divide by, or a churn of zero
// for the lifetime value) is 0 with its Known flag false: never NaN or
// infinity. Amounts are in the currency's smallest unit (won, cents),
// rounded half away from zero.
type Premium struct {
	At time.Time // the instant the figures are for
	// Currency is the main currency: the one most paying subscriptions
	// bill in (with none paying, the one most subscriptions ever did;
	// ties go to the first name), "" when there is no subscription at
	// all. MRR, ARPU, LTV and the trend's MRR are in it.
	Currency      string
	MRR           int64
	MRRByCurrency map[string]int64 // every currency paid in now, the main one too
	Members       int              // distinct accounts paying now
	Subscriptions int              // subscriptions paying now (a member may hold two)
	ARPU          int64
	ARPUKnown     bool // false when no member pays in Currency
	LTV           int64
	LTVKnown      bool         // false without an ARPU, or when last month's churn is unknown or zero
	LastMonth     PremiumMonth // the last complete month (Trend[10])
	ThisMonth     PremiumMonth // the current month so far (Trend[11])
	Trials        TrialConversion
	// Trend is the last twelve months, oldest first; the last one is
	// the current month, up to At.
	Trend []PremiumMonth
	// Partial is set when the site holds more subscriptions than one
	// read takes (maxFigureSubs): the figures then miss some.
	Partial bool
}

// PremiumMonth is one calendar month of paid membership. It counts
// subscriptions, across currencies, so that each month's paying at start
// + new − cancelled is the next month's paying at start.
type PremiumMonth struct {
	Start time.Time // the month's first instant, in the site's zone
	// PayingAtStart counts the subscriptions paying as the month began
	// (a subscription that starts paying at the very first instant is
	// new in the month instead).
	PayingAtStart int
	New           int // subscriptions that started paying in the month: a paid start, or a trial's end that became paying
	// Cancelled counts the paying subscriptions that stopped paying in
	// the month: cancelled (at Stripe's end of the subscription), or left
	// unpaid after failed payments. A trial cancelled before it billed is
	// not one: it never paid.
	Cancelled int
	MRR       int64 // in Premium.Currency, as the month ended (the current month: at Premium.At)
	// Churn is the monthly churn rate: Cancelled ÷ PayingAtStart. For
	// the current month it is the churn so far.
	Churn      float64
	ChurnKnown bool // false when nobody paid as the month began
}

// TrialWindow is how far back trial conversion looks.
const TrialWindow = 90 * 24 * time.Hour

// TrialConversion is the share of trials that became paying, among the
// trials that ended in the TrialWindow before Premium.At. A trial ends at
// its trial end, or when it was cancelled if that came first; one that
// Stripe still calls trialing has not been decided and is left out. It
// converted if Stripe went on billing it after the trial (its current
// period runs past the trial's end): a trial cancelled at its end, or one
// paused for want of a payment method, did not.
type TrialConversion struct {
	Since     time.Time // the window's start; its end is Premium.At
	Ended     int
	Converted int
	Rate      float64 // Converted ÷ Ended
	RateKnown bool    // false when no trial ended in the window
}

// PremiumFigures works out the premium figures at now, with months
// counted in loc. Staff only.
//
// It needs every subscription: on the embedded store they are kept in
// memory (premiumIndex says why and how), on MongoDB read once per call
// as small projected documents.
func (s *Service) PremiumFigures(ctx context.Context, a auth.Account, now time.Time, loc *time.Location) (Premium, error) {
	if err := requireStaff(a); err != nil {
		return Premium{}, err
	}
	subs, partial, err := s.premiumSubs(ctx)
	if err != nil {
		return Premium{}, err
	}
	p := premiumOf(subs, now, loc)
	p.Partial = partial
	if partial {
		s.log.WarnContext(ctx, "premium figures miss subscriptions past the read's bound", "bound", maxFigureSubs)
	}
	return p, nil
}

// span is when one subscription paid: from from (exclusive) to until
// (inclusive; zero while it still pays).
type span struct {
	from, until time.Time
	sub         *Subscription
}

// payingAt reports whether the span holds t. The ends are chosen so that
// a month's paying at start + new − cancelled is exactly the paying at
// its end: a subscription starting at t is new from t on, one ending at t
// still paid until then.
func (p span) payingAt(t time.Time) bool {
	return p.from.Before(t) && (p.until.IsZero() || !p.until.Before(t))
}

// paidSpan is when Stripe billed sub, read from what the webhook stores
// (webhook.go): StartedAt is Stripe's start_date, which for a trial is
// the trial's start, and a trial that converts keeps its TrialEnd while
// its status becomes active. So paying starts at TrialEnd if there was
// a trial, else at StartedAt, and:
//
//   - active, past_due: still paying;
//   - canceled: paid until CanceledAt (Stripe's ended_at), if it billed
//     at all: it ended after its trial and its period ran past the
//     trial (a trial cancelled at its end keeps the trial as its period);
//   - unpaid (Stripe gave up on failed payments): as canceled, up to the
//     first failed payment (PastDueSince), or else the last change stored
//     (UpdatedAt), which later events for it would move;
//   - trialing, incomplete, incomplete_expired, paused: never paid
//     (Stripe pauses only a trial that ended without a payment method).
func paidSpan(sub *Subscription) (span, bool) {
	sp := span{from: sub.StartedAt, sub: sub}
	if !sub.TrialEnd.IsZero() {
		sp.from = sub.TrialEnd
	}
	switch sub.Status {
	case StatusActive, StatusPastDue:
		return sp, true
	case StatusCanceled:
		sp.until = sub.CanceledAt
	case StatusUnpaid:
		sp.until = sub.PastDueSince
		if sp.until.IsZero() {
			sp.until = sub.UpdatedAt
		}
	default:
		return span{}, false
	}
	billed := sp.until.After(sp.from) && (sub.TrialEnd.IsZero() || sub.PeriodEnd.After(sub.TrialEnd))
	return sp, billed
}

// premiumOf works out the figures from every subscription, which it
// only reads.
func premiumOf(subs []Subscription, now time.Time, loc *time.Location) Premium {
	var spans []span
	for i := range subs {
		if sp, ok := paidSpan(&subs[i]); ok {
			spans = append(spans, sp)
		}
	}
	p := Premium{At: now, MRRByCurrency: map[string]int64{}, Currency: mainCurrency(subs, spans, now)}
	members, mainMembers := map[auth.AccountID]bool{}, map[auth.AccountID]bool{}
	for _, sp := range spans {
		if !sp.payingAt(now) {
			continue
		}
		p.Subscriptions++
		p.MRRByCurrency[sp.sub.Currency] += sp.sub.MonthlyAmount
		members[sp.sub.Account] = true
		if sp.sub.Currency == p.Currency {
			mainMembers[sp.sub.Account] = true
		}
	}
	p.Members, p.MRR = len(members), p.MRRByCurrency[p.Currency]
	if n := len(mainMembers); n > 0 {
		p.ARPU, p.ARPUKnown = divRound(p.MRR, int64(n)), true
	}

	y, m, _ := now.In(loc).Date()
	for k := 11; k >= 0; k-- {
		start, end := time.Date(y, m-time.Month(k), 1, 0, 0, 0, 0, loc), time.Date(y, m-time.Month(k)+1, 1, 0, 0, 0, 0, loc)
		p.Trend = append(p.Trend, monthOf(spans, p.Currency, start, minTime(end, now)))
	}
	p.LastMonth, p.ThisMonth = p.Trend[10], p.Trend[11]
	if last := p.LastMonth; p.ARPUKnown && last.Cancelled > 0 && last.PayingAtStart > 0 {
		// (MRR ÷ members) ÷ (cancelled ÷ paying at start), in integers:
		// exact, where a float would round 37 187.5 down.
		p.LTV = divRound(p.MRR*int64(last.PayingAtStart), int64(len(mainMembers))*int64(last.Cancelled))
		p.LTVKnown = true
	}
	p.Trials = trialsOf(subs, now)
	return p
}

// monthOf is the month from start to end (now, for the current month).
func monthOf(spans []span, currency string, start, end time.Time) PremiumMonth {
	pm := PremiumMonth{Start: start}
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(start) && t.Before(end) }
	for _, sp := range spans {
		if sp.payingAt(start) {
			pm.PayingAtStart++
		}
		if in(sp.from) {
			pm.New++
		}
		if in(sp.until) {
			pm.Cancelled++
		}
		if sp.sub.Currency == currency && sp.payingAt(end) {
			pm.MRR += sp.sub.MonthlyAmount
		}
	}
	if pm.PayingAtStart > 0 {
		pm.Churn, pm.ChurnKnown = float64(pm.Cancelled)/float64(pm.PayingAtStart), true
	}
	return pm
}

// trialsOf is the conversion of the trials that ended in the window
// before now.
func trialsOf(subs []Subscription, now time.Time) TrialConversion {
	tc := TrialConversion{Since: now.Add(-TrialWindow)}
	for i := range subs {
		sub := &subs[i]
		if sub.TrialEnd.IsZero() || sub.Status == StatusTrialing {
			continue
		}
		ended := sub.TrialEnd
		if sub.Status == StatusCanceled && !sub.CanceledAt.IsZero() {
			ended = minTime(ended, sub.CanceledAt)
		}
		if ended.Before(tc.Since) || !ended.Before(now) {
			continue
		}
		tc.Ended++
		if _, paid := paidSpan(sub); paid {
			tc.Converted++
		}
	}
	if tc.Ended > 0 {
		tc.Rate, tc.RateKnown = float64(tc.Converted)/float64(tc.Ended), true
	}
	return tc
}

// mainCurrency is the currency most subscriptions paying now bill in;
// with none paying, the one most subscriptions ever did.
func mainCurrency(subs []Subscription, spans []span, now time.Time) string {
	count := map[string]int{}
	for _, sp := range spans {
		if sp.payingAt(now) {
			count[sp.sub.Currency]++
		}
	}
	if len(count) == 0 {
		for _, sub := range subs {
			if sub.Currency != "" {
				count[sub.Currency]++
			}
		}
	}
	best := ""
	for _, c := range slices.Sorted(maps.Keys(count)) {
		if best == "" || count[c] > count[best] {
			best = c
		}
	}
	return best
}

// divRound is n ÷ d rounded half away from zero, for n ≥ 0 and d > 0.
func divRound(n, d int64) int64 { return (2*n + d) / (2 * d) }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
