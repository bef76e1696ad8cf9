package community

import (
	"cmp"
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
)

// happeningsLooked bounds the events to come read to find the few a
// visitor may hear of.
const happeningsLooked = 40

// Happenings returns up to n events to come that a visitor may hear of,
// soonest first: those open to every member of a group from groups that
// is listed and that anyone may join at once. What they are called and
// when is then no secret: joining shows it. Events for a tier, for the
// invited, or in groups that choose their members stay unmentioned.
// groups are the listed groups as a stranger sees them (the directory).
func (s *Service) Happenings(ctx context.Context, groups []Group, n int) ([]MyEvent, error) {
	open := map[GroupID]Group{}
	var ids []GroupID
	for _, g := range groups {
		if g.Visibility == Listed && g.Policy == JoinOpen {
			open[g.ID] = g
			ids = append(ids, g.ID)
		}
	}
	if len(open) == 0 || n <= 0 {
		return nil, nil
	}
	now := s.now()
	var events []Event
	if s.eventIdx != nil {
		t, err := s.eventIdx.load(ctx, s)
		if err != nil {
			return nil, err
		}
		rows := t.coming(now, func(g GroupID) bool { _, ok := open[g]; return ok })
		slices.SortFunc(rows, func(x, y eventRow) int { return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.ID, y.ID)) })
		if events, err = s.eventsOf(ctx, rows[:min(len(rows), happeningsLooked)]); err != nil {
			return nil, err
		}
	} else {
		var err error
		events, err = s.findEvents(ctx, bson.M{"group": bson.M{"$in": ids}, "end": bson.M{"$gte": now}, "cancelled": bson.M{"$ne": true}},
			bson.D{{Key: "start", Value: 1}, {Key: "_id", Value: 1}}, happeningsLooked)
		if err != nil {
			return nil, err
		}
	}
	var out []MyEvent
	for _, e := range events {
		if e.Access == AccessMembers && !e.Cancelled && !e.Over(now) && len(out) < n {
			out = append(out, MyEvent{Event: e, Group: open[e.Group]})
		}
	}
	return out, nil
}
