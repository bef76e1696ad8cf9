package main

import (
	"slices"
	"time"

	"fanclub/auth"
	"fanclub/community"
)

// The seed's clock and dice: everything it writes is dated by the clock,
// and every choice comes from one seeded generator, so each run makes the
// same club.

// seedClock is the time the seed writes at. It starts three weeks back and
// moves forward, never past end, so the club reads like weeks of use; it
// is rewound twice, to tell the idea boards and then the events over the
// weeks of the feed.
type seedClock struct{ t, end time.Time }

// Now is the clock's time, for auth and community.
func (c *seedClock) Now() time.Time { return c.t }

// advance moves the clock forward by d.
func (c *seedClock) advance(d time.Duration) { c.at(c.t.Add(d)) }

// rewind sets the clock back to t, to tell a second story over the same
// weeks.
func (c *seedClock) rewind(t time.Time) { c.t = t }

// at moves the clock forward to t, if t is later.
func (c *seedClock) at(t time.Time) {
	if t.After(c.end) {
		t = c.end
	}
	if t.After(c.t) {
		c.t = t
	}
}

// phrase is a random line from pool in who's language.
func (s *seeder) phrase(pool map[string][]string, who community.Actor) string {
	lines := pool[who.Account.Locale]
	return lines[s.rng.IntN(len(lines))]
}

// seedReactions weighs the reactions as people use them on cheerful
// posts: mostly likes, no sad faces.
var seedReactions = []community.Reaction{"like", "like", "like", "love", "love", "laugh", "wow", "thanks"}

func (s *seeder) reaction() community.Reaction { return seedReactions[s.rng.IntN(len(seedReactions))] }

// minutes is a random duration from lo to hi minutes.
func (s *seeder) minutes(lo, hi int) time.Duration {
	return time.Duration(lo+s.rng.IntN(hi-lo+1)) * time.Minute
}

// pick is a random one of people.
func (s *seeder) pick(people []community.Actor) community.Actor {
	return people[s.rng.IntN(len(people))]
}

// other is a random one of people who is none of not, or the admin if
// nobody else is there.
func (s *seeder) other(people []community.Actor, not ...auth.AccountID) community.Actor {
	var rest []community.Actor
	for _, p := range people {
		if !slices.Contains(not, p.ID()) {
			rest = append(rest, p)
		}
	}
	if len(rest) == 0 {
		return s.admin
	}
	return s.pick(rest)
}

// some is n of people, distinct, in random order.
func (s *seeder) some(people []community.Actor, n int) []community.Actor {
	out := append([]community.Actor(nil), people...)
	s.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:min(n, len(out))]
}
