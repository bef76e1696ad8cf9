package membership

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
)

// APIVersion is the Stripe API version the webhook endpoint must be set
// to: the one this build's stripe-go reads.
const APIVersion = stripe.APIVersion

// WebhookEvents are the events the Stripe endpoint must send; all others
// are acknowledged and ignored.
var WebhookEvents = []string{"checkout.session.completed", "customer.subscription.created",
	"customer.subscription.updated", "customer.subscription.deleted", "invoice.paid", "invoice.payment_failed"}

// MaxWebhookBody bounds a webhook's body; Stripe's events are a few kB.
const MaxWebhookBody = 256 << 10

// WebhookResult says what became of one delivery, for the log.
type WebhookResult struct {
	Event   string
	Type    string
	Replay  bool   // the event was applied before: nothing changed now
	Ignored string // why it changed nothing, if it did not ("" when it did)
}

// HandleWebhook verifies and applies one Stripe webhook delivery.
//
// The signature is checked with the endpoint secret (ErrBadSignature),
// then the API version (ErrAPIVersion), then that the event holds an
// object this build can read (ErrMalformedEvent): all three change
// nothing, and only a failure of the database is any other error. An event
// already recorded is a replay. Otherwise its effect is applied, then the
// event id recorded; if anything fails on the way the error is returned,
// the id stays unrecorded and Stripe's retry applies it again. Every step
// is idempotent (state is set, not incremented; mail jobs are keyed by
// the event), so a retry after a partial failure, or twenty deliveries
// at once, end in the same state as one.
//
// An event for an account id this site does not know (yet) is stored
// all the same, under that id: the entitlement is looked up by account,
// so the account holds it once it exists, and Stripe is not left
// retrying for days an event nothing will change.
func (s *Service) HandleWebhook(ctx context.Context, payload []byte, signature string) (WebhookResult, error) {
	if s.cfg.WebhookSecret == "" {
		return WebhookResult{}, ErrBillingOff
	}
	if err := webhook.ValidatePayload(payload, signature, s.cfg.WebhookSecret); err != nil {
		return WebhookResult{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	ev, err := decodeEvent(payload)
	r := WebhookResult{Event: ev.ID, Type: string(ev.Type)}
	if err != nil {
		return r, err
	}
	if ev.APIVersion != stripe.APIVersion {
		s.log.ErrorContext(ctx, "stripe webhook refused: set the endpoint's API version in Stripe to the one this build reads",
			"event", ev.ID, "type", ev.Type, "event_version", ev.APIVersion, "want_version", stripe.APIVersion)
		return r, ErrAPIVersion
	}
	if ev.ID == "" {
		return r, fmt.Errorf("%w: event without an id", ErrMalformedEvent)
	}
	if ev.Data == nil || len(ev.Data.Raw) == 0 || bytes.Equal(ev.Data.Raw, []byte("null")) {
		return r, fmt.Errorf("%w: no data.object", ErrMalformedEvent)
	}
	if err := s.events.FindOne(ctx, bson.M{"_id": ev.ID}).Err(); err == nil {
		r.Replay = true
		return r, nil
	} else if !errors.Is(err, mongo.ErrNoDocuments) {
		return r, err
	}
	switch ev.Type {
	case "checkout.session.completed":
		r.Ignored, err = s.onCheckoutCompleted(ctx, ev)
	case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted":
		r.Ignored, err = s.onSubscription(ctx, ev)
	case "invoice.paid", "invoice.payment_failed":
		r.Ignored, err = s.onInvoice(ctx, ev)
	default:
		r.Ignored = "not an event this site handles"
	}
	if err != nil {
		return r, err
	}
	_, err = s.events.InsertOne(ctx, bson.M{"_id": ev.ID, "type": string(ev.Type), "created": ev.Created,
		"ignored": r.Ignored, "at": s.now()})
	if mongo.IsDuplicateKeyError(err) {
		err = nil // a concurrent delivery of the same event recorded it
	}
	return r, err
}

// decodeEvent reads a payload whose signature was checked. A body that
// does not decode is ErrMalformedEvent, with whatever id and type it
// names, for the log.
func decodeEvent(payload []byte) (stripe.Event, error) {
	var ev stripe.Event
	if err := json.Unmarshal(payload, &ev); err != nil {
		var head struct {
			ID   string           `json:"id"`
			Type stripe.EventType `json:"type"`
		}
		_ = json.Unmarshal(payload, &head) // keeps the fields that decode
		return stripe.Event{ID: head.ID, Type: head.Type}, fmt.Errorf("%w: %v", ErrMalformedEvent, err)
	}
	return ev, nil
}

// decodeObject reads the event's object into obj; one that does not fit
// (a list where an object belongs, a number for a string) is
// ErrMalformedEvent.
func decodeObject(ev stripe.Event, obj any) error {
	if err := json.Unmarshal(ev.Data.Raw, obj); err != nil {
		return fmt.Errorf("%w: %s object: %v", ErrMalformedEvent, ev.Type, err)
	}
	return nil
}

// onCheckoutCompleted links the Stripe customer to the account that went
// to Checkout, when the session is one this site opened (its metadata
// names the same account as client_reference_id).
func (s *Service) onCheckoutCompleted(ctx context.Context, ev stripe.Event) (string, error) {
	var cs stripe.CheckoutSession
	if err := decodeObject(ev, &cs); err != nil {
		return "", err
	}
	if cs.Mode != stripe.CheckoutSessionModeSubscription || cs.ClientReferenceID == "" ||
		cs.Metadata["account"] != cs.ClientReferenceID || cs.Customer == nil || cs.Customer.ID == "" {
		return "not a subscription Checkout this site opened", nil
	}
	if err := s.linkCustomer(ctx, auth.AccountID(cs.ClientReferenceID), cs.Customer.ID); err != nil {
		return "", err
	}
	return "", nil
}

// onSubscription stores a subscription's state as the event shows it.
func (s *Service) onSubscription(ctx context.Context, ev stripe.Event) (string, error) {
	var obj stripe.Subscription
	if err := decodeObject(ev, &obj); err != nil {
		return "", err
	}
	if obj.ID == "" || obj.Items != nil && slices.Contains(obj.Items.Data, nil) {
		return "", fmt.Errorf("%w: a subscription without an id, or a null item", ErrMalformedEvent)
	}
	all, err := s.Tiers(ctx)
	if err != nil {
		return "", err
	}
	var item *stripe.SubscriptionItem
	var prices []*stripe.Price
	if obj.Items != nil {
		for _, it := range obj.Items.Data {
			prices = append(prices, it.Price)
		}
	}
	at, tier := highestTier(all, prices)
	if at >= 0 {
		item = obj.Items.Data[at]
	} else {
		if item, tier, err = s.knownItem(ctx, obj); err != nil || item == nil {
			return "no price of this site's tiers", err
		}
	}
	customer := ""
	if obj.Customer != nil {
		customer = obj.Customer.ID
	}
	account, err := s.accountFor(ctx, obj.Metadata["account"], customer)
	if err != nil || account == "" {
		return "no account of this site", err
	}
	if err := s.hold(ctx, account, obj.ID); err != nil {
		return "", err
	}
	_, did, err := s.applyChange(ctx, change{sub: obj.ID, event: ev.ID, created: ev.Created,
		first: ev.Type == "customer.subscription.created",
		apply: func(d *Subscription) bool {
			d.Account, d.Customer, d.Tier, d.Price = account, customer, tier.Key, item.Price.ID
			d.Status = Status(obj.Status)
			if ev.Type == "customer.subscription.deleted" {
				d.Status = StatusCanceled
			}
			d.MonthlyAmount = monthlyOf(item.Price, item.Quantity)
			d.Currency = string(item.Price.Currency)
			d.PeriodEnd, d.TrialEnd, d.StartedAt = unix(obj.CurrentPeriodEnd), unix(obj.TrialEnd), unix(obj.StartDate)
			d.CancelAtPeriodEnd = obj.CancelAtPeriodEnd
			if d.Status == StatusCanceled {
				d.CanceledAt = unix(firstNonZero(obj.EndedAt, obj.CanceledAt, ev.Created))
			}
			switch {
			case d.Status != StatusPastDue && d.Status != StatusUnpaid:
				d.PastDueSince = time.Time{}
			case d.PastDueSince.IsZero(): // unpaid keeps when its payments began to fail
				d.PastDueSince = unix(ev.Created)
			}
			return true
		}})
	s.forgetBadge(account)
	return outcome(did), err
}

// knownItem is the item of a subscription the site stored before its
// price left the tiers (an admin gave the tier a new price), with the
// tier it was bought at: it still follows Stripe, so cancelling it ends
// it. A subscription the site never stored gives nil: foreign.
func (s *Service) knownItem(ctx context.Context, obj stripe.Subscription) (*stripe.SubscriptionItem, Tier, error) {
	var known Subscription
	err := s.subs.FindOne(ctx, bson.M{"_id": obj.ID}).Decode(&known)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, Tier{}, nil
	} else if err != nil {
		return nil, Tier{}, err
	}
	if obj.Items == nil {
		return nil, Tier{}, nil
	}
	var item *stripe.SubscriptionItem
	for _, it := range obj.Items.Data {
		if it.Price != nil && (item == nil || it.Price.ID == known.Price) {
			item = it
		}
	}
	return item, Tier{Key: known.Tier}, nil
}

// onInvoice applies a paid or failed invoice to its subscription: paid
// ends a past-due spell; failed starts one (the grace period runs from
// the first failure) and tells the member.
func (s *Service) onInvoice(ctx context.Context, ev stripe.Event) (string, error) {
	var inv stripe.Invoice
	if err := decodeObject(ev, &inv); err != nil {
		return "", err
	}
	if inv.Lines != nil && slices.Contains(inv.Lines.Data, nil) {
		return "", fmt.Errorf("%w: an invoice with a null line", ErrMalformedEvent)
	}
	if inv.Subscription == nil || inv.Subscription.ID == "" {
		return "not a subscription's invoice", nil
	}
	all, err := s.Tiers(ctx)
	if err != nil {
		return "", err
	}
	var prices []*stripe.Price
	if inv.Lines != nil {
		for _, l := range inv.Lines.Data {
			prices = append(prices, l.Price)
		}
	}
	at, tier := highestTier(all, prices)
	if at < 0 {
		return "no price of this site's tiers", nil
	}
	line := inv.Lines.Data[at]
	customer, meta := "", ""
	if inv.Customer != nil {
		customer = inv.Customer.ID
	}
	if inv.SubscriptionDetails != nil {
		meta = inv.SubscriptionDetails.Metadata["account"]
	}
	account, err := s.accountFor(ctx, meta, customer)
	if err != nil || account == "" {
		return "no account of this site", err
	}
	if err := s.hold(ctx, account, inv.Subscription.ID); err != nil {
		return "", err
	}
	paid := ev.Type == "invoice.paid"
	sub, did, err := s.applyChange(ctx, change{sub: inv.Subscription.ID, event: ev.ID, created: ev.Created,
		apply: func(d *Subscription) bool {
			if d.Account == "" { // the invoice came before the subscription's own event
				if paid && inv.AmountPaid == 0 {
					return false // a trial's first invoice: the subscription event will say "trialing"
				}
				d.Customer, d.Tier, d.Price = customer, tier.Key, line.Price.ID
				d.MonthlyAmount = monthlyOf(line.Price, line.Quantity)
				d.Currency = string(line.Price.Currency)
				d.StartedAt = unix(ev.Created)
			}
			d.Account = account
			if paid {
				if d.Status != StatusTrialing {
					d.Status = StatusActive
				}
				d.PastDueSince = time.Time{}
				if line.Period != nil && unix(line.Period.End).After(d.PeriodEnd) {
					d.PeriodEnd = unix(line.Period.End)
				}
				return true
			}
			d.Status = StatusPastDue
			if d.PastDueSince.IsZero() {
				d.PastDueSince = unix(ev.Created)
			}
			return true
		}})
	s.forgetBadge(account)
	if err != nil {
		return "", err
	}
	// Also when an earlier delivery stored this state and then failed
	// before queueing the mail: the job's key keeps it to one.
	if !paid && did != stale {
		if err := s.tellPastDue(ctx, ev.ID, account, sub.PastDueSince.Add(s.cfg.Grace)); err != nil {
			return "", err
		}
	}
	return outcome(did), nil
}

// outcome is why an event changed nothing, for the log ("" if it did).
func outcome(did applied) string {
	switch did {
	case stale:
		return "older than what is stored"
	case already:
		return "applied by an earlier delivery"
	}
	return ""
}

// accountFor finds the account a Stripe object belongs to: the account
// id this site put in its metadata, else the account linked to its
// customer. "" means none of ours.
func (s *Service) accountFor(ctx context.Context, meta, customer string) (auth.AccountID, error) {
	if meta != "" {
		return auth.AccountID(meta), nil
	}
	if customer == "" {
		return "", nil
	}
	var c customerDoc
	err := s.customers.FindOne(ctx, bson.M{"customer": customer}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	return c.Account, err
}

func unix(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func firstNonZero(xs ...int64) int64 {
	for _, x := range xs {
		if x != 0 {
			return x
		}
	}
	return 0
}
