package stripemock

import "time"

// Sub describes a Stripe subscription for a test event; Object renders
// the JSON Stripe sends (API version 2023-10-16), with the fields the
// site reads.
type Sub struct {
	ID, Customer, Account, Price string
	Status                       string // active when empty
	Amount                       int64  // unit amount; 9900 when zero
	Currency                     string // krw when empty
	Interval                     string // month when empty
	PeriodEnd, TrialEnd          time.Time
	CancelAtPeriodEnd            bool
	Start                        time.Time
}

// Object is the subscription as Stripe's JSON.
func (s Sub) Object() map[string]any {
	if s.Status == "" {
		s.Status = "active"
	}
	if s.Amount == 0 {
		s.Amount = 9900
	}
	if s.Currency == "" {
		s.Currency = "krw"
	}
	if s.Interval == "" {
		s.Interval = "month"
	}
	meta := map[string]any{}
	if s.Account != "" {
		meta["account"] = s.Account
	}
	obj := map[string]any{
		"id": s.ID, "object": "subscription", "customer": s.Customer, "status": s.Status, "metadata": meta,
		"current_period_end": unix(s.PeriodEnd), "current_period_start": unix(s.Start), "start_date": unix(s.Start),
		"trial_end": unix(s.TrialEnd), "cancel_at_period_end": s.CancelAtPeriodEnd, "livemode": false,
		"items": map[string]any{"object": "list", "data": []any{map[string]any{
			"id": "si_" + s.ID, "object": "subscription_item", "quantity": 1,
			"price": price(s.Price, s.Amount, s.Currency, s.Interval),
		}}},
	}
	if s.Status == "canceled" {
		obj["ended_at"] = unix(s.PeriodEnd)
		obj["canceled_at"] = unix(s.PeriodEnd)
	}
	return obj
}

// Invoice describes a subscription's invoice for a test event.
type Invoice struct {
	ID, Subscription, Customer, Account, Price string
	AmountPaid                                 int64
	PeriodEnd                                  time.Time
}

// Object is the invoice as Stripe's JSON.
func (i Invoice) Object() map[string]any {
	return map[string]any{
		"id": i.ID, "object": "invoice", "customer": i.Customer, "subscription": i.Subscription,
		"amount_paid": i.AmountPaid, "currency": "krw", "livemode": false,
		"subscription_details": map[string]any{"metadata": map[string]any{"account": i.Account}},
		"lines": map[string]any{"object": "list", "data": []any{map[string]any{
			"id": "il_" + i.ID, "object": "line_item", "quantity": 1, "price": price(i.Price, 9900, "krw", "month"),
			"period": map[string]any{"start": unix(i.PeriodEnd.AddDate(0, -1, 0)), "end": unix(i.PeriodEnd)},
		}}},
	}
}

// CheckoutSession is a completed subscription Checkout, as the site
// opens them: the account in client_reference_id and metadata.
func CheckoutSession(id, customer, subscription, account string) map[string]any {
	return map[string]any{
		"id": id, "object": "checkout.session", "mode": "subscription", "status": "complete",
		"customer": customer, "subscription": subscription, "client_reference_id": account,
		"metadata": map[string]any{"account": account}, "livemode": false,
	}
}

func price(id string, amount int64, currency, interval string) map[string]any {
	return map[string]any{"id": id, "object": "price", "type": "recurring", "unit_amount": amount, "currency": currency,
		"recurring": map[string]any{"interval": interval, "interval_count": 1}}
}

func unix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}
