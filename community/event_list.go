package community

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// EventPageSize is how many events a page of a group's list shows.
const EventPageSize = 20

// EventList is one page of a group's events with the actor's answers.
type EventList struct {
	Events      []Event
	Attendances map[EventID]Attendance // the actor's answer to each, if any
	Next        string
}

// GroupEvents lists the group's upcoming events, soonest first, or its
// past ones, latest first. Invite-only events are listed for the invited
// and the group's moderators only.
func (s *Service) GroupEvents(ctx context.Context, a Actor, slug string, past bool, after string) (Standing, EventList, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return st, EventList{}, err
	}
	filter := bson.M{"group": st.Group.ID}
	order, op := 1, "$gt"
	if past {
		filter["end"] = bson.M{"$lt": s.now()}
		order, op = -1, "$lt"
	} else {
		filter["end"] = bson.M{"$gte": s.now()}
	}
	var and bson.A
	if !st.CanModerate() {
		invited, err := s.invitedIn(ctx, st.Group.ID, a.ID())
		if err != nil {
			return st, EventList{}, err
		}
		and = append(and, bson.M{"$or": bson.A{bson.M{"access": bson.M{"$ne": AccessInvited}}, bson.M{"_id": bson.M{"$in": invited}}}})
	}
	if after != "" {
		page := bson.M{}
		if err := pageAfter(page, "start", after, op, nil); err != nil {
			return st, EventList{}, err
		}
		and = append(and, page)
	}
	if len(and) > 0 {
		filter["$and"] = and
	}
	es, err := s.findEvents(ctx, filter, bson.D{{Key: "start", Value: order}, {Key: "_id", Value: order}}, EventPageSize+1)
	if err != nil {
		return st, EventList{}, err
	}
	es, next := cutPage(es, EventPageSize, func(e Event) string { return cursor(e.Start, string(e.ID)) })
	list := EventList{Events: es, Next: next}
	list.Attendances, err = s.attendances(ctx, a, es)
	return st, list, err
}

// invitedIn lists the events of the group the account is invited to.
// Served by index "invitations_group_account".
func (s *Service) invitedIn(ctx context.Context, g GroupID, a auth.AccountID) ([]EventID, error) {
	ids := []EventID{}
	if a == "" {
		return ids, nil
	}
	var docs []invitationDoc
	err := s.findAll(ctx, s.invitations, bson.M{"group": g, "account": a}, nil, 1000, &docs, "list invitations")
	for _, d := range docs {
		ids = append(ids, d.Event)
	}
	return ids, err
}

// attendances reads the actor's answers to the events: one lookup by _id.
func (s *Service) attendances(ctx context.Context, a Actor, es []Event) (map[EventID]Attendance, error) {
	out := map[EventID]Attendance{}
	if !a.SignedIn() || len(es) == 0 {
		return out, nil
	}
	keys := make([]string, len(es))
	for i, e := range es {
		keys[i] = rsvpID(e.ID, a.ID())
	}
	err := each(ctx, s.rsvps, bson.M{"_id": bson.M{"$in": keys}}, func(d rsvpDoc) {
		out[d.Event] = Attendance{State: d.State, Attended: d.Attended}
	})
	return out, err
}

// MyEvent is one event on the actor's own list, with its group.
type MyEvent struct {
	Event      Event
	Group      Group
	Attendance Attendance
}

// MyEvents is what the actor has coming up across groups, and lately
// been to.
type MyEvents struct {
	Invitations []MyEvent // not answered yet
	Upcoming    []MyEvent // going or waiting
	Past        []MyEvent // went, lately
}

// myEventsMax bounds each of the lists.
const myEventsMax = 100

// ListMyEvents gathers the actor's events: upcoming ones they are going
// to or waiting for, invitations they have not answered, and the last
// ones they went to. Served by "rsvps_account" and "invitations_account".
func (s *Service) ListMyEvents(ctx context.Context, a Actor) (MyEvents, error) {
	if !a.SignedIn() {
		return MyEvents{}, ErrSignInRequired
	}
	now := s.now()
	var upcoming, past []rsvpDoc
	if err := s.findAll(ctx, s.rsvps, bson.M{"account": a.ID(), "state": bson.M{"$in": bson.A{RSVPGoing, RSVPWaitlist}},
		"end": bson.M{"$gte": now}}, bson.D{{Key: "start", Value: 1}}, myEventsMax, &upcoming, "list my events"); err != nil {
		return MyEvents{}, err
	}
	if err := s.findAll(ctx, s.rsvps, bson.M{"account": a.ID(), "state": RSVPGoing, "end": bson.M{"$lt": now}},
		bson.D{{Key: "start", Value: -1}}, 20, &past, "list my past events"); err != nil {
		return MyEvents{}, err
	}
	var invites []invitationDoc
	if err := s.findAll(ctx, s.invitations, bson.M{"account": a.ID(), "end": bson.M{"$gte": now}, "cancelled": false},
		bson.D{{Key: "start", Value: 1}}, myEventsMax, &invites, "list my invitations"); err != nil {
		return MyEvents{}, err
	}
	var ids []EventID
	for _, r := range append(upcoming, past...) {
		ids = append(ids, r.Event)
	}
	for _, i := range invites {
		ids = append(ids, i.Event)
	}
	events, groups, err := s.readableEvents(ctx, a, ids)
	if err != nil {
		return MyEvents{}, err
	}
	answered, err := s.attendances(ctx, a, eventsOf(invites, events))
	if err != nil {
		return MyEvents{}, err
	}
	var out MyEvents
	add := func(list *[]MyEvent, id EventID, at Attendance) {
		if e, ok := events[id]; ok {
			*list = append(*list, MyEvent{Event: e, Group: groups[e.Group], Attendance: at})
		}
	}
	for _, r := range upcoming {
		add(&out.Upcoming, r.Event, Attendance{State: r.State})
	}
	for _, r := range past {
		add(&out.Past, r.Event, Attendance{State: r.State, Attended: r.Attended})
	}
	for _, i := range invites {
		if _, ok := answered[i.Event]; !ok {
			add(&out.Invitations, i.Event, Attendance{Invited: true})
		}
	}
	return out, nil
}

func eventsOf(invites []invitationDoc, events map[EventID]Event) []Event {
	var out []Event
	for _, i := range invites {
		if e, ok := events[i.Event]; ok {
			out = append(out, e)
		}
	}
	return out
}

// readableEvents returns the events with the given ids whose groups the
// actor may still read, with those groups: a member who left or was
// banned no longer sees them. Three queries, whatever the number.
func (s *Service) readableEvents(ctx context.Context, a Actor, ids []EventID) (map[EventID]Event, map[GroupID]Group, error) {
	events, err := s.eventsByID(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var gids []GroupID
	for _, e := range events {
		gids = append(gids, e.Group)
	}
	groups, err := s.groupsByID(ctx, gids)
	if err != nil {
		return nil, nil, err
	}
	if groups, err = s.readableGroups(ctx, a, groups); err != nil {
		return nil, nil, err
	}
	for id, e := range events {
		if _, ok := groups[e.Group]; !ok {
			delete(events, id)
		}
	}
	return events, groups, nil
}

// groupsByID returns the groups with the given ids: one $in.
func (s *Service) groupsByID(ctx context.Context, ids []GroupID) (map[GroupID]Group, error) {
	out := map[GroupID]Group{}
	if len(ids) == 0 {
		return out, nil
	}
	err := each(ctx, s.groups, bson.M{"_id": bson.M{"$in": ids}}, func(d groupDoc) { out[d.ID] = d.group() })
	return out, err
}

// readableGroups keeps the groups whose content the actor may still read,
// by the rule of their pages (Standing.CanRead): a member of a tier group
// whose entitlement lapsed reads none of it.
func (s *Service) readableGroups(ctx context.Context, a Actor, groups map[GroupID]Group) (map[GroupID]Group, error) {
	if a.SiteStaff() {
		return groups, nil
	}
	keys := []string{}
	for id := range groups {
		keys = append(keys, memberID(id, a.ID()))
	}
	out := map[GroupID]Group{}
	err := each(ctx, s.members, bson.M{"_id": bson.M{"$in": keys}, "state": StateActive}, func(m memberDoc) {
		if st := (Standing{Group: groups[m.Group], Member: m.member(), Actor: a, Now: s.now()}); st.CanRead() {
			out[m.Group] = groups[m.Group]
		}
	})
	return out, err
}
