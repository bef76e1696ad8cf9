package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
)

// The club's past, for the retention insight. The seed's content (posts,
// ideas, events) covers its last three weeks, but the insight looks back
// months: so the seed also tells who joined when and how each came back
// since, and writes it to the activity record (one rollup per account,
// internal/activity) at the end.
//
// The admin opened the club 40 weeks ago; the 50 demo people are its
// founders, who joined 14 to 38 weeks ago and stayed. The crowd, 260
// more, joined over the last 26 weeks, more each week, and behave as a
// brand's customers do: most come back in their first two weeks, many
// are gone by the third (the week-3 drop), a core keeps coming, and some
// of those drift away later.
//
// The history is synthetic: before the seed's three weeks of content,
// what a rollup says a member did is drawn from the dice, with no post or
// vote behind it. Within those weeks the admin's and the demo people's
// participation is only what the seed wrote for them (every post,
// comment, reaction, idea, vote, RSVP, check-in and group joined is noted
// as it is made, see note), and their visits are drawn; the crowd's stays
// drawn, apart from the groups it joins (see newcomers). Subscriptions'
// starts, renewals and cancellations are noted from the billing history
// the seed replays. The groups themselves are three weeks old, older
// members' history notwithstanding.

const (
	crowdSize   = 260 // members who joined over the crowdWeeks
	crowdWeeks  = 26
	openedWeeks = 40 // when the admin opened the club
	// Founders joined between foundedFrom and foundedTo weeks ago: before
	// the twelve weeks of the cohort chart.
	foundedFrom, foundedTo = 38, 14
)

// habit is how a member comes back after joining, week by week; weeks
// are calendar weeks, as the insight counts them, the join week being 0.
type habit struct {
	weeks int     // the last week they come at all
	often float64 // the chance they come in each of those weeks after the first
	days  int     // the most days they come in a week
	part  float64 // the chance that a day they come they also take part
}

// stays is a habit's weeks for a member who never leaves.
const stays = 1 << 20

var (
	fanHabit     = habit{weeks: stays, often: 0.92, days: 5, part: 0.7}
	regularHabit = habit{weeks: stays, often: 0.6, days: 3, part: 0.45}
)

// seedKinds weighs the kinds of participation the dice draw: mostly
// reactions and comments, now and then a post, an idea or an event.
var seedKinds = []activity.Kind{activity.React, activity.React, activity.React, activity.Comment, activity.Comment,
	activity.Vote, activity.Vote, activity.Post, activity.RSVP, activity.Idea, activity.CheckIn}

// seedMember is one member in the club's past: the admin, a demo person
// or one of the crowd.
type seedMember struct {
	demoPerson
	joined time.Time
	habit  habit
	demo   bool // the admin or a demo person: the content speaks for them in its weeks
	actor  community.Actor
	roll   activity.Rollup
}

// seedPast is the club's history as the seed tells it. Its dice are its
// own, so the rest of the demo club comes out as it did before it.
type seedPast struct {
	rng    *rand.Rand
	loc    *time.Location
	end    time.Time    // the seed's end
	today  activity.Day // end's day
	window activity.Day // the first day of the seed's content

	admin   *seedMember
	people  []*seedMember // the demo people, in demoPeople's order
	crowd   []*seedMember // in the order they joined
	members []*seedMember // everyone, in the order they joined
	byID    map[auth.AccountID]*seedMember
}

// newSeedPast plans the club's history up to end, the seed's content
// beginning at from: who joins when, with which habit, and the days each
// comes back. Accounts are made from it (seeder.accounts).
func newSeedPast(loc *time.Location, from, end time.Time) *seedPast {
	p := &seedPast{rng: rand.New(rand.NewPCG(2026, 16)), loc: loc, end: end,
		today: activity.DayOf(end, loc), window: activity.DayOf(from, loc), byID: map[auth.AccountID]*seedMember{}}
	p.admin = &seedMember{demoPerson: demoPerson{demoAdminEmail, demoAdminName, "ko"}, habit: fanHabit, demo: true,
		joined: p.at(p.today - 7*openedWeeks)}
	p.members = append(p.members, p.admin)
	for _, d := range demoPeople {
		h := regularHabit
		if p.rng.IntN(2) == 0 {
			h = fanHabit
		}
		ago := 7*foundedTo + p.rng.IntN(7*(foundedFrom-foundedTo))
		m := &seedMember{demoPerson: d, habit: h, demo: true, joined: p.at(p.today - activity.Day(ago))}
		p.people = append(p.people, m)
		p.members = append(p.members, m)
	}
	for _, d := range crowdPeople(p.rng, crowdSize) {
		m := &seedMember{demoPerson: d, habit: p.crowdHabit(), joined: p.crowdJoin()}
		p.crowd = append(p.crowd, m)
		p.members = append(p.members, m)
	}
	slices.SortStableFunc(p.crowd, func(a, b *seedMember) int { return a.joined.Compare(b.joined) })
	slices.SortStableFunc(p.members, func(a, b *seedMember) int { return a.joined.Compare(b.joined) })
	for _, m := range p.members {
		p.live(m)
	}
	return p
}

// at is a time of day on d, from 8 am to 11 pm in the site's zone, never
// past the seed's end.
func (p *seedPast) at(d activity.Day) time.Time {
	t := d.Start(p.loc).Add(8*time.Hour + time.Duration(p.rng.IntN(15*60))*time.Minute)
	if t.After(p.end) {
		t = p.end.Add(-time.Duration(1+p.rng.IntN(60)) * time.Minute)
	}
	return t
}

// crowdJoin is when the i-th of the crowd joined: in one of the last
// crowdWeeks weeks, the later weeks likelier (the club grows from about
// four a week to sixteen), the current week only up to today.
func (p *seedPast) crowdJoin() time.Time {
	total := 0
	weight := func(w int) int { return 4 + 12*w/(crowdWeeks-1) }
	for w := range crowdWeeks {
		total += weight(w)
	}
	r, w := p.rng.IntN(total), 0
	for ; r >= weight(w); w++ {
		r -= weight(w)
	}
	monday := p.today.Week() - activity.Day(7*(crowdWeeks-1-w))
	last := min(monday+6, p.today)
	return p.at(monday + activity.Day(p.rng.IntN(int(last-monday)+1)))
}

// crowdPeople are n people with names drawn from the lists in
// seed_data.go, half Korean and half English, each with an address of
// their own that no demo person has.
func crowdPeople(rng *rand.Rand, n int) []demoPerson {
	taken := map[string]bool{demoAdminEmail: true}
	for _, d := range demoPeople {
		taken[d.email] = true
	}
	out := make([]demoPerson, 0, n)
	for len(out) < n {
		var d demoPerson
		if rng.IntN(2) == 0 {
			family, given := crowdKoreanFamily[rng.IntN(len(crowdKoreanFamily))], crowdKoreanGiven[rng.IntN(len(crowdKoreanGiven))]
			d = demoPerson{given[1] + "." + family[1], family[0] + given[0], "ko"}
		} else {
			given, family := crowdEnglishGiven[rng.IntN(len(crowdEnglishGiven))], crowdEnglishFamily[rng.IntN(len(crowdEnglishFamily))]
			d = demoPerson{strings.ToLower(given + "." + family), given + " " + family, "en"}
		}
		email := d.email + "@example.com"
		for k := 2; taken[email]; k++ {
			email = fmt.Sprintf("%s%d@example.com", d.email, k)
		}
		taken[email], d.email = true, email
		out = append(out, d)
	}
	return out
}

// crowdHabit draws one of the crowd's habits: a sixth come only the week
// they join, a seventh stop after the week after, a third after their
// third week (weeks count from 0: the week-3 drop), and a third stay,
// some of those drifting away months later. So of a cohort about 70%
// come back in week 1, 55% in week 2 and 25% in week 3.
func (p *seedPast) crowdHabit() habit {
	switch r := p.rng.Float64(); {
	case r < 0.16:
		return habit{weeks: 0, days: 2, part: 0.4}
	case r < 0.30:
		return habit{weeks: 1, often: 0.9, days: 2, part: 0.35}
	case r < 0.64:
		return habit{weeks: 2, often: 0.9, days: 2, part: 0.35}
	}
	h := regularHabit
	if p.rng.Float64() < 0.45 {
		h = fanHabit
	}
	h.weeks = 3 + int(p.rng.ExpFloat64()*30)
	return h
}

// live draws the days m came, from the day they joined to today: each
// day a visit, some also a kind of participation. The admin and the demo
// people take part in the seed's weeks only through its content.
func (p *seedPast) live(m *seedMember) {
	r := &m.roll
	joined := activity.DayOf(m.joined, p.loc)
	r.Joined = joined
	if !m.demo && joined < p.window && p.rng.IntN(2) == 0 {
		r.Add(activity.Join, joined) // joined a group the day they came
	}
	weeks := int(p.today.Week()-joined.Week()) / 7
	for k := 0; k <= min(weeks, m.habit.weeks); k++ {
		monday := joined.Week() + activity.Day(7*k)
		first, last := max(monday, joined), min(monday+6, p.today)
		var days []activity.Day
		if k == 0 {
			days = append(days, joined)
		}
		if k == 0 || p.rng.Float64() < m.habit.often {
			for range 1 + p.rng.IntN(m.habit.days) {
				days = append(days, first+activity.Day(p.rng.IntN(int(last-first)+1)))
			}
		}
		for _, d := range days {
			r.Add(activity.Visit, d)
			if m.demo && d >= p.window {
				continue
			}
			if p.rng.Float64() < m.habit.part {
				r.Add(seedKinds[p.rng.IntN(len(seedKinds))], d)
			}
		}
	}
}

// add notes that the account took part in kind at t.
func (p *seedPast) add(id auth.AccountID, kind activity.Kind, t time.Time) {
	if m := p.byID[id]; m != nil {
		m.roll.Add(kind, activity.DayOf(t, p.loc))
	}
}

// note notes that a took part in kind now, on the seed's clock: every
// call into community that is a sign of engagement is followed by one.
func (s *seeder) note(a community.Actor, kind activity.Kind) { s.past.add(a.ID(), kind, s.clock.t) }

// accounts creates everyone in the order they joined, the clock at each
// one's joining, so that the account's creation is its join day: the
// admin first, who becomes the site owner, then the founders and the
// crowd. The clock goes back to the start of the content after.
func (s *seeder) accounts(ctx context.Context) error {
	site, err := s.au.Site(ctx)
	if err != nil {
		return err
	}
	from := s.clock.t
	s.past = newSeedPast(site.Location(), from, s.clock.end)
	s.clock.rewind(s.past.admin.joined)
	for _, m := range s.past.members {
		s.clock.at(m.joined)
		role := auth.RoleMember
		if m == s.past.admin {
			role = auth.RoleOwner
		}
		a, err := s.au.SeedAccount(ctx, m.email, m.name, role, m.locale)
		if err != nil {
			return fmt.Errorf("seed: %s: %w", m.email, err)
		}
		m.actor = community.Actor{Account: a}
		s.past.byID[a.ID] = m
	}
	s.admin = s.past.admin.actor
	for i, m := range s.past.people {
		if i%3 == 0 {
			m.actor.Tiers = []string{premiumTier}
		}
		s.people = append(s.people, m.actor)
	}
	s.n.Accounts = len(s.past.members)
	s.clock.rewind(from)
	return nil
}

// newcomers has each of the crowd who comes in the seed's weeks join an
// open group, some two, on the first day they come then: the groups are
// younger than the club, and the insight lists an at-risk member's
// groups.
func (s *seeder) newcomers(ctx context.Context) error {
	var open []*seedGroup
	for _, g := range s.all {
		if g.in.Policy == community.JoinOpen {
			open = append(open, g)
		}
	}
	var plan []seedStep
	for _, m := range s.past.crowd {
		d := max(s.past.window, m.roll.JoinedDay())
		for ; d <= s.past.today && !m.roll.ActiveOn(d); d++ {
		}
		if d > s.past.today {
			continue
		}
		at := s.past.at(d)
		for _, after := range []time.Time{s.boardsFrom, m.joined.Add(time.Duration(5+s.past.rng.IntN(55)) * time.Minute)} {
			if at.Before(after) {
				at = after
			}
		}
		groups := s.past.rng.Perm(len(open))[:1+s.past.rng.IntN(10)/7] // three in ten join two
		plan = append(plan, seedStep{at: earliest(at, s.clock.end), do: func(ctx context.Context) error {
			for _, k := range groups {
				if err := s.join(ctx, open[k], m.actor, ""); err != nil {
					return err
				}
			}
			return nil
		}})
	}
	return s.retell(ctx, plan)
}

// history writes everyone's rollup to the activity record, over anything
// recorded while the seed ran.
func (s *seeder) history(ctx context.Context) error {
	rows := make([]activity.Rollup, 0, len(s.past.members))
	for _, m := range s.past.members {
		m.roll.Account = string(m.actor.ID())
		rows = append(rows, m.roll)
	}
	rec := activity.New(s.db, func(context.Context) *time.Location { return s.past.loc }, s.clock.Now, s.log)
	if err := rec.Replace(ctx, rows); err != nil {
		return fmt.Errorf("seed: activity: %w", err)
	}
	s.n.ActivityRecords = len(rows)
	return nil
}
