package membership

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v76"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// ErrSubscribed means the account already has a subscription Stripe
// bills: it changes plans in the Portal rather than buying a second one.
var ErrSubscribed = errors.New("membership: already subscribed")

// customerDoc links an account to its Stripe customer, made once and
// reused, and keeps the idempotency key of the Checkout it last opened.
type customerDoc struct {
	Account   auth.AccountID   `bson:"_id"`
	Customer  string           `bson:"customer"`
	Checkout  *pendingCheckout `bson:"checkout,omitempty"`
	CreatedAt time.Time        `bson:"createdAt"`
}

type pendingCheckout struct {
	Price string    `bson:"price"`
	Key   string    `bson:"key"`
	At    time.Time `bson:"at"`
}

// checkoutKeyTTL is how long a second "Subscribe" to the same price
// gets the same Checkout: two quick clicks open one session, and a
// member who comes back the next day gets a fresh one. Stripe keeps
// idempotency keys for 24 hours.
const checkoutKeyTTL = 30 * time.Minute

// Checkout opens a Stripe Checkout session in subscription mode for the
// account's own customer and returns its URL. The price comes from the
// tier (interval "month" or "year"), never from the form. The account id
// is in client_reference_id and in the subscription's metadata, so the
// webhooks find the account. An account Stripe already bills gets
// ErrSubscribed.
func (s *Service) Checkout(ctx context.Context, a auth.Account, tierKey, interval string) (string, error) {
	if s.stripe == nil {
		return "", ErrBillingOff
	}
	t, err := s.Tier(ctx, tierKey)
	if err != nil {
		return "", err
	}
	price, ok := t.Price(interval)
	if !ok {
		return "", ErrNotForSale
	}
	subs, err := s.SubscriptionsOf(ctx, a.ID)
	if err != nil {
		return "", err
	}
	for _, sub := range subs {
		if sub.billing() {
			return "", ErrSubscribed
		}
	}
	customer, err := s.customerFor(ctx, a)
	if err != nil {
		return "", err
	}
	key, err := s.checkoutKey(ctx, a.ID, price.ID)
	if err != nil {
		return "", err
	}
	meta := map[string]string{"account": string(a.ID)}
	params := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		Customer:          stripe.String(customer),
		ClientReferenceID: stripe.String(string(a.ID)),
		LineItems:         []*stripe.CheckoutSessionLineItemParams{{Price: stripe.String(price.ID), Quantity: stripe.Int64(1)}},
		SuccessURL:        stripe.String(s.cfg.BaseURL + "/membership/welcome"),
		CancelURL:         stripe.String(s.cfg.BaseURL + "/membership/cancelled"),
		Locale:            stripe.String(checkoutLocale(a.Locale)),
		SubscriptionData:  &stripe.CheckoutSessionSubscriptionDataParams{Metadata: meta},
	}
	params.Metadata = meta
	if t.TrialDays > 0 && len(subs) == 0 { // a trial is for a first subscription only
		params.SubscriptionData.TrialPeriodDays = stripe.Int64(int64(t.TrialDays))
	}
	params.Context = ctx
	// Stripe refuses a key reused with other parameters; the locale and
	// the trial can change between two clicks, so they are part of it.
	params.SetIdempotencyKey(fmt.Sprintf("%s:%s:%d", key, checkoutLocale(a.Locale), t.TrialDays*btoi(len(subs) == 0)))
	sess, err := s.stripe.CheckoutSessions.New(params)
	if err != nil {
		s.log.ErrorContext(ctx, "stripe: Checkout session refused", "account", a.ID, "price", price.ID, "err", err)
		return "", fmt.Errorf("%w: %v", ErrStripe, err)
	}
	return sess.URL, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func checkoutLocale(l string) string {
	if l == "ko" || l == "en" {
		return l
	}
	return "auto"
}

// Portal opens the Stripe Customer Portal for the account's customer:
// payment method, invoices, switching plans and cancelling are Stripe's.
func (s *Service) Portal(ctx context.Context, a auth.Account) (string, error) {
	if s.stripe == nil {
		return "", ErrBillingOff
	}
	var c customerDoc
	err := s.customers.FindOne(ctx, bson.M{"_id": a.ID}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", ErrNoCustomer
	} else if err != nil {
		return "", err
	}
	params := &stripe.BillingPortalSessionParams{Customer: stripe.String(c.Customer),
		ReturnURL: stripe.String(s.cfg.BaseURL + "/pricing"), Locale: stripe.String(checkoutLocale(a.Locale))}
	params.Context = ctx
	sess, err := s.stripe.BillingPortalSessions.New(params)
	if err != nil {
		s.log.ErrorContext(ctx, "stripe: Portal session refused", "account", a.ID, "err", err)
		return "", fmt.Errorf("%w: %v", ErrStripe, err)
	}
	return sess.URL, nil
}

// customerFor returns the account's Stripe customer, creating it the
// first time. The create call's idempotency key is the account's, so two
// requests at once get one customer from Stripe.
func (s *Service) customerFor(ctx context.Context, a auth.Account) (string, error) {
	var c customerDoc
	err := s.customers.FindOne(ctx, bson.M{"_id": a.ID}).Decode(&c)
	if err == nil {
		return c.Customer, nil
	} else if !errors.Is(err, mongo.ErrNoDocuments) {
		return "", err
	}
	params := &stripe.CustomerParams{Email: stripe.String(a.Email), Name: stripe.String(a.Name)}
	params.AddMetadata("account", string(a.ID))
	params.Context = ctx
	params.SetIdempotencyKey("customer:" + string(a.ID))
	cus, err := s.stripe.Customers.New(params)
	if err != nil {
		s.log.ErrorContext(ctx, "stripe: customer refused", "account", a.ID, "err", err)
		return "", fmt.Errorf("%w: %v", ErrStripe, err)
	}
	if err := s.linkCustomer(ctx, a.ID, cus.ID); err != nil {
		return "", err
	}
	err = s.customers.FindOne(ctx, bson.M{"_id": a.ID}).Decode(&c) // whoever linked first
	return c.Customer, err
}

// linkCustomer records the account's customer unless one is recorded.
func (s *Service) linkCustomer(ctx context.Context, id auth.AccountID, customer string) error {
	_, err := s.customers.UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$setOnInsert": bson.M{"customer": customer, "createdAt": s.now()}}, options.Update().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return nil // a concurrent request inserted it
	}
	return err
}

// checkoutKey returns the idempotency key for the account's Checkout of
// price: the pending one if it is recent and for the same price, else a
// new one. Concurrent requests agree on one key: only one replaces the
// stored key, and both read what is stored after.
func (s *Service) checkoutKey(ctx context.Context, id auth.AccountID, price string) (string, error) {
	now := s.now()
	var b [16]byte
	_, _ = rand.Read(b[:])
	fresh := pendingCheckout{Price: price, Key: "checkout:" + hex.EncodeToString(b[:]), At: now}
	if _, err := s.customers.UpdateOne(ctx, bson.M{"_id": id, "$or": bson.A{
		bson.M{"checkout": bson.M{"$exists": false}},
		bson.M{"checkout.price": bson.M{"$ne": price}},
		bson.M{"checkout.at": bson.M{"$lt": now.Add(-checkoutKeyTTL)}},
	}}, bson.M{"$set": bson.M{"checkout": fresh}}); err != nil {
		return "", err
	}
	var c customerDoc
	if err := s.customers.FindOne(ctx, bson.M{"_id": id}).Decode(&c); err != nil {
		return "", err
	}
	if c.Checkout == nil {
		return "", fmt.Errorf("membership: no checkout key stored for %s", id)
	}
	return c.Checkout.Key, nil
}
