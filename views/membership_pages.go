package views

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"fanclub/membership"
)

// Pricing is the pricing page: the free tier and every tier, the
// viewer's current one marked (the viewer's entitlement is in Chrome).
type Pricing struct {
	Chrome    Chrome
	Tiers     []membership.Tier // lowest rank first
	BillingOn bool
	// Webhook is the endpoint to give Stripe, for the setup help that
	// staff see while billing is off.
	Webhook string
}

// Welcome is where Checkout returns after a payment: the webhook that
// grants the tier may not have come yet.
type Welcome struct {
	Chrome Chrome
}

// CheckoutCancelled is where Checkout returns when the member gave up.
type CheckoutCancelled struct {
	Chrome Chrome
}

// AdminTiers lists the tiers for staff.
type AdminTiers struct {
	Chrome    Chrome
	Tiers     []membership.Tier
	BillingOn bool
}

// TierForm creates a tier (Key "") or edits the tier named Key.
type TierForm struct {
	Chrome Chrome
	Key    string
	Input  membership.TierInput // as typed, kept on error
	Errors map[string]string    // field → catalog key
}

// Subscribers is the staff's list of subscriptions and comps with the
// month's figures, and the form that grants a comp.
type Subscribers struct {
	Chrome Chrome
	Rows   []SubscriberRow
	Stats  membership.Stats
	Filter membership.SubscriberFilter
	Tiers  []membership.Tier
	Comp   membership.CompInput // the grant form as typed, kept on error
	Errors map[string]string    // the grant form's field → catalog key
}

// SubscriberRow is one subscriber with the account behind it.
type SubscriberRow struct {
	membership.Subscriber
	Name, Email string
	Known       bool // false when no live account has the id
	TierName    string
}

// SubscriberStatuses are the filter's choices: Stripe's statuses, and
// "comp" for memberships staff granted.
var SubscriberStatuses = []string{"active", "trialing", "past_due", "unpaid", "incomplete", "canceled", "comp"}

// zeroDecimal are the currencies Stripe counts in whole units
// (https://docs.stripe.com/currencies#zero-decimal).
var zeroDecimal = map[string]bool{"bif": true, "clp": true, "djf": true, "gnf": true, "jpy": true, "kmf": true,
	"krw": true, "mga": true, "pyg": true, "rwf": true, "ugx": true, "vnd": true, "vuv": true, "xaf": true,
	"xof": true, "xpf": true}

var currencySign = map[string]string{"usd": "$", "krw": "₩", "eur": "€", "gbp": "£", "jpy": "¥"}

// Money formats an amount in a currency's smallest unit: ₩9,900 (9,900원
// in Korean), $20.00, or "CHF 12.50" for a currency without a sign here.
func Money(locale string, amount int64, currency string) string {
	currency = strings.ToLower(currency)
	neg := amount < 0
	if neg {
		amount = -amount
	}
	num := groupThousands(amount)
	if !zeroDecimal[currency] {
		num = groupThousands(amount/100) + "." + twoDigits(amount%100)
	}
	if neg {
		num = "-" + num
	}
	if currency == "krw" && locale == "ko" {
		return num + "원"
	}
	if sign, ok := currencySign[currency]; ok {
		return sign + num
	}
	return strings.ToUpper(currency) + " " + num
}

func groupThousands(n int64) string {
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// priceText is a price with its period: "$20.00 per month", "every 3
// months", from what Stripe said of the price.
func priceText(ctx context.Context, p membership.Price) string {
	amount := Money(LocaleOf(ctx), p.Amount, p.Currency)
	interval := p.Interval
	switch interval {
	case "day", "week", "month", "year":
	default:
		interval = "month"
	}
	if p.IntervalCount > 1 {
		return T(ctx, "pricing.every."+interval, "price", amount, "n", strconv.FormatInt(p.IntervalCount, 10))
	}
	return T(ctx, "pricing.per."+interval, "price", amount)
}

// dateIn is a date in the viewer's zone (UTC when unknown).
func dateIn(ch Chrome, t time.Time) string {
	loc := ch.Zone
	if loc == nil {
		loc = time.UTC
	}
	return DateOf(ch.Locale, t.In(loc))
}

// lastDay is the last day of a comp, which ends as that day does: its
// end is the next midnight.
func lastDay(ch Chrome, end time.Time) string { return dateIn(ch, end.Add(-time.Second)) }

// planText says why and until when the viewer holds their tier.
func planText(ctx context.Context, ch Chrome) string {
	e := ch.Entitlement
	date := dateIn(ch, e.Until)
	switch e.Source {
	case membership.SourcePaid:
		if e.Renews {
			return T(ctx, "pricing.plan.renews", "date", date)
		}
		return T(ctx, "pricing.plan.ends", "date", date)
	case membership.SourceTrial:
		return T(ctx, "pricing.plan.trial", "date", date)
	case membership.SourceGrace:
		return T(ctx, "pricing.plan.grace", "date", date)
	case membership.SourceComp, membership.SourceGift:
		if e.Until.IsZero() {
			return T(ctx, "pricing.plan."+string(e.Source)+"_forever")
		}
		return T(ctx, "pricing.plan."+string(e.Source), "date", lastDay(ch, e.Until))
	case membership.SourceReward:
		return T(ctx, "loyalty_rewards.plan", "date", lastDay(ch, e.Until))
	case membership.SourceGrade:
		return T(ctx, "loyalty.plan_grade")
	}
	return T(ctx, "pricing.plan.free")
}

// currentTier reports whether the viewer holds tier key ("" is free).
func currentTier(ch Chrome, key string) bool {
	return ch.SignedIn() && ch.Entitlement.Tier.Key == key
}

// sortedCurrencies lists the MRR's currencies in a stable order.
func sortedCurrencies(mrr map[string]int64) []string { return slices.Sorted(maps.Keys(mrr)) }

// sourceKey names why a subscriber has (or had) their tier.
func sourceKey(s membership.Source) string {
	if s == membership.SourceNone {
		return "subscribers.source.none"
	}
	return "subscribers.source." + string(s)
}

// subscriberDate says when a row renews or ends.
func subscriberDate(ctx context.Context, ch Chrome, r SubscriberRow) string {
	switch {
	case r.Date.IsZero():
		return T(ctx, "subscribers.no_end")
	case r.Renews:
		return T(ctx, "subscribers.renews", "date", dateIn(ch, r.Date))
	case r.Subscription == "": // a comp
		return T(ctx, "subscribers.until", "date", lastDay(ch, r.Date))
	}
	return T(ctx, "subscribers.until", "date", dateIn(ch, r.Date))
}

// tierFormAction is where the tier form posts.
func tierFormAction(p TierForm) string {
	if p.Key == "" {
		return "/admin/tiers"
	}
	return "/admin/tiers/" + p.Key
}

// subscriptionURL is the subscription's page in Stripe's dashboard.
func subscriptionURL(id string) string { return "https://dashboard.stripe.com/subscriptions/" + id }
