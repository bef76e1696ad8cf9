package activity

// Cohorts returns section 2: a row for each of the last TrendWeeks join
// weeks, this week's first, each with the share of its members active in
// each week since they joined.
//
// A cohort is the members whose join day (JoinedDay) falls in one
// calendar week, Monday to Sunday in the site's zone: a member who joined
// at Monday 00:00 belongs to that Monday's cohort. Week k of a cohort is
// the k-th calendar week after its own (week 0 is the join week itself,
// the days before joining included); its share is the members of the
// cohort active on any day of that week ÷ the cohort's size, 0 for an
// empty cohort (Size tells the page it is empty). Only finished weeks
// get a share, so the row of the cohort joined i weeks ago has i: this
// week, a few days old, would read as a drop in every row. This week's
// own cohort is the exception, with its week 0 so far, so that it shows.
func Cohorts(rows []Rollup, today Day) []Cohort {
	thisWeek := today.Week()
	out := make([]Cohort, TrendWeeks)
	active := make([][]int, TrendWeeks)
	for i := range out {
		weeks := max(i, 1)
		out[i] = Cohort{Week: thisWeek - Day(7*i), Retained: make([]float64, weeks)}
		active[i] = make([]int, weeks)
	}
	for j := range rows {
		r := &rows[j]
		joined := r.JoinedDay()
		if joined > today || joined < out[TrendWeeks-1].Week {
			continue
		}
		i := int(thisWeek-joined.Week()) / 7
		out[i].Size++
		for k := range active[i] {
			from := out[i].Week + Day(7*k)
			if r.ActiveBetween(from, min(from+7, today+1)) {
				active[i][k]++
			}
		}
	}
	for i := range out {
		if out[i].Size == 0 {
			continue
		}
		for k, n := range active[i] {
			out[i].Retained[k] = float64(n) / float64(out[i].Size)
		}
	}
	return out
}
