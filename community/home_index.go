package community

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// memberIndex holds in memory every account's places in groups (group,
// role and state, nothing else), for a site whose database this process
// alone writes (the embedded store), as boardIndex holds the ideas: the
// home page then finds a member's groups without a query the embedded
// server answers by reading every membership of the site. On MongoDB the
// index "group_members_account" serves it and this is not used.
//
// It is loaded whole, in one read, on first use or by Warm, and follows
// the database: every write to a membership ends with memberWritten,
// which reads it back by _id. Read-backs are serialised, so the last one
// reads the last write; one is skipped before any load, which will read
// the write. It costs a few hundred bytes a membership.
type memberIndex struct {
	loader[*memberTable]
}

// memberTable is every membership, by account then group.
type memberTable struct {
	refresh sync.Mutex // serialises read-backs
	mu      sync.Mutex // guards rows
	rows    map[auth.AccountID]map[GroupID]memberRow
}

// memberRow is one membership as the index keeps it.
type memberRow struct {
	Group   GroupID
	Account auth.AccountID
	Role    GroupRole
	State   MemberState
}

func (x *memberIndex) load(ctx context.Context, s *Service) (*memberTable, error) {
	return x.loader.load(ctx, func(ctx context.Context) (*memberTable, error) {
		t := &memberTable{rows: map[auth.AccountID]map[GroupID]memberRow{}}
		fields := options.Find().SetProjection(bson.M{"group": 1, "account": 1, "role": 1, "state": 1})
		err := each(ctx, s.members, bson.M{}, func(d memberDoc) {
			t.put(memberRow{Group: d.Group, Account: d.Account, Role: d.Role, State: d.State})
		}, fields)
		if err != nil {
			return nil, err
		}
		return t, nil
	})
}

func (t *memberTable) put(r memberRow) {
	m := t.rows[r.Account]
	if m == nil {
		m = map[GroupID]memberRow{}
		t.rows[r.Account] = m
	}
	m[r.Group] = r
}

// of returns the account's memberships in state, in no order.
func (t *memberTable) of(a auth.AccountID, state MemberState) []memberRow {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []memberRow
	for _, r := range t.rows[a] {
		if r.State == state {
			out = append(out, r)
		}
	}
	return out
}

// first returns the membership keep takes in the group made first (ids
// grow with time), if any.
func (t *memberTable) first(keep func(memberRow) bool) (memberRow, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var found memberRow
	for _, m := range t.rows {
		for _, r := range m {
			if keep(r) && (found.Group == "" || r.Group < found.Group) {
				found = r
			}
		}
	}
	return found, found.Group != ""
}

// memberWritten follows a write to the membership of a in g, whether it
// landed or not: it reads the membership back into the index, if one is
// loaded. If that fails, the index is read again at next use.
func (s *Service) memberWritten(ctx context.Context, g GroupID, a auth.AccountID) {
	if s.memberIdx == nil {
		return
	}
	at := s.memberIdx.loaded()
	if at == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	t := at.value
	t.refresh.Lock()
	defer t.refresh.Unlock()
	var d memberDoc
	err := s.members.FindOne(ctx, bson.M{"_id": memberID(g, a)}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		s.memberIdx.forget(at)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.rows[a], g)
	if err == nil {
		t.put(memberRow{Group: d.Group, Account: d.Account, Role: d.Role, State: d.State})
	}
}

// eventIndex holds in memory when each event takes place, and its
// group, for a site whose database this process alone writes: the home
// page then finds the events of a member's groups, and the insight page
// the events that ended last (EventFigures), without a query the
// embedded server answers by reading every event. Past events are kept
// with the rest: a row is a few dozen bytes, and a site holds events by
// the hundred, not the million. It follows writes as memberIndex does,
// through eventWritten.
type eventIndex struct {
	loader[*eventTable]
}

// eventTable is every event, by id.
type eventTable struct {
	refresh sync.Mutex
	mu      sync.Mutex
	rows    map[EventID]eventRow
}

// eventRow is an event as the index keeps it.
type eventRow struct {
	ID         EventID
	Group      GroupID
	Start, End time.Time
	Cancelled  bool
}

func (x *eventIndex) load(ctx context.Context, s *Service) (*eventTable, error) {
	return x.loader.load(ctx, func(ctx context.Context) (*eventTable, error) {
		t := &eventTable{rows: map[EventID]eventRow{}}
		fields := options.Find().SetProjection(bson.M{"group": 1, "start": 1, "end": 1, "cancelled": 1})
		err := each(ctx, s.events, bson.M{}, func(d eventDoc) {
			t.rows[d.ID] = eventRow{ID: d.ID, Group: d.Group, Start: d.Start, End: d.End, Cancelled: d.Cancelled}
		}, fields)
		if err != nil {
			return nil, err
		}
		return t, nil
	})
}

// coming returns the events of the groups keep takes that are not over
// nor cancelled, in no order.
func (t *eventTable) coming(now time.Time, keep func(GroupID) bool) []eventRow {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []eventRow
	for _, r := range t.rows {
		if !r.Cancelled && !r.End.Before(now) && keep(r.Group) {
			out = append(out, r)
		}
	}
	return out
}

// eventsOf returns the events of the rows, in their order, by _id in
// one command; one gone meanwhile is left out.
func (s *Service) eventsOf(ctx context.Context, rows []eventRow) ([]Event, error) {
	ids := make([]EventID, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	byID, err := s.eventsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, r := range rows {
		if e, ok := byID[r.ID]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// eventWritten follows a write to an event that may have moved, made or
// cancelled it: it reads the event back into the index, if one is
// loaded. If that fails, the index is read again at next use.
func (s *Service) eventWritten(ctx context.Context, id EventID) {
	if s.eventIdx == nil {
		return
	}
	at := s.eventIdx.loaded()
	if at == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	t := at.value
	t.refresh.Lock()
	defer t.refresh.Unlock()
	var d eventDoc
	err := s.events.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		s.eventIdx.forget(at)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.rows, id)
	if err == nil {
		t.rows[id] = eventRow{ID: d.ID, Group: d.Group, Start: d.Start, End: d.End, Cancelled: d.Cancelled}
	}
}
