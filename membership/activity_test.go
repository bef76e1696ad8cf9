package membership_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/internal/activity"
	"fanclub/internal/stripemock"
)

// counts is the account's subscription steps in the activity record:
// started, renewed, cancelled.
func (r *rig) counts(a auth.AccountID) [3]int {
	r.t.Helper()
	rows, err := r.activity.Rollups(r.ctx, []string{string(a)})
	if err != nil {
		r.t.Fatal(err)
	}
	n := rows[string(a)].Counts
	return [3]int{n[activity.Subscribe], n[activity.Renew], n[activity.Cancel]}
}

// TestSubscriptionStepsAreRecorded: a subscription's start, each
// renewal and its cancellation land in the member's activity record once
// each, when the webhook that tells of them is applied: Stripe's several
// events for one step, replays, concurrent deliveries and late events
// add nothing.
func TestSubscriptionStepsAreRecorded(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	seoul, _ := time.LoadLocation("Asia/Seoul")
	steps := []struct {
		name    string
		id, typ string
		at      time.Duration // after the start
		obj     func() map[string]any
		want    [3]int // started, renewed, cancelled after it
	}{
		{"the subscription starts", "evt_1", "customer.subscription.created", 0, sub.Object, [3]int{1, 0, 0}},
		{"its first invoice is the same start", "evt_2", "invoice.paid", time.Second,
			stripemock.Invoice{ID: "in_1", Subscription: sub.ID, Customer: sub.Customer, Account: sub.Account, Price: sub.Price,
				AmountPaid: 9900, PeriodEnd: sub.PeriodEnd}.Object, [3]int{1, 0, 0}},
		{"a replay of the start", "evt_1", "customer.subscription.created", 0, sub.Object, [3]int{1, 0, 0}},
		{"the next month paid renews it", "evt_3", "invoice.paid", 31 * 24 * time.Hour,
			stripemock.Invoice{ID: "in_2", Subscription: sub.ID, Customer: sub.Customer, Account: sub.Account, Price: sub.Price,
				AmountPaid: 9900, PeriodEnd: sub.PeriodEnd.AddDate(0, 1, 0)}.Object, [3]int{1, 1, 0}},
		{"Stripe's update for the same renewal", "evt_4", "customer.subscription.updated", 31*24*time.Hour + time.Second,
			func() map[string]any { s := sub; s.PeriodEnd = sub.PeriodEnd.AddDate(0, 1, 0); return s.Object() }, [3]int{1, 1, 0}},
		{"a late event, older than what is stored, that would cancel", "evt_old", "customer.subscription.updated", 2 * time.Hour,
			func() map[string]any { s := sub; s.CancelAtPeriodEnd = true; return s.Object() }, [3]int{1, 1, 0}},
		{"the member cancels at the period's end", "evt_5", "customer.subscription.updated", 40 * 24 * time.Hour,
			func() map[string]any {
				s := sub
				s.PeriodEnd, s.CancelAtPeriodEnd = sub.PeriodEnd.AddDate(0, 1, 0), true
				return s.Object()
			}, [3]int{1, 1, 1}},
		{"it ends at the period's end: the same cancellation", "evt_6", "customer.subscription.deleted", 62 * 24 * time.Hour,
			func() map[string]any {
				s := sub
				s.PeriodEnd, s.CancelAtPeriodEnd, s.Status = sub.PeriodEnd.AddDate(0, 1, 0), true, "canceled"
				return s.Object()
			}, [3]int{1, 1, 1}},
	}
	start := r.clock.Now()
	for _, st := range steps {
		if due := start.Add(st.at + time.Minute); due.After(r.clock.Now()) {
			r.clock.Add(due.Sub(r.clock.Now())) // delivered a minute after it happened
		}
		r.mustDeliver(st.id, st.typ, start.Add(st.at), st.obj())
		if got := r.counts(m.ID); got != st.want {
			t.Errorf("%s: started, renewed, cancelled = %v, want %v", st.name, got, st.want)
		}
	}
	rows, err := r.activity.Rollups(r.ctx, []string{string(m.ID)})
	if err != nil {
		t.Fatal(err)
	}
	row := rows[string(m.ID)]
	if want := activity.DayOf(start, seoul); row.KindLast[activity.Subscribe] != want || !row.ActiveOn(want) {
		t.Errorf("started on day %d, want %d (the delivery's day in Seoul)", row.KindLast[activity.Subscribe], want)
	}
	// Stripe renews and ends it without the member: noted, but no day of
	// theirs, so a paying absentee does not look active.
	if renewed := row.KindLast[activity.Renew]; renewed == 0 || row.ActiveOn(renewed) || row.Last != activity.DayOf(start, seoul) {
		t.Errorf("renewed on day %d (active that day: %v), last active day %d: want the renewal kept but no day after the start",
			renewed, row.ActiveOn(renewed), row.Last)
	}
}

// TestSubscriptionStartsOnce: a trial starts the subscription and its
// first paid period renews it; a Checkout whose first payment is still
// incomplete has not started; an immediate cancellation is one.
func TestSubscriptionStartsOnce(t *testing.T) {
	r := newRig(t)
	now := r.clock.Now()
	trial, late, quit := r.member("trial@example.com"), r.member("late@example.com"), r.member("quit@example.com")

	ts := r.premiumSub("sub_trial", trial.ID)
	ts.Status, ts.TrialEnd, ts.PeriodEnd = "trialing", now.AddDate(0, 0, 14), now.AddDate(0, 0, 14)
	r.mustDeliver("evt_t1", "customer.subscription.created", now, ts.Object())
	paid := ts
	paid.Status, paid.PeriodEnd = "active", ts.TrialEnd.AddDate(0, 1, 0)
	r.mustDeliver("evt_t2", "customer.subscription.updated", ts.TrialEnd, paid.Object())

	ls := r.premiumSub("sub_late", late.ID)
	ls.Status = "incomplete"
	r.mustDeliver("evt_l1", "customer.subscription.created", now, ls.Object())
	if got := r.counts(late.ID); got != [3]int{} {
		t.Errorf("an incomplete Checkout: %v, want nothing started", got)
	}
	ls.Status = "active"
	r.mustDeliver("evt_l2", "customer.subscription.updated", now.Add(time.Minute), ls.Object())

	qs := r.premiumSub("sub_quit", quit.ID)
	r.mustDeliver("evt_q1", "customer.subscription.created", now, qs.Object())
	qs.Status = "canceled"
	r.mustDeliver("evt_q2", "customer.subscription.deleted", now.Add(time.Hour), qs.Object())

	for _, c := range []struct {
		who  auth.Account
		want [3]int
	}{{trial, [3]int{1, 1, 0}}, {late, [3]int{1, 0, 0}}, {quit, [3]int{1, 0, 1}}} {
		if got := r.counts(c.who.ID); got != c.want {
			t.Errorf("%s: started, renewed, cancelled = %v, want %v", c.who.Email, got, c.want)
		}
	}
}

// TestSubscriptionReplayedAtOnceIsRecordedOnce: twenty deliveries at once
// of the event that renews a subscription note one renewal.
func TestSubscriptionReplayedAtOnceIsRecordedOnce(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	sub := r.premiumSub("sub_1", m.ID)
	r.mustDeliver("evt_1", "customer.subscription.created", r.clock.Now(), sub.Object())
	renewal := stripemock.Invoice{ID: "in_2", Subscription: sub.ID, Customer: sub.Customer, Account: sub.Account, Price: sub.Price,
		AmountPaid: 9900, PeriodEnd: sub.PeriodEnd.AddDate(0, 1, 0)}.Object()
	at := sub.PeriodEnd
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.deliver("evt_2", "invoice.paid", at, renewal); err != nil {
				errs <- fmt.Errorf("deliver: %w", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := r.counts(m.ID); got != [3]int{1, 1, 0} {
		t.Errorf("started, renewed, cancelled = %v, want [1 1 0]", got)
	}
}
