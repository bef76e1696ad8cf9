package activity

import (
	"slices"
	"strings"
)

// The rules of sections 4 and 5, in days. A member's silence is the days
// since their last active day, or since they joined if they never were;
// their age is the days since they joined (JoinedDay): both are 0 on the
// day itself.
const (
	newDays       = 14 // new: age under 14
	activeDays    = 30 // active: active on one of the last 30 days, today included
	week3From     = 14 // week-3 silence: age 14 to 35,
	week3To       = 35
	week3Silence  = 7  // and silent 7 days or more
	silentFrom    = 21 // silent: active before, silent 21 days or more,
	dormantSilent = 60 // dormant: silent 60 days or more
	monthAgo      = 30 // "a month ago" is 30 days before today
)

// The true-fan rule, in numbers the page can put in its own words.
const (
	TrueFanWeeks       = 8  // active in at least this many
	TrueFanOf          = 12 // of the last this many calendar weeks, this one included,
	TrueFanKinds       = 2  // in at least this many kinds of participation;
	TrueFanPremiumDays = 30 // or premium and active in the last this many days
)

// TrueFan reports whether r is a true fan on day today: active in
// TrueFanWeeks or more of the last TrueFanOf weeks (Monday to Sunday,
// this week included) in at least TrueFanKinds kinds of participation,
// or paying for premium (the caller says: paying) and active in the last
// TrueFanPremiumDays days.
// The kinds of participation are those whose last day (KindLast) falls in
// the 12 weeks: the record keeps only the last day of each kind, so on a
// past day a kind last seen after it counts as seen then too.
func TrueFan(r Rollup, today Day, premium bool) bool {
	if r.JoinedDay() > today || r.Last == 0 {
		return false
	}
	if premium && r.ActiveBetween(today-(TrueFanPremiumDays-1), today+1) {
		return true
	}
	start := today.Week() - 7*(TrueFanOf-1)
	if r.KindsSince(start) < TrueFanKinds {
		return false
	}
	weeks := 0
	for w := start; w <= today; w += 7 {
		if r.ActiveBetween(w, min(w+7, today+1)) {
			weeks++
		}
	}
	return weeks >= TrueFanWeeks
}

// standing is what the rules need of a member on day t.
type standing struct {
	joined, last Day // last: the last active day on or before t, 0 for none
	age, silent  int
}

// standingOn returns r's standing on t, and false if r had not joined.
func standingOn(r *Rollup, t Day) (standing, bool) {
	s := standing{joined: r.JoinedDay(), last: r.LastActiveBy(t)}
	if s.joined > t {
		return s, false
	}
	s.age = int(t - s.joined)
	s.silent = s.age
	if s.last != 0 {
		s.silent = int(t - s.last)
	}
	return s, true
}

// risk says why the member is at risk, or "" if they are not: joined 14
// to 35 days ago and silent 7 days or more (week-3 silence), else active
// before and silent 21 days or more but not yet dormant.
func (s standing) risk() Risk {
	switch {
	case s.age >= week3From && s.age <= week3To && s.silent >= week3Silence:
		return RiskWeek3
	case s.last != 0 && s.silent >= silentFrom && s.silent < dormantSilent:
		return RiskSilent
	}
	return ""
}

// AtRisk returns section 4: the members at risk today, the most recently
// active first (those silent the shortest, whom a word may still bring
// back), then by account. A member never active counts from their join
// day, and has Last 0.
func AtRisk(rows []Rollup, today Day) []AtRiskMember {
	var out []AtRiskMember
	for i := range rows {
		s, ok := standingOn(&rows[i], today)
		if !ok {
			continue
		}
		if risk := s.risk(); risk != "" {
			out = append(out, AtRiskMember{Account: rows[i].Account, Risk: risk, Joined: s.joined, Last: s.last})
		}
	}
	slices.SortFunc(out, func(a, b AtRiskMember) int {
		if d := int(max(b.Last, b.Joined)) - int(max(a.Last, a.Joined)); d != 0 {
			return d
		}
		return strings.Compare(a.Account, b.Account)
	})
	return out
}

// SegmentsOf returns the segments r is in on day today, in the order of
// Segments. New, active, at risk and dormant do not overlap (a member
// slipping away is at risk, not also active), so the brand can add them
// up; true fans are among the active or at risk.
//
//   - new: joined in the last 14 days (age 0 to 13);
//   - active: not new, not at risk, and active on one of the last 30 days;
//   - at risk: see AtRisk;
//   - dormant: silent 60 days or more (never active: 60 days since joining);
//   - true fans: see TrueFan.
func SegmentsOf(r Rollup, today Day, premium bool) []Segment {
	set := segmentsOn(&r, today, premium)
	var out []Segment
	for _, seg := range Segments {
		if set&segmentBit(seg) != 0 {
			out = append(out, seg)
		}
	}
	return out
}

// segmentBit is seg's bit in a set of segments.
func segmentBit(seg Segment) uint8 {
	switch seg {
	case SegmentNew:
		return 1
	case SegmentActive:
		return 2
	case SegmentAtRisk:
		return 4
	case SegmentDormant:
		return 8
	case SegmentTrueFans:
		return 16
	}
	return 0
}

// segmentsOn is SegmentsOf as a set of segmentBit.
func segmentsOn(r *Rollup, t Day, premium bool) uint8 {
	s, ok := standingOn(r, t)
	if !ok {
		return 0
	}
	var set uint8
	// New, active, at risk and dormant do not overlap, so the brand can
	// add them up; true fans are picked out of the others.
	switch {
	case s.age < newDays:
		set |= segmentBit(SegmentNew)
	case s.risk() != "":
		set |= segmentBit(SegmentAtRisk)
	case s.last != 0 && s.last > t-activeDays:
		set |= segmentBit(SegmentActive)
	}
	if s.silent >= dormantSilent {
		set |= segmentBit(SegmentDormant)
	}
	if TrueFan(*r, t, premium) {
		set |= segmentBit(SegmentTrueFans)
	}
	return set
}

// SegmentCounts returns section 5: the size of each segment today and a
// month (30 days) ago, in the order of Segments. premium holds the
// accounts paying today; the record keeps no history of it, so a month
// ago is counted with today's premium members.
func SegmentCounts(rows []Rollup, today Day, premium map[string]bool) []SegmentCount {
	out := make([]SegmentCount, len(Segments))
	for i, seg := range Segments {
		out[i].Segment = seg
	}
	for i := range rows {
		r := &rows[i]
		now, before := segmentsOn(r, today, premium[r.Account]), segmentsOn(r, today-monthAgo, premium[r.Account])
		for j := range out {
			bit := segmentBit(out[j].Segment)
			if now&bit != 0 {
				out[j].Now++
			}
			if before&bit != 0 {
				out[j].MonthAgo++
			}
		}
	}
	return out
}

// SegmentMembers returns the accounts in seg today, sorted: the audience
// of a campaign sent to it.
func SegmentMembers(rows []Rollup, today Day, seg Segment, premium map[string]bool) []string {
	bit := segmentBit(seg)
	if bit == 0 {
		return nil
	}
	var out []string
	for i := range rows {
		if segmentsOn(&rows[i], today, premium[rows[i].Account])&bit != 0 {
			out = append(out, rows[i].Account)
		}
	}
	slices.Sort(out)
	return out
}
