package community

import (
	"context"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/activity"
)

// Guest is one person going to an event, as the door sees them.
type Guest struct {
	Account    auth.AccountID
	Name       string
	Attended   bool
	AttendedAt time.Time
}

// GuestList is the door's view of an event: who is going, whether each
// came, and the counts.
type GuestList struct {
	Event    Event
	Standing Standing
	Guests   []Guest
	More     bool // the search matched more than a page
}

// guestListMax bounds one page of the door's list; a longer list is
// searched by name.
const guestListMax = 500

// Guests lists those going to the event, by name, for its hosts: the
// group's moderators. query narrows it to names containing it.
func (s *Service) Guests(ctx context.Context, a Actor, slug string, id EventID, query string) (GuestList, error) {
	e, st, err := s.eventStanding(ctx, a, slug, id)
	if err != nil {
		return GuestList{}, err
	}
	if err := st.requireModerate(); err != nil {
		return GuestList{}, err
	}
	filter := bson.M{"event": e.ID, "state": RSVPGoing}
	if q := []rune(strings.ToLower(strings.TrimSpace(query))); len(q) > 0 {
		filter["nameKey"] = bson.M{"$regex": regexp.QuoteMeta(string(q[:min(len(q), 100)]))}
	}
	var docs []rsvpDoc
	if err := s.findAll(ctx, s.rsvps, filter, bson.D{{Key: "nameKey", Value: 1}, {Key: "_id", Value: 1}}, guestListMax+1, &docs, "list guests"); err != nil {
		return GuestList{}, err
	}
	list := GuestList{Event: e, Standing: st, More: len(docs) > guestListMax}
	for _, d := range docs[:min(len(docs), guestListMax)] {
		list.Guests = append(list.Guests, Guest{Account: d.Account, Name: d.Name, Attended: d.Attended, AttendedAt: d.AttendedAt})
	}
	return list, nil
}

// CheckIn marks a guest as come (on) or takes the mark back. Only those
// going can be marked; a second tap changes nothing.
func (s *Service) CheckIn(ctx context.Context, a Actor, slug string, id EventID, who auth.AccountID, on bool) (Event, error) {
	e, st, err := s.eventStanding(ctx, a, slug, id)
	if err != nil {
		return Event{}, err
	}
	if err := st.requireModerate(); err != nil {
		return e, err
	}
	r, found, err := s.findRSVP(ctx, e.ID, who)
	if err != nil {
		return e, err
	}
	if !found || r.State != RSVPGoing {
		return e, ErrNotFound
	}
	set := bson.M{"attended": on, "attendedAt": time.Time{}}
	if on {
		set["attendedAt"] = s.now()
		set["recorded"] = true
	}
	res, err := s.rsvps.UpdateOne(ctx, bson.M{"_id": r.ID, "state": RSVPGoing, "attended": !on}, bson.M{"$set": set})
	if err != nil {
		return e, wrap(err, "check in")
	}
	if res.ModifiedCount == 1 {
		delta := -1
		if on {
			defer s.earn(ctx, who, checkInDeed(e.ID, who))
		} else {
			defer s.unearn(ctx, who, checkInDeed(e.ID, who))
		}
		if on {
			delta = 1
			if !r.Recorded { // a mark taken back and given again is the same coming
				defer s.engaged(ctx, who, activity.CheckIn) // the guest's, though the staff at the door marks it
			}
		}
		if err := s.incEvent(ctx, e.ID, bson.M{"attended": delta}); err != nil {
			return e, err
		}
	}
	return s.findEvent(ctx, e.ID)
}
