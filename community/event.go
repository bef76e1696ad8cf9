package community

import (
	"context"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // event zones load on machines without /usr/share/zoneinfo
	"unicode/utf8"

	"fanclub/auth"
)

// EventID identifies an event.
type EventID string

// EventAccess says who may see an event and answer it.
type EventAccess string

const (
	AccessMembers EventAccess = "members" // every member of the group
	AccessTier    EventAccess = "tier"    // members holding at least a tier, and the invited
	AccessInvited EventAccess = "invited" // the invited only; invisible to everyone else
)

// Event is a meeting of a group: a tasting, a launch, an online Q&A.
type Event struct {
	ID    EventID
	Group GroupID
	Title string
	Body  string // Markdown as written
	HTML  string // sanitised rendering of Body
	// Start and End are instants; Zone is where the host set them, the
	// zone the event's own clock shows.
	Start, End time.Time
	Zone       string
	Venue      string // an address; empty when the event is online only
	Online     bool
	Link       string // the online link, shown only to those going
	Capacity   int    // 0 for no limit
	Access     EventAccess
	Tier       string    // the tier AccessTier needs
	Deadline   time.Time // RSVPs close then; zero for the start
	Going      int
	Waiting    int
	Attended   int
	// Tickets counts the places ever given in the waiting line; each
	// "going" takes the next, so the line keeps the order people asked.
	Tickets   int64
	Sequence  int // bumped on every change, for calendars
	Cancelled bool
	CreatedBy auth.AccountID
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Location is the event's own zone, loaded.
func (e Event) Location() *time.Location {
	loc, err := time.LoadLocation(e.Zone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Started reports whether the event has begun at now.
func (e Event) Started(now time.Time) bool { return !now.Before(e.Start) }

// Over reports whether the event has ended at now.
func (e Event) Over(now time.Time) bool { return !now.Before(e.End) }

// RSVPsOpen reports whether "going" is still accepted at now.
func (e Event) RSVPsOpen(now time.Time) bool {
	return !e.Cancelled && !e.Started(now) && (e.Deadline.IsZero() || now.Before(e.Deadline))
}

// Full reports whether every seat is taken.
func (e Event) Full() bool { return e.Capacity > 0 && e.Going >= e.Capacity }

// SeatsLeft is how many seats are free; -1 when there is no limit.
func (e Event) SeatsLeft() int {
	if e.Capacity == 0 {
		return -1
	}
	return max(e.Capacity-e.Going, 0)
}

// Limits on an event's fields.
const (
	maxEventTitle  = 120
	maxVenue       = 300
	maxLink        = 500
	maxCapacity    = 100000
	maxEventLength = 14 * 24 * time.Hour
)

// LocalTimeLayout is how start, end and deadline are typed: the value of
// an HTML datetime-local input, read in the event's zone.
const LocalTimeLayout = "2006-01-02T15:04"

// EventInput is an event as a host types it. Times are local to Zone.
type EventInput struct {
	Title    string
	Body     string
	Zone     string
	Start    string
	End      string
	Venue    string
	Online   bool
	Link     string
	Capacity string // empty for no limit
	Access   EventAccess
	Tier     string
	Deadline string // empty for none
	// ShrinkToWaitlist allows a capacity below the number going: the last
	// to have said yes move back to the head of the waiting line.
	ShrinkToWaitlist bool
}

// eventFields is a validated EventInput.
type eventFields struct {
	title, body, zone, venue, link, tier string
	start, end, deadline                 time.Time
	online                               bool
	capacity                             int
	access                               EventAccess
}

// validate checks the input; times are parsed in the chosen zone. A new
// event must start in the future; an edited one may keep its past start.
func (in *EventInput) validate(now time.Time) (eventFields, error) {
	errs := ValidationError{}
	f := eventFields{online: in.Online, access: in.Access}
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs["title"] = "event.error.title_required"
	case n > maxEventTitle:
		errs["title"] = "event.error.title_long"
	}
	f.title = in.Title
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if utf8.RuneCountInString(in.Body) > maxBody {
		errs["body"] = "post.error.body_long"
	}
	f.body = in.Body
	in.Zone = strings.TrimSpace(in.Zone)
	loc, err := time.LoadLocation(in.Zone)
	if in.Zone == "" || in.Zone == "Local" || len(in.Zone) > 64 || err != nil {
		errs["zone"] = "event.error.zone"
		loc = time.UTC
	}
	f.zone = in.Zone
	parse := func(field, v string, required bool) time.Time {
		v = strings.TrimSpace(v)
		if v == "" {
			if required {
				errs[field] = "event.error.time_required"
			}
			return time.Time{}
		}
		t, wrong := localTime(v, loc)
		if wrong != "" {
			errs[field] = wrong
		}
		return t
	}
	f.start, f.end = parse("start", in.Start, true), parse("end", in.End, true)
	f.deadline = parse("deadline", in.Deadline, false)
	switch {
	case f.start.IsZero() || f.end.IsZero():
	case !f.end.After(f.start):
		errs["end"] = "event.error.end_before_start"
	case f.end.Sub(f.start) > maxEventLength:
		errs["end"] = "event.error.too_long"
	}
	if !f.deadline.IsZero() && !f.start.IsZero() && f.deadline.After(f.start) {
		errs["deadline"] = "event.error.deadline_after_start"
	}
	in.Venue = strings.Join(strings.Fields(in.Venue), " ")
	f.venue = in.Venue
	if utf8.RuneCountInString(in.Venue) > maxVenue {
		errs["venue"] = "event.error.venue_long"
	}
	in.Link = strings.TrimSpace(in.Link)
	f.link = in.Link
	switch {
	case in.Online && in.Link == "":
		errs["link"] = "event.error.link_required"
	case in.Link != "" && (len(in.Link) > maxLink || !(strings.HasPrefix(in.Link, "https://") || strings.HasPrefix(in.Link, "http://"))):
		errs["link"] = "event.error.link"
	case !in.Online && in.Venue == "":
		errs["venue"] = "event.error.where"
	}
	if !in.Online {
		f.link = ""
	}
	in.Capacity = strings.TrimSpace(in.Capacity)
	if in.Capacity != "" {
		n, err := strconv.Atoi(in.Capacity)
		if err != nil || n < 1 || n > maxCapacity {
			errs["capacity"] = "event.error.capacity"
		}
		f.capacity = n
	}
	in.Tier = strings.TrimSpace(in.Tier)
	switch in.Access {
	case AccessMembers, AccessInvited:
		f.tier = ""
	case AccessTier:
		if in.Tier == "" || len(in.Tier) > 40 {
			errs["tier"] = "group.error.tier_name"
		}
		f.tier = in.Tier
	default:
		errs["access"] = "event.error.access"
	}
	return f, errs.OrNil()
}

// eventStanding is the actor's standing in the group of an event, and
// whether the actor may see the event at all: invite-only events do not
// exist for those not invited, except to the group's moderators.
func (s *Service) eventStanding(ctx context.Context, a Actor, slug string, id EventID) (Event, Standing, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return Event{}, st, err
	}
	if !validID(string(id)) {
		return Event{}, st, ErrNotFound
	}
	e, err := s.findEvent(ctx, id)
	if err != nil {
		return Event{}, st, err
	}
	if e.Group != st.Group.ID {
		return Event{}, st, ErrNotFound
	}
	if e.Access == AccessInvited && !st.CanModerate() {
		invited, err := s.invited(ctx, e.ID, a.ID())
		if err != nil {
			return Event{}, st, err
		}
		if !invited {
			return Event{}, st, ErrNotFound
		}
	}
	return e, st, nil
}

// EventComposer returns the standing of a moderator about to create an
// event in the group.
func (s *Service) EventComposer(ctx context.Context, a Actor, slug string) (Standing, error) {
	return s.standingAs(ctx, a, slug, Standing.requireModerate)
}

// CreateEvent adds an event to the group; only its moderators may.
func (s *Service) CreateEvent(ctx context.Context, a Actor, slug string, in EventInput) (Event, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return Event{}, err
	}
	now := s.now().Truncate(time.Millisecond)
	f, err := in.validate(now)
	if err == nil && !f.start.After(now) {
		err = ValidationError{"start": "event.error.start_past"}
	}
	if err != nil {
		return Event{}, err
	}
	e := Event{ID: EventID(newID()), Group: st.Group.ID, CreatedBy: a.ID(), CreatedAt: now, UpdatedAt: now}
	f.apply(&e)
	if err := s.insertEvent(ctx, e); err != nil {
		return Event{}, err
	}
	s.record(ctx, a, st.Group.ID, AuditEventCreate, "event", string(e.ID), e.Title, "")
	s.scheduleReminder(ctx, e)
	return e, nil
}

func (f eventFields) apply(e *Event) {
	e.Title, e.Body, e.HTML, e.Zone = f.title, f.body, RenderMarkdown(f.body), f.zone
	e.Start, e.End, e.Deadline = f.start.UTC(), f.end.UTC(), f.deadline.UTC()
	if f.deadline.IsZero() {
		e.Deadline = time.Time{}
	}
	e.Venue, e.Online, e.Link, e.Capacity, e.Access, e.Tier = f.venue, f.online, f.link, f.capacity, f.access, f.tier
}

// EventByID returns an event the actor may see, and their standing.
func (s *Service) EventByID(ctx context.Context, a Actor, slug string, id EventID) (Event, Standing, error) {
	return s.eventStanding(ctx, a, slug, id)
}

// EditEvent changes an event. Those going or waiting hear of a new date,
// time or place; an event made invite-only stays theirs. A capacity below
// the number going is refused unless ShrinkToWaitlist says to move the
// last to say yes back to the waiting line; a capacity that grows seats
// the head of the line at once.
func (s *Service) EditEvent(ctx context.Context, a Actor, slug string, id EventID, in EventInput) (Event, error) {
	e, st, err := s.eventStanding(ctx, a, slug, id)
	if err != nil {
		return Event{}, err
	}
	if err := st.requireModerate(); err != nil {
		return e, err
	}
	if e.Cancelled {
		return e, ErrEventCancelled
	}
	f, err := in.validate(s.now())
	if err != nil {
		return e, err
	}
	before := e
	f.apply(&e)
	if e.Capacity > 0 && e.Capacity < before.Going && !in.ShrinkToWaitlist {
		return before, CapacityError{Going: before.Going}
	}
	e.UpdatedAt = s.now()
	if e, err = s.updateEvent(ctx, before, e); err != nil {
		return before, err
	}
	if e.Access == AccessInvited && before.Access != AccessInvited {
		if err := s.inviteAnswered(ctx, a, e); err != nil {
			return e, err
		}
	}
	if e.Capacity > 0 && e.Capacity < e.Going {
		if err := s.unseat(ctx, e); err != nil {
			return e, err
		}
	}
	if err := s.promote(ctx, e.ID, ""); err != nil {
		return e, err
	}
	s.record(ctx, a, st.Group.ID, AuditEventEdit, "event", string(e.ID), e.Title, "")
	if !e.Start.Equal(before.Start) || !e.End.Equal(before.End) || e.Venue != before.Venue || e.Online != before.Online || e.Link != before.Link {
		s.announceEvent(ctx, a, e.ID, NoticeEventChanged, nil)
	}
	if !e.Start.Equal(before.Start) {
		s.scheduleReminder(ctx, e)
	}
	return s.findEvent(ctx, e.ID)
}

// CancelEvent calls the event off. Everyone who answered or was invited
// is told; nobody may answer it any more. It stays listed, marked.
func (s *Service) CancelEvent(ctx context.Context, a Actor, slug string, id EventID) (Event, error) {
	e, st, err := s.eventStanding(ctx, a, slug, id)
	if err != nil {
		return Event{}, err
	}
	if err := st.requireModerate(); err != nil {
		return e, err
	}
	if e.Over(s.now()) {
		return e, ErrRSVPClosed
	}
	if err := s.markCancelled(ctx, e.ID); err != nil {
		return e, err
	}
	e.Cancelled = true
	s.record(ctx, a, st.Group.ID, AuditEventCancel, "event", string(e.ID), e.Title, "")
	s.announceEvent(ctx, a, e.ID, NoticeEventCancelled, nil)
	return e, nil
}

// CapacityError refuses a capacity below the number already going, saying
// how many that is, so the host can choose to move the last to the
// waiting line.
type CapacityError struct{ Going int }

func (e CapacityError) Error() string { return "community: capacity below the number going" }
