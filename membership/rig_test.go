package membership_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"fanclub/auth"
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

type rig struct {
	t     *testing.T
	ctx   context.Context
	m     *membership.Service
	auth  *auth.Service
	clock *clock
	rec   *stripemock.Recorder
	admin auth.Account
}

// newRig is a membership service on a fresh database, calling stripe-mock,
// with one tier "premium" (rank 1) priced monthly and yearly.
func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	db := mongotest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	au, err := auth.New(db, auth.Config{BaseURL: "http://club.test"}, nil, clk.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	rec := &stripemock.Recorder{}
	m := membership.New(db, membership.Config{SecretKey: "sk_test_123", WebhookSecret: webhookSecret,
		APIBase: stripemock.URL(t), BaseURL: "http://club.test", HTTPClient: rec.Client()}, clk.Now, log)
	if err := m.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := au.SeedAccount(ctx, "admin@example.com", "Admin", auth.RoleOwner, "en")
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, ctx: ctx, m: m, auth: au, clock: clk, rec: rec, admin: admin}
	r.tier("premium", "Premium", 1, "price_premium_month", "price_premium_year")
	return r
}

func (r *rig) tier(key, name string, rank int, monthly, yearly string) membership.Tier {
	r.t.Helper()
	t, err := r.m.SaveTier(r.ctx, r.admin, "", membership.TierInput{Key: key, Name: name, Rank: itoa(rank),
		MonthlyPrice: monthly, YearlyPrice: yearly, Perks: "Members-only groups\nEarly access"})
	if err != nil {
		r.t.Fatalf("save tier %s: %v", key, err)
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

func itoa(n int) string { return fmtInt(n) }
