package membership_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/internal/stripemock"
	"fanclub/membership"
)

// club is a rig with subscribers in every state, each account named by
// a letter, seen on 3 November 2026 (UTC).
type club struct {
	*rig
	name map[auth.AccountID]string
}

func newClub(t *testing.T) *club {
	r := newRig(t)
	r.tier(membership.TierInput{Key: "vip", Name: "VIP", Rank: "2", MonthlyPrice: "price_vip_month", YearlyPrice: "price_vip_year"})
	c := &club{rig: r, name: map[auth.AccountID]string{}}
	day := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, time.UTC) }
	now := r.clock.Now() // 2 November, 09:00
	month := func(s stripemock.Sub) stripemock.Sub { s.PeriodEnd = now.AddDate(0, 0, 20); return s }
	subs := map[string]stripemock.Sub{
		"a": month(stripemock.Sub{Price: "price_premium_month", Start: day(11, 1, 0)}),
		"b": {Price: "price_premium_year", Amount: 118800, Interval: "year", Start: day(10, 15, 0), PeriodEnd: day(10, 15, 0).AddDate(1, 0, 0)},
		"c": month(stripemock.Sub{Price: "price_vip_month", Amount: 2500, Currency: "usd", Start: day(9, 1, 0)}),
		"d": month(stripemock.Sub{Price: "price_premium_month", Start: day(10, 10, 0)}), // its payment fails below
		"e": month(stripemock.Sub{Price: "price_premium_month", Status: "trialing", Start: day(11, 2, 8), TrialEnd: day(11, 16, 8)}),
		"f": {Price: "price_vip_month", Status: "canceled", Start: day(8, 1, 0), PeriodEnd: day(11, 1, 10)},
		"g": {Price: "price_premium_month", Status: "canceled", Start: day(7, 1, 0), PeriodEnd: day(10, 20, 0)},
		"h": month(stripemock.Sub{Price: "price_premium_month", Start: day(10, 1, 0), CancelAtPeriodEnd: true}),
		// 1 November, 05:00 in Seoul: this month there, last month in UTC.
		"i": month(stripemock.Sub{Price: "price_premium_month", Start: day(10, 31, 20)}),
	}
	for letter, s := range subs {
		a := c.member(letter)
		s.ID, s.Customer, s.Account = "sub_"+letter, "cus_"+letter, string(a.ID)
		typ := "customer.subscription.created"
		if s.Status == "canceled" {
			typ = "customer.subscription.deleted"
		}
		r.mustDeliver("evt_"+letter, typ, now, s.Object())
		if letter == "d" {
			r.mustDeliver("evt_d_failed", "invoice.payment_failed", now, failedInvoice("in_d", s).Object())
		}
	}
	for _, in := range []membership.CompInput{
		{Email: c.member("x").Email, Tier: "premium", Reason: "Press"},
		{Email: c.member("y").Email, Tier: "vip", Gift: true, Until: "2026-12-31", Reason: "Giveaway winner"},
		{Email: c.member("z").Email, Tier: "premium", Until: "2026-11-02", Reason: "One-day pass"},
	} {
		r.grant(in, time.UTC)
		r.clock.Add(time.Minute)
	}
	r.clock.Add(24 * time.Hour) // z's comp has ended
	return c
}

func (c *club) member(letter string) auth.Account {
	a := c.rig.member(letter + "@example.com")
	c.name[a.ID] = letter
	return a
}

func (c *club) subscribers(f membership.SubscriberFilter, loc *time.Location) ([]membership.Subscriber, membership.Stats) {
	c.t.Helper()
	rows, st, err := c.m.Subscribers(c.ctx, c.admin, f, loc)
	if err != nil {
		c.t.Fatal(err)
	}
	return rows, st
}

// letters names the rows' accounts in order.
func (c *club) letters(rows []membership.Subscriber) string {
	var s []string
	for _, row := range rows {
		s = append(s, c.name[row.Account])
	}
	return strings.Join(s, "")
}

func TestSubscribersStats(t *testing.T) {
	c := newClub(t)
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	_, utc := c.subscribers(membership.SubscriberFilter{}, time.UTC)
	// Active a, b (118 800 a year: 9 900 a month), h (cancelling, still
	// paying) and i in krw, c in usd; not d (past due), e (trial), f, g.
	if len(utc.MRR) != 2 || utc.MRR["krw"] != 4*9900 || utc.MRR["usd"] != 2500 {
		t.Errorf("MRR %v, want krw 39600 and usd 2500", utc.MRR)
	}
	if utc.New != 2 || utc.Cancelled != 1 || utc.PastDue != 1 {
		t.Errorf("UTC: new %d (a, e), cancelled %d (f), past due %d (d); want 2, 1, 1", utc.New, utc.Cancelled, utc.PastDue)
	}
	_, kst := c.subscribers(membership.SubscriberFilter{}, seoul)
	if kst.New != 3 || kst.Cancelled != 1 {
		t.Errorf("Seoul: new %d (a, e, i), cancelled %d (f); want 3, 1", kst.New, kst.Cancelled)
	}
	// 30 November, 20:00 in UTC, is already 1 December in Seoul: a new
	// month there, with nothing new in it yet.
	c.clock.Add(time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC).Sub(c.clock.Now()))
	_, utc = c.subscribers(membership.SubscriberFilter{}, time.UTC)
	_, kst = c.subscribers(membership.SubscriberFilter{}, seoul)
	if utc.New != 2 || utc.Cancelled != 1 || kst.New != 0 || kst.Cancelled != 0 {
		t.Errorf("30 November 20:00 UTC: new %d, cancelled %d; in Seoul new %d, cancelled %d; want 2, 1, 0, 0",
			utc.New, utc.Cancelled, kst.New, kst.Cancelled)
	}

	member := c.member("nobody")
	if _, _, err := c.m.Subscribers(c.ctx, member, membership.SubscriberFilter{}, time.UTC); !errors.Is(err, membership.ErrForbidden) {
		t.Errorf("a member: %v, want ErrForbidden", err)
	}
}

func TestSubscribersFilters(t *testing.T) {
	c := newClub(t)
	for _, f := range []struct {
		filter membership.SubscriberFilter
		want   string // newest first, subscriptions then comps
	}{
		{membership.SubscriberFilter{}, "eaibdhcfgzyx"},
		{membership.SubscriberFilter{Tier: "vip"}, "cfy"},
		{membership.SubscriberFilter{Status: "active"}, "aibhc"},
		{membership.SubscriberFilter{Status: "past_due"}, "d"},
		{membership.SubscriberFilter{Status: "canceled"}, "fg"},
		{membership.SubscriberFilter{Tier: "premium", Status: "trialing"}, "e"},
		{membership.SubscriberFilter{Tier: "vip", Status: "trialing"}, ""},
		{membership.SubscriberFilter{Status: "comp"}, "zyx"},
		{membership.SubscriberFilter{Tier: "premium", Status: "comp"}, "zx"},
		{membership.SubscriberFilter{Tier: "gold"}, ""},
	} {
		rows, _ := c.subscribers(f.filter, time.UTC)
		if got := c.letters(rows); got != f.want {
			t.Errorf("%+v: %q, want %q", f.filter, got, f.want)
		}
	}
}

func TestSubscribersRows(t *testing.T) {
	c := newClub(t)
	rows, _ := c.subscribers(membership.SubscriberFilter{}, time.UTC)
	by := map[string]membership.Subscriber{}
	for _, row := range rows {
		by[c.name[row.Account]] = row
	}
	nov := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	for letter, want := range map[string]membership.Subscriber{
		"a": {Tier: "premium", Source: membership.SourcePaid, Status: membership.StatusActive, Date: nov(22, 9), Renews: true, Subscription: "sub_a"},
		"h": {Tier: "premium", Source: membership.SourcePaid, Status: membership.StatusActive, Date: nov(22, 9), Subscription: "sub_h"},
		"d": {Tier: "premium", Source: membership.SourceGrace, Status: membership.StatusPastDue, Date: nov(9, 9), Subscription: "sub_d"},
		"e": {Tier: "premium", Source: membership.SourceTrial, Status: membership.StatusTrialing, Date: nov(16, 8), Renews: true, Subscription: "sub_e"},
		"f": {Tier: "vip", Source: membership.SourceNone, Status: membership.StatusCanceled, Date: nov(1, 10), Subscription: "sub_f"},
		"x": {Tier: "premium", Source: membership.SourceComp, Reason: "Press"},
		"y": {Tier: "vip", Source: membership.SourceGift, Date: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Reason: "Giveaway winner"},
		"z": {Tier: "premium", Source: membership.SourceNone, Date: nov(3, 0), Reason: "One-day pass"},
	} {
		got := by[letter]
		want.Account = got.Account
		if got.Tier != want.Tier || got.Source != want.Source || got.Status != want.Status || !got.Date.Equal(want.Date) ||
			got.Renews != want.Renews || got.Subscription != want.Subscription || got.Reason != want.Reason {
			t.Errorf("%s:\n got %+v\nwant %+v", letter, got, want)
		}
	}
}
