package activity_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"fanclub/internal/activity"
)

// date is a Seoul calendar date as a Day.
func date(s string) activity.Day {
	t, err := time.ParseInLocation("2006-01-02", s, seoul)
	if err != nil {
		panic(err)
	}
	return activity.DayOf(t, seoul)
}

// today is a Wednesday; its week began on Monday 2026-12-07.
var today = date("2026-12-09")

// weekly returns every 7th day from from to to, both included.
func weekly(from, to string) []activity.Day {
	var out []activity.Day
	for d := date(from); d <= date(to); d += 7 {
		out = append(out, d)
	}
	return out
}

// member builds a rollup as the record would: joined, then each kind on
// each of its days.
func member(account string, joined activity.Day, acts map[activity.Kind][]activity.Day) activity.Rollup {
	r := activity.Rollup{Account: account, Joined: joined}
	for kind, days := range acts {
		for _, d := range days {
			r.Add(kind, d)
		}
	}
	return r
}

type acts = map[activity.Kind][]activity.Day

func days(s ...string) []activity.Day {
	out := make([]activity.Day, len(s))
	for i, v := range s {
		out[i] = date(v)
	}
	return out
}

// club is a small history, read on today (Wed 2026-12-09). Tuesdays from
// 2026-06-02 are weekly; the weeks of the trend begin on Mondays
// 09-21 … 12-07.
func club() []activity.Rollup {
	return []activity.Rollup{
		// Joined at Monday 00:00 in Seoul, still Sunday in UTC: the
		// cohort of Monday 11-30.
		member("boundary", activity.DayOf(time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC), seoul),
			acts{activity.Join: days("2026-11-30"), activity.Visit: days("2026-12-01"), activity.Post: days("2026-12-08")}),
		// A minute earlier, Sunday 23:59 in Seoul: the cohort of 11-23;
		// active only on the day they joined.
		member("sunday", activity.DayOf(time.Date(2026, 11, 29, 14, 59, 0, 0, time.UTC), seoul),
			acts{activity.Join: days("2026-11-29")}),
		// Active only on the day they joined, four weeks ago.
		member("once", date("2026-11-11"), acts{activity.Join: days("2026-11-11")}),
		// Came back once in week 2, silent since.
		member("week3", date("2026-11-10"), acts{activity.Post: days("2026-11-10"), activity.Comment: days("2026-11-24")}),
		// Joined, never came.
		member("ghost", date("2026-11-16"), nil),
		member("today", today, acts{activity.Visit: days("2026-12-09")}),
		// Every week, posting and commenting.
		member("fan", date("2026-06-01"), acts{activity.Post: weekly("2026-06-02", "2026-12-08"),
			activity.Comment: days("2026-10-06", "2026-12-01")}),
		// Every week, but only visits and one reaction.
		member("lurker", date("2026-06-01"), acts{activity.Visit: weekly("2026-06-02", "2026-12-08"),
			activity.React: days("2026-10-06")}),
		// Paying; came once this month.
		member("premium", date("2026-06-01"), acts{activity.Visit: days("2026-11-20")}),
		// Every week until 11-03, silent 36 days since.
		member("slipping", date("2026-06-01"), acts{activity.Post: weekly("2026-06-02", "2026-11-03"),
			activity.Comment: days("2026-10-13")}),
		member("dormant", date("2026-06-01"), acts{activity.Vote: days("2026-09-01")}),
	}
}

var premium = map[string]bool{"premium": true}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestMembersFigures(t *testing.T) {
	m := activity.MembersFigures(club(), today)
	// Active in the last 30 days (11-10 … 12-09): everyone but ghost,
	// slipping (11-03) and dormant. In the last 7 (12-03 … 12-09):
	// boundary, fan, lurker on 12-08, today on 12-09: 4 member-days.
	want := activity.Members{Total: 11, NewWeek: 1, NewMonth: 6, Active7: 4, Active30: 8, DAU: 4.0 / 7, DAUMAU: 4.0 / 7 / 8}
	if m.Total != want.Total || m.NewWeek != want.NewWeek || m.NewMonth != want.NewMonth ||
		m.Active7 != want.Active7 || m.Active30 != want.Active30 || !near(m.DAU, want.DAU) || !near(m.DAUMAU, want.DAUMAU) {
		t.Errorf("members = %+v\nwant      %+v", m, want)
	}
	// Each week seen on its Sunday (the last on today). fan, lurker and
	// slipping are active one Tuesday a week until slipping stops after
	// 11-03; dormant's 09-01 falls in the first week's 30 days only.
	wantTrend := []activity.MembersWeek{
		{date("2026-09-21"), 5, 0, 3, 4, 3.0 / 7 / 4},
		{date("2026-09-28"), 5, 0, 3, 3, 3.0 / 7 / 3},
		{date("2026-10-05"), 5, 0, 3, 3, 3.0 / 7 / 3},
		{date("2026-10-12"), 5, 0, 3, 3, 3.0 / 7 / 3},
		{date("2026-10-19"), 5, 0, 3, 3, 3.0 / 7 / 3},
		{date("2026-10-26"), 5, 0, 3, 3, 3.0 / 7 / 3},
		{date("2026-11-02"), 5, 0, 3, 3, 3.0 / 7 / 3},
		{date("2026-11-09"), 7, 2, 4, 5, 4.0 / 7 / 5},  // week3, once join
		{date("2026-11-16"), 8, 1, 3, 6, 3.0 / 7 / 6},  // ghost joins; premium's visit
		{date("2026-11-23"), 9, 1, 4, 7, 4.0 / 7 / 7},  // sunday joins on its Sunday
		{date("2026-11-30"), 10, 1, 3, 7, 4.0 / 7 / 7}, // boundary: two days; slipping's 30 days are over
		{date("2026-12-07"), 11, 1, 4, 8, 4.0 / 7 / 8},
	}
	if len(m.Trend) != len(wantTrend) {
		t.Fatalf("%d weeks of trend, want %d", len(m.Trend), len(wantTrend))
	}
	for i, w := range wantTrend {
		g := m.Trend[i]
		if g.Week != w.Week || g.Total != w.Total || g.New != w.New || g.Active7 != w.Active7 ||
			g.Active30 != w.Active30 || !near(g.DAUMAU, w.DAUMAU) {
			t.Errorf("week %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestMembersWindows(t *testing.T) {
	monday := today.Week()
	for _, tc := range []struct {
		name                                 string
		joined, active                       activity.Day // active 0: never
		newWeek, newMonth, active7, active30 int
	}{
		{"joined this Monday", monday, 0, 1, 1, 0, 0},
		{"joined the Sunday before", monday - 1, 0, 0, 1, 0, 0},
		{"joined 29 days ago", today - 29, 0, 0, 1, 0, 0},
		{"joined 30 days ago", today - 30, 0, 0, 0, 0, 0},
		{"active 6 days ago", today - 100, today - 6, 0, 0, 1, 1},
		{"active 7 days ago", today - 100, today - 7, 0, 0, 0, 1},
		{"active 29 days ago", today - 100, today - 29, 0, 0, 0, 1},
		{"active 30 days ago", today - 100, today - 30, 0, 0, 0, 0},
	} {
		r := activity.Rollup{Account: "a", Joined: tc.joined}
		if tc.active != 0 {
			r.Add(activity.Post, tc.active)
		}
		m := activity.MembersFigures([]activity.Rollup{r}, today)
		if m.Total != 1 || m.NewWeek != tc.newWeek || m.NewMonth != tc.newMonth || m.Active7 != tc.active7 || m.Active30 != tc.active30 {
			t.Errorf("%s: %+v", tc.name, m)
		}
	}
}

func TestCohorts(t *testing.T) {
	got := activity.Cohorts(club(), today)
	want := []activity.Cohort{
		// Only finished weeks: this Wednesday's week is left out of every
		// row but this week's own.
		{date("2026-12-07"), 1, []float64{1}},            // today, on the day they joined: this week so far
		{date("2026-11-30"), 1, []float64{1}},            // boundary: Monday 00:00 in Seoul
		{date("2026-11-23"), 1, []float64{1, 0}},         // sunday: the join day only
		{date("2026-11-16"), 1, []float64{0, 0, 0}},      // ghost
		{date("2026-11-09"), 2, []float64{1, 0, 0.5, 0}}, // week3 and once: the week-3 drop
	}
	for i := 5; i < 12; i++ { // nobody joined in these weeks
		want = append(want, activity.Cohort{Week: date("2026-12-07") - activity.Day(7*i), Retained: make([]float64, i)})
	}
	if len(got) != len(want) {
		t.Fatalf("%d cohorts, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Week != w.Week || g.Size != w.Size || !slices.Equal(g.Retained, w.Retained) {
			t.Errorf("cohort %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestRepeatRate(t *testing.T) {
	got := activity.RepeatRate(club(), today)
	// The four weeks 11-09 … 12-06; of the five members who joined
	// before them, fan and lurker came in two or more. week3 came in two
	// but joined in the first of them, so is counted on neither side.
	if !near(got.Rate, 0.4) {
		t.Errorf("rate = %v, want 0.4", got.Rate)
	}
	want := []float64{0, 0, 0, 0, 0, 0, // until June nobody had joined before the four weeks
		0.6, 0.6, 0.6, 0.6, // fan, lurker, slipping of five
		0.4, // November: weeks 11-02 … 11-29; slipping came on 11-03 only
		0.4} // December so far: today's rate
	if len(got.Trend) != len(want) {
		t.Fatalf("%d months, want %d", len(got.Trend), len(want))
	}
	for i, w := range want {
		month := date(time.Date(2026, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
		if got.Trend[i].Month != month || !near(got.Trend[i].Rate, w) {
			t.Errorf("month %d = %+v, want %v at %v", i, got.Trend[i], w, month)
		}
	}
}

func TestAtRisk(t *testing.T) {
	got := activity.AtRisk(club(), today)
	want := []activity.AtRiskMember{
		{"week3", activity.RiskWeek3, date("2026-11-10"), date("2026-11-24")}, // 29 days in, silent 15
		{"ghost", activity.RiskWeek3, date("2026-11-16"), 0},                  // 23 days in, never came
		{"once", activity.RiskWeek3, date("2026-11-11"), date("2026-11-11")},  // 28 days in, silent 28
		{"slipping", activity.RiskSilent, date("2026-06-01"), date("2026-11-03")},
	}
	if !slices.Equal(got, want) {
		t.Errorf("at risk = %+v\nwant      %+v", got, want)
	}
	// Silent as long: by account.
	got = activity.AtRisk([]activity.Rollup{
		member("b", date("2026-11-10"), acts{activity.Post: days("2026-11-20")}),
		member("a", date("2026-11-10"), acts{activity.Post: days("2026-11-20")}),
	}, today)
	if len(got) != 2 || got[0].Account != "a" || got[1].Account != "b" {
		t.Errorf("tie = %+v", got)
	}
}

func TestRiskRule(t *testing.T) {
	for _, tc := range []struct {
		name           string
		joined, last   int // days ago; last -1: never active
		risk           activity.Risk
		dormant, isNew bool
	}{
		{name: "13 days in, never came", joined: 13, last: -1, isNew: true},
		{name: "14 days in, never came", joined: 14, last: -1, risk: activity.RiskWeek3},
		{name: "14 days in, silent 7", joined: 14, last: 7, risk: activity.RiskWeek3},
		{name: "20 days in, silent 6", joined: 20, last: 6},
		{name: "35 days in, silent 7", joined: 35, last: 7, risk: activity.RiskWeek3},
		{name: "30 days in, silent 25: week 3 first", joined: 30, last: 25, risk: activity.RiskWeek3},
		{name: "36 days in, silent 20", joined: 36, last: 20},
		{name: "36 days in, never came", joined: 36, last: -1},
		{name: "silent 21", joined: 100, last: 21, risk: activity.RiskSilent},
		{name: "silent 59", joined: 100, last: 59, risk: activity.RiskSilent},
		{name: "silent 60", joined: 100, last: 60, dormant: true},
		{name: "60 days in, never came", joined: 60, last: -1, dormant: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := activity.Rollup{Account: "a", Joined: today - activity.Day(tc.joined)}
			if tc.last >= 0 {
				r.Add(activity.Post, today-activity.Day(tc.last))
			}
			var risk activity.Risk
			if got := activity.AtRisk([]activity.Rollup{r}, today); len(got) > 0 {
				risk = got[0].Risk
			}
			if risk != tc.risk {
				t.Errorf("risk %q, want %q", risk, tc.risk)
			}
			segs := activity.SegmentsOf(r, today, false)
			if slices.Contains(segs, activity.SegmentAtRisk) != (tc.risk != "") ||
				slices.Contains(segs, activity.SegmentDormant) != tc.dormant ||
				slices.Contains(segs, activity.SegmentNew) != tc.isNew {
				t.Errorf("segments %v", segs)
			}
		})
	}
}

func TestTrueFanRule(t *testing.T) {
	thisWeek := today.Week()
	// onWeeks is a member who joined a year ago and posted on the
	// Monday of each of weeks (0: this week, 11: the 12th back) and
	// commented once, on the day given.
	onWeeks := func(comment activity.Day, weeks ...int) activity.Rollup {
		r := activity.Rollup{Account: "a", Joined: today - 365}
		for _, w := range weeks {
			r.Add(activity.Post, thisWeek-activity.Day(7*w))
		}
		if comment != 0 {
			r.Add(activity.Comment, comment)
		}
		return r
	}
	visitor := activity.Rollup{Account: "a", Joined: today - 365}
	for d := today - 83; d <= today; d++ {
		visitor.Add(activity.Visit, d)
	}
	visitor.Add(activity.React, today)
	for _, tc := range []struct {
		name    string
		r       activity.Rollup
		on      activity.Day
		premium bool
		want    bool
	}{
		{"8 of 12 weeks, two kinds", onWeeks(thisWeek, 0, 1, 2, 3, 4, 5, 6, 11), today, false, true},
		{"7 of 12 weeks", onWeeks(thisWeek, 0, 1, 2, 3, 4, 5, 6), today, false, false},
		{"the 13th week back does not count", onWeeks(thisWeek, 0, 1, 2, 3, 4, 5, 6, 12), today, false, false},
		{"8 weeks, one kind", onWeeks(0, 0, 1, 2, 3, 4, 5, 6, 7), today, false, false},
		{"the second kind before the 12 weeks", onWeeks(thisWeek-7*12, 0, 1, 2, 3, 4, 5, 6, 7), today, false, false},
		{"every day, but visits and one kind", visitor, today, false, false},
		{"premium, active 29 days ago", onWeeks(0, 4), today - 1, true, true}, // on Monday 11-09
		{"premium, active 30 days ago", onWeeks(0, 4), today, true, false},
		{"active yesterday, not premium", onWeeks(0, 0), today, false, false},
		{"premium, never active", activity.Rollup{Account: "a", Joined: today - 10}, today, true, false},
		// On a past day, a kind last seen after it counts: the record
		// keeps only each kind's last day.
		{"a month ago, with a kind seen since", onWeeks(today, 5, 6, 7, 8, 9, 10, 11, 12), today - 30, false, true},
	} {
		if got := activity.TrueFan(tc.r, tc.on, tc.premium); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSegments(t *testing.T) {
	rows := club()
	want := map[string][]activity.Segment{
		"boundary": {activity.SegmentNew},
		"sunday":   {activity.SegmentNew},
		"today":    {activity.SegmentNew},
		// Active lately but slipping now: at risk, not active, so the
		// four segments add up.
		"once":     {activity.SegmentAtRisk},
		"week3":    {activity.SegmentAtRisk},
		"ghost":    {activity.SegmentAtRisk},
		"fan":      {activity.SegmentActive, activity.SegmentTrueFans},
		"lurker":   {activity.SegmentActive},
		"premium":  {activity.SegmentActive, activity.SegmentTrueFans},
		"slipping": {activity.SegmentAtRisk},
		"dormant":  {activity.SegmentDormant},
	}
	for _, r := range rows {
		if got := activity.SegmentsOf(r, today, premium[r.Account]); !slices.Equal(got, want[r.Account]) {
			t.Errorf("%s is in %v, want %v", r.Account, got, want[r.Account])
		}
	}
	if got := activity.SegmentsOf(rows[8], today, false); !slices.Equal(got, []activity.Segment{activity.SegmentActive}) {
		t.Errorf("premium, unpaid, is in %v", got)
	}

	// A month ago (11-09), only the five who joined 06-01 were members:
	// fan, lurker and slipping came on 11-03; premium had never come
	// (dormant since joining), dormant's 09-01 was 69 days back; fan and
	// slipping came in 11 of the 12 weeks, commenting and posting.
	wantCounts := []activity.SegmentCount{
		{activity.SegmentNew, 3, 0},
		{activity.SegmentActive, 3, 3},
		{activity.SegmentAtRisk, 4, 0},
		{activity.SegmentDormant, 1, 2},
		{activity.SegmentTrueFans, 2, 2},
	}
	if got := activity.SegmentCounts(rows, today, premium); !slices.Equal(got, wantCounts) {
		t.Errorf("counts = %+v\nwant     %+v", got, wantCounts)
	}

	for seg, want := range map[activity.Segment][]string{
		activity.SegmentNew:      {"boundary", "sunday", "today"},
		activity.SegmentActive:   {"fan", "lurker", "premium"},
		activity.SegmentAtRisk:   {"ghost", "once", "slipping", "week3"},
		activity.SegmentDormant:  {"dormant"},
		activity.SegmentTrueFans: {"fan", "premium"},
		"nonsense":               nil,
	} {
		if got := activity.SegmentMembers(rows, today, seg, premium); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", seg, got, want)
		}
	}
}

func TestAnEmptyClubHasZeroFigures(t *testing.T) {
	for name, rows := range map[string][]activity.Rollup{
		"no members": nil,
		// Joined tomorrow (a clock a day ahead): not a member yet.
		"not joined yet": {member("later", today+1, acts{activity.Post: days("2026-12-10")})},
	} {
		m := activity.MembersFigures(rows, today)
		if m.Total != 0 || m.Active30 != 0 || m.DAU != 0 || m.DAUMAU != 0 || len(m.Trend) != 12 {
			t.Errorf("%s: members %+v", name, m)
		}
		for _, w := range m.Trend {
			if w.Total != 0 || w.DAUMAU != 0 {
				t.Errorf("%s: week %+v", name, w)
			}
		}
		cohorts := activity.Cohorts(rows, today)
		if len(cohorts) != 12 {
			t.Errorf("%s: %d cohorts", name, len(cohorts))
		}
		for _, c := range cohorts {
			if c.Size != 0 || slices.ContainsFunc(c.Retained, func(f float64) bool { return f != 0 }) {
				t.Errorf("%s: cohort %+v", name, c)
			}
		}
		rep := activity.RepeatRate(rows, today)
		if rep.Rate != 0 || len(rep.Trend) != 12 || slices.ContainsFunc(rep.Trend, func(m activity.RepeatMonth) bool { return m.Rate != 0 }) {
			t.Errorf("%s: repeat %+v", name, rep)
		}
		if got := activity.AtRisk(rows, today); len(got) != 0 {
			t.Errorf("%s: at risk %+v", name, got)
		}
		for _, c := range activity.SegmentCounts(rows, today, nil) {
			if c.Now != 0 || c.MonthAgo != 0 {
				t.Errorf("%s: segment %+v", name, c)
			}
		}
	}
}

// A paying member who stopped coming stays dormant however often Stripe
// renews them, and billing is no kind of participation for the true-fan
// rule; subscribing through Checkout is a day on the site.
func TestBillingIsNotTakingPart(t *testing.T) {
	joined := today - 200
	absentee := activity.Rollup{Account: "absentee", Joined: joined}
	absentee.Add(activity.Visit, joined)
	absentee.Add(activity.Subscribe, joined)
	for d := joined + 30; d <= today; d += 30 {
		absentee.Add(activity.Renew, d)
	}
	absentee.Add(activity.Cancel, today-1)
	if got := activity.SegmentsOf(absentee, today, true); !slices.Equal(got, []activity.Segment{activity.SegmentDormant}) {
		t.Errorf("a renewed absentee is in %v, want dormant", got)
	}
	if absentee.Last != joined || absentee.ActiveOn(joined+30) || !absentee.ActiveOn(joined) {
		t.Errorf("last active day %d, active on the first renewal %v, on the Checkout day %v: want %d, false, true",
			absentee.Last, absentee.ActiveOn(joined+30), absentee.ActiveOn(joined), joined)
	}
	if absentee.Counts[activity.Renew] != 6 || absentee.KindLast[activity.Cancel] != today-1 {
		t.Errorf("renewals %d, cancelled on %d: the steps themselves must be kept", absentee.Counts[activity.Renew], absentee.KindLast[activity.Cancel])
	}
	// One kind of taking part plus billing is still one kind.
	reader := activity.Rollup{Account: "reader", Joined: today - 90}
	for d := today - 84; d <= today; d += 7 {
		reader.Add(activity.Comment, d)
	}
	reader.Add(activity.Subscribe, today-10)
	reader.Add(activity.Renew, today-3)
	if got := reader.KindsSince(today - 83); got != 1 {
		t.Errorf("kinds of participation = %d, want 1 (comments; billing is not taking part)", got)
	}
}
