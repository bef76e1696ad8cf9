package campaign_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/campaign"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/membership"
)

// clock is a settable now for the services under test.
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

// mailbox keeps the mail sent: the members' inboxes.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
	down error // while set, every send fails with it: the mail server is down
}

func (b *mailbox) Send(_ context.Context, m mail.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down != nil {
		return b.down
	}
	b.sent = append(b.sent, m)
	return nil
}

func (b *mailbox) setDown(err error) { b.mu.Lock(); b.down = err; b.mu.Unlock() }

func (b *mailbox) Mails() []mail.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]mail.Message(nil), b.sent...)
}

// rig is a site's services on a fresh database, wired as cmd/fanclub
// wires them, with the site's zone Asia/Seoul (the default).
type rig struct {
	t        *testing.T
	ctx      context.Context
	db       *mongodb.DB
	deps     campaign.Deps
	c        *campaign.Service
	clock    *clock
	inbox    *mailbox
	log      *slog.Logger
	owner    auth.Account
	staff    community.Actor
	premium  map[string]bool
	accounts map[string]auth.Account
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	db := mongotest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := &clock{t: time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)} // noon in Seoul
	inbox := &mailbox{}
	au, err := auth.New(db, auth.Config{BaseURL: "http://club.test"}, inbox, clk.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	rec := activity.New(db, au.Zone, clk.Now, log)
	queue := jobs.New(db, clk.Now, log)
	cm := community.New(db, community.Limits{}, clk.Now, log)
	ms := membership.New(db, membership.Config{}, clk.Now, log)
	cm.Deliver(community.Delivery{Jobs: queue, Accounts: au, Mail: inbox, BaseURL: "http://club.test", Activity: rec})
	ms.Deliver(membership.Delivery{Jobs: queue, Accounts: au, Mail: inbox, Activity: rec})
	deps := campaign.Deps{Accounts: au, Community: cm, Membership: ms, Activity: rec, Jobs: queue, Mail: inbox,
		BaseURL: "http://club.test"}
	svc := campaign.New(db, deps, clk.Now, log)
	for _, ensure := range []func(context.Context) error{au.EnsureIndexes, rec.EnsureIndexes, queue.EnsureIndexes,
		cm.EnsureIndexes, ms.EnsureIndexes, svc.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			t.Fatal(err)
		}
	}
	owner, err := au.SeedAccount(ctx, "owner@example.com", "Owner", auth.RoleOwner, "en")
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, ctx: ctx, db: db, deps: deps, c: svc, clock: clk, inbox: inbox, log: log, owner: owner,
		staff: community.Actor{Account: owner}, premium: map[string]bool{}, accounts: map[string]auth.Account{}}
}

// today is the site's day now.
func (r *rig) today() activity.Day { return activity.DayOf(r.clock.Now(), r.deps.Accounts.Zone(r.ctx)) }

// member seeds an account, agreeing to news or not.
func (r *rig) member(email string, news bool) auth.Account {
	r.t.Helper()
	a, err := r.deps.Accounts.SeedAccount(r.ctx, email, email, auth.RoleMember, "en")
	if err != nil {
		r.t.Fatal(err)
	}
	if news {
		if err := r.deps.Accounts.SetNews(r.ctx, a.ID, true); err != nil {
			r.t.Fatal(err)
		}
	}
	r.accounts[email] = a
	return a
}

// dormant gives the accounts a history that makes them dormant today:
// joined 200 days ago, active until 100 days ago.
func (r *rig) dormant(accounts ...auth.Account) {
	r.t.Helper()
	today := r.today()
	var rows []activity.Rollup
	for _, a := range accounts {
		row := activity.Rollup{Account: string(a.ID), Joined: today - 200}
		for d := today - 200; d <= today-100; d++ {
			row.Add(activity.Visit, d)
		}
		rows = append(rows, row)
	}
	if err := r.deps.Activity.Replace(r.ctx, rows); err != nil {
		r.t.Fatal(err)
	}
}

// premiumOf is the rig's premium set, as web bridges it from membership.
func (r *rig) premiumOf(context.Context) (map[string]bool, error) { return r.premium, nil }

// create sends a campaign as the owner.
func (r *rig) create(in campaign.Input) (campaign.Campaign, error) {
	return r.c.Create(r.ctx, r.staff, in, r.premiumOf)
}

func (r *rig) mustCreate(in campaign.Input) campaign.Campaign {
	r.t.Helper()
	c, err := r.create(in)
	if err != nil {
		r.t.Fatalf("create %+v: %v", in, err)
	}
	return c
}

// drain runs every job due now.
func (r *rig) drain() {
	r.t.Helper()
	if _, err := r.deps.Jobs.RunDue(r.ctx); err != nil {
		r.t.Fatal(err)
	}
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

// report reads the campaign's page figures as the owner.
func (r *rig) report(id string) campaign.Report {
	r.t.Helper()
	rep, err := r.c.Campaign(r.ctx, r.staff, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return rep
}

func message(segment string) campaign.Input {
	return campaign.Input{Segment: segment, Action: "message", Subject: "We miss you", Body: "Come back for tea."}
}
