package activity

import (
	"math/bits"
	"strconv"
)

// Kind is a kind of engagement.
type Kind string

const (
	Visit     Kind = "visit" // a day signed in; not a kind of participation
	Join      Kind = "join"  // joined a group
	Post      Kind = "post"
	Comment   Kind = "comment"
	React     Kind = "react"
	Idea      Kind = "idea" // proposed one
	Vote      Kind = "vote"
	RSVP      Kind = "rsvp"
	CheckIn   Kind = "checkin" // was checked in at an event
	Subscribe Kind = "subscribe"
	Renew     Kind = "renew"
	Cancel    Kind = "cancel"
)

// Kinds lists every kind, visits first.
var Kinds = []Kind{Visit, Join, Post, Comment, React, Idea, Vote, RSVP, CheckIn, Subscribe, Renew, Cancel}

// Participation reports whether k is taking part, as opposed to only
// being there (a visit) or paying (billing steps).
func (k Kind) Participation() bool { return k != Visit && !k.Billing() }

// Billing reports whether k is a step in a subscription's life: paying,
// not taking part.
func (k Kind) Billing() bool { return k == Subscribe || k == Renew || k == Cancel }

// Automatic reports whether k may happen without the member: Stripe
// renews a member who never comes back, and cancels one whose card is
// refused. These are kept (the last day and the count of each) but make
// no day active, or a paying absentee would look active. Subscribing is
// the member's own Checkout on the site, and is a day there.
func (k Kind) Automatic() bool { return k == Renew || k == Cancel }

// Rollup is one account's engagement. Its zero Days mean "never".
type Rollup struct {
	Account string
	Joined  Day // the day the account joined the club (0: unknown, read First)
	First   Day // the first active day
	Last    Day // the last active day
	// KindLast is the last day of each kind; Counts how many of each.
	KindLast map[Kind]Day
	Counts   map[Kind]int
	words    map[int32]uint64 // the active days' bitmap by word
}

// JoinedDay returns the day the account joined, or its first active day
// for an account older than the record.
func (r Rollup) JoinedDay() Day {
	if r.Joined != 0 {
		return r.Joined
	}
	return r.First
}

// ActiveOn reports whether the account was active on d.
func (r Rollup) ActiveOn(d Day) bool {
	return r.words[int32(d>>6)]&(1<<(uint(d)&63)) != 0
}

// ActiveDays counts the days in [from, to) the account was active. It
// reads the bitmap a word (64 days) at a time: the insight pages ask it
// for every member many times over.
func (r Rollup) ActiveDays(from, to Day) int {
	n := 0
	for from < to {
		end := min(from&^63+64, to)
		n += bits.OnesCount64(r.words[int32(from>>6)] & span(from, end))
		from = end
	}
	return n
}

// ActiveBetween reports whether the account was active on any day in
// [from, to).
func (r Rollup) ActiveBetween(from, to Day) bool {
	if r.Last < from || r.First >= to {
		return false
	}
	for from < to {
		end := min(from&^63+64, to)
		if r.words[int32(from>>6)]&span(from, end) != 0 {
			return true
		}
		from = end
	}
	return false
}

// LastActiveBy returns the last day on or before d the account was
// active, or 0 if it was not active by then. Days Trim has dropped read
// as inactive, so a member last active before them reads as never active.
func (r Rollup) LastActiveBy(d Day) Day {
	if r.Last <= d {
		return r.Last
	}
	if d < r.First {
		return 0
	}
	for w := d >> 6; w >= r.First>>6; w-- {
		word := r.words[int32(w)]
		if w == d>>6 {
			word &= span(w<<6, d+1)
		}
		if word != 0 {
			return w<<6 + Day(63-bits.LeadingZeros64(word))
		}
	}
	return 0
}

// span is the mask of days [from, to) within their word: from and to-1
// fall in the same word.
func span(from, to Day) uint64 {
	return ^uint64(0) >> (64 - uint(to-from)) << (uint(from) & 63)
}

// KindsSince counts the kinds of participation (visits aside) the account
// took part in on or after d.
func (r Rollup) KindsSince(d Day) int {
	n := 0
	for k, last := range r.KindLast {
		if k.Participation() && last >= d {
			n++
		}
	}
	return n
}

// rollupDoc is a Rollup as stored.
type rollupDoc struct {
	Account string           `bson:"_id"`
	Joined  Day              `bson:"j,omitempty"`
	First   Day              `bson:"f,omitempty"`
	Last    Day              `bson:"l,omitempty"`
	Words   map[string]int64 `bson:"d,omitempty"`
	Kinds   map[string]Day   `bson:"k,omitempty"`
	Counts  map[string]int   `bson:"n,omitempty"`
}

func (d rollupDoc) rollup() Rollup {
	r := Rollup{Account: d.Account, Joined: d.Joined, First: d.First, Last: d.Last,
		KindLast: make(map[Kind]Day, len(d.Kinds)), Counts: make(map[Kind]int, len(d.Counts)),
		words: make(map[int32]uint64, len(d.Words))}
	for k, v := range d.Words {
		if w, err := strconv.ParseInt(k, 10, 32); err == nil {
			r.words[int32(w)] = uint64(v)
		}
	}
	for k, v := range d.Kinds {
		r.KindLast[Kind(k)] = v
	}
	for k, v := range d.Counts {
		r.Counts[Kind(k)] = v
	}
	return r
}

// Add notes a day of kind in r, as Record does in the database: seeds and
// tests build histories with it.
func (r *Rollup) Add(kind Kind, day Day) { r.apply(change{kind: kind, day: day}) }

// clone returns a copy of r that shares no map with it.
func (r Rollup) clone() Rollup {
	c := r
	c.KindLast = make(map[Kind]Day, len(r.KindLast)+1)
	for k, v := range r.KindLast {
		c.KindLast[k] = v
	}
	c.Counts = make(map[Kind]int, len(r.Counts)+1)
	for k, v := range r.Counts {
		c.Counts[k] = v
	}
	c.words = make(map[int32]uint64, len(r.words)+1)
	for k, v := range r.words {
		c.words[k] = v
	}
	return c
}

// doc is r as stored.
func (r Rollup) doc() rollupDoc {
	d := rollupDoc{Account: r.Account, Joined: r.Joined, First: r.First, Last: r.Last,
		Words: map[string]int64{}, Kinds: map[string]Day{}, Counts: map[string]int{}}
	for w, v := range r.words {
		d.Words[strconv.Itoa(int(w))] = int64(v)
	}
	for k, v := range r.KindLast {
		d.Kinds[string(k)] = v
	}
	for k, v := range r.Counts {
		d.Counts[string(k)] = v
	}
	return d
}

// apply makes in r the change a record makes in the database, for the
// copy kept in memory.
func (r *Rollup) apply(c change) {
	if c.joined != 0 && (r.Joined == 0 || c.joined < r.Joined) {
		r.Joined = c.joined
	}
	if c.kind == "" {
		return
	}
	if r.words == nil {
		r.words = map[int32]uint64{}
		r.KindLast = map[Kind]Day{}
		r.Counts = map[Kind]int{}
	}
	if c.day > r.KindLast[c.kind] {
		r.KindLast[c.kind] = c.day
	}
	if c.kind != Visit {
		r.Counts[c.kind]++
	}
	if c.kind.Automatic() {
		return
	}
	if r.First == 0 || c.day < r.First {
		r.First = c.day
	}
	if c.day > r.Last {
		r.Last = c.day
	}
	r.words[int32(c.day>>6)] |= 1 << (uint(c.day) & 63)
}
