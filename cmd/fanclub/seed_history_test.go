package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"fanclub/internal/activity"
	"fanclub/internal/mongodb"
)

// checkHistory checks the seeded history has what each chart of the
// retention insight needs, reading the stored rollups and billing history
// as the insight would, start being when the seed began: members joining
// over half a year, more each week; cohorts that keep most of themselves
// for two weeks and lose most in the third; members at risk, dormant and
// true fans, the admin among the last; rollups that agree with what the
// seed wrote; and premium members who came and went, month by month.
func checkHistory(t *testing.T, db *mongodb.DB, start time.Time) {
	t.Helper()
	ctx := context.Background()
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	all, err := activity.New(db, func(context.Context) *time.Location { return seoul }, time.Now, discardLog()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]activity.Rollup{}
	for _, r := range all {
		rows[r.Account] = r
	}
	today := activity.DayOf(start, seoul)
	var accounts []struct {
		ID        string    `bson:"_id"`
		Email     string    `bson:"email"`
		CreatedAt time.Time `bson:"createdAt"`
	}
	cur, err := db.Collection("accounts").Find(ctx, bson.M{})
	if err != nil || cur.All(ctx, &accounts) != nil {
		t.Fatalf("find accounts: %v", err)
	}
	if len(rows) != len(accounts) {
		t.Errorf("%d rollups for %d accounts, want one each", len(rows), len(accounts))
	}
	// Each account was made the day it joined; half a year of them, more
	// in the last quarter than in the one before.
	var admin activity.Rollup
	recent, before := 0, 0
	for _, a := range accounts {
		r, ok := rows[a.ID]
		if joined := activity.DayOf(a.CreatedAt, seoul); !ok || r.Joined != joined {
			t.Errorf("%s created %v, joined on day %d in its rollup, want %d", a.Email, a.CreatedAt, r.Joined, joined)
		}
		switch age := today - r.Joined; {
		case age < 13*7:
			recent++
		case age < 26*7:
			before++
		}
		if a.Email == demoAdminEmail {
			admin = r
		}
	}
	if before < 40 || recent <= before {
		t.Errorf("joined in the last 13 weeks %d, in the 13 before %d: want a club that grows", recent, before)
	}

	checkCohorts(t, all, today)
	segments := map[string]int{}
	for _, r := range all {
		for _, seg := range segmentsOf(r, today) {
			segments[seg]++
		}
	}
	t.Logf("segments today: %v", segments)
	for seg, want := range map[string]int{"week-3 silence": 3, "silent 21+ days": 3, "dormant": 10, "true fan": 20, "new": 10} {
		if segments[seg] < want {
			t.Errorf("%s: %d members, want at least %d", seg, segments[seg], want)
		}
	}
	if !admin.ActiveBetween(today-6, today+1) || !strings.Contains(fmt.Sprint(segmentsOf(admin, today)), "true fan") {
		t.Errorf("the admin, %v, is not an active true fan: %+v", segmentsOf(admin, today), admin)
	}
	checkRollupsAgree(t, db, rows, seoul)
}

// checkCohorts checks the cohorts of the last twelve weeks whose third
// week since joining is over: together, most come back in week 1 and
// half in week 2, and the week-3 drop shows.
func checkCohorts(t *testing.T, rows []activity.Rollup, today activity.Day) {
	t.Helper()
	var size int
	var came [12]int
	thisWeek := today.Week()
	for _, r := range rows {
		week := r.Joined.Week()
		if week < thisWeek-7*11 || week+7*4 > thisWeek {
			continue
		}
		size++
		for k := range came {
			from := week + activity.Day(7*k)
			if from <= today && r.ActiveBetween(from, min(from+7, today+1)) {
				came[k]++
			}
		}
	}
	share := func(k int) float64 { return float64(came[k]) / float64(size) }
	t.Logf("cohorts of weeks 4 to 11 ago, %d members: weeks 0-3 %.2f %.2f %.2f %.2f", size, share(0), share(1), share(2), share(3))
	// The seed draws about 70%, 55% and 25%; the bounds leave room for
	// the draw of any day (a share of 90 members varies by about 0.05).
	if size < 50 || share(1) < 0.5 || share(2) < 0.4 || share(3) > share(1)-0.2 || share(3) > share(2)-0.1 {
		t.Errorf("cohorts of %d members came back %.2f, %.2f, %.2f in weeks 1 to 3: want most, half, then a drop",
			size, share(1), share(2), share(3))
	}
}

// segmentsOf names what the rules make r on today: new (joined
// in the last 14 days), week-3 silence (joined 14 to 35 days ago, silent
// 7 days or more), silent 21+ days (and not dormant), dormant (silent 60
// days or more) and true fan (active in 8 of the last 12 weeks, in two
// kinds of participation or more).
func segmentsOf(r activity.Rollup, today activity.Day) []string {
	var out []string
	age, silent := int(today-r.Joined), int(today-r.Last)
	switch {
	case age < 14:
		out = append(out, "new")
	case age <= 35 && silent >= 7:
		out = append(out, "week-3 silence")
	case silent >= 60:
		out = append(out, "dormant")
	case silent >= 21:
		out = append(out, "silent 21+ days")
	}
	first := today.Week() - 7*11
	weeks := 0
	for w := first; w <= today; w += 7 {
		if r.ActiveBetween(w, min(w+7, today+1)) {
			weeks++
		}
	}
	if weeks >= 8 && r.KindsSince(first) >= 2 {
		out = append(out, "true fan")
	}
	return out
}

// checkRollupsAgree checks every post, comment, reaction, vote, RSVP and
// check-in the seed wrote shows in its author's rollup, on its day.
func checkRollupsAgree(t *testing.T, db *mongodb.DB, rows map[string]activity.Rollup, loc *time.Location) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []struct {
		coll, who, when string
		filter          bson.M
		kind            activity.Kind
	}{
		{"posts", "author", "createdAt", bson.M{}, activity.Post},
		{"comments", "author", "createdAt", bson.M{}, activity.Comment},
		{"reactions", "account", "createdAt", bson.M{}, activity.React},
		{"ideas", "author", "createdAt", bson.M{}, activity.Idea},
		{"votes", "account", "createdAt", bson.M{}, activity.Vote},
		{"rsvps", "account", "at", bson.M{}, activity.RSVP},
		{"rsvps", "account", "attendedAt", bson.M{"attended": true}, activity.CheckIn},
	} {
		var docs []bson.M
		cur, err := db.Collection(c.coll).Find(ctx, c.filter)
		if err != nil || cur.All(ctx, &docs) != nil {
			t.Fatalf("find %s: %v", c.coll, err)
		}
		wrong := 0
		for _, d := range docs {
			who, _ := d[c.who].(string)
			at, _ := d[c.when].(primitive.DateTime)
			day := activity.DayOf(at.Time(), loc)
			if r := rows[who]; !r.ActiveOn(day) || r.KindLast[c.kind] < day || r.Counts[c.kind] == 0 {
				wrong++
			}
		}
		if len(docs) == 0 || wrong > 0 {
			t.Errorf("%s: %d of %d not in their %s's rollup as %s that day", c.coll, wrong, len(docs), c.who, c.kind)
		}
	}
}

// checkPremiumHistory checks the billing history gives the premium
// charts something to show over their twelve months, counted as the
// insight does (paid from the start, or from a trial's end; a trial
// cancelled at its end never paid): paying members in half a year of
// months and more now than then, cancellations in three months or more,
// and trials that ended in the last 90 days both converted and not.
func checkPremiumHistory(t *testing.T, db *mongodb.DB, start time.Time) {
	t.Helper()
	ctx := context.Background()
	var subs []struct {
		Status     string    `bson:"status"`
		StartedAt  time.Time `bson:"startedAt"`
		CanceledAt time.Time `bson:"canceledAt"`
		TrialEnd   time.Time `bson:"trialEnd"`
		PeriodEnd  time.Time `bson:"periodEnd"`
	}
	cur, err := db.Collection("subscriptions").Find(ctx, bson.M{})
	if err != nil || cur.All(ctx, &subs) != nil {
		t.Fatalf("find subscriptions: %v", err)
	}
	type span struct{ from, until time.Time }
	var paid []span
	converted, lapsed := 0, 0
	for _, s := range subs {
		sp := span{from: s.StartedAt}
		if !s.TrialEnd.IsZero() {
			sp.from = s.TrialEnd
			if s.TrialEnd.After(start.AddDate(0, 0, -90)) && s.TrialEnd.Before(start) {
				if s.PeriodEnd.After(s.TrialEnd) {
					converted++
				} else {
					lapsed++
				}
			}
		}
		switch s.Status {
		case "active", "past_due":
			paid = append(paid, sp)
		case "canceled":
			if sp.until = s.CanceledAt; sp.until.After(sp.from) && (s.TrialEnd.IsZero() || s.PeriodEnd.After(s.TrialEnd)) {
				paid = append(paid, sp)
			}
		}
	}
	payingAt := func(at time.Time) int {
		n := 0
		for _, sp := range paid {
			if sp.from.Before(at) && (sp.until.IsZero() || !sp.until.Before(at)) {
				n++
			}
		}
		return n
	}
	months, churned := 0, 0
	var report []string
	for m := range 12 {
		from := time.Date(start.Year(), start.Month()-time.Month(11-m), 1, 0, 0, 0, 0, start.Location())
		to := from.AddDate(0, 1, 0)
		cancelled := 0
		for _, sp := range paid {
			if !sp.until.IsZero() && !sp.until.Before(from) && sp.until.Before(to) {
				cancelled++
			}
		}
		if payingAt(from) > 0 {
			months++
		}
		if cancelled > 0 {
			churned++
		}
		report = append(report, fmt.Sprintf("%s %d-%d", from.Format("2006-01"), payingAt(from), cancelled))
	}
	t.Logf("paying at each month's start - cancelled in it: %v; trials ended in 90 days: %d converted, %d not", report, converted, lapsed)
	if months < 6 || churned < 3 || payingAt(start) <= payingAt(start.AddDate(0, -5, 0)) {
		t.Errorf("premium: paying in %d months, cancellations in %d, %d paying now and %d five months ago: "+
			"want half a year of a growing history with churn", months, churned, payingAt(start), payingAt(start.AddDate(0, -5, 0)))
	}
	if converted == 0 || lapsed == 0 {
		t.Errorf("trials ended in the last 90 days: %d converted, %d not; want both", converted, lapsed)
	}
}

// checkHeardAndTurnout checks the idea boards and events give "being
// heard" and "events" numbers: of the ideas older than a day, some
// answered within 24 hours and some not; ideas shipped in the last two
// weeks; five events over, each with some of those going checked in and
// some not; and members who came to two.
func checkHeardAndTurnout(t *testing.T, db *mongodb.DB, start time.Time) {
	t.Helper()
	ctx := context.Background()
	var ideas []struct {
		Status          string    `bson:"status"`
		StatusAt        time.Time `bson:"statusAt"`
		CreatedAt       time.Time `bson:"createdAt"`
		FirstResponseAt time.Time `bson:"firstResponseAt"`
	}
	cur, err := db.Collection("ideas").Find(ctx, bson.M{"status": bson.M{"$ne": "merged"}})
	if err != nil || cur.All(ctx, &ideas) != nil {
		t.Fatalf("find ideas: %v", err)
	}
	old, quick, shipped := 0, 0, 0
	for _, i := range ideas {
		if i.CreatedAt.Before(start.Add(-24 * time.Hour)) {
			old++
			if !i.FirstResponseAt.IsZero() && i.FirstResponseAt.Sub(i.CreatedAt) <= 24*time.Hour {
				quick++
			}
		}
		if i.Status == "shipped" && i.StatusAt.After(start.AddDate(0, 0, -14)) {
			shipped++
		}
	}
	t.Logf("ideas older than a day: %d, answered within 24 hours: %d; shipped in two weeks: %d", old, quick, shipped)
	if quick == 0 || quick == old || shipped == 0 {
		t.Errorf("ideas: %d of %d answered within 24 hours, %d shipped in two weeks: want some and not all, and some", quick, old, shipped)
	}
	var events []seededEvent
	cur, err = db.Collection("events").Find(ctx, bson.M{"cancelled": false, "end": bson.M{"$lt": start}})
	if err != nil || cur.All(ctx, &events) != nil {
		t.Fatalf("find events: %v", err)
	}
	noShows := 0
	for _, e := range events {
		if e.Attended == 0 {
			t.Errorf("event %q is over and nobody was checked in", e.Title)
		}
		if e.Attended < e.Going {
			noShows++
		}
	}
	var rsvps []struct {
		Account string `bson:"account"`
	}
	cur, err = db.Collection("rsvps").Find(ctx, bson.M{"attended": true})
	if err != nil || cur.All(ctx, &rsvps) != nil {
		t.Fatalf("find check-ins: %v", err)
	}
	came, twice := map[string]int{}, 0
	for _, r := range rsvps {
		if came[r.Account]++; came[r.Account] == 2 {
			twice++
		}
	}
	if len(events) < 5 || noShows == 0 || twice == 0 {
		t.Errorf("%d events over (%d with no-shows), %d members came to two or more: want 5, some and some", len(events), noShows, twice)
	}
}
