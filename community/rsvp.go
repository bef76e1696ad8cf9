package community

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/activity"
)

// RSVPState is a person's answer to an event.
type RSVPState string

const (
	RSVPGoing    RSVPState = "going"
	RSVPWaitlist RSVPState = "waitlist" // said yes to a full event; seated in turn
	RSVPDeclined RSVPState = "declined"
)

// Attendance is where the actor stands with an event.
type Attendance struct {
	State    RSVPState // "" for no answer yet
	Position int       // 1 for the head of the waiting line; 0 unless waiting
	Attended bool
	Invited  bool
}

// An RSVP's _id is event:account, so one person holds one place however
// fast they click. Every "going" first takes a ticket, the next number of
// the event's line, and waits; seats go to the lowest ticket waiting, one
// conditional $inc on the event at a time. So a seat is never given twice,
// the line keeps the order people asked in, and a seat that frees goes to
// the head of the line with no host involved.
type rsvpDoc struct {
	ID         string         `bson:"_id"`
	Event      EventID        `bson:"event"`
	Group      GroupID        `bson:"group"`
	Account    auth.AccountID `bson:"account"`
	Name       string         `bson:"name"`
	NameKey    string         `bson:"nameKey"` // lower-cased, for the door's search
	State      RSVPState      `bson:"state"`
	Ticket     int64          `bson:"ticket"`
	SeatedAt   time.Time      `bson:"seatedAt,omitempty"`
	Attended   bool           `bson:"attended"`
	AttendedAt time.Time      `bson:"attendedAt,omitempty"`
	// Recorded: the check-in was noted in the activity record, once for
	// good, however often the mark is taken back and given again.
	Recorded bool `bson:"recorded,omitempty"`
	// Start and End copy the event's, for the person's own lists.
	Start     time.Time `bson:"start"`
	End       time.Time `bson:"end"`
	Cancelled bool      `bson:"cancelled"`
	At        time.Time `bson:"at"`
}

func rsvpID(e EventID, a auth.AccountID) string { return string(e) + ":" + string(a) }

// newRSVP is the actor's first answer to the event.
func newRSVP(a Actor, e Event, state RSVPState, at time.Time) rsvpDoc {
	return rsvpDoc{ID: rsvpID(e.ID, a.ID()), Event: e.ID, Group: e.Group, Account: a.ID(), Name: a.Account.Name,
		NameKey: strings.ToLower(a.Account.Name), State: state, Start: e.Start, End: e.End, At: at}
}

// RSVP records the actor's answer: going (on) or not. Going to a full
// event puts them in the waiting line. Answering twice is one answer.
func (s *Service) RSVP(ctx context.Context, a Actor, slug string, id EventID, going bool) (Attendance, error) {
	e, st, err := s.eventStanding(ctx, a, slug, id)
	if err != nil {
		return Attendance{}, err
	}
	now := s.now()
	switch {
	case e.Cancelled:
		return Attendance{}, ErrEventCancelled
	case e.Started(now) || (going && !e.RSVPsOpen(now)):
		return Attendance{}, ErrRSVPClosed
	}
	if going {
		if err := s.mayGo(ctx, a, st, e); err != nil {
			return Attendance{}, err
		}
		err = s.join(ctx, a, e)
	} else {
		err = s.decline(ctx, a, e)
	}
	if err != nil {
		return Attendance{}, err
	}
	return s.answer(ctx, a, e)
}

// mayGo checks the event's access rule: tier events need the tier or an
// invitation; invite-only ones were checked when the event was found.
func (s *Service) mayGo(ctx context.Context, a Actor, st Standing, e Event) error {
	if e.Access != AccessTier || a.HasTier(e.Tier) || st.CanModerate() {
		return nil
	}
	invited, err := s.invited(ctx, e.ID, a.ID())
	if err != nil || invited {
		return err
	}
	return ErrTierRequired
}

// join gives the actor a seat at once while nobody is waiting; else a
// ticket in the event's line, then seats whoever is at its head while
// seats are free.
func (s *Service) join(ctx context.Context, a Actor, e Event) error {
	r, found, err := s.findRSVP(ctx, e.ID, a.ID())
	if err != nil || (found && r.State != RSVPDeclined) {
		return err
	}
	seated, err := s.takeSeat(ctx, e.ID, true)
	if err != nil {
		return err
	}
	if seated {
		placed, err := s.placeRSVP(ctx, a, e, r, found, RSVPGoing, 0)
		if err != nil || placed {
			return err
		}
		// The same person answered at once in another request: give the
		// seat back to the line.
		if err := s.incEvent(ctx, e.ID, bson.M{"going": -1}); err != nil {
			return err
		}
		return s.promote(ctx, e.ID, "")
	}
	ticket, err := s.takeTicket(ctx, e.ID)
	if err != nil {
		return err
	}
	placed, err := s.placeRSVP(ctx, a, e, r, found, RSVPWaitlist, ticket)
	if err != nil {
		return err
	}
	if !placed {
		return s.incEvent(ctx, e.ID, bson.M{"waiting": -1})
	}
	return s.promote(ctx, e.ID, a.ID())
}

// placeRSVP writes the actor's answer as state: a new document, or the
// declined one found turned into it. It reports false when another
// request by the same person got there first.
func (s *Service) placeRSVP(ctx context.Context, a Actor, e Event, r rsvpDoc, found bool, state RSVPState, ticket int64) (bool, error) {
	now := s.now()
	if found {
		set := bson.M{"state": state, "ticket": ticket, "name": a.Account.Name, "nameKey": strings.ToLower(a.Account.Name), "at": now}
		if state == RSVPGoing {
			set["seatedAt"] = now
		}
		res, err := s.rsvps.UpdateOne(ctx, bson.M{"_id": r.ID, "state": RSVPDeclined}, bson.M{"$set": set})
		placed := err == nil && res.ModifiedCount == 1
		if placed {
			s.engaged(ctx, a.ID(), activity.RSVP)
		}
		return placed, wrap(err, "rsvp")
	}
	d := newRSVP(a, e, state, now)
	d.Ticket = ticket
	if state == RSVPGoing {
		d.SeatedAt = now
	}
	_, err := s.rsvps.InsertOne(ctx, d)
	if err = dupOr(err, "rsvp"); errors.Is(err, errDuplicate) {
		return false, nil
	}
	if err == nil {
		s.engaged(ctx, a.ID(), activity.RSVP)
	}
	return err == nil, err
}

// takeTicket gives the next number in the event's line and counts its
// holder as waiting, in one update: from then on nobody skips the line.
func (s *Service) takeTicket(ctx context.Context, id EventID) (int64, error) {
	var d eventDoc
	err := s.events.FindOneAndUpdate(ctx, bson.M{"_id": id, "cancelled": false}, bson.M{"$inc": bson.M{"tickets": 1, "waiting": 1}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, ErrEventCancelled
	}
	return d.Tickets, wrap(err, "take ticket")
}

// decline records "not going". A seat given back goes to the head of the
// line at once. A check-in at the door before the start is taken back
// with it: the event counts as checked in only those going.
func (s *Service) decline(ctx context.Context, a Actor, e Event) error {
	var before rsvpDoc
	err := s.rsvps.FindOneAndUpdate(ctx,
		bson.M{"_id": rsvpID(e.ID, a.ID()), "state": bson.M{"$in": bson.A{RSVPGoing, RSVPWaitlist}}},
		bson.M{"$set": bson.M{"state": RSVPDeclined, "at": s.now(), "attended": false, "attendedAt": time.Time{}}}).Decode(&before)
	if errors.Is(err, mongo.ErrNoDocuments) {
		_, err := s.rsvps.InsertOne(ctx, newRSVP(a, e, RSVPDeclined, s.now()))
		if err = dupOr(err, "rsvp"); errors.Is(err, errDuplicate) {
			return nil // already declined, or answered meanwhile: that answer stands
		}
		if err == nil {
			s.engaged(ctx, a.ID(), activity.RSVP)
		}
		return err
	}
	if err != nil {
		return wrap(err, "decline")
	}
	s.engaged(ctx, a.ID(), activity.RSVP)
	if before.State == RSVPGoing && before.Attended {
		if err := s.incEvent(ctx, e.ID, bson.M{"attended": -1}); err != nil {
			return err
		}
	}
	return s.release(ctx, e.ID, before.State)
}

// release gives back what an answer in state held, once the answer
// stopped holding it: a place in the line, or a seat, which goes to the
// head of the line at once.
func (s *Service) release(ctx context.Context, id EventID, held RSVPState) error {
	switch held {
	case RSVPWaitlist:
		return s.incEvent(ctx, id, bson.M{"waiting": -1})
	case RSVPGoing:
		if err := s.incEvent(ctx, id, bson.M{"going": -1}); err != nil {
			return err
		}
		return s.promote(ctx, id, "")
	}
	return nil
}

// promote seats the head of the event's line while seats are free. Each
// seat is taken first, by a conditional $inc on the event; then the
// ticket holder is moved to going only if they are still waiting with
// that ticket, else the seat is given back and the next in line tried.
// Callers racing here each seat someone different or stop. Everyone
// seated is told, except self, who is answered by the page.
func (s *Service) promote(ctx context.Context, id EventID, self auth.AccountID) error {
	for {
		var head rsvpDoc
		err := s.rsvps.FindOne(ctx, bson.M{"event": id, "state": RSVPWaitlist},
			options.FindOne().SetSort(bson.D{{Key: "ticket", Value: 1}})).Decode(&head)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		} else if err != nil {
			return wrap(err, "find head of line")
		}
		seated, err := s.takeSeat(ctx, id, false)
		if err != nil || !seated {
			return err
		}
		var before rsvpDoc
		err = s.rsvps.FindOneAndUpdate(ctx, bson.M{"_id": head.ID, "state": RSVPWaitlist, "ticket": head.Ticket},
			bson.M{"$set": bson.M{"state": RSVPGoing, "seatedAt": s.now()}}).Decode(&before)
		if errors.Is(err, mongo.ErrNoDocuments) {
			if err := s.incEvent(ctx, id, bson.M{"going": -1}); err != nil {
				return err
			}
			continue
		} else if err != nil {
			return wrap(err, "seat")
		}
		if err := s.incEvent(ctx, id, bson.M{"waiting": -1}); err != nil {
			return err
		}
		if before.Account != self {
			s.announceEvent(ctx, Actor{}, id, NoticeEventPromoted, []auth.AccountID{before.Account})
		}
	}
}

// takeSeat takes one free seat of the event, if there is one, with one
// conditional update: the capacity read must still hold and the seats
// taken be fewer. A capacity changed meanwhile is read again. emptyLine
// takes a seat only while nobody waits, so nobody skips the line. An
// event that is over seats nobody: a late edit or a reconcile must not
// move its line after the fact.
func (s *Service) takeSeat(ctx context.Context, id EventID, emptyLine bool) (bool, error) {
	for range 3 {
		e, err := s.findEvent(ctx, id)
		if err != nil || e.Cancelled || e.Full() || e.Over(s.now()) || (emptyLine && e.Waiting > 0) {
			return false, err
		}
		filter := bson.M{"_id": id, "cancelled": false, "capacity": e.Capacity}
		if emptyLine {
			filter["waiting"] = 0
		}
		if e.Capacity > 0 {
			filter["going"] = bson.M{"$lt": e.Capacity}
		}
		res, err := s.events.UpdateOne(ctx, filter, bson.M{"$inc": bson.M{"going": 1}})
		if err != nil {
			return false, wrap(err, "take seat")
		}
		if res.ModifiedCount == 1 {
			return true, nil
		}
	}
	return false, nil
}

// unseat moves the last people seated back to the head of the line until
// no more are going than the capacity, keeping their order.
func (s *Service) unseat(ctx context.Context, e Event) error {
	for {
		e, err := s.findEvent(ctx, e.ID)
		if err != nil || e.Capacity == 0 || e.Going <= e.Capacity {
			return err
		}
		var last rsvpDoc
		err = s.rsvps.FindOne(ctx, bson.M{"event": e.ID, "state": RSVPGoing},
			options.FindOne().SetSort(bson.D{{Key: "seatedAt", Value: -1}, {Key: "_id", Value: -1}})).Decode(&last)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		} else if err != nil {
			return wrap(err, "find last seated")
		}
		head := int64(1)
		var first rsvpDoc
		err = s.rsvps.FindOne(ctx, bson.M{"event": e.ID, "state": RSVPWaitlist},
			options.FindOne().SetSort(bson.D{{Key: "ticket", Value: 1}})).Decode(&first)
		if err == nil {
			head = first.Ticket
		} else if !errors.Is(err, mongo.ErrNoDocuments) {
			return wrap(err, "find head of line")
		}
		// One checked in early leaves the door's count with their seat;
		// {$ne: true} also matches an answer older than check-ins.
		came := bson.M{"$ne": true}
		if last.Attended {
			came = bson.M{"$eq": true}
		}
		res, err := s.rsvps.UpdateOne(ctx, bson.M{"_id": last.ID, "state": RSVPGoing, "attended": came},
			bson.M{"$set": bson.M{"state": RSVPWaitlist, "ticket": head - 1, "attended": false, "attendedAt": time.Time{}}})
		if err != nil {
			return wrap(err, "unseat")
		}
		if res.ModifiedCount == 1 {
			inc := bson.M{"going": -1, "waiting": 1}
			if last.Attended {
				inc["attended"] = -1
			}
			if err := s.incEvent(ctx, e.ID, inc); err != nil {
				return err
			}
		}
	}
}

// answer reads where the actor stands with the event.
func (s *Service) answer(ctx context.Context, a Actor, e Event) (Attendance, error) {
	if !a.SignedIn() {
		return Attendance{}, nil
	}
	r, found, err := s.findRSVP(ctx, e.ID, a.ID())
	if err != nil {
		return Attendance{}, err
	}
	ans := Attendance{State: r.State, Attended: r.Attended}
	if found && r.State == RSVPWaitlist {
		ahead, err := s.rsvps.CountDocuments(ctx, bson.M{"event": e.ID, "state": RSVPWaitlist, "ticket": bson.M{"$lt": r.Ticket}})
		if err != nil {
			return Attendance{}, wrap(err, "count line")
		}
		ans.Position = int(ahead) + 1
	}
	if ans.Invited, err = s.invited(ctx, e.ID, a.ID()); err != nil {
		return Attendance{}, err
	}
	return ans, nil
}

func (s *Service) findRSVP(ctx context.Context, e EventID, a auth.AccountID) (rsvpDoc, bool, error) {
	var d rsvpDoc
	err := s.rsvps.FindOne(ctx, bson.M{"_id": rsvpID(e, a)}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	return d, err == nil, wrap(err, "find rsvp")
}

// EventView is an event page: the event, the actor's answer and standing.
type EventView struct {
	Event      Event
	Attendance Attendance
	Standing   Standing
}

// ShowsLink reports whether the actor may see the online link: only
// those going.
func (v EventView) ShowsLink() bool { return v.Attendance.State == RSVPGoing }

// EventPage returns the event and where the actor stands with it.
func (s *Service) EventPage(ctx context.Context, a Actor, slug string, id EventID) (EventView, error) {
	e, st, err := s.eventStanding(ctx, a, slug, id)
	if err != nil {
		return EventView{}, err
	}
	ans, err := s.answer(ctx, a, e)
	return EventView{Event: e, Attendance: ans, Standing: st}, err
}
