package membership_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

const webhookSecret = "whsec_test_fanclub"

// clock is a settable now for the service under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// mailbox keeps the mail the service sends: the member's inbox, not a
// stand-in for a system outside.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (b *mailbox) Send(_ context.Context, m mail.Message) error {
	b.mu.Lock()
	b.sent = append(b.sent, m)
	b.mu.Unlock()
	return nil
}

func (b *mailbox) Mails() []mail.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]mail.Message(nil), b.sent...)
}

type rig struct {
	t     *testing.T
	ctx   context.Context
	db    *mongodb.DB
	m     *membership.Service
	auth  *auth.Service
	clock *clock
	rec   *stripemock.Recorder
	jobs  *jobs.Queue
	inbox *mailbox
	admin auth.Account
	// activity is the activity record subscriptions are reported to.
	activity *activity.Recorder
}

// rigOptions change the service's configuration from the default:
// billing on against stripe-mock, the default grace.
type rigOptions struct {
	billingOff bool // no Stripe keys at all
	grace      time.Duration
	observe    func(mongodb.Op) // sees every database operation first
}

// newRig is a membership service on a fresh database, calling stripe-mock,
// telling members through a real job queue into an inbox, with one tier
// "premium" (rank 1) priced monthly and yearly.
func newRig(t *testing.T) *rig {
	t.Helper()
	r := newRigWith(t, rigOptions{})
	r.tier(membership.TierInput{Key: "premium", Name: "Premium", Rank: "1",
		MonthlyPrice: "price_premium_month", YearlyPrice: "price_premium_year"})
	return r
}

// newRigWith is newRig with opts and no tier yet.
func newRigWith(t *testing.T, opts rigOptions) *rig {
	t.Helper()
	ctx := context.Background()
	db := mongotest.New(t)
	if opts.observe != nil {
		db = mongotest.NewObserved(t, opts.observe)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	au, err := auth.New(db, auth.Config{BaseURL: "http://club.test"}, nil, clk.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	rec := &stripemock.Recorder{}
	cfg := membership.Config{SecretKey: "sk_test_123", WebhookSecret: webhookSecret,
		APIBase: stripemock.URL(t), BaseURL: "http://club.test", HTTPClient: rec.Client(), Grace: opts.grace}
	if opts.billingOff {
		cfg.SecretKey, cfg.WebhookSecret, cfg.APIBase = "", "", ""
	}
	m := membership.New(db, cfg, clk.Now, log)
	if err := m.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	queue := jobs.New(db, clk.Now, log)
	if err := queue.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	inbox := &mailbox{}
	act := activity.New(db, au.Zone, clk.Now, log)
	if err := act.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	au.ReportTo(act)
	m.Deliver(membership.Delivery{Jobs: queue, Accounts: au, Mail: inbox, Activity: act})
	admin, err := au.SeedAccount(ctx, "admin@example.com", "Admin", auth.RoleOwner, "en")
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, ctx: ctx, db: db, m: m, auth: au, clock: clk, rec: rec, jobs: queue, inbox: inbox, admin: admin, activity: act}
}

// tier saves a new tier, with two perks unless in says otherwise.
func (r *rig) tier(in membership.TierInput) membership.Tier {
	r.t.Helper()
	if in.Perks == "" {
		in.Perks = "Members-only groups\nEarly access"
	}
	t, err := r.m.SaveTier(r.ctx, r.admin, "", in)
	if err != nil {
		r.t.Fatalf("save tier %s: %v", in.Key, err)
	}
	return t
}

func (r *rig) member(email string) auth.Account {
	r.t.Helper()
	a, err := r.auth.SeedAccount(r.ctx, email, email, auth.RoleMember, "en")
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// deliver signs and hands one event to the service.
func (r *rig) deliver(id, typ string, created time.Time, obj any) (membership.WebhookResult, error) {
	r.t.Helper()
	body, sig := stripemock.Event(r.t, webhookSecret, id, typ, created, obj)
	return r.m.HandleWebhook(r.ctx, body, sig)
}

func (r *rig) mustDeliver(id, typ string, created time.Time, obj any) membership.WebhookResult {
	r.t.Helper()
	res, err := r.deliver(id, typ, created, obj)
	if err != nil {
		r.t.Fatalf("deliver %s %s: %v", typ, id, err)
	}
	return res
}

func (r *rig) entitlement(a auth.AccountID) membership.Entitlement {
	r.t.Helper()
	e, err := r.m.Entitlement(r.ctx, a)
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

// subscription reads the stored subscription id, as the site keeps it.
func (r *rig) subscription(id string) membership.Subscription {
	r.t.Helper()
	var s membership.Subscription
	if err := r.db.Collection("subscriptions").FindOne(r.ctx, bson.M{"_id": id}).Decode(&s); err != nil {
		r.t.Fatalf("subscription %s: %v", id, err)
	}
	return s
}

// count is how many documents of collection match filter.
func (r *rig) count(collection string, filter bson.M) int {
	r.t.Helper()
	n, err := r.db.Collection(collection).CountDocuments(r.ctx, filter)
	if err != nil {
		r.t.Fatal(err)
	}
	return int(n)
}

// runJobs runs every job due now and returns how many ran.
func (r *rig) runJobs() int {
	r.t.Helper()
	n, err := r.jobs.RunDue(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// show is an entitlement in a line, for failures.
func show(e membership.Entitlement) string {
	s := fmt.Sprintf("tier %q source %q", e.Tier.Key, e.Source)
	if !e.Until.IsZero() {
		s += " until " + e.Until.UTC().Format(time.RFC3339)
	}
	return s + fmt.Sprintf(" renews %v billing %v", e.Renews, e.Billing)
}
