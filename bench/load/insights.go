package main

// The retention insight's data (issue 16): a year of activity for every
// member and a year of premium subscriptions, added to a seeded
// directory once, and the site owner's session to read /admin/insights
// with. The rollups and subscriptions are written through the packages
// that own them (activity.Recorder.Replace, membership's own types), so
// their shapes cannot drift from what the server reads.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"time"

	"fanclub/auth"
	"fanclub/internal/activity"
	"fanclub/membership"
)

// insightSubs is how many premium subscriptions the year holds.
const insightSubs = 1_000

// insightHabit is how a member comes back, week by week after joining.
type insightHabit struct {
	share float64 // of the members
	weeks int     // the last week they come at all
	often float64 // the chance they come in each of those weeks
	days  int     // the most days they come in a week
	part  float64 // the chance that a day they come they take part
}

// insightHabits: a core of fans and regulars, many who fade within the
// first month or two (the week-3 drop), and some who come once.
var insightHabits = []insightHabit{
	{0.10, 60, 0.92, 5, 0.7},
	{0.25, 60, 0.6, 3, 0.45},
	{0.40, 6, 0.7, 2, 0.3},
	{0.25, 0, 1, 1, 0.2},
}

var insightKinds = []activity.Kind{activity.React, activity.React, activity.Comment, activity.Vote, activity.Vote,
	activity.Post, activity.RSVP, activity.Idea, activity.CheckIn}

// ensureInsightData adds the insight's data and the owner's session to a
// seeded directory that lacks them, and saves the state.
func ensureInsightData(ctx context.Context, dir string, st *seedState) error {
	if st.Staff.Token != "" {
		return nil
	}
	fmt.Println("adding a year of activity and subscriptions for the insight page…")
	t := time.Now()
	db, err := openStore(ctx, dir)
	if err != nil {
		return err
	}
	defer db.close()
	var ids []string
	if err := each(ctx, db, collAccounts, nil, func(d accountDoc) { ids = append(ids, d.ID) }); err != nil {
		return err
	}
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return err
	}
	now := time.Now()
	rnd := mrand.New(mrand.NewPCG(16, 16))
	rows := insightHistory(ids, activity.DayOf(now, seoul), rnd)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rec := activity.New(db.conn.DB, func(context.Context) *time.Location { return seoul }, time.Now, log)
	if err := rec.Replace(ctx, rows); err != nil {
		return fmt.Errorf("activity: %w", err)
	}
	if err := insightSubscriptions(ctx, db, ids, st.Owner, now, rnd); err != nil {
		return err
	}
	staff := credential{Account: st.Owner, Name: "Club Owner", Token: randomToken(), CSRF: randomToken()}
	if _, err := db.coll(collSessions).InsertOne(ctx, newSession(staff, now)); err != nil {
		return err
	}
	st.Staff = staff
	fmt.Printf("added %d rollups and %d subscriptions in %s\n", len(rows), insightSubs, time.Since(t).Round(time.Millisecond))
	return saveState(dir, st)
}

// insightHistory draws each account's year: a join day in the last 365
// days, then its habit's weeks.
func insightHistory(ids []string, today activity.Day, rnd *mrand.Rand) []activity.Rollup {
	rows := make([]activity.Rollup, 0, len(ids))
	for _, id := range ids {
		h := pickHabit(rnd.Float64())
		joined := today - activity.Day(rnd.IntN(365))
		r := activity.Rollup{Account: id, Joined: joined}
		r.Add(activity.Visit, joined)
		r.Add(activity.Join, joined)
		for w := 0; w <= h.weeks; w++ {
			if w > 0 && rnd.Float64() >= h.often {
				continue
			}
			for range 1 + rnd.IntN(h.days) {
				d := joined + activity.Day(7*w+rnd.IntN(7))
				if d > today {
					break
				}
				r.Add(activity.Visit, d)
				if rnd.Float64() < h.part {
					r.Add(insightKinds[rnd.IntN(len(insightKinds))], d)
				}
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// pickHabit finds the habit whose share covers x in [0, 1).
func pickHabit(x float64) insightHabit {
	for _, h := range insightHabits {
		if x < h.share {
			return h
		}
		x -= h.share
	}
	return insightHabits[len(insightHabits)-1]
}

// insightSubscriptions saves a premium tier and a year of monthly
// subscriptions, started across the year, about a third cancelled.
func insightSubscriptions(ctx context.Context, db store, ids []string, owner string, now time.Time, rnd *mrand.Rand) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := membership.New(db.conn.DB, membership.Config{}, time.Now, log)
	admin := auth.Account{ID: auth.AccountID(owner), Role: auth.RoleOwner}
	if _, err := m.SaveTier(ctx, admin, "", membership.TierInput{Key: "premium", Name: "Premium", Rank: "1",
		Perks: "Members-only groups"}); err != nil {
		return fmt.Errorf("tier: %w", err)
	}
	// Written straight into the collection, past membership: the copy the
	// server saved of them at its last stop must not be trusted.
	if err := db.conn.DB.Snapshot("subscriptions").Stale(ctx); err != nil {
		return err
	}
	subs := newBatcher(ctx, db, "subscriptions", 0)
	for i := range insightSubs {
		started := now.Add(-time.Duration(rnd.IntN(365*24)) * time.Hour)
		s := membership.Subscription{ID: fmt.Sprintf("sub_load_%04d", i), Account: auth.AccountID(ids[1+rnd.IntN(len(ids)-1)]),
			Customer: fmt.Sprintf("cus_load_%04d", i), Tier: "premium", Price: "price_load_month", Status: membership.StatusActive,
			MonthlyAmount: 9900, Currency: "krw", StartedAt: started, PeriodEnd: now.AddDate(0, 0, 1+rnd.IntN(30)),
			LastEventID: fmt.Sprintf("evt_load_%04d", i), UpdatedAt: now}
		if rnd.IntN(3) == 0 {
			s.Status, s.CanceledAt = membership.StatusCanceled, started.Add(time.Duration(rnd.Int64N(int64(now.Sub(started))+1)))
		}
		if err := subs.add(s); err != nil {
			return err
		}
	}
	return subs.flush()
}
