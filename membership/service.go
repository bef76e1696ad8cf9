package membership

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mongodb"
)

// DefaultGrace is how long a past-due subscription keeps its access.
const DefaultGrace = 7 * 24 * time.Hour

// Config is how the site reaches Stripe. With no SecretKey, billing is
// off: tiers without prices and comp memberships still work.
type Config struct {
	SecretKey     string // STRIPE_SECRET_KEY
	WebhookSecret string // STRIPE_WEBHOOK_SECRET, the endpoint's signing secret
	// APIBase points the client at another implementation of Stripe's
	// API, e.g. stripe-mock for a local try; "" is api.stripe.com.
	APIBase    string
	BaseURL    string        // the site's public URL, for Checkout's return addresses
	Grace      time.Duration // 0 means DefaultGrace
	HTTPClient *http.Client  // nil means stripe-go's default
}

// Delivery is how the service tells members about their billing: mail
// sent by background jobs; and the activity record, which a subscription
// started, renewed or cancelled is reported to.
type Delivery struct {
	Jobs     *jobs.Queue
	Accounts *auth.Service
	Mail     auth.Mailer
	Activity *activity.Recorder // nil: noted nowhere (a test of membership alone)
}

// Service holds the tiers and subscriptions of one site.
type Service struct {
	tiers     *mongodb.Collection
	customers *mongodb.Collection // stripe_customers: account ↔ Stripe customer
	subs      *mongodb.Collection // subscriptions
	holders   *mongodb.Collection // billing_accounts: each account's subscription ids, _id = account
	comps     *mongodb.Collection // comp memberships, _id = account
	passes    *mongodb.Collection // reward_passes: days of a tier redeemed with points, _id = account
	events    *mongodb.Collection // stripe_events: the ids of applied events
	stripe    *client.API         // nil when billing is off
	cfg       Config
	delivery  Delivery
	now       func() time.Time
	log       *slog.Logger

	figures *premiumIndex // nil unless this process alone writes db

	mu        sync.Mutex // guards tierCache and badges
	tierCache tierCache
	badges    map[auth.AccountID]badge
}

// New returns the service over db.
func New(db *mongodb.DB, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	s := &Service{
		tiers:     db.Collection("tiers"),
		customers: db.Collection("stripe_customers"),
		subs:      db.Collection("subscriptions"),
		holders:   db.Collection("billing_accounts"),
		comps:     db.Collection("comps"),
		passes:    db.Collection("reward_passes"),
		events:    db.Collection("stripe_events"),
		cfg:       cfg,
		now:       now,
		log:       log,
	}
	if db.SoleWriter() {
		s.figures = &premiumIndex{snap: db.Snapshot("subscriptions")}
	}
	if cfg.SecretKey != "" {
		bc := &stripe.BackendConfig{HTTPClient: cfg.HTTPClient, MaxNetworkRetries: stripe.Int64(2),
			LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}}
		if cfg.APIBase != "" {
			bc.URL = stripe.String(cfg.APIBase)
		}
		s.stripe = client.New(cfg.SecretKey, &stripe.Backends{
			API:     stripe.GetBackendWithConfig(stripe.APIBackend, bc),
			Connect: stripe.GetBackendWithConfig(stripe.ConnectBackend, bc),
			Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, bc),
		})
	}
	return s
}

// BillingOn reports whether Stripe is configured.
func (s *Service) BillingOn() bool { return s.stripe != nil }

// Grace is how long a past-due subscription keeps access.
func (s *Service) Grace() time.Duration { return s.cfg.Grace }

// isStaff reports whether a may manage tiers, comps and subscribers.
func isStaff(a auth.Account) bool { return a.Role == auth.RoleOwner || a.Role == auth.RoleAdmin }

func requireStaff(a auth.Account) error {
	if !isStaff(a) {
		return ErrForbidden
	}
	return nil
}

// EnsureIndexes creates the indexes the queries rely on.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	// Not unique: stripe-mock gives every customer the same id. Stripe
	// never does, and the account is the _id. The name is the one MongoDB
	// gave it when it had none, so existing databases keep theirs.
	if err := mongodb.EnsureIndexes(ctx, s.customers, mongo.IndexModel{Keys: bson.D{{Key: "customer", Value: 1}},
		Options: options.Index().SetName("customer_1")}); err != nil {
		return err
	}
	for _, c := range []*mongodb.Collection{s.tiers, s.subs, s.holders, s.comps, s.passes, s.events} { // by _id
		if err := mongodb.EnsureIndexes(ctx, c); err != nil {
			return err
		}
	}
	if s.figures != nil {
		if err := s.figures.snap.EnsureIndexes(ctx); err != nil {
			return err
		}
	}
	return nil
}
