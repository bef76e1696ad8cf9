package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/membership"
)

// checkHistory checks the seeded history has what each chart of the
// retention insight needs, worked out by activity's own figures from the
// stored rollups, as on the day the seed began (start): members joining
// over half a year, more each week; cohorts that keep most of themselves
// for two weeks and lose most in the third; a repeat rate that moves;
// members at risk both ways, dormant ones and true fans, the admin among
// the last; segments that changed in a month; and rollups that agree
// with what the seed wrote.
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
	// Each account was made the day it joined.
	var admin activity.Rollup
	for _, a := range accounts {
		r, ok := rows[a.ID]
		if joined := activity.DayOf(a.CreatedAt, seoul); !ok || r.Joined != joined {
			t.Errorf("%s created %v, joined on day %d in its rollup, want %d", a.Email, a.CreatedAt, r.Joined, joined)
		}
		if a.Email == demoAdminEmail {
			admin = r
		}
	}

	m := activity.MembersFigures(all, today)
	first, last := m.Trend[0], m.Trend[len(m.Trend)-1]
	t.Logf("members: %d, new this week %d and month %d, active 7 days %d and 30 days %d, DAU/MAU %.2f; 12 weeks ago %d",
		m.Total, m.NewWeek, m.NewMonth, m.Active7, m.Active30, m.DAUMAU, first.Total)
	if m.Total != len(accounts) || len(rows) != len(accounts) || m.NewMonth < 20 || m.Active7 < 50 || m.DAUMAU <= 0 ||
		last.Total-first.Total < 80 || last.New <= first.New {
		t.Errorf("members %+v: want every account, with a club that grows and comes back", m)
	}
	checkCohorts(t, activity.Cohorts(all, today))
	rep := activity.RepeatRate(all, today)
	t.Logf("repeat rate %.2f, a year's trend %v", rep.Rate, rep.Trend)
	if rep.Rate <= 0.1 || rep.Rate >= 0.9 || rep.Trend[len(rep.Trend)-6].Rate == rep.Rate {
		t.Errorf("repeat rate %.2f, trend %v: want one between, that moved", rep.Rate, rep.Trend)
	}
	risks := map[activity.Risk]int{}
	for _, r := range activity.AtRisk(all, today) {
		risks[r.Risk]++
	}
	segments, moved := map[activity.Segment]int{}, false
	for _, c := range activity.SegmentCounts(all, today, nil) {
		segments[c.Segment] = c.Now
		moved = moved || c.Now != c.MonthAgo
	}
	t.Logf("at risk %v; segments %v", risks, segments)
	if risks[activity.RiskWeek3] < 3 || risks[activity.RiskSilent] < 3 {
		t.Errorf("at risk: %v, want members in week-3 silence and members silent 21 days or more", risks)
	}
	for seg, want := range map[activity.Segment]int{activity.SegmentNew: 10, activity.SegmentActive: 50,
		activity.SegmentDormant: 10, activity.SegmentTrueFans: 20} {
		if segments[seg] < want || !moved {
			t.Errorf("segment %s: %d members, want at least %d and segments that changed in a month", seg, segments[seg], want)
		}
	}
	if !admin.ActiveBetween(today-6, today+1) || !activity.TrueFan(admin, today, false) {
		t.Errorf("the admin is not an active true fan: %+v", admin)
	}
	checkRollupsAgree(t, db, rows, seoul)
}

// checkCohorts checks the cohorts of the last twelve weeks whose third
// week since joining is over: together, most come back in week 1 and
// half in week 2, and the week-3 drop shows.
func checkCohorts(t *testing.T, cohorts []activity.Cohort) {
	t.Helper()
	var size int
	var came [4]float64
	for _, c := range cohorts[4:] {
		size += c.Size
		for k := range came {
			came[k] += c.Retained[k] * float64(c.Size)
		}
	}
	share := func(k int) float64 { return came[k] / float64(size) }
	t.Logf("cohorts of weeks 4 to 11 ago, %d members: weeks 0-3 %.2f %.2f %.2f %.2f", size, share(0), share(1), share(2), share(3))
	// The seed draws about 70%, 55% and 25%; the bounds leave room for
	// the draw of any day (a share of 90 members varies by about 0.05).
	if size < 50 || share(1) < 0.5 || share(2) < 0.4 || share(3) > share(1)-0.2 || share(3) > share(2)-0.1 {
		t.Errorf("cohorts of %d members came back %.2f, %.2f, %.2f in weeks 1 to 3: want most, half, then a drop",
			size, share(1), share(2), share(3))
	}
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
// charts something to show, by membership's own figures: members paying
// now, and in half a year of the twelve months, more now than five months
// ago; cancellations, so churn, in three months or more, and a lifetime
// value; and trials that ended in the last 90 days, converted and not.
func checkPremiumHistory(t *testing.T, db *mongodb.DB, start time.Time) {
	t.Helper()
	ctx := context.Background()
	owner, seoul := insightViewer(t, db)
	p, err := membership.New(db, membership.Config{}, time.Now, discardLog()).PremiumFigures(ctx, owner, start, seoul)
	if err != nil {
		t.Fatal(err)
	}
	months, churned := 0, 0
	var report []string
	for _, m := range p.Trend {
		if m.PayingAtStart > 0 {
			months++
		}
		if m.Churn > 0 {
			churned++
		}
		report = append(report, fmt.Sprintf("%s %d+%d-%d", m.Start.Format("2006-01"), m.PayingAtStart, m.New, m.Cancelled))
	}
	t.Logf("premium: %d paying, MRR %d %s, ARPU %d, LTV %d (%v); months (paying at start+new-cancelled) %v; trials %+v",
		p.Members, p.MRR, p.Currency, p.ARPU, p.LTV, p.LTVKnown, report, p.Trials)
	fiveAgo := p.Trend[len(p.Trend)-6]
	if p.Members < 15 || months < 6 || churned < 3 || p.MRR <= fiveAgo.MRR || fiveAgo.MRR == 0 {
		t.Errorf("premium: %d paying, in %d months, churn in %d, MRR %d now and %d five months ago: "+
			"want half a year of a growing history with churn", p.Members, months, churned, p.MRR, fiveAgo.MRR)
	}
	if p.Trials.Converted == 0 || p.Trials.Converted == p.Trials.Ended {
		t.Errorf("trials ended in the last 90 days: %+v; want some converted and some not", p.Trials)
	}
}

// checkHeardAndTurnout checks the idea boards and events give "being
// heard" and "events" numbers, by community's own figures: of the ideas
// of the last 30 days, some answered within 24 hours and some not; ideas
// shipped, with voters; five events over, each with some of those going
// checked in, some with no-shows; and members who came to two.
func checkHeardAndTurnout(t *testing.T, db *mongodb.DB, start time.Time) {
	t.Helper()
	ctx := context.Background()
	owner, seoul := insightViewer(t, db)
	cm := community.New(db, community.Limits{}, time.Now, discardLog())
	heard, err := cm.HeardFigures(ctx, community.Actor{Account: owner}, start, seoul)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ideas of 30 days %d, answered %d, within a day %d (%.2f), median %v; shipped this quarter %d, in 90 days %d",
		heard.Proposed, heard.Answered, heard.AnsweredInDay, heard.InDayShare, heard.MedianResponse,
		heard.ShippedThisQuarter, len(heard.Shipped))
	if heard.InDayShare <= 0.2 || heard.InDayShare >= 0.9 || len(heard.Shipped) == 0 || len(heard.Shipped[0].Voters) == 0 {
		t.Errorf("being heard: %.2f answered within a day, %d shipped: want some and not all, and some with voters",
			heard.InDayShare, len(heard.Shipped))
	}
	turnouts, err := cm.EventFigures(ctx, community.Actor{Account: owner}, start)
	if err != nil {
		t.Fatal(err)
	}
	noShows := 0
	for _, e := range turnouts {
		if e.Attendance == 0 {
			t.Errorf("event %q is over and nobody was checked in", e.Title)
		}
		if e.NoShows > 0 {
			noShows++
		}
	}
	var rsvps []struct {
		Account string `bson:"account"`
	}
	cur, err := db.Collection("rsvps").Find(ctx, bson.M{"attended": true})
	if err != nil || cur.All(ctx, &rsvps) != nil {
		t.Fatalf("find check-ins: %v", err)
	}
	came, twice := map[string]int{}, 0
	for _, r := range rsvps {
		if came[r.Account]++; came[r.Account] == 2 {
			twice++
		}
	}
	if len(turnouts) < 5 || noShows == 0 || twice == 0 {
		t.Errorf("%d events over (%d with no-shows), %d members came to two or more: want 5, some and some", len(turnouts), noShows, twice)
	}
}

// insightViewer is who reads the insight in these checks, the demo's
// owner, and the site's zone.
func insightViewer(t *testing.T, db *mongodb.DB) (auth.Account, *time.Location) {
	t.Helper()
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	au, err := auth.New(db, auth.Config{}, mail.Log{Logger: discardLog()}, time.Now, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	owner, err := au.AccountByEmail(context.Background(), demoAdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	return owner, seoul
}
