package activity

// The retention figures of /admin/insights, computed from the rollups
// alone (premium and idea figures come from membership and community).
// Every function here is pure: rows and today in, numbers out, so table
// tests pin each rule to exact figures.

// Segment names a group of members the brand may act on.
type Segment string

const (
	SegmentNew      Segment = "new"      // joined in the last 14 days
	SegmentActive   Segment = "active"   // active in the last 30 days, neither new nor at risk
	SegmentAtRisk   Segment = "at-risk"  // see AtRisk
	SegmentDormant  Segment = "dormant"  // silent 60 days or more
	SegmentTrueFans Segment = "true-fan" // see TrueFan
)

// Segments lists them in the order the page shows them.
var Segments = []Segment{SegmentNew, SegmentActive, SegmentAtRisk, SegmentDormant, SegmentTrueFans}

// Members is section 1: how many members, how many came.
type Members struct {
	Total    int
	NewWeek  int     // joined this week (Monday on, site zone)
	NewMonth int     // joined in the last 30 days
	Active7  int     // active in the last 7 days, today included
	Active30 int     // active in the last 30 days
	DAU      float64 // average daily actives over the last 7 days
	DAUMAU   float64 // DAU ÷ Active30, 0 when nobody was active
	Trend    []MembersWeek
}

// MembersWeek is one of the last 12 weeks, oldest first, as seen on its
// last day (today for the current week).
type MembersWeek struct {
	Week     Day // its Monday
	Total    int
	New      int
	Active7  int
	Active30 int
	DAUMAU   float64
}

// Cohort is the members who joined in one week and the share of them
// active in each week since (week 0 is the join week).
type Cohort struct {
	Week     Day
	Size     int
	Retained []float64 // one per finished week since joining (this week's cohort: its week so far), up to 11
}

// Repeat is section 3: the club's repeat rate.
type Repeat struct {
	Rate  float64 // share of members active in 2+ distinct weeks of the last four (see RepeatRate)
	Trend []RepeatMonth
}

// RepeatMonth is the repeat rate as it stood at the end of a month.
type RepeatMonth struct {
	Month Day // its first day
	Rate  float64
}

// Risk says why a member is at risk.
type Risk string

const (
	RiskWeek3  Risk = "week3"  // joined 14–35 days ago, silent 7+ days
	RiskSilent Risk = "silent" // active before, silent 21+ days (and not dormant)
)

// AtRiskMember is one row of the at-risk list.
type AtRiskMember struct {
	Account string
	Risk    Risk
	Joined  Day
	Last    Day // last active day; 0 for never
}

// SegmentCount is a segment's size now and a month ago.
type SegmentCount struct {
	Segment  Segment
	Now      int
	MonthAgo int
}
