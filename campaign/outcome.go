package campaign

import (
	"context"

	"fanclub/internal/activity"
)

// The closed loop: how many of a campaign's audience were active again
// in the 7 and the 30 days after the day it was sent.
const (
	shortWindow = 7
	longWindow  = 30
)

// Report is a campaign and what came of it.
type Report struct {
	Campaign
	// Again7 and Again30 are how many of the audience were active on one
	// of the 7 (30) days after the send day.
	Again7  int
	Again30 int
	// Left7 and Left30 are how many days each window still has to run,
	// today included; 0 once it has passed.
	Left7  int
	Left30 int
}

// reports adds the outcome to each campaign: one read of the audiences
// and one of their rollups, whatever the number of campaigns.
func (s *Service) reports(ctx context.Context, list []Campaign) ([]Report, error) {
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	audiences, err := s.findAudiences(ctx, ids)
	if err != nil {
		return nil, err
	}
	var all []string
	seen := map[string]bool{}
	for _, members := range audiences {
		for _, m := range members {
			if !seen[m] {
				seen[m] = true
				all = append(all, m)
			}
		}
	}
	rows, err := s.d.Activity.Rollups(ctx, all)
	if err != nil {
		return nil, err
	}
	today := activity.DayOf(s.now(), s.d.Accounts.Zone(ctx))
	out := make([]Report, len(list))
	for i, c := range list {
		out[i] = outcome(c, audiences[c.ID], rows, today)
	}
	return out, nil
}

// outcome counts who of members was active again after c's day, up to
// today.
func outcome(c Campaign, members []string, rows map[string]activity.Rollup, today activity.Day) Report {
	r := Report{Campaign: c, Left7: daysLeft(c.Day, shortWindow, today), Left30: daysLeft(c.Day, longWindow, today)}
	for _, m := range members {
		row, ok := rows[m]
		if !ok {
			continue
		}
		if row.ActiveBetween(c.Day+1, min(c.Day+1+shortWindow, today+1)) {
			r.Again7++
		}
		if row.ActiveBetween(c.Day+1, min(c.Day+1+longWindow, today+1)) {
			r.Again30++
		}
	}
	return r
}

// daysLeft is how many of the window's days (the n after sent) are
// still to come, today included.
func daysLeft(sent activity.Day, n int, today activity.Day) int {
	last := sent + activity.Day(n)
	if today > last {
		return 0
	}
	return int(last-max(today, sent+1)) + 1
}
