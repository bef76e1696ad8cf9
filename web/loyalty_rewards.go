package web

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/loyalty"
	"fanclub/views"
)

// The loyalty programme's rewards: staff define them, fill code pools
// and send gifts under /admin/loyalty (requireSiteStaff: 404 to anyone
// else); members redeem them at /rewards/redeem/:id and find what they
// got at /rewards/mine. The rules and the atomic redemption are
// loyalty's.

// showRewardsAdmin renders /admin/loyalty/rewards.
func (s *server) showRewardsAdmin(c *fiber.Ctx) error {
	list, err := s.loyalty.AllRewards(c.UserContext(), actor(c).Account)
	if err != nil {
		return err
	}
	p := views.RewardList{Chrome: s.chrome(c)}
	for _, r := range list {
		p.Rewards = append(p.Rewards, rewardRow(r))
	}
	return render(c, fiber.StatusOK, views.RewardsAdminPage(p))
}

// showNewReward renders the empty reward form.
func (s *server) showNewReward(c *fiber.Ctx) error {
	return s.renderRewardForm(c, fiber.StatusOK, loyalty.Reward{}, views.RewardInput{}, views.RewardForm{})
}

// showReward renders a reward's edit form, pool and archive button.
func (s *server) showReward(c *fiber.Ctx) error {
	r, err := s.loyalty.Reward(c.UserContext(), strings.Clone(c.Params("id")))
	if err != nil {
		return err
	}
	return s.renderRewardForm(c, fiber.StatusOK, r, rewardInputOf(r), views.RewardForm{})
}

// saveReward creates (no :id) or edits a reward; refused input comes
// back in the form with what was typed.
func (s *server) saveReward(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := strings.Clone(c.Params("id"))
	var was loyalty.Reward
	if id != "" {
		var err error
		if was, err = s.loyalty.Reward(ctx, id); err != nil {
			return err
		}
	}
	typed := views.RewardInput{Name: c.FormValue("name"), Description: c.FormValue("description"), Price: c.FormValue("price"),
		Kind: c.FormValue("kind"), Stock: c.FormValue("stock"), Limit: c.FormValue("limit"), Tier: c.FormValue("tier"),
		Days: c.FormValue("days"), Event: c.FormValue("event")}
	saved, err := s.loyalty.SaveReward(ctx, actor(c).Account, id, loyalty.RewardInput{Name: typed.Name,
		Description: typed.Description, Price: typed.Price, Kind: loyalty.Kind(typed.Kind), Stock: typed.Stock,
		Limit: typed.Limit, Tier: typed.Tier, Days: typed.Days, Event: typed.Event})
	var invalid loyalty.ValidationError
	if errors.As(err, &invalid) {
		return s.renderRewardForm(c, fiber.StatusUnprocessableEntity, was, typed, views.RewardForm{Errors: invalid})
	} else if err != nil {
		return err
	}
	return s.redirectWithFlash(c, views.RewardPath(saved.ID), "ok", "loyalty_rewards.flash.saved")
}

// archiveReward archives a reward once confirmed (confirm=1), asking
// first; restore=1 offers it again.
func (s *server) archiveReward(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r, err := s.loyalty.Reward(ctx, strings.Clone(c.Params("id")))
	if err != nil {
		return err
	}
	restore := c.FormValue("restore") == "1"
	if !restore && c.FormValue("confirm") != "1" {
		return render(c, fiber.StatusOK, views.RewardArchivePage(views.RewardArchive{Chrome: s.chrome(c), Reward: rewardRow(r)}))
	}
	if err := s.loyalty.ArchiveReward(ctx, actor(c).Account, r.ID, !restore); err != nil {
		return err
	}
	flash := "loyalty_rewards.flash.archived"
	if restore {
		flash = "loyalty_rewards.flash.restored"
	}
	return s.redirectWithFlash(c, views.RewardPath(r.ID), "ok", flash)
}

// uploadCodes adds a CSV file of codes to a code reward's pool; a file
// refused comes back on the reward's page, line by line.
func (s *server) uploadCodes(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r, err := s.loyalty.Reward(ctx, strings.Clone(c.Params("id")))
	if err != nil {
		return err
	}
	fh, err := c.FormFile("codes")
	if err != nil {
		return s.renderRewardForm(c, fiber.StatusUnprocessableEntity, r, rewardInputOf(r), views.RewardForm{CodeError: "loyalty_rewards.codes.none"})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = s.loyalty.UploadCodes(ctx, actor(c).Account, r.ID, f)
	var refused *loyalty.CodeFileError
	switch {
	case errors.As(err, &refused):
		p := views.RewardForm{CodeError: refused.Reason}
		for _, l := range refused.Lines {
			p.CodeLines = append(p.CodeLines, views.CodeLine(l))
		}
		return s.renderRewardForm(c, fiber.StatusUnprocessableEntity, r, rewardInputOf(r), p)
	case errors.Is(err, loyalty.ErrBusy):
		return s.redirectWithFlash(c, views.RewardPath(r.ID), "error", "loyalty_rewards.flash.upload_busy")
	case err != nil:
		return err
	}
	return s.redirectWithFlash(c, views.RewardPath(r.ID), "ok", "loyalty_rewards.flash.codes_added")
}

// renderRewardForm shows the form for r (zero: a new one) with what was
// typed; extra carries the errors.
func (s *server) renderRewardForm(c *fiber.Ctx, status int, r loyalty.Reward, in views.RewardInput, extra views.RewardForm) error {
	ctx := c.UserContext()
	tiers, err := s.membership.Tiers(ctx)
	if err != nil {
		return err
	}
	events, err := s.community.UpcomingEvents(ctx, actor(c), 50)
	if err != nil {
		return err
	}
	p := extra
	p.Chrome, p.Reward, p.Input, p.Tiers = s.chrome(c), s.rewardDetail(ctx, r), in, tiers
	loc := siteOf(c).Location()
	for _, e := range events {
		p.Events = append(p.Events, views.RewardEvent{ID: string(e.Event.ID), Title: e.Event.Title, Group: e.Group.Name, Start: e.Event.Start.In(loc)})
	}
	return render(c, status, views.RewardFormPage(p))
}

// showFulfilment renders the gifts to send and those sent.
func (s *server) showFulfilment(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actor(c).Account
	p := views.GiftList{Chrome: s.chrome(c)}
	for _, sent := range []bool{false, true} {
		list, err := s.loyalty.Gifts(ctx, a, sent)
		if err != nil {
			return err
		}
		for _, g := range list {
			row := views.GiftRow{ID: g.ID, Reward: g.Name, Member: g.Member, At: g.At, Address: views.AddressInput(g.Address),
				Sent: g.Sent, SentAt: g.SentAt, SentByName: g.SentByName}
			if sent {
				p.Sent = append(p.Sent, row)
			} else {
				p.ToSend = append(p.ToSend, row)
			}
		}
	}
	return render(c, fiber.StatusOK, views.FulfilmentPage(p))
}

// markGiftSent records that a gift was sent, once.
func (s *server) markGiftSent(c *fiber.Ctx) error {
	_, err := s.loyalty.MarkSent(c.UserContext(), actor(c).Account, strings.Clone(c.Params("id")))
	if errors.Is(err, loyalty.ErrAlreadySent) {
		return s.redirectWithFlash(c, "/admin/loyalty/fulfilment", "error", "loyalty_rewards.flash.already_sent")
	} else if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/loyalty/fulfilment", "ok", "loyalty_rewards.flash.sent")
}

// rewardRow is a reward as the lists show it.
func rewardRow(r loyalty.Reward) views.RewardRow {
	return views.RewardRow{ID: r.ID, Name: r.Name, Description: r.Description, Price: r.Price, Kind: string(r.Kind),
		Stock: r.Stock, Left: r.Left, Limit: r.Limit, Codes: r.Codes, Redeemed: r.Redeemed, Archived: r.Archived, Days: r.Days}
}

// rewardDetail is one reward with its tier's and event's names.
func (s *server) rewardDetail(ctx context.Context, r loyalty.Reward) views.RewardRow {
	row := rewardRow(r)
	if t, err := s.membership.Tier(ctx, r.Tier); err == nil {
		row.TierName = t.Name
	}
	if e, err := s.community.RewardEvent(ctx, r.Event); err == nil {
		row.EventTitle = e.Title
	}
	return row
}

// rewardInputOf is a reward as its form shows it.
func rewardInputOf(r loyalty.Reward) views.RewardInput {
	in := views.RewardInput{Name: r.Name, Description: r.Description, Price: strconv.FormatInt(r.Price, 10), Kind: string(r.Kind),
		Tier: r.Tier, Event: string(r.Event)}
	if r.Stock >= 0 {
		in.Stock = strconv.Itoa(r.Stock)
	}
	if r.Limit > 0 {
		in.Limit = strconv.Itoa(r.Limit)
	}
	if r.Days > 0 {
		in.Days = strconv.Itoa(r.Days)
	}
	return in
}
