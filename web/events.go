package web

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

func eventsURL(c *fiber.Ctx) string { return "/groups/" + c.Params("slug") + "/events" }

func eventURL(c *fiber.Ctx) string { return eventsURL(c) + "/" + c.Params("event") }

func eventParam(c *fiber.Ctx) community.EventID { return community.EventID(c.Params("event")) }

func (s *server) showEvents(c *fiber.Ctx) error {
	past := c.Query("when") == "past"
	st, list, err := s.community.GroupEvents(c.UserContext(), actor(c), c.Params("slug"), past, c.Query("after"))
	if err != nil {
		return err
	}
	tiers, err := s.membership.Tiers(c.UserContext())
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.EventListPage(views.EventList{Chrome: s.chrome(c), Standing: st, Past: past, List: list, Tiers: tiers}))
}

func (s *server) showNewEvent(c *fiber.Ctx) error {
	zone := "Asia/Seoul"
	if loc := s.viewerZone(c); loc != nil {
		zone = loc.String()
	}
	return s.renderEventForm(c, fiber.StatusOK, community.Event{}, community.EventInput{Zone: zone, Access: community.AccessMembers}, 0, nil)
}

// eventInput reads the event form.
func eventInput(c *fiber.Ctx) community.EventInput {
	return community.EventInput{Title: c.FormValue("title"), Body: c.FormValue("body"), Zone: c.FormValue("zone"),
		Start: c.FormValue("start"), End: c.FormValue("end"), Venue: c.FormValue("venue"), Online: c.FormValue("online") == "1",
		Link: c.FormValue("link"), Capacity: c.FormValue("capacity"), Access: community.EventAccess(c.FormValue("access")),
		Tier: c.FormValue("tier"), Deadline: c.FormValue("deadline"), ShrinkToWaitlist: c.FormValue("shrink") == "1"}
}

// knownEventTier refuses a tier event naming a tier nobody has.
func (s *server) knownEventTier(c *fiber.Ctx, in community.EventInput) error {
	return s.knownTier(c.UserContext(), in.Access == community.AccessTier, in.Tier, "tier", "event.error.tier_unknown")
}

func (s *server) createEvent(c *fiber.Ctx) error {
	in := eventInput(c)
	err := s.knownEventTier(c, in)
	var e community.Event
	if err == nil {
		e, err = s.community.CreateEvent(c.UserContext(), actor(c), c.Params("slug"), in)
	}
	if status, errs, ok := keepTyped(err); ok {
		return s.renderEventForm(c, status, community.Event{}, in, 0, errs)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, eventsURL(c)+"/"+string(e.ID), "ok", "flash.event_created")
}

// renderEventForm shows the form as typed. going, when set, offers to
// move the last people seated back to the waiting line.
func (s *server) renderEventForm(c *fiber.Ctx, status int, e community.Event, in community.EventInput, going int, errs map[string]string) error {
	st, err := s.community.EventComposer(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	tiers, err := s.membership.Tiers(c.UserContext())
	if err != nil {
		return err
	}
	return render(c, status, views.EventFormPage(views.EventForm{Chrome: s.chrome(c), Standing: st, Event: e, Input: in,
		Tiers: tiers, Going: going, Errors: errs}))
}

// hostedEvent finds an event the actor hosts: a moderator of its group.
func (s *server) hostedEvent(c *fiber.Ctx) (community.Event, error) {
	e, st, err := s.community.EventByID(c.UserContext(), actor(c), c.Params("slug"), eventParam(c))
	if err == nil && !st.CanModerate() {
		err = community.ErrForbidden
	}
	return e, err
}

func (s *server) showEditEvent(c *fiber.Ctx) error {
	e, err := s.hostedEvent(c)
	if err != nil {
		return err
	}
	return s.renderEventForm(c, fiber.StatusOK, e, views.EventInputOf(e), 0, nil)
}

func (s *server) updateEvent(c *fiber.Ctx) error {
	e, err := s.hostedEvent(c)
	if err != nil {
		return err
	}
	in := eventInput(c)
	if err = s.knownEventTier(c, in); err == nil {
		_, err = s.community.EditEvent(c.UserContext(), actor(c), c.Params("slug"), e.ID, in)
	}
	var short community.CapacityError
	if errors.As(err, &short) {
		return s.renderEventForm(c, fiber.StatusConflict, e, in, short.Going, map[string]string{"capacity": "event.error.capacity_below"})
	}
	if status, errs, ok := keepTyped(err); ok {
		return s.renderEventForm(c, status, e, in, 0, errs)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, eventURL(c), "ok", "flash.saved")
}

func (s *server) cancelEvent(c *fiber.Ctx) error {
	e, err := s.hostedEvent(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "1" {
		return s.renderEventForm(c, fiber.StatusUnprocessableEntity, e, views.EventInputOf(e), 0,
			map[string]string{"confirm": "event.error.confirm"})
	}
	if _, err := s.community.CancelEvent(c.UserContext(), actor(c), c.Params("slug"), e.ID); err != nil {
		return err
	}
	return s.redirectWithFlash(c, eventURL(c), "ok", "flash.event_cancelled")
}

func (s *server) showEvent(c *fiber.Ctx) error { return s.renderEvent(c, fiber.StatusOK, "") }

func (s *server) renderEvent(c *fiber.Ctx, status int, errKey string) error {
	v, err := s.community.EventPage(c.UserContext(), actor(c), c.Params("slug"), eventParam(c))
	if err != nil {
		return err
	}
	tiers, err := s.membership.Tiers(c.UserContext())
	if err != nil {
		return err
	}
	return render(c, status, views.EventPage(views.EventShow{Chrome: s.chrome(c), View: v, Error: errKey, Tiers: tiers}))
}

// rsvpEvent records going (going=1) or not. A refused answer comes back
// on the event's page with the reason; nothing changed.
func (s *server) rsvpEvent(c *fiber.Ctx) error {
	a, err := s.community.RSVP(c.UserContext(), actor(c), c.Params("slug"), eventParam(c), c.FormValue("going") == "1")
	switch {
	case errors.Is(err, community.ErrEventCancelled):
		return s.renderEvent(c, fiber.StatusConflict, "event.cancelled_banner")
	case errors.Is(err, community.ErrRSVPClosed):
		return s.renderEvent(c, fiber.StatusConflict, "event.error.closed")
	case errors.Is(err, community.ErrTierRequired):
		return s.renderEvent(c, fiber.StatusForbidden, "event.error.tier")
	case err != nil:
		return err
	}
	flash := "flash.rsvp_declined"
	switch a.State {
	case community.RSVPGoing:
		flash = "flash.rsvp_going"
	case community.RSVPWaitlist:
		flash = "flash.rsvp_waitlist"
	}
	return s.redirectWithFlash(c, eventURL(c), "ok", flash)
}

func (s *server) showEventInvite(c *fiber.Ctx) error {
	return s.renderInvite(c, fiber.StatusOK, "", "", nil)
}

func (s *server) renderInvite(c *fiber.Ctx, status int, people, tier string, errs map[string]string) error {
	ctx := c.UserContext()
	v, err := s.community.EventPage(ctx, actor(c), c.Params("slug"), eventParam(c))
	if err != nil {
		return err
	}
	if !v.Standing.CanModerate() {
		return community.ErrForbidden
	}
	var ideas []community.Idea
	if !v.Standing.Group.BoardOff {
		_, page, err := s.community.Board(ctx, actor(c), c.Params("slug"), community.BoardQuery{Sort: community.SortTop, Status: community.StatusAll})
		if err != nil {
			return err
		}
		ideas = page.Ideas
	}
	tiers, err := s.membership.Tiers(ctx)
	if err != nil {
		return err
	}
	return render(c, status, views.EventInvitePage(views.EventInvite{Chrome: s.chrome(c), View: v, Ideas: ideas,
		People: people, Tier: tier, Tiers: tiers, Errors: errs}))
}

// maxInvitees bounds one list of addresses.
const maxInvitees = 500

// inviteToEvent invites people by address, everyone of a tier, or an idea's
// voters (by=people|tier|idea).
func (s *server) inviteToEvent(c *fiber.Ctx) error {
	ctx, a, slug, id := c.UserContext(), actor(c), c.Params("slug"), eventParam(c)
	people, tier := c.FormValue("people"), c.FormValue("tier")
	var r community.Invited
	var err error
	switch c.FormValue("by") {
	case "people":
		var who []auth.Account
		var strangers []string
		if who, strangers, err = s.accountsByEmail(ctx, people); err == nil && len(who) > 0 {
			r, err = s.community.InvitePeople(ctx, a, slug, id, who)
		}
		if err == nil && len(strangers) > 0 { // no account yet: a link by mail signs them up
			var mailed int
			mailed, err = s.community.InviteByEmail(ctx, a, community.EmailInvite{Slug: slug, Event: id, Emails: strangers, Locale: views.LocaleOf(ctx)})
			r.New += mailed
		}
	case "tier":
		r, err = s.community.InviteTier(ctx, a, slug, id, strings.TrimSpace(tier), s.tiersOf)
	case "idea":
		r, err = s.community.InviteVoters(ctx, a, slug, id, community.IdeaID(c.FormValue("idea")))
	default:
		return fiber.ErrBadRequest
	}
	if status, errs, ok := keepTyped(err); ok {
		return s.renderInvite(c, status, people, tier, errs)
	}
	if err != nil {
		return err
	}
	if r.New == 0 {
		return s.redirectWithFlash(c, eventURL(c)+"/invite", "ok", "flash.event_invited_none")
	}
	return s.redirectWithFlash(c, eventURL(c), "ok", "flash.event_invited")
}

// accountsByEmail finds the accounts of a list of addresses separated by
// commas, spaces or lines, and returns apart the well-formed addresses no
// account holds, to be invited by mail.
func (s *server) accountsByEmail(ctx context.Context, list string) ([]auth.Account, []string, error) {
	fields := strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	switch {
	case len(fields) == 0:
		return nil, nil, community.ValidationError{"people": "event.error.people_required"}
	case len(fields) > maxInvitees:
		return nil, nil, community.ValidationError{"people": "event.error.people_many"}
	}
	var out []auth.Account
	var strangers []string
	for _, f := range fields {
		acc, err := s.auth.AccountByEmail(ctx, f)
		if errors.Is(err, auth.ErrNotFound) {
			email, err := auth.NormaliseEmail(f)
			if err != nil {
				return nil, nil, community.ValidationError{"people": "invite.error.email_invalid"}
			}
			strangers = append(strangers, email)
			continue
		} else if err != nil {
			return nil, nil, err
		}
		out = append(out, acc)
	}
	return out, strangers, nil
}

// tiersOf tells community the tiers each account's entitlement
// includes, as actor(c) does for the viewer.
func (s *server) tiersOf(ctx context.Context, ids []auth.AccountID) (map[auth.AccountID][]string, error) {
	ents, err := s.membership.Entitlements(ctx, ids)
	if err != nil {
		return nil, err
	}
	all, err := s.membership.Tiers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[auth.AccountID][]string, len(ents))
	for id, e := range ents {
		out[id] = e.Covered(all)
	}
	return out, nil
}

func (s *server) showDoor(c *fiber.Ctx) error {
	q := c.Query("q")
	list, err := s.community.Guests(c.UserContext(), actor(c), c.Params("slug"), eventParam(c), q)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.EventDoorPage(views.EventDoor{Chrome: s.chrome(c), List: list, Query: q}))
}

// checkIn marks a guest attended (on=1) or not, and returns to the list
// as it was searched.
func (s *server) checkIn(c *fiber.Ctx) error {
	if _, err := s.community.CheckIn(c.UserContext(), actor(c), c.Params("slug"), eventParam(c),
		auth.AccountID(c.FormValue("account")), c.FormValue("on") == "1"); err != nil {
		return err
	}
	to := eventURL(c) + "/checkin"
	if q := c.FormValue("q"); q != "" {
		to += "?q=" + url.QueryEscape(q)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// eventICS serves the event as a calendar file; the online link is in it
// only for those going.
func (s *server) eventICS(c *fiber.Ctx) error {
	b, err := s.community.EventCalendar(c.UserContext(), actor(c), c.Params("slug"), eventParam(c), s.origin)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="event.ics"`)
	return sendCalendar(c, b)
}

func sendCalendar(c *fiber.Ctx, b []byte) error {
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b)
}

func (s *server) showMyEvents(c *fiber.Ctx) error {
	ctx := c.UserContext()
	mine, err := s.community.ListMyEvents(ctx, actor(c))
	if err != nil {
		return err
	}
	token, err := s.community.CalendarToken(ctx, actor(c))
	if err != nil {
		return err
	}
	tiers, err := s.membership.Tiers(ctx)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.MyEventsView(views.MyEventsPage{Chrome: s.chrome(c), Events: mine,
		FeedURL: s.origin + "/calendar/" + token + ".ics", Tiers: tiers}))
}

func (s *server) resetCalendar(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "1" {
		return s.redirectWithFlash(c, "/events", "error", "event.error.confirm")
	}
	if _, err := s.community.ResetCalendarToken(c.UserContext(), actor(c)); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/events", "ok", "flash.calendar_reset")
}

// calendarFeed serves a person's events to their calendar app, which
// sends no cookie: the token in the URL is the credential.
func (s *server) calendarFeed(c *fiber.Ctx) error {
	token, ok := strings.CutSuffix(c.Params("token"), ".ics")
	if !ok {
		return fiber.ErrNotFound
	}
	b, err := s.community.CalendarFeed(c.UserContext(), token, s.origin, s.tiersOf)
	if err != nil {
		return err
	}
	return sendCalendar(c, b)
}
