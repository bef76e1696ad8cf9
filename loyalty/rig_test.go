package loyalty_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/loyalty"
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
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// mailbox keeps the mail sent.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (b *mailbox) Send(_ context.Context, m mail.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, m)
	return nil
}

// rig is a site's services on a fresh database, wired as cmd/fanclub
// wires them, with the site's zone Asia/Seoul (the default).
type rig struct {
	t     testing.TB
	ctx   context.Context
	db    *mongodb.DB
	au    *auth.Service
	cm    *community.Service
	ms    *membership.Service
	queue *jobs.Queue
	l     *loyalty.Service
	clock *clock
	inbox *mailbox
	owner auth.Account
	staff community.Actor
}

func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigOn(t, mongotest.New(t))
}

// newRigOn is a rig on db (an observed one, say).
func newRigOn(t testing.TB, db *mongodb.DB) *rig {
	t.Helper()
	ctx := context.Background()
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
	l := loyalty.New(db, loyalty.Deps{Accounts: au, Community: cm, Membership: ms, Jobs: queue, Zone: au.Zone}, clk.Now, log)
	cm.Deliver(community.Delivery{Jobs: queue, Accounts: au, Mail: inbox, BaseURL: "http://club.test", Activity: rec, Points: l})
	ms.Deliver(membership.Delivery{Jobs: queue, Accounts: au, Mail: inbox, Activity: rec})
	for _, ensure := range []func(context.Context) error{au.EnsureIndexes, rec.EnsureIndexes, queue.EnsureIndexes,
		cm.EnsureIndexes, ms.EnsureIndexes, l.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			t.Fatal(err)
		}
	}
	owner, err := au.SeedAccount(ctx, "owner@example.com", "Owner", auth.RoleOwner, "en")
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, ctx: ctx, db: db, au: au, cm: cm, ms: ms, queue: queue, l: l, clock: clk, inbox: inbox,
		owner: owner, staff: community.Actor{Account: owner}}
}

// member seeds an account.
func (r *rig) member(email string) auth.Account {
	r.t.Helper()
	a, err := r.au.SeedAccount(r.ctx, email, email, auth.RoleMember, "en")
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// rules turns the programme on with the given points and caps
// ("post": {10, 3}) and expiry.
func (r *rig) rules(expiryMonths int, earn map[loyalty.Earning][2]int) {
	r.t.Helper()
	in := loyalty.RulesInput{On: true, ExpiryMonths: itoa(expiryMonths), Points: map[loyalty.Earning]string{},
		Caps: map[loyalty.Earning]string{}}
	for e, pc := range earn {
		in.Points[e], in.Caps[e] = itoa(pc[0]), itoa(pc[1])
	}
	if _, err := r.l.SaveRules(r.ctx, r.owner, in); err != nil {
		r.t.Fatal(err)
	}
}

// statement reads an account's points, failing the test on an error.
func (r *rig) statement(a auth.Account) loyalty.Statement {
	r.t.Helper()
	st, err := r.l.Statement(r.ctx, a.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return st
}

// ledgerSum adds up an account's entries in the ledger.
func (r *rig) ledgerSum(a auth.Account) int64 {
	r.t.Helper()
	cur, err := r.db.Collection("points_ledger").Find(r.ctx, bson.M{"account": a.ID})
	if err != nil {
		r.t.Fatal(err)
	}
	var es []loyalty.Entry
	if err := cur.All(r.ctx, &es); err != nil {
		r.t.Fatal(err)
	}
	var sum int64
	for _, e := range es {
		sum += e.Points
	}
	return sum
}

// group creates an open group as the owner, and joins the members.
func (r *rig) group(slug string, members ...auth.Account) {
	r.t.Helper()
	if _, err := r.cm.CreateGroup(r.ctx, r.staff, community.GroupInput{Slug: slug, Name: slug, Visibility: community.Listed,
		Policy: community.JoinOpen}); err != nil {
		r.t.Fatal(err)
	}
	for _, m := range members {
		if _, err := r.cm.Join(r.ctx, community.Actor{Account: m}, slug, ""); err != nil {
			r.t.Fatal(err)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// second is another instance of the programme on the same database, as
// a second app server would run it.
func (r *rig) second() *loyalty.Service {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return loyalty.New(r.db, loyalty.Deps{Accounts: r.au, Community: r.cm, Membership: r.ms, Jobs: r.queue, Zone: r.au.Zone},
		r.clock.Now, log)
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
