package web

import (
	"context"
	"slices"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/membership"
	"fanclub/views"
)

// The insight page's figures, bridged from the domains with plain
// values: the activity rollups (one read, kept in memory on the embedded
// store), the premium tiers from membership's subscriber list (one
// bounded read), and for the at-risk rows shown, their names from auth
// and groups from community (one query each, whatever the rows).

const (
	atRiskShown  = 100    // at-risk rows on the page; the CSV has every one
	maxAtRiskCSV = 10_000 // rows in the CSV, at most
)

// insights gathers every section of the page.
func (s *server) insights(ctx context.Context, a community.Actor, site auth.Site, sort string) (views.Insights, error) {
	loc, now := site.Location(), s.now()
	var p views.Insights
	var rows []activity.Rollup
	if s.activity != nil {
		var err error
		if rows, err = s.activity.All(ctx); err != nil {
			return p, err
		}
		tiers, paying, err := s.premiumTiers(ctx, a.Account)
		if err != nil {
			return p, err
		}
		if p.NoMembers, err = s.onlyStaff(ctx, rows); err != nil {
			return p, err
		}
		today := activity.DayOf(now, loc)
		p.Members = membersView(activity.MembersFigures(rows, today), loc)
		p.Cohorts = cohortsView(activity.Cohorts(rows, today), loc)
		p.Repeat = repeatView(activity.RepeatRate(rows, today), loc)
		p.Segments = segmentsView(activity.SegmentCounts(rows, today, paying), site.TrueFans())
		if p.AtRisk, err = s.atRiskOf(ctx, a, activity.AtRisk(rows, today), loc, tiers, sort, atRiskShown); err != nil {
			return p, err
		}
	}
	var err error
	if p.Premium, err = s.premiumView(ctx, a.Account, now, loc); err != nil {
		return p, err
	}
	if p.Heard, err = s.heardView(ctx, a, now, loc, rows); err != nil {
		return p, err
	}
	p.Events, err = s.eventsView(ctx, a, now, loc, rows)
	return p, err
}

// onlyStaff reports whether every account recorded is staff: a club
// with no member yet. More records than the staff can number settle it
// without reading the staff, which is a scan of the accounts on a cold
// embedded store.
func (s *server) onlyStaff(ctx context.Context, rows []activity.Rollup) (bool, error) {
	if len(rows) > auth.MaxStaff {
		return false, nil
	}
	staff, err := s.auth.StaffRoles(ctx)
	if err != nil {
		return false, err
	}
	return !slices.ContainsFunc(rows, func(r activity.Rollup) bool { return staff[auth.AccountID(r.Account)] == "" }), nil
}

// atRiskRows is the at-risk list alone, up to limit rows, for the CSV;
// empty while there is no activity record.
func (s *server) atRiskRows(ctx context.Context, a community.Actor, site auth.Site, sort string, limit int) (views.InsightAtRisk, error) {
	if s.activity == nil {
		return views.InsightAtRisk{}, nil
	}
	loc := site.Location()
	rows, err := s.activity.All(ctx)
	if err != nil {
		return views.InsightAtRisk{}, err
	}
	tiers, _, err := s.premiumTiers(ctx, a.Account)
	if err != nil {
		return views.InsightAtRisk{}, err
	}
	return s.atRiskOf(ctx, a, activity.AtRisk(rows, activity.DayOf(s.now(), loc)), loc, tiers, sort, limit)
}

// atRiskOf orders the members at risk by sort and names the first limit
// of them, with their groups. Only ordering by name needs every name;
// otherwise only the rows shown are looked up (a thousand lookups cost
// half a second on the embedded store before the document cache holds
// them). Accounts no longer there are left out, and of the count when
// looked up.
func (s *server) atRiskOf(ctx context.Context, a community.Actor, list []activity.AtRiskMember, loc *time.Location,
	tiers map[auth.AccountID]string, sort string, limit int) (views.InsightAtRisk, error) {
	out := views.InsightAtRisk{Ready: true, Sort: sort, Rows: make([]views.AtRiskRow, len(list))}
	for i, m := range list {
		id := auth.AccountID(m.Account)
		out.Rows[i] = views.AtRiskRow{Account: id, Week3: m.Risk == activity.RiskWeek3,
			Joined: dayTime(m.Joined, loc), Last: dayTime(m.Last, loc), Tier: tiers[id]}
	}
	if sort != "name" {
		views.SortAtRisk(out.Rows, sort)
		out.Rows = out.Rows[:min(len(out.Rows), limit)]
	}
	ids := make([]auth.AccountID, len(out.Rows))
	for i, r := range out.Rows {
		ids[i] = r.Account
	}
	accounts, err := s.auth.AccountsByID(ctx, ids)
	if err != nil {
		return views.InsightAtRisk{}, err
	}
	named := out.Rows[:0]
	for _, r := range out.Rows {
		if acc, ok := accounts[r.Account]; ok {
			r.Name = acc.Name
			named = append(named, r)
		}
	}
	out.Total = len(list) - (len(out.Rows) - len(named))
	out.Rows = named
	if sort == "name" {
		views.SortAtRisk(out.Rows, sort)
		out.Rows = out.Rows[:min(len(out.Rows), limit)]
	}
	shown := make([]auth.AccountID, len(out.Rows))
	for i, r := range out.Rows {
		shown[i] = r.Account
	}
	groups, err := s.community.GroupsOf(ctx, a, shown)
	if err != nil {
		return views.InsightAtRisk{}, err
	}
	for i, r := range out.Rows {
		for _, g := range groups[r.Account] {
			out.Rows[i].Groups = append(out.Rows[i].Groups, g.Name)
		}
	}
	return out, nil
}

// dayTime is the day's first instant in loc; zero for no day.
func dayTime(d activity.Day, loc *time.Location) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return d.Start(loc)
}

// premiumTiers names the tier each premium account holds now, whatever
// its source, and lists those who pay for it.
func (s *server) premiumTiers(ctx context.Context, staff auth.Account) (map[auth.AccountID]string, map[string]bool, error) {
	held, err := s.membership.PremiumTiers(ctx, staff)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[auth.AccountID]string, len(held))
	for id, e := range held {
		names[id] = e.Tier.Name
	}
	return names, payingSet(held), nil
}

// payingSet is the accounts paying for premium now (a paid subscription,
// or one past due within its grace), as activity names them: the
// true-fan rule's "premium". A comp is the brand's gift, which a comp
// campaign to the at-risk members must not turn into true fans, and a
// trial is not paying yet.
func payingSet(held map[auth.AccountID]membership.Entitlement) map[string]bool {
	out := map[string]bool{}
	for id, e := range held {
		if e.Source == membership.SourcePaid || e.Source == membership.SourceGrace {
			out[string(id)] = true
		}
	}
	return out
}

func membersView(m activity.Members, loc *time.Location) views.InsightMembers {
	v := views.InsightMembers{Ready: true, Total: m.Total, NewWeek: m.NewWeek, NewMonth: m.NewMonth,
		Active7: m.Active7, Active30: m.Active30, DAUMAU: m.DAUMAU}
	for _, w := range m.Trend {
		v.Weeks = append(v.Weeks, views.MembersWeek{Week: w.Week.Start(loc), Total: w.Total, New: w.New,
			Active7: w.Active7, Active30: w.Active30, DAUMAU: w.DAUMAU})
	}
	return v
}

// cohortsView is the cohorts oldest first, so the rows shorten down the
// heatmap; an empty week's row has no shares, as there is nobody to
// have a share of.
func cohortsView(list []activity.Cohort, loc *time.Location) views.InsightCohorts {
	v := views.InsightCohorts{Ready: true}
	for _, c := range list {
		row := views.Cohort{Week: c.Week.Start(loc), Size: c.Size}
		if c.Size > 0 {
			row.Retained = c.Retained
		}
		v.Rows = append(v.Rows, row)
	}
	slices.SortStableFunc(v.Rows, func(x, y views.Cohort) int { return x.Week.Compare(y.Week) })
	return v
}

func repeatView(r activity.Repeat, loc *time.Location) views.InsightRepeat {
	v := views.InsightRepeat{Ready: true, Rate: r.Rate}
	for _, m := range r.Trend {
		v.Months = append(v.Months, views.RepeatMonth{Month: m.Month.Start(loc), Rate: m.Rate})
	}
	return v
}

// segmentsView is the segments in the page's order, with the true fans
// against the brand's target and the rule that makes one.
func segmentsView(counts []activity.SegmentCount, target int) views.InsightSegments {
	v := views.InsightSegments{Ready: true, Target: target, Rule: views.TrueFanRule{Weeks: activity.TrueFanWeeks,
		Of: activity.TrueFanOf, Kinds: activity.TrueFanKinds, Days: activity.TrueFanPremiumDays}}
	for _, seg := range activity.Segments {
		i := slices.IndexFunc(counts, func(c activity.SegmentCount) bool { return c.Segment == seg })
		if i < 0 {
			continue
		}
		v.Rows = append(v.Rows, views.SegmentRow{Key: string(seg), Now: counts[i].Now, MonthAgo: counts[i].MonthAgo})
		if seg == activity.SegmentTrueFans {
			v.TrueFans = counts[i].Now
		}
	}
	return v
}

// heardView is how the brand answers ideas, and how many of those who
// voted for an idea shipped in the last 90 days were active in the 30
// days after it shipped (so far, for one shipped this month), each voter
// counted once.
func (s *server) heardView(ctx context.Context, a community.Actor, now time.Time, loc *time.Location, rows []activity.Rollup) (views.InsightHeard, error) {
	h, err := s.community.HeardFigures(ctx, a, now, loc)
	if err != nil {
		return views.InsightHeard{}, err
	}
	v := views.InsightHeard{Ready: true, Ideas: h.Proposed, Answered: h.InDayShare, MedianResponse: h.MedianResponse,
		MedianKnown: h.Answered > 0, Shipped: h.ShippedThisQuarter}
	byAccount := make(map[string]*activity.Rollup, len(rows))
	for i := range rows {
		byAccount[rows[i].Account] = &rows[i]
	}
	active := map[auth.AccountID]bool{}
	for _, idea := range h.Shipped {
		from := activity.DayOf(idea.ShippedAt, loc)
		for _, id := range idea.Voters {
			r := byAccount[string(id)]
			active[id] = active[id] || (r != nil && r.ActiveBetween(from, from+activityMonth))
		}
	}
	v.Voters = len(active)
	for _, ok := range active {
		if ok {
			v.VotersActive++
		}
	}
	return v, nil
}

// premiumView is what paid membership earns and keeps, from the billing
// history; each month's paying subscriptions are those at its start, plus
// the new, less the cancelled.
func (s *server) premiumView(ctx context.Context, staff auth.Account, now time.Time, loc *time.Location) (views.InsightPremium, error) {
	p, err := s.membership.PremiumFigures(ctx, staff, now, loc)
	if err != nil {
		return views.InsightPremium{}, err
	}
	v := views.InsightPremium{Ready: true, Currency: p.Currency, Members: p.Members, MRR: p.MRR,
		Churn: p.LastMonth.Churn, ChurnKnown: p.LastMonth.ChurnKnown, ARPU: p.ARPU, ARPUKnown: p.ARPUKnown,
		LTV: p.LTV, LTVKnown: p.LTVKnown, Trial: p.Trials.Rate, TrialKnown: p.Trials.RateKnown, Partial: p.Partial}
	for _, m := range p.Trend {
		v.Months = append(v.Months, views.PremiumMonth{Start: m.Start, Paying: m.PayingAtStart + m.New - m.Cancelled,
			MRR: m.MRR, Churn: m.Churn, ChurnKnown: m.ChurnKnown})
	}
	return v, nil
}

// activityMonth is "the month after" a shipped idea, in days.
const activityMonth = 30

// eventsView is the turnout of the last ten events, and how many
// members were checked in at two or more events, from their rollups'
// counts.
func (s *server) eventsView(ctx context.Context, a community.Actor, now time.Time, loc *time.Location, rows []activity.Rollup) (views.InsightEvents, error) {
	list, err := s.community.EventFigures(ctx, a, now)
	if err != nil {
		return views.InsightEvents{}, err
	}
	v := views.InsightEvents{Ready: true, RegularsKnown: s.activity != nil}
	for _, t := range list {
		v.Events = append(v.Events, views.EventTurnout{Title: t.Title, Start: t.Start.In(loc), Going: t.Going,
			CheckedIn: t.CheckedIn, Attendance: t.Attendance, NoShows: t.NoShows})
	}
	for _, r := range rows {
		if r.Counts[activity.CheckIn] >= 2 {
			v.Regulars++
		}
	}
	return v, nil
}
