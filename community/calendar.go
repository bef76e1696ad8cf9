package community

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/url"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/ical"
	"fanclub/internal/mongodb"
)

// A calendar feed's token is the whole credential of a URL that calendar
// apps fetch with no cookie. It is kept as is, under the account's _id,
// so the person can copy their URL again; resetting it kills the old URL.
type calendarDoc struct {
	Account auth.AccountID `bson:"_id"`
	Token   string         `bson:"token"`
}

// CalendarToken returns the actor's feed token, made on first use.
func (s *Service) CalendarToken(ctx context.Context, a Actor) (string, error) {
	if !a.SignedIn() {
		return "", ErrSignInRequired
	}
	var d calendarDoc
	err := s.calendars.FindOneAndUpdate(ctx, bson.M{"_id": a.ID()}, bson.M{"$setOnInsert": bson.M{"token": newToken()}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if mongodb.IsDuplicateKey(err) { // two first uses at once: the other made it
		err = s.calendars.FindOne(ctx, bson.M{"_id": a.ID()}).Decode(&d)
	}
	return d.Token, wrap(err, "calendar token")
}

// ResetCalendarToken replaces the actor's feed token: the old URL stops
// working at once.
func (s *Service) ResetCalendarToken(ctx context.Context, a Actor) (string, error) {
	if !a.SignedIn() {
		return "", ErrSignInRequired
	}
	token := newToken()
	_, err := s.calendars.UpdateOne(ctx, bson.M{"_id": a.ID()}, bson.M{"$set": bson.M{"token": token}},
		options.Update().SetUpsert(true))
	return token, wrap(err, "reset calendar token")
}

func newToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // never fails on Linux
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// feedMax bounds the events in a feed: the latest by start.
const feedMax = 200

// CalendarFeed is the iCalendar feed of the token's owner: every event
// they are going to, in groups they may still read, with the online
// links they may see. tiersOf tells the owner's tiers, for the groups
// that need one. An unknown token is ErrNotFound.
func (s *Service) CalendarFeed(ctx context.Context, token, baseURL string, tiersOf TiersOf) ([]byte, error) {
	var d calendarDoc
	err := s.calendars.FindOne(ctx, bson.M{"token": token}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || token == "" {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, wrap(err, "find calendar")
	}
	var rs []rsvpDoc
	if err := s.findAll(ctx, s.rsvps, bson.M{"account": d.Account, "state": RSVPGoing}, bson.D{{Key: "start", Value: -1}},
		feedMax, &rs, "list calendar"); err != nil {
		return nil, err
	}
	var ids []EventID
	for _, r := range rs {
		ids = append(ids, r.Event)
	}
	// The owner is judged as on their own pages: by the account, whose
	// role lets site staff read groups they are not in, and by the tiers
	// they hold now, without which a tier group's events are not theirs.
	owner, err := s.delivery.Accounts.AccountByID(ctx, d.Account)
	if errors.Is(err, auth.ErrNotFound) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, wrap(err, "find calendar owner")
	}
	tiers, err := tiersOf(ctx, []auth.AccountID{owner.ID})
	if err != nil {
		return nil, err
	}
	events, groups, err := s.readableEvents(ctx, Actor{Account: owner, Tiers: tiers[owner.ID]}, ids)
	if err != nil {
		return nil, err
	}
	cal := ical.Calendar{Name: s.clubName(ctx, owner.Locale), Method: "PUBLISH"}
	for _, r := range rs {
		if e, ok := events[r.Event]; ok {
			cal.Events = append(cal.Events, calendarEvent(e, groups[e.Group], baseURL, true))
		}
	}
	return cal.Bytes(), nil
}

// EventCalendar is one event as an iCalendar file for the actor; the
// online link is in it only for those going.
func (s *Service) EventCalendar(ctx context.Context, a Actor, slug string, id EventID, baseURL string) ([]byte, error) {
	v, err := s.EventPage(ctx, a, slug, id)
	if err != nil {
		return nil, err
	}
	cal := ical.Calendar{Name: s.clubName(ctx, a.Account.Locale), Method: "PUBLISH",
		Events: []ical.Event{calendarEvent(v.Event, v.Standing.Group, baseURL, v.ShowsLink())}}
	return cal.Bytes(), nil
}

// clubName is the club's name in locale (an account's; the site's
// language when it has none), which calendars show for the events they
// got from here.
func (s *Service) clubName(ctx context.Context, locale string) string {
	if s.delivery.Accounts == nil { // not wired: a test of events alone
		return auth.ProductName
	}
	st, err := s.delivery.Accounts.Site(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "read site settings for a calendar", "err", err)
	}
	if locale == "" {
		locale = st.Locale()
	}
	return st.Name(locale)
}

// calendarEvent is the event for calendars. Its UID stays across edits
// and its sequence grows with each, so a calendar updates the event in
// place.
func calendarEvent(e Event, g Group, baseURL string, withLink bool) ical.Event {
	host := "fanclub"
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	page := baseURL + "/groups/" + g.Slug + "/events/" + string(e.ID)
	where := e.Venue
	desc := e.Body
	if e.Online {
		if where == "" {
			where = "Online"
		}
		if withLink {
			desc = e.Link + "\n\n" + desc
		}
	}
	return ical.Event{UID: string(e.ID) + "@" + host, Sequence: e.Sequence, Start: e.Start, End: e.End, Zone: e.Location(),
		Summary: e.Title, Description: desc, Location: where, URL: page, Cancelled: e.Cancelled, Stamp: e.UpdatedAt}
}
