package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"fanclub/auth"
)

// Insights is /admin/insights: whether the club makes its customers
// loyal, section by section. A section whose figures could not be worked
// out says so (Ready false) and the others still show.
type Insights struct {
	Chrome Chrome
	// NoMembers says nobody but the staff has taken part yet: a new club.
	NoMembers bool
	Members   InsightMembers
	Cohorts   InsightCohorts
	Repeat    InsightRepeat
	AtRisk    InsightAtRisk
	Segments  InsightSegments
	Premium   InsightPremium
	Heard     InsightHeard
	Events    InsightEvents
}

// InsightMembers is section 1: how many members, how many came.
type InsightMembers struct {
	Ready    bool
	Total    int
	NewWeek  int
	NewMonth int
	Active7  int
	Active30 int
	DAUMAU   float64
	Weeks    []MembersWeek // the last 12 weeks, oldest first
}

// MembersWeek is one week of the members' trend, as seen on its last day.
type MembersWeek struct {
	Week     time.Time // its Monday, in the site's zone
	Total    int
	New      int
	Active7  int
	Active30 int
	DAUMAU   float64
}

// InsightCohorts is section 2: a row per join week, the share of each
// cohort active in each week since.
type InsightCohorts struct {
	Ready bool
	Rows  []Cohort // oldest first
}

// Cohort is the members who joined in one week.
type Cohort struct {
	Week     time.Time
	Size     int
	Retained []float64 // a share per week since joining that has begun
}

// InsightRepeat is section 3: the club's repeat rate.
type InsightRepeat struct {
	Ready  bool
	Rate   float64
	Months []RepeatMonth // oldest first
}

// RepeatMonth is the repeat rate at the end of a month.
type RepeatMonth struct {
	Month time.Time
	Rate  float64
}

// AtRiskSorts are the orders of the at-risk list, the default first:
// the most recently active (whom a word may still bring back), by name,
// newest to join, premium first.
var AtRiskSorts = []string{"last", "name", "joined", "tier"}

// InsightAtRisk is section 4: who is slipping away.
type InsightAtRisk struct {
	Ready bool
	Rows  []AtRiskRow // the rows shown, in Sort's order
	Total int         // all at risk; the CSV has every one
	Sort  string      // one of AtRiskSorts
}

// AtRiskRow is one member at risk.
type AtRiskRow struct {
	Account auth.AccountID
	Name    string // "" for an account no longer there
	Week3   bool   // joined 14–35 days ago and silent 7 days; else silent 21 days
	Joined  time.Time
	Last    time.Time // zero: never active
	Groups  []string
	Tier    string // "" for free
}

// Segment keys, as /admin/campaigns/new?segment= takes them.
const (
	SegmentNew      = "new"
	SegmentActive   = "active"
	SegmentAtRisk   = "at-risk"
	SegmentDormant  = "dormant"
	SegmentTrueFans = "true-fan"
)

// InsightSegments is section 5: the segments the brand may act on.
type InsightSegments struct {
	Ready bool
	Rows  []SegmentRow
	// TrueFans is how many true fans there are, of Target (the brand's).
	TrueFans int
	Target   int
	Rule     TrueFanRule
}

// TrueFanRule is the true-fan rule's numbers, for the page to state it:
// active in Weeks of the last Of weeks in Kinds kinds of participation,
// or premium and active in the last Days days.
type TrueFanRule struct{ Weeks, Of, Kinds, Days int }

// SegmentRow is a segment's size now and a month ago.
type SegmentRow struct {
	Key      string
	Now      int
	MonthAgo int
}

// InsightPremium is section 6: what paid membership earns and keeps.
// Amounts are in Currency's smallest unit.
type InsightPremium struct {
	Ready      bool
	Currency   string
	Members    int // paying now
	MRR        int64
	Churn      float64 // last month's
	ChurnKnown bool
	ARPU       int64
	ARPUKnown  bool
	LTV        int64
	LTVKnown   bool
	Trial      float64 // trial conversion
	TrialKnown bool
	Months     []PremiumMonth // the last 12, oldest first
	// Partial says the site holds more subscriptions than the figures
	// read: they miss some.
	Partial bool
}

// PremiumMonth is one month of paid membership.
type PremiumMonth struct {
	Start      time.Time
	Paying     int // subscriptions paying as it ended
	MRR        int64
	Churn      float64
	ChurnKnown bool
}

// InsightHeard is section 7: whether members are heard on their ideas.
type InsightHeard struct {
	Ready bool
	// Ideas is how many ideas were proposed in the last 30 days;
	// Answered the share answered by the brand within 24 hours.
	Ideas          int
	Answered       float64
	MedianResponse time.Duration
	MedianKnown    bool
	Shipped        int // ideas shipped this quarter
	Voters         int // who voted for them
	VotersActive   int // of whom, active in the month after
}

// InsightEvents is section 8: whether members come to events.
type InsightEvents struct {
	Ready         bool
	Events        []EventTurnout // the last ten ended, latest first
	Regulars      int            // members who came to two or more
	RegularsKnown bool
}

// EventTurnout is how one ended event was attended.
type EventTurnout struct {
	Title      string
	Start      time.Time
	Going      int
	CheckedIn  int
	Attendance float64
	NoShows    float64
}

// CampaignPath is where the brand acts on a segment.
func CampaignPath(segment string) string { return "/admin/campaigns/new?segment=" + segment }

// countAttr is a count as an attribute's value.
func countAttr(n int) string { return strconv.Itoa(n) }

// countText is a count with thousands commas, as both languages write it.
func countText(n int) string { return groupThousands(int64(n)) }

// weekShort is a week's label under a chart: its Monday, "Nov 30" or
// "11/30".
func weekShort(locale string, t time.Time) string {
	if locale == "ko" {
		return t.Format("1/2")
	}
	return t.Format("Jan 2")
}

// weekLong names a week for a table: "Week of 30 Nov" or "11월 30일
// 주". Twelve weeks need no year.
func weekLong(ctx context.Context, t time.Time) string {
	date := t.Format("2 Jan")
	if LocaleOf(ctx) == "ko" {
		date = t.Format("1월 2일")
	}
	return T(ctx, "insights.week_of", "date", date)
}

// monthShort is a month's label under a chart: "Dec" or "12월".
func monthShort(locale string, t time.Time) string {
	if locale == "ko" {
		return strconv.Itoa(int(t.Month())) + "월"
	}
	return t.Format("Jan")
}

// monthLong names a month in full: "December 2026" or "2026년 12월".
func monthLong(locale string, t time.Time) string {
	if locale == "ko" {
		return t.Format("2006년 1월")
	}
	return t.Format("January 2006")
}

// membersCharts are section 1's trends: members and actives, new members
// a week, and DAU/MAU.
func membersCharts(ctx context.Context, m InsightMembers) []Chart {
	l := LocaleOf(ctx)
	var xs, rows []string
	total, a30, a7, fresh, ratio := Series{Name: T(ctx, "insights.members.total")}, Series{Name: T(ctx, "insights.members.active30")},
		Series{Name: T(ctx, "insights.members.active7")}, Series{Name: T(ctx, "insights.members.new")}, Series{Name: T(ctx, "insights.members.daumau")}
	for _, w := range m.Weeks {
		xs, rows = append(xs, weekShort(l, w.Week)), append(rows, weekLong(ctx, w.Week))
		total.Values = append(total.Values, float64(w.Total))
		a30.Values = append(a30.Values, float64(w.Active30))
		a7.Values = append(a7.Values, float64(w.Active7))
		fresh.Values = append(fresh.Values, float64(w.New))
		ratio.Values = append(ratio.Values, w.DAUMAU)
	}
	head := T(ctx, "insights.week")
	return []Chart{
		{ID: "chart-members", Title: T(ctx, "insights.members.chart_members"), RowHead: head, XLabels: xs, Rows: rows, Series: []Series{total, a30, a7}},
		{ID: "chart-new", Title: T(ctx, "insights.members.chart_new"), RowHead: head, XLabels: xs, Rows: rows, Series: []Series{fresh}, Bars: true},
		{ID: "chart-daumau", Title: T(ctx, "insights.members.chart_daumau"), RowHead: head, XLabels: xs, Rows: rows, Series: []Series{ratio}, Unit: UnitShare},
	}
}

// cohortMap is section 2 as a heatmap, week 3 outlined.
func cohortMap(ctx context.Context, c InsightCohorts) Heatmap {
	l := LocaleOf(ctx)
	h := Heatmap{ID: "chart-cohorts", Title: T(ctx, "insights.cohort.chart"), RowHead: T(ctx, "insights.cohort.joined"),
		SizeHead: T(ctx, "insights.cohort.size"), Mark: 3}
	for w := range 12 {
		h.Columns = append(h.Columns, strconv.Itoa(w))
		h.Heads = append(h.Heads, T(ctx, "insights.cohort.week_n", "n", strconv.Itoa(w)))
	}
	for _, r := range c.Rows {
		h.Rows = append(h.Rows, HeatRow{Label: weekShort(l, r.Week) + " (" + countText(r.Size) + ")", Long: weekLong(ctx, r.Week),
			Size: r.Size, Cells: r.Retained})
	}
	return h
}

// repeatChart is section 3's trend.
func repeatChart(ctx context.Context, r InsightRepeat) Chart {
	l := LocaleOf(ctx)
	c := Chart{ID: "chart-repeat", Title: T(ctx, "insights.repeat.chart"), RowHead: T(ctx, "insights.month"), Unit: UnitShare}
	s := Series{Name: T(ctx, "insights.repeat.rate")}
	for _, m := range r.Months {
		c.XLabels, c.Rows = append(c.XLabels, monthShort(l, m.Month)), append(c.Rows, monthLong(l, m.Month))
		s.Values = append(s.Values, m.Rate)
	}
	c.Series = []Series{s}
	return c
}

// premiumCharts are section 6's trends: MRR, paying subscriptions and
// churn by month.
func premiumCharts(ctx context.Context, p InsightPremium) []Chart {
	l := LocaleOf(ctx)
	var xs, rows []string
	mrr, paying, churn := Series{Name: T(ctx, "insights.premium.mrr")}, Series{Name: T(ctx, "insights.premium.paying_subs")},
		Series{Name: T(ctx, "insights.premium.churn")}
	for _, m := range p.Months {
		xs, rows = append(xs, monthShort(l, m.Start)), append(rows, monthLong(l, m.Start))
		mrr.Values = append(mrr.Values, float64(m.MRR))
		paying.Values = append(paying.Values, float64(m.Paying))
		churn.Values = append(churn.Values, m.Churn)
		churn.Known = append(churn.Known, m.ChurnKnown)
	}
	head := T(ctx, "insights.month")
	return []Chart{
		{ID: "chart-mrr", Title: T(ctx, "insights.premium.chart_mrr"), RowHead: head, XLabels: xs, Rows: rows,
			Series: []Series{mrr}, Bars: true, Unit: UnitMoney, Currency: p.Currency},
		{ID: "chart-paying", Title: T(ctx, "insights.premium.chart_paying"), RowHead: head, XLabels: xs, Rows: rows, Series: []Series{paying}},
		{ID: "chart-churn", Title: T(ctx, "insights.premium.chart_churn"), RowHead: head, XLabels: xs, Rows: rows, Series: []Series{churn}, Unit: UnitShare},
	}
}

// segmentName is a segment's name on the page.
func segmentName(ctx context.Context, key string) string { return T(ctx, segmentKeys(key)[0]) }

// segmentRule says who is in a segment.
func segmentRule(ctx context.Context, key string) string { return T(ctx, segmentKeys(key)[1]) }

// segmentKeys are the catalog keys of a segment's name and rule, written
// out so a search finds them.
func segmentKeys(key string) [2]string {
	switch key {
	case SegmentNew:
		return [2]string{"insights.segment.new", "insights.segment.new_rule"}
	case SegmentActive:
		return [2]string{"insights.segment.active", "insights.segment.active_rule"}
	case SegmentAtRisk:
		return [2]string{"insights.segment.at_risk", "insights.segment.at_risk_rule"}
	case SegmentDormant:
		return [2]string{"insights.segment.dormant", "insights.segment.dormant_rule"}
	}
	return [2]string{"insights.segment.true_fans", "insights.segment.true_fans_short"}
}

// trueFanRule states the true-fan rule in full, with its numbers.
func trueFanRule(ctx context.Context, r TrueFanRule) string {
	return T(ctx, "insights.segment.true_fans_rule", "weeks", strconv.Itoa(r.Weeks), "of", strconv.Itoa(r.Of),
		"kinds", strconv.Itoa(r.Kinds), "days", strconv.Itoa(r.Days))
}

// anyCohort reports whether anyone joined in the cohorts' weeks.
func anyCohort(rows []Cohort) bool {
	for _, r := range rows {
		if r.Size > 0 {
			return true
		}
	}
	return false
}

// changeText is a segment's change since a month ago: "+12", "−3", "±0".
func changeText(now, before int) string {
	switch d := now - before; {
	case d > 0:
		return "+" + countText(d)
	case d < 0:
		return "−" + countText(-d)
	}
	return "±0"
}

// atRiskSortPath is the link that orders the at-risk list by sort.
func atRiskSortPath(sort string) string { return "/admin/insights?sort=" + sort + "#at-risk" }

// ariaSort marks the column the list is ordered by.
func ariaSort(current, col string) templ.Attributes {
	if current != col {
		return templ.Attributes{}
	}
	if col != "name" {
		return templ.Attributes{"aria-sort": "descending"}
	}
	return templ.Attributes{"aria-sort": "ascending"}
}

// dayText is a date in the page's language, or "never".
func dayText(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return T(ctx, "insights.at_risk.never")
	}
	return DateOf(LocaleOf(ctx), t)
}

// riskText says why a member is at risk.
func riskText(ctx context.Context, r AtRiskRow) string {
	if r.Week3 {
		return T(ctx, "insights.at_risk.week3")
	}
	return T(ctx, "insights.at_risk.silent")
}

// durationText is a response time: "3 h 20 min" or "3시간 20분".
func durationText(ctx context.Context, d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h >= 48 {
		return T(ctx, "insights.days", "n", strconv.Itoa(h/24))
	}
	parts := []string{}
	if h > 0 {
		parts = append(parts, T(ctx, "insights.hours", "n", strconv.Itoa(h)))
	}
	if m > 0 || h == 0 {
		parts = append(parts, T(ctx, "insights.minutes", "n", strconv.Itoa(m)))
	}
	return strings.Join(parts, " ")
}

// orDash is text when known, else a dash.
func orDash(known bool, text string) string {
	if !known {
		return "–"
	}
	return text
}
