package community

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

var (
	// ErrEventFull means no seat is free for a reward's holder.
	ErrEventFull = errors.New("community: event full")
	// ErrAlreadyGoing means the account already holds a seat at the event.
	ErrAlreadyGoing = errors.New("community: already going")
)

// RewardEvent returns an event a loyalty reward may give seats at: any
// event that exists, whoever may see it (staff chose it).
func (s *Service) RewardEvent(ctx context.Context, id EventID) (Event, error) {
	if id == "" {
		return Event{}, ErrNotFound
	}
	return s.findEvent(ctx, id)
}

// SeatByReward gives account a confirmed seat at the event, as a reward
// it redeemed: no invitation or tier needed, and no place in the line
// (the seat was paid for), but never past the capacity — the seat is
// taken with the same conditional update RSVPs use. One waiting in the
// line is moved to going. It fails with ErrEventFull, ErrAlreadyGoing,
// ErrEventCancelled or ErrRSVPClosed, and then holds nothing.
func (s *Service) SeatByReward(ctx context.Context, account auth.Account, id EventID) error {
	e, err := s.RewardEvent(ctx, id)
	if err != nil {
		return err
	}
	now := s.now()
	switch {
	case e.Cancelled:
		return ErrEventCancelled
	case e.Started(now):
		return ErrRSVPClosed
	}
	r, found, err := s.findRSVP(ctx, e.ID, account.ID)
	if err != nil {
		return err
	}
	if found && r.State == RSVPGoing {
		return ErrAlreadyGoing
	}
	seated, err := s.takeSeat(ctx, e.ID, false)
	if err != nil {
		return err
	}
	if !seated {
		return ErrEventFull
	}
	placed, err := s.placeRewardSeat(ctx, Actor{Account: account}, e, r, found)
	if err == nil && placed {
		return nil
	}
	// Another answer by the same person got there first: the seat goes
	// back to the line.
	if gerr := s.incEvent(ctx, e.ID, bson.M{"going": -1}); gerr != nil {
		return errors.Join(err, gerr)
	}
	if perr := s.promote(ctx, e.ID, ""); perr != nil {
		return errors.Join(err, perr)
	}
	if err != nil {
		return err
	}
	return ErrAlreadyGoing
}

// placeRewardSeat turns the account's answer into going: a new one, a
// declined one, or a place in the line (which it leaves).
func (s *Service) placeRewardSeat(ctx context.Context, a Actor, e Event, r rsvpDoc, found bool) (bool, error) {
	if !found || r.State == RSVPDeclined {
		return s.placeRSVP(ctx, a, e, r, found, RSVPGoing, 0)
	}
	res, err := s.rsvps.UpdateOne(ctx, bson.M{"_id": r.ID, "state": RSVPWaitlist, "ticket": r.Ticket},
		bson.M{"$set": bson.M{"state": RSVPGoing, "seatedAt": s.now()}})
	if err != nil || res.ModifiedCount == 0 {
		return false, wrap(err, "seat by reward")
	}
	return true, s.incEvent(ctx, e.ID, bson.M{"waiting": -1})
}
