package community

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

type eventDoc struct {
	ID        EventID        `bson:"_id"`
	Group     GroupID        `bson:"group"`
	Title     string         `bson:"title"`
	Body      string         `bson:"body"`
	HTML      string         `bson:"html"`
	Start     time.Time      `bson:"start"`
	End       time.Time      `bson:"end"`
	Zone      string         `bson:"zone"`
	Venue     string         `bson:"venue"`
	Online    bool           `bson:"online"`
	Link      string         `bson:"link"`
	Capacity  int            `bson:"capacity"`
	Access    EventAccess    `bson:"access"`
	Tier      string         `bson:"tier"`
	Deadline  time.Time      `bson:"deadline"`
	Going     int            `bson:"going"`
	Waiting   int            `bson:"waiting"`
	Attended  int            `bson:"attended"`
	Tickets   int64          `bson:"tickets"`
	Sequence  int            `bson:"sequence"`
	Cancelled bool           `bson:"cancelled"`
	CreatedBy auth.AccountID `bson:"createdBy"`
	CreatedAt time.Time      `bson:"createdAt"`
	UpdatedAt time.Time      `bson:"updatedAt"`
}

func (s *Service) insertEvent(ctx context.Context, e Event) error {
	defer s.eventWritten(ctx, e.ID)
	_, err := s.events.InsertOne(ctx, eventDoc(e))
	return wrap(err, "insert event")
}

func (s *Service) findEvent(ctx context.Context, id EventID) (Event, error) {
	var d eventDoc
	err := s.events.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Event{}, ErrNotFound
	}
	return Event(d), wrap(err, "find event")
}

// findEvents returns up to n events matching filter in sort order.
func (s *Service) findEvents(ctx context.Context, filter bson.M, sort bson.D, n int) ([]Event, error) {
	var docs []eventDoc
	if err := s.findAll(ctx, s.events, filter, sort, n, &docs, "list events"); err != nil {
		return nil, err
	}
	out := make([]Event, len(docs))
	for i, d := range docs {
		out[i] = Event(d)
	}
	return out, nil
}

// eventsByID returns the events with the given ids: one $in.
func (s *Service) eventsByID(ctx context.Context, ids []EventID) (map[EventID]Event, error) {
	out := map[EventID]Event{}
	if len(ids) == 0 {
		return out, nil
	}
	es, err := s.findEvents(ctx, bson.M{"_id": bson.M{"$in": ids}}, nil, len(ids))
	for _, e := range es {
		out[e.ID] = e
	}
	return out, err
}

// updateEvent writes what a host may change and bumps the calendar
// sequence. Unless the host allowed moving people back to the waiting
// line, the write holds only while no more are going than the new
// capacity, so a seat given meanwhile is never taken back silently.
func (s *Service) updateEvent(ctx context.Context, before, e Event) (Event, error) {
	defer s.eventWritten(ctx, e.ID)
	filter := bson.M{"_id": e.ID, "cancelled": false}
	if e.Capacity > 0 && e.Capacity >= before.Going {
		filter["going"] = bson.M{"$lte": e.Capacity}
	}
	var d eventDoc
	err := s.events.FindOneAndUpdate(ctx, filter, bson.M{
		"$set": bson.M{"title": e.Title, "body": e.Body, "html": e.HTML, "start": e.Start, "end": e.End, "zone": e.Zone,
			"venue": e.Venue, "online": e.Online, "link": e.Link, "capacity": e.Capacity, "access": e.Access,
			"tier": e.Tier, "deadline": e.Deadline, "updatedAt": e.UpdatedAt},
		"$inc": bson.M{"sequence": 1},
	}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		now, err := s.findEvent(ctx, e.ID)
		if err != nil {
			return before, err
		}
		if now.Cancelled {
			return now, ErrEventCancelled
		}
		return now, CapacityError{Going: now.Going}
	}
	if err != nil {
		return before, wrap(err, "update event")
	}
	if !e.Start.Equal(before.Start) || !e.End.Equal(before.End) {
		if err := s.moveEventDates(ctx, e); err != nil {
			return Event(d), err
		}
	}
	return Event(d), nil
}

// moveEventDates copies new dates onto the event's answers and
// invitations, which carry them for the "my events" lists.
func (s *Service) moveEventDates(ctx context.Context, e Event) error {
	set := bson.M{"$set": bson.M{"start": e.Start, "end": e.End}}
	if _, err := s.rsvps.UpdateMany(ctx, bson.M{"event": e.ID}, set); err != nil {
		return wrap(err, "move rsvp dates")
	}
	_, err := s.invitations.UpdateMany(ctx, bson.M{"event": e.ID}, set)
	return wrap(err, "move invitation dates")
}

// markCancelled cancels the event once; a second cancel is a conflict.
func (s *Service) markCancelled(ctx context.Context, id EventID) error {
	defer s.eventWritten(ctx, id)
	res, err := s.events.UpdateOne(ctx, bson.M{"_id": id, "cancelled": false},
		bson.M{"$set": bson.M{"cancelled": true, "updatedAt": s.now()}, "$inc": bson.M{"sequence": 1}})
	if err != nil {
		return wrap(err, "cancel event")
	}
	if res.ModifiedCount == 0 {
		return ErrEventCancelled
	}
	if _, err := s.rsvps.UpdateMany(ctx, bson.M{"event": id}, bson.M{"$set": bson.M{"cancelled": true}}); err != nil {
		return wrap(err, "cancel rsvps")
	}
	_, err = s.invitations.UpdateMany(ctx, bson.M{"event": id}, bson.M{"$set": bson.M{"cancelled": true}})
	return wrap(err, "cancel invitations")
}

// incEvent moves the event's counters by the deltas given.
func (s *Service) incEvent(ctx context.Context, id EventID, inc bson.M) error {
	_, err := s.events.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": inc})
	return wrap(err, "count event")
}
