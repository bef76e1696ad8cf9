package community

import (
	"cmp"
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// TurnoutEvents is how many ended events EventFigures reports.
const TurnoutEvents = 10

// Turnout is how one event that has ended was attended: of those going
// when it ended, how many were checked in at the door.
type Turnout struct {
	Event EventID
	Group GroupID
	Title string
	Start time.Time
	End   time.Time
	Going int
	// CheckedIn is the event's counter of those going who were checked
	// in, kept by CheckIn and its undo and recounted by Reconcile.
	CheckedIn int
	// Attendance is CheckedIn ÷ Going, and NoShows is (Going −
	// CheckedIn) ÷ Going, each between 0 and 1; both are 0 when nobody
	// was going.
	Attendance float64
	NoShows    float64
}

// turnout is the event's Turnout. A checked-in counter above the number
// going (drift the repair has yet to set right) counts as all came.
func turnout(e Event) Turnout {
	t := Turnout{Event: e.ID, Group: e.Group, Title: e.Title, Start: e.Start, End: e.End, Going: e.Going, CheckedIn: e.Attended}
	if e.Going > 0 {
		came := min(max(e.Attended, 0), e.Going)
		t.Attendance = float64(came) / float64(e.Going)
		t.NoShows = float64(e.Going-came) / float64(e.Going)
	}
	return t
}

// EventFigures returns the turnout of the last TurnoutEvents events of
// the site that have ended by now and were not cancelled, the one that
// ended last first; for site staff only, others get ErrForbidden. It
// reads the events' own counters, never their RSVPs: on the embedded
// store the events come from the event index in memory and one lookup
// of ten by _id; on MongoDB from one query served by "events_ended".
func (s *Service) EventFigures(ctx context.Context, a Actor, now time.Time) ([]Turnout, error) {
	if !a.SiteStaff() {
		return nil, ErrForbidden
	}
	var events []Event
	if s.eventIdx != nil {
		t, err := s.eventIdx.load(ctx, s)
		if err != nil {
			return nil, err
		}
		if events, err = s.eventsOf(ctx, t.ended(now, TurnoutEvents)); err != nil {
			return nil, err
		}
	} else {
		var err error
		events, err = s.findEvents(ctx, bson.M{"cancelled": false, "end": bson.M{"$lte": now}},
			bson.D{{Key: "end", Value: -1}, {Key: "_id", Value: -1}}, TurnoutEvents)
		if err != nil {
			return nil, err
		}
	}
	out := make([]Turnout, 0, len(events))
	for _, e := range events {
		if !e.Cancelled && e.Over(now) { // a row in memory a moment behind its event
			out = append(out, turnout(e))
		}
	}
	return out, nil
}

// ended returns the n events not cancelled that ended last by now, the
// latest first.
func (t *eventTable) ended(now time.Time, n int) []eventRow {
	t.mu.Lock()
	var out []eventRow
	for _, r := range t.rows {
		if !r.Cancelled && !now.Before(r.End) {
			out = append(out, r)
		}
	}
	t.mu.Unlock()
	slices.SortFunc(out, func(x, y eventRow) int { return cmp.Or(y.End.Compare(x.End), cmp.Compare(y.ID, x.ID)) })
	return out[:min(len(out), n)]
}
