package web

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/campaign"
	"fanclub/community"
	"fanclub/views"
)

// The brand's campaigns, for the site's staff only (requireInsightStaff:
// 404 to anyone else), and a campaign's message for the members it
// reached. The rules, the sending and the figures are campaign's.

// showCampaigns renders /admin/campaigns.
func (s *server) showCampaigns(c *fiber.Ctx) error {
	list, err := s.campaigns.Campaigns(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	p := views.CampaignList{Chrome: s.chrome(c)}
	for _, r := range list {
		p.Campaigns = append(p.Campaigns, campaignRow(r, siteOf(c).Location()))
	}
	return render(c, fiber.StatusOK, views.CampaignsPage(p))
}

// showNewCampaign renders the form for ?segment=, with its size now.
func (s *server) showNewCampaign(c *fiber.Ctx) error {
	return s.renderCampaignForm(c, fiber.StatusOK, strings.Clone(c.Query("segment")), views.CampaignInput{}, nil)
}

// createCampaign sends a campaign to a segment. Refused input, or a
// segment that had its campaign today, comes back in the form with what
// was typed.
func (s *server) createCampaign(c *fiber.Ctx) error {
	in := campaign.Input{Segment: c.FormValue("segment"), Action: c.FormValue("action"), Subject: c.FormValue("subject"),
		Body: c.FormValue("body"), Event: c.FormValue("event"), Tier: c.FormValue("tier"), Days: c.FormValue("days")}
	a := actor(c)
	made, err := s.campaigns.Create(c.UserContext(), a, in, s.premiumOf(a))
	typed := views.CampaignInput{Action: in.Action, Subject: in.Subject, Body: in.Body, Event: in.Event, Tier: in.Tier, Days: in.Days}
	var invalid campaign.ValidationError
	switch {
	case errors.As(err, &invalid):
		return s.renderCampaignForm(c, fiber.StatusUnprocessableEntity, in.Segment, typed, invalid)
	case errors.Is(err, campaign.ErrAlreadyToday):
		return s.renderCampaignForm(c, fiber.StatusConflict, in.Segment, typed, map[string]string{"form": "campaigns.error.today"})
	case err != nil:
		return err
	}
	return c.Redirect(views.CampaignDetailPath(made.ID), fiber.StatusSeeOther)
}

// renderCampaignForm shows the form for segment, sized now. An unknown
// segment is a 404 when the form is asked for, and the field's error
// when it was sent.
func (s *server) renderCampaignForm(c *fiber.Ctx, status int, segment string, in views.CampaignInput, errs map[string]string) error {
	ctx := c.UserContext()
	a := actor(c)
	preview, err := s.campaigns.Preview(ctx, a, segment, s.premiumOf(a))
	if errors.Is(err, campaign.ErrNotFound) && errs["segment"] != "" {
		preview, err = campaign.Preview{}, nil
	}
	if err != nil {
		return err
	}
	tiers, err := s.membership.Tiers(ctx)
	if err != nil {
		return err
	}
	events, err := s.campaigns.Events(ctx, a)
	if err != nil {
		return err
	}
	return render(c, status, views.CampaignFormPage(views.CampaignForm{Chrome: s.chrome(c), Segment: string(preview.Segment),
		Audience: preview.Audience, SentToday: preview.SentToday && errs["form"] == "", Input: in, Errors: errs, Tiers: tiers,
		Events: campaignEvents(events, siteOf(c).Location())}))
}

// campaignEvents are the events the form offers, their starts in loc.
func campaignEvents(events []community.MyEvent, loc *time.Location) []views.CampaignEvent {
	out := make([]views.CampaignEvent, len(events))
	for i, e := range events {
		out[i] = views.CampaignEvent{ID: string(e.Event.ID), Title: e.Event.Title, Group: e.Group.Name, Start: e.Event.Start.In(loc)}
	}
	return out
}

// showCampaign renders one campaign and what it did.
func (s *server) showCampaign(c *fiber.Ctx) error {
	r, err := s.campaigns.Campaign(c.UserContext(), actor(c), strings.Clone(c.Params("id")))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.CampaignDetailPage(views.CampaignPage{Chrome: s.chrome(c), Campaign: campaignRow(r, siteOf(c).Location())}))
}

// resumeCampaign queues the campaign's delivery again for those it has
// not reached yet.
func (s *server) resumeCampaign(c *fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	if err := s.campaigns.Resume(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return s.redirectWithFlash(c, views.CampaignDetailPath(id), "ok", "flash.campaign_resumed")
}

// showMessage renders a campaign's message to a member it reached; to
// anyone else it is not there.
func (s *server) showMessage(c *fiber.Ctx) error {
	m, err := s.campaigns.Message(c.UserContext(), viewer(c).ID, strings.Clone(c.Params("id")))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.MessagePageView(views.MessagePage{Chrome: s.chrome(c), Subject: m.Subject, Body: m.Body, At: m.At.In(siteOf(c).Location())}))
}

// premiumOf tells campaign who pays for premium now, as the insight
// page counts them for the segments.
func (s *server) premiumOf(a community.Actor) campaign.Premium {
	return func(ctx context.Context) (map[string]bool, error) {
		_, paying, err := s.premiumTiers(ctx, a.Account)
		return paying, err
	}
}

// campaignRow is the report as the pages show it, its date in loc.
func campaignRow(r campaign.Report, loc *time.Location) views.CampaignRow {
	row := views.CampaignRow{ID: r.ID, Segment: string(r.Segment), Action: string(r.Action), At: r.At.In(loc), ByName: r.ByName,
		Audience: r.Audience, Delivered: r.Delivered, Again7: r.Again7, Again30: r.Again30, Left7: r.Left7, Left30: r.Left30,
		Subject: r.Subject, Body: r.Body, EventTitle: r.EventTitle, TierName: r.TierName, Days: r.Days}
	if r.Event != "" {
		row.EventPath = "/groups/" + r.EventGroup + "/events/" + string(r.Event)
	}
	return row
}
