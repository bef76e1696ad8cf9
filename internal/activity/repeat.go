package activity

import "time"

// TrendMonths is how many months the repeat rate's trend covers.
const TrendMonths = 12

// RepeatRate returns section 3: the club's repeat rate today, and as it
// stood at the end of each of the last TrendMonths months (this month's
// last, as of today).
//
// The repeat rate on a day t looks at the four calendar weeks (Monday to
// Sunday) before t's own, which are over and so do not sag early in a
// week. It is the share of the members who had joined before the first of
// those weeks began that were active in two or more of them. Members who
// joined during the four weeks are left out of both sides: they could not
// have been there every week, and counting them would make a month of
// many sign-ups look like a month of less loyalty. 0 when no member had
// joined before the four weeks.
func RepeatRate(rows []Rollup, today Day) Repeat {
	rep := Repeat{Rate: repeatOn(rows, today), Trend: make([]RepeatMonth, TrendMonths)}
	month := monthOf(today)
	for i := range rep.Trend {
		first := addMonths(month, i-(TrendMonths-1))
		rate := rep.Rate
		if end := addMonths(first, 1) - 1; end < today {
			rate = repeatOn(rows, end)
		}
		rep.Trend[i] = RepeatMonth{Month: first, Rate: rate}
	}
	return rep
}

// repeatOn is the repeat rate on day t.
func repeatOn(rows []Rollup, t Day) float64 {
	start := t.Week() - 4*7
	members, repeat := 0, 0
	for i := range rows {
		r := &rows[i]
		if r.JoinedDay() >= start {
			continue
		}
		members++
		if r.Last < start {
			continue
		}
		weeks := 0
		for w := start; w < t.Week(); w += 7 {
			if r.ActiveBetween(w, w+7) {
				weeks++
			}
		}
		if weeks >= 2 {
			repeat++
		}
	}
	if members == 0 {
		return 0
	}
	return float64(repeat) / float64(members)
}

// date is d's calendar date (in UTC, whose days Day counts).
func date(d Day) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// monthOf returns the first day of d's month.
func monthOf(d Day) Day {
	y, m, _ := date(d).Date()
	return Day(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// addMonths returns the first day of the month n months from the one
// starting on first.
func addMonths(first Day, n int) Day {
	y, m, _ := date(first).Date()
	return Day(time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
