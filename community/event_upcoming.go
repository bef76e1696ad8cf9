package community

import (
	"cmp"
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
)

// UpcomingEvents returns, of the site's next n events that have not
// started and are not cancelled, those still taking answers, soonest
// first, each with its group; for site staff only, others get
// ErrForbidden. A campaign offers them to invite a segment to. On the
// embedded store the events come from the event index in memory and one
// lookup by _id; on MongoDB from one query served by "events_coming".
func (s *Service) UpcomingEvents(ctx context.Context, a Actor, n int) ([]MyEvent, error) {
	if !a.SiteStaff() {
		return nil, ErrForbidden
	}
	now := s.now()
	var events []Event
	if s.eventIdx != nil {
		t, err := s.eventIdx.load(ctx, s)
		if err != nil {
			return nil, err
		}
		rows := t.coming(now, func(GroupID) bool { return true })
		rows = slices.DeleteFunc(rows, func(r eventRow) bool { return !r.Start.After(now) })
		slices.SortFunc(rows, func(x, y eventRow) int { return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.ID, y.ID)) })
		if events, err = s.eventsOf(ctx, rows[:min(len(rows), n)]); err != nil {
			return nil, err
		}
	} else {
		var err error
		events, err = s.findEvents(ctx, bson.M{"cancelled": false, "start": bson.M{"$gt": now}},
			bson.D{{Key: "start", Value: 1}, {Key: "_id", Value: 1}}, n)
		if err != nil {
			return nil, err
		}
	}
	var gids []GroupID
	for _, e := range events {
		gids = append(gids, e.Group)
	}
	groups, err := s.groupsByID(ctx, gids)
	if err != nil {
		return nil, err
	}
	var out []MyEvent
	for _, e := range events {
		if g, ok := groups[e.Group]; ok && e.RSVPsOpen(now) { // a row in memory may be a moment behind its event
			out = append(out, MyEvent{Event: e, Group: g})
		}
	}
	return out, nil
}
