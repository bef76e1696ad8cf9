package activity

// TrendWeeks is how many weeks the members' trend and the cohort table
// cover.
const TrendWeeks = 12

// MembersFigures returns section 1 as of today, and its trend over the
// last TrendWeeks weeks.
//
// A member is every account with a rollup that had joined by the day the
// figure is taken (JoinedDay on or before it; an account whose join day
// is unknown and that was never active counts as joined long ago). On a
// day t:
//
//   - Total: the members.
//   - NewWeek: those who joined in t's week, its Monday to t.
//   - NewMonth: those who joined in the last 30 days, t-29 to t.
//   - Active7, Active30: members active on at least one day of the last
//     7 (t-6 to t) or 30 (t-29 to t) days; t counts though it is not over.
//   - DAU: the members active on each of the last 7 days, summed, ÷ 7.
//   - DAUMAU: DAU ÷ Active30, or 0 when nobody was active in 30 days.
//
// Each week of the trend is taken on its Sunday, or today for this week:
// its New is NewWeek on that day.
func MembersFigures(rows []Rollup, today Day) Members {
	now := countMembers(rows, today)
	m := Members{Total: now.total, NewWeek: now.newWeek, NewMonth: now.newMonth,
		Active7: now.active7, Active30: now.active30, DAU: now.dau(), DAUMAU: now.dauMAU()}
	m.Trend = make([]MembersWeek, TrendWeeks)
	for i := range m.Trend {
		week := today.Week() - Day(7*(TrendWeeks-1-i))
		c := now
		if end := week + 6; end < today {
			c = countMembers(rows, end)
		}
		m.Trend[i] = MembersWeek{Week: week, Total: c.total, New: c.newWeek,
			Active7: c.active7, Active30: c.active30, DAUMAU: c.dauMAU()}
	}
	return m
}

// memberCounts is section 1 counted on one day.
type memberCounts struct {
	total, newWeek, newMonth, active7, active30 int
	activeDays7                                 int // member-days active in the last 7 days
}

func countMembers(rows []Rollup, t Day) memberCounts {
	var c memberCounts
	week := t.Week()
	for i := range rows {
		r := &rows[i]
		joined := r.JoinedDay()
		if joined > t {
			continue
		}
		c.total++
		if joined >= week {
			c.newWeek++
		}
		if joined > t-30 {
			c.newMonth++
		}
		if !r.ActiveBetween(t-29, t+1) {
			continue
		}
		c.active30++
		if days := r.ActiveDays(t-6, t+1); days > 0 {
			c.active7++
			c.activeDays7 += days
		}
	}
	return c
}

func (c memberCounts) dau() float64 { return float64(c.activeDays7) / 7 }

func (c memberCounts) dauMAU() float64 {
	if c.active30 == 0 {
		return 0
	}
	return c.dau() / float64(c.active30)
}
