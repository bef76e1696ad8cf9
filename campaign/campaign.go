package campaign

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mongodb"
	"fanclub/membership"
)

// Action is what a campaign does for each member of its audience.
type Action string

// The actions.
const (
	ActionMessage Action = "message" // a notice, and mail to those who agreed to news
	ActionInvite  Action = "invite"  // an invitation to an upcoming event
	ActionComp    Action = "comp"    // a tier for some days, free
)

// Actions lists them in the order the form offers them.
var Actions = []Action{ActionMessage, ActionInvite, ActionComp}

// Limits of what an admin types.
const (
	MaxSubject = 120
	MaxBody    = 5000
	MaxDays    = 365
)

// Campaign is one action on one segment, on one day of the site's zone.
// Its ID is the segment and the day (e.g. "at-risk:2026-12-06"), so a
// segment gets at most one a day, whichever instance is asked.
type Campaign struct {
	ID      string
	Segment activity.Segment
	Action  Action
	// A message's subject and plain-text body.
	Subject string
	Body    string
	// An invitation's event.
	Event      community.EventID
	EventGroup string // the event's group's slug
	EventTitle string
	// A comp's tier and how long it lasts.
	Tier     string
	TierName string
	Days     int
	Until    time.Time
	By       auth.AccountID
	ByName   string
	At       time.Time
	Day      activity.Day // At's day in the site's zone
	// Audience is how many members the segment held when it was sent;
	// Delivered how many of them the action has reached so far.
	Audience  int
	Delivered int
}

// Input is a campaign as an admin typed it.
type Input struct {
	Segment string
	Action  string
	Subject string
	Body    string
	// Event is the event's id, one of those Events offers.
	Event string
	Tier  string
	Days  string
}

// Premium tells which accounts hold premium now, as the activity record
// names them: the true-fan rule needs it. The web layer bridges it from
// membership.
type Premium func(context.Context) (map[string]bool, error)

// Deps are the services a campaign acts through.
type Deps struct {
	Accounts   *auth.Service
	Community  *community.Service
	Membership *membership.Service
	Activity   *activity.Recorder
	Jobs       *jobs.Queue
	Mail       auth.Mailer
	BaseURL    string
}

// Service holds the campaigns of one site.
type Service struct {
	campaigns  *mongodb.Collection // _id = segment:day
	audiences  *mongodb.Collection // campaign_audiences: _id = campaign, the accounts it was sent to
	recipients *mongodb.Collection // campaign_recipients: _id = campaign:account, who was reached
	d          Deps
	now        func() time.Time
	log        *slog.Logger
}

// New returns the service over db and registers its jobs on d.Jobs.
func New(db *mongodb.DB, d Deps, now func() time.Time, log *slog.Logger) *Service {
	s := &Service{campaigns: db.Collection("campaigns"), audiences: db.Collection("campaign_audiences"),
		recipients: db.Collection("campaign_recipients"), d: d, now: now, log: log}
	d.Jobs.Handle(jobFanOut, s.runFanOut)
	d.Jobs.Handle(jobSend, s.runSend)
	return s
}

// Preview is what a campaign on a segment would reach if sent now.
type Preview struct {
	Segment   activity.Segment
	Audience  int
	SentToday bool // the segment had its campaign today already
}

// Preview sizes the segment's audience now, for the form. Staff only;
// an unknown segment is ErrNotFound.
func (s *Service) Preview(ctx context.Context, a community.Actor, segment string, premium Premium) (Preview, error) {
	seg, ok := segmentOf(segment)
	if !a.SiteStaff() || !ok {
		return Preview{}, ErrNotFound
	}
	loc := s.d.Accounts.Zone(ctx)
	today := activity.DayOf(s.now(), loc)
	members, err := s.audience(ctx, seg, today, premium)
	if err != nil {
		return Preview{}, err
	}
	_, err = s.findCampaign(ctx, campaignID(seg, today, loc))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Preview{}, err
	}
	return Preview{Segment: seg, Audience: len(members), SentToday: err == nil}, nil
}

// Create sends a campaign to the segment's members as they are now: it
// stores the campaign and its audience, queues the delivery and logs it,
// with the audience's size, in the site's audit log. A second campaign
// on the same segment the same day is ErrAlreadyToday.
func (s *Service) Create(ctx context.Context, a community.Actor, in Input, premium Premium) (Campaign, error) {
	if !a.SiteStaff() {
		return Campaign{}, ErrNotFound
	}
	now := s.now()
	loc := s.d.Accounts.Zone(ctx)
	c, err := s.validate(ctx, a, in)
	if err != nil {
		return Campaign{}, err
	}
	c.By, c.ByName, c.At, c.Day = a.ID(), a.Account.Name, now, activity.DayOf(now, loc)
	c.ID = campaignID(c.Segment, c.Day, loc)
	if c.Action == ActionComp {
		c.Until = now.AddDate(0, 0, c.Days)
	}
	if _, err := s.findCampaign(ctx, c.ID); err == nil {
		return Campaign{}, ErrAlreadyToday
	} else if !errors.Is(err, ErrNotFound) {
		return Campaign{}, err
	}
	members, err := s.audience(ctx, c.Segment, c.Day, premium)
	if err != nil {
		return Campaign{}, err
	}
	if len(members) == 0 {
		return Campaign{}, ValidationError{"segment": "campaigns.error.empty"}
	}
	c.Audience = len(members)
	if err := s.insertCampaign(ctx, c, members); err != nil {
		return Campaign{}, err
	}
	if err := s.d.Community.RecordSiteAction(ctx, a, community.AuditCampaign, "campaign", c.ID,
		string(c.Segment)+" · "+string(c.Action), "audience "+strconv.Itoa(c.Audience)); err != nil {
		s.log.ErrorContext(ctx, "campaign: audit log", "campaign", c.ID, "err", err)
	}
	if err := s.d.Jobs.Enqueue(ctx, "campaign:"+c.ID, jobFanOut, fanOut{Campaign: c.ID}); err != nil {
		// The job may have landed all the same; if not, the campaign's
		// page resumes it (Resume), and nobody gets it twice.
		return Campaign{}, fmt.Errorf("campaign: queue %s: %w", c.ID, err)
	}
	return c, nil
}

// validate checks in and returns the campaign it describes, or a
// ValidationError keyed by field.
func (s *Service) validate(ctx context.Context, a community.Actor, in Input) (Campaign, error) {
	v := ValidationError{}
	var c Campaign
	seg, ok := segmentOf(in.Segment)
	if !ok {
		v["segment"] = "campaigns.error.segment"
	}
	c.Segment, c.Action = seg, Action(strings.TrimSpace(in.Action))
	switch c.Action {
	case ActionMessage:
		c.Subject = strings.Join(strings.Fields(in.Subject), " ")
		c.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
		if c.Subject == "" || utf8.RuneCountInString(c.Subject) > MaxSubject {
			v["subject"] = "campaigns.error.subject"
		}
		if c.Body == "" || utf8.RuneCountInString(c.Body) > MaxBody {
			v["body"] = "campaigns.error.body"
		}
	case ActionInvite:
		msg, err := s.validateEvent(ctx, a, &c, in.Event)
		if err != nil {
			return c, err
		}
		if msg != "" {
			v["event"] = msg
		}
	case ActionComp:
		t, err := s.d.Membership.Tier(ctx, strings.TrimSpace(in.Tier))
		if errors.Is(err, membership.ErrNotFound) {
			v["tier"] = "campaigns.error.tier"
		} else if err != nil {
			return c, err
		}
		c.Tier, c.TierName = t.Key, t.Name
		days, err := strconv.Atoi(strings.TrimSpace(in.Days))
		if err != nil || days < 1 || days > MaxDays {
			v["days"] = "campaigns.error.days"
		}
		c.Days = days
	default:
		v["action"] = "campaigns.error.action"
	}
	return c, v.orNil()
}

// validateEvent sets c's event to the one id names, if Events offers
// it, or returns why it cannot be (a message key): there is no upcoming
// event at all, or this one is unknown, started, cancelled or no longer
// taking answers.
func (s *Service) validateEvent(ctx context.Context, a community.Actor, c *Campaign, id string) (string, error) {
	events, err := s.Events(ctx, a)
	if err != nil {
		return "", err
	}
	if len(events) == 0 {
		return "campaigns.error.event_none", nil
	}
	i := slices.IndexFunc(events, func(e community.MyEvent) bool { return string(e.Event.ID) == strings.TrimSpace(id) })
	if i < 0 {
		return "campaigns.error.event", nil
	}
	e := events[i]
	c.Event, c.EventGroup, c.EventTitle = e.Event.ID, e.Group.Slug, e.Event.Title
	return "", nil
}

// eventChoices bounds the events a campaign offers: a brand has a few
// coming up, not hundreds.
const eventChoices = 50

// Events returns the events a campaign may invite to: the site's next
// ones still taking answers, soonest first, with their groups. Staff
// only.
func (s *Service) Events(ctx context.Context, a community.Actor) ([]community.MyEvent, error) {
	if !a.SiteStaff() {
		return nil, ErrNotFound
	}
	return s.d.Community.UpcomingEvents(ctx, a, eventChoices)
}

// audience is the segment's members on day, in order.
func (s *Service) audience(ctx context.Context, seg activity.Segment, day activity.Day, premium Premium) ([]string, error) {
	rows, err := s.d.Activity.All(ctx)
	if err != nil {
		return nil, err
	}
	set, err := premium(ctx)
	if err != nil {
		return nil, err
	}
	return activity.SegmentMembers(rows, day, seg, set), nil
}

// segmentOf reads a segment's key.
func segmentOf(key string) (activity.Segment, bool) {
	seg := activity.Segment(strings.TrimSpace(key))
	return seg, slices.Contains(activity.Segments, seg)
}

// campaignID is the segment's campaign of day: at most one each.
func campaignID(seg activity.Segment, day activity.Day, loc *time.Location) string {
	return string(seg) + ":" + day.Start(loc).Format("2006-01-02")
}

// Campaigns lists the latest campaigns, newest first, with how each did.
// Staff only.
func (s *Service) Campaigns(ctx context.Context, a community.Actor) ([]Report, error) {
	if !a.SiteStaff() {
		return nil, ErrNotFound
	}
	list, err := s.latestCampaigns(ctx, listSize)
	if err != nil {
		return nil, err
	}
	return s.reports(ctx, list)
}

// listSize is how many campaigns the list shows: one a segment a day
// makes this a month of a busy brand.
const listSize = 100

// Campaign returns one campaign and how it did. Staff only.
func (s *Service) Campaign(ctx context.Context, a community.Actor, id string) (Report, error) {
	if !a.SiteStaff() {
		return Report{}, ErrNotFound
	}
	c, err := s.findCampaign(ctx, id)
	if err != nil {
		return Report{}, err
	}
	r, err := s.reports(ctx, []Campaign{c})
	if err != nil {
		return Report{}, err
	}
	return r[0], nil
}

// Message returns a message campaign for one of the people it reached;
// to anyone else, staff included, it is ErrNotFound.
func (s *Service) Message(ctx context.Context, viewer auth.AccountID, id string) (Campaign, error) {
	if viewer == "" || id == "" {
		return Campaign{}, ErrNotFound
	}
	reached, err := s.reached(ctx, id, viewer)
	if err != nil {
		return Campaign{}, err
	}
	if !reached {
		return Campaign{}, ErrNotFound
	}
	c, err := s.findCampaign(ctx, id)
	if err == nil && c.Action != ActionMessage {
		return Campaign{}, ErrNotFound
	}
	return c, err
}
