package community

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
)

// An invitation's _id is event:account: inviting someone twice, by any
// route, is one invitation and one notice.
type invitationDoc struct {
	ID      string         `bson:"_id"`
	Event   EventID        `bson:"event"`
	Group   GroupID        `bson:"group"`
	Account auth.AccountID `bson:"account"`
	By      auth.AccountID `bson:"by"`
	// Start and End copy the event's, for the person's own list.
	Start     time.Time `bson:"start"`
	End       time.Time `bson:"end"`
	Cancelled bool      `bson:"cancelled"`
	At        time.Time `bson:"at"`
}

// invited reports whether the account holds an invitation to the event.
func (s *Service) invited(ctx context.Context, e EventID, a auth.AccountID) (bool, error) {
	if a == "" {
		return false, nil
	}
	err := s.invitations.FindOne(ctx, bson.M{"_id": rsvpID(e, a)}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, wrap(err, "find invitation")
}

// Invited is what an invitation round did.
type Invited struct {
	New     int // people invited now
	Already int // people invited before
}

// InvitePeople invites accounts to the event; they must be members of its
// group. The names of those who are not come back in a ValidationError.
func (s *Service) InvitePeople(ctx context.Context, a Actor, slug string, id EventID, who []auth.Account) (Invited, error) {
	e, st, err := s.invitingTo(ctx, a, slug, id)
	if err != nil {
		return Invited{}, err
	}
	ids := make([]auth.AccountID, len(who))
	for i, w := range who {
		ids[i] = w.ID
	}
	members, err := s.activeMembers(ctx, st.Group.ID, ids)
	if err != nil {
		return Invited{}, err
	}
	for _, w := range who {
		if !members[w.ID] {
			return Invited{}, ValidationError{"people": "event.error.not_member"}
		}
	}
	return s.invite(ctx, a, e, ids)
}

// InviteTier invites every active member of the group whose entitlement
// includes tier, and who may read the group (a member of a tier group
// whose entitlement lapsed may not). tiersOf tells the tiers each
// account's entitlement includes: the web layer asks membership, as it
// does for the actor.
func (s *Service) InviteTier(ctx context.Context, a Actor, slug string, id EventID, tier string, tiersOf TiersOf) (Invited, error) {
	e, st, err := s.invitingTo(ctx, a, slug, id)
	if err != nil {
		return Invited{}, err
	}
	if tier == "" || len(tier) > 40 {
		return Invited{}, ValidationError{"tier": "group.error.tier_name"}
	}
	var members []GroupMember
	var ids []auth.AccountID
	if err := each(ctx, s.members, bson.M{"group": st.Group.ID, "state": StateActive}, func(m memberDoc) {
		members, ids = append(members, m.member()), append(ids, m.Account)
	}); err != nil {
		return Invited{}, err
	}
	tiers, err := tiersOf(ctx, ids)
	if err != nil {
		return Invited{}, err
	}
	var to []auth.AccountID
	for _, m := range members {
		them := Actor{Account: auth.Account{ID: m.Account}, Tiers: tiers[m.Account]}
		if them.HasTier(tier) && (Standing{Group: st.Group, Member: m, Actor: them, Now: st.Now}).CanRead() {
			to = append(to, m.Account)
		}
	}
	return s.invite(ctx, a, e, to)
}

// InviteVoters invites everyone who voted for an idea of the group's
// board and is still a member: "you shaped this; come to the launch".
func (s *Service) InviteVoters(ctx context.Context, a Actor, slug string, id EventID, idea IdeaID) (Invited, error) {
	e, st, err := s.invitingTo(ctx, a, slug, id)
	if err != nil {
		return Invited{}, err
	}
	i, err := s.findIdea(ctx, idea)
	if errors.Is(err, ErrNotFound) || (err == nil && (i.Group != st.Group.ID || i.Removed)) {
		return Invited{}, ValidationError{"idea": "event.error.idea_unknown"}
	} else if err != nil {
		return Invited{}, err
	}
	var voters []auth.AccountID
	if err := each(ctx, s.votes, bson.M{"idea": i.ID}, func(v voteDoc) { voters = append(voters, v.Account) }); err != nil {
		return Invited{}, err
	}
	to, err := s.membersAmong(ctx, st.Group.ID, voters)
	if err != nil {
		return Invited{}, err
	}
	return s.invite(ctx, a, e, to)
}

// inviteAnswered invites, with no notice, everyone going to or waiting
// for an event just made invite-only. Their place stands, so the event
// must stay theirs to see and to give back: else they would hold a seat,
// and the link in their feed, for a page that answers them 404.
func (s *Service) inviteAnswered(ctx context.Context, a Actor, e Event) error {
	var ids []auth.AccountID
	if err := each(ctx, s.rsvps, bson.M{"event": e.ID, "state": bson.M{"$in": bson.A{RSVPGoing, RSVPWaitlist}}},
		func(d rsvpDoc) { ids = append(ids, d.Account) }); err != nil {
		return err
	}
	for _, id := range ids {
		_, err := s.invitations.InsertOne(ctx, invitationDoc{ID: rsvpID(e.ID, id), Event: e.ID, Group: e.Group, Account: id,
			By: a.ID(), Start: e.Start, End: e.End, At: s.now()})
		if err = dupOr(err, "invite"); err != nil && !errors.Is(err, errDuplicate) {
			return err
		}
	}
	return nil
}

// invitingTo finds an event the actor may invite people to: a moderator,
// while it is neither cancelled nor over.
func (s *Service) invitingTo(ctx context.Context, a Actor, slug string, id EventID) (Event, Standing, error) {
	e, st, err := s.eventStanding(ctx, a, slug, id)
	if err != nil {
		return e, st, err
	}
	if err := st.requireModerate(); err != nil {
		return e, st, err
	}
	switch {
	case e.Cancelled:
		return e, st, ErrEventCancelled
	case e.Over(s.now()):
		return e, st, ErrRSVPClosed
	}
	return e, st, nil
}

// membersAmong returns, in their order, those of the accounts who are
// active members of the group.
func (s *Service) membersAmong(ctx context.Context, g GroupID, ids []auth.AccountID) ([]auth.AccountID, error) {
	members, err := s.activeMembers(ctx, g, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id auth.AccountID) bool { return !members[id] }), nil
}

// activeMembers reports which of the accounts are active members of the
// group, in batches of lookups by _id.
func (s *Service) activeMembers(ctx context.Context, g GroupID, ids []auth.AccountID) (map[auth.AccountID]bool, error) {
	out := map[auth.AccountID]bool{}
	for batch := range slices.Chunk(ids, 500) {
		keys := make([]string, len(batch))
		for i, id := range batch {
			keys[i] = memberID(g, id)
		}
		err := each(ctx, s.members, bson.M{"_id": bson.M{"$in": keys}, "state": StateActive}, func(m memberDoc) {
			out[m.Account] = true
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InviteCampaign invites those of the accounts who are active members of
// the event's group, and skips the others: a campaign's audience is a
// segment of the whole club. The campaign was authorised when staff
// created it (the event among those it offered), and by is who did: the
// invitations stay theirs even if they leave the staff before the last
// is delivered. An event called off or over is ErrEventCancelled or
// ErrRSVPClosed. The campaign logs its own action, with its audience's
// size, so this writes no audit entry per person.
func (s *Service) InviteCampaign(ctx context.Context, by auth.Account, id EventID, ids []auth.AccountID) (Invited, error) {
	if !validID(string(id)) {
		return Invited{}, ErrNotFound
	}
	e, err := s.findEvent(ctx, id)
	if err != nil {
		return Invited{}, err
	}
	switch {
	case e.Cancelled:
		return Invited{}, ErrEventCancelled
	case e.Over(s.now()):
		return Invited{}, ErrRSVPClosed
	}
	to, err := s.membersAmong(ctx, e.Group, ids)
	if err != nil {
		return Invited{}, err
	}
	a := Actor{Account: by}
	r, fresh, err := s.writeInvitations(ctx, a, e, to)
	if len(fresh) > 0 {
		s.announceEvent(ctx, a, e.ID, NoticeEventInvited, fresh)
	}
	return r, err
}

// invite writes an invitation for each account not yet invited, logs it
// and tells the new ones, in the background.
func (s *Service) invite(ctx context.Context, a Actor, e Event, ids []auth.AccountID) (Invited, error) {
	r, fresh, err := s.writeInvitations(ctx, a, e, ids)
	if len(fresh) > 0 {
		s.record(ctx, a, e.Group, AuditEventInvite, "event", string(e.ID), e.Title, strconv.Itoa(len(fresh)))
		s.announceEvent(ctx, a, e.ID, NoticeEventInvited, fresh)
	}
	return r, err
}

// writeInvitations writes an invitation for each account not yet invited
// and returns those it invited now.
func (s *Service) writeInvitations(ctx context.Context, a Actor, e Event, ids []auth.AccountID) (Invited, []auth.AccountID, error) {
	var r Invited
	var fresh []auth.AccountID
	seen := map[auth.AccountID]bool{}
	for batch := range slices.Chunk(ids, 500) {
		keys := make([]string, 0, len(batch))
		for _, id := range batch {
			keys = append(keys, rsvpID(e.ID, id))
		}
		had := map[auth.AccountID]bool{}
		if err := each(ctx, s.invitations, bson.M{"_id": bson.M{"$in": keys}}, func(d invitationDoc) { had[d.Account] = true }); err != nil {
			return r, fresh, err
		}
		for _, id := range batch {
			if seen[id] || id == "" {
				continue
			}
			seen[id] = true
			if had[id] {
				r.Already++
				continue
			}
			_, err := s.invitations.InsertOne(ctx, invitationDoc{ID: rsvpID(e.ID, id), Event: e.ID, Group: e.Group, Account: id,
				By: a.ID(), Start: e.Start, End: e.End, At: s.now()})
			if err = dupOr(err, "invite"); errors.Is(err, errDuplicate) {
				r.Already++
				continue
			} else if err != nil {
				return r, fresh, err
			}
			fresh = append(fresh, id)
		}
	}
	r.New = len(fresh)
	return r, fresh, nil
}
