package community

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
)

// reconcileEvents recounts each event's going, waiting and attended
// counters from its RSVPs, sets those that drifted, and seats the head
// of any line left waiting beside a free seat. It returns how many
// events it set.
func (s *Service) reconcileEvents(ctx context.Context, g GroupID) (int, error) {
	type counts struct{ going, waiting, attended int }
	have := map[EventID]counts{}
	if err := each(ctx, s.rsvps, bson.M{"group": g}, func(r rsvpDoc) {
		c := have[r.Event]
		switch r.State {
		case RSVPGoing:
			c.going++
			if r.Attended {
				c.attended++
			}
		case RSVPWaitlist:
			c.waiting++
		}
		have[r.Event] = c
	}); err != nil {
		return 0, err
	}
	var fixes []eventDoc
	if err := each(ctx, s.events, bson.M{"group": g}, func(d eventDoc) {
		if c := have[d.ID]; c != (counts{d.Going, d.Waiting, d.Attended}) ||
			(c.waiting > 0 && !d.Cancelled && !Event(d).Full() && !Event(d).Over(s.now())) {
			fixes = append(fixes, d)
		}
	}); err != nil {
		return 0, err
	}
	for _, d := range fixes {
		c := have[d.ID]
		if _, err := s.events.UpdateOne(ctx, bson.M{"_id": d.ID},
			bson.M{"$set": bson.M{"going": c.going, "waiting": c.waiting, "attended": c.attended}}); err != nil {
			return 0, wrap(err, "repair event")
		}
		if err := s.promote(ctx, d.ID, ""); err != nil {
			return 0, err
		}
	}
	return len(fixes), nil
}
