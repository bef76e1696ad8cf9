package web

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/membership"
	"fanclub/views"
)

// requireSiteStaff answers 404 to anyone but the site's owner and
// admins, as /moderation does: the admin pages do not announce
// themselves.
func (s *server) requireSiteStaff(c *fiber.Ctx) error {
	if !actor(c).SiteStaff() {
		return fiber.ErrNotFound
	}
	return c.Next()
}

func (s *server) showTiers(c *fiber.Ctx) error {
	tiers, err := s.membership.Tiers(c.UserContext())
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AdminTiersPage(views.AdminTiers{Chrome: s.chrome(c), Tiers: tiers,
		BillingOn: s.membership.BillingOn()}))
}

func (s *server) showNewTier(c *fiber.Ctx) error {
	return s.renderTierForm(c, fiber.StatusOK, "", membership.TierInput{}, nil)
}

func (s *server) showEditTier(c *fiber.Ctx) error {
	t, err := s.membership.Tier(c.UserContext(), c.Params("key"))
	if err != nil {
		return err
	}
	return s.renderTierForm(c, fiber.StatusOK, t.Key, membership.TierInputOf(t), nil)
}

func (s *server) createTier(c *fiber.Ctx) error { return s.saveTier(c, "") }

func (s *server) updateTier(c *fiber.Ctx) error { return s.saveTier(c, c.Params("key")) }

// saveTier creates a tier (key "") or replaces one. A refused save comes
// back in the form with what was typed; membership checks the prices
// with Stripe.
func (s *server) saveTier(c *fiber.Ctx, key string) error {
	in := membership.TierInput{Key: c.FormValue("key"), Name: c.FormValue("name"), Description: c.FormValue("description"),
		Perks: c.FormValue("perks"), Rank: c.FormValue("rank"), MonthlyPrice: c.FormValue("monthlyPrice"),
		YearlyPrice: c.FormValue("yearlyPrice"), TrialDays: c.FormValue("trialDays")}
	_, err := s.membership.SaveTier(c.UserContext(), *viewer(c), key, in)
	var invalid membership.ValidationError
	if errors.As(err, &invalid) {
		return s.renderTierForm(c, fiber.StatusUnprocessableEntity, key, in, invalid)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/tiers", "ok", "flash.tier_saved")
}

func (s *server) renderTierForm(c *fiber.Ctx, status int, key string, in membership.TierInput, errs map[string]string) error {
	return render(c, status, views.TierFormPage(views.TierForm{Chrome: s.chrome(c), Key: key, Input: in, Errors: errs}))
}

func (s *server) showSubscribers(c *fiber.Ctx) error {
	return s.renderSubscribers(c, fiber.StatusOK, membership.CompInput{}, nil)
}

// renderSubscribers shows the list under the query's filter, and the
// comp form as typed.
func (s *server) renderSubscribers(c *fiber.Ctx, status int, comp membership.CompInput, errs map[string]string) error {
	ctx := c.UserContext()
	f := membership.SubscriberFilter{Tier: c.Query("tier"), Status: c.Query("status")}
	list, stats, err := s.membership.Subscribers(ctx, *viewer(c), f, s.staffZone(c))
	if err != nil {
		return err
	}
	tiers, err := s.membership.Tiers(ctx)
	if err != nil {
		return err
	}
	rows, err := s.subscriberRows(ctx, list, tiers)
	if err != nil {
		return err
	}
	return render(c, status, views.SubscribersPage(views.Subscribers{Chrome: s.chrome(c), Rows: rows, Stats: stats,
		Filter: f, Tiers: tiers, Comp: comp, Errors: errs}))
}

// subscriberRows puts names to the subscribers, in one query.
func (s *server) subscriberRows(ctx context.Context, list []membership.Subscriber, tiers []membership.Tier) ([]views.SubscriberRow, error) {
	ids := make([]auth.AccountID, 0, len(list))
	for _, sub := range list {
		ids = append(ids, sub.Account)
	}
	accounts, err := s.auth.AccountsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, t := range tiers {
		names[t.Key] = t.Name
	}
	rows := make([]views.SubscriberRow, 0, len(list))
	for _, sub := range list {
		a, known := accounts[sub.Account]
		tier := names[sub.Tier]
		if tier == "" {
			tier = sub.Tier // a tier since removed: its key is all there is
		}
		rows = append(rows, views.SubscriberRow{Subscriber: sub, Name: a.Name, Email: a.Email, Known: known, TierName: tier})
	}
	return rows, nil
}

// grantComp gives a member a tier without Stripe, and logs it in the
// site's audit log.
func (s *server) grantComp(c *fiber.Ctx) error {
	ctx := c.UserContext()
	in := membership.CompInput{Email: c.FormValue("email"), Tier: c.FormValue("tier"), Gift: c.FormValue("gift") == "1",
		Until: c.FormValue("until"), Reason: c.FormValue("reason")}
	comp, who, err := s.membership.GrantComp(ctx, *viewer(c), in, s.auth.AccountByEmail, s.staffZone(c))
	var invalid membership.ValidationError
	if errors.As(err, &invalid) {
		return s.renderSubscribers(c, fiber.StatusUnprocessableEntity, in, invalid)
	}
	if err != nil {
		return err
	}
	if err := s.community.RecordSiteAction(ctx, actor(c), community.AuditCompGrant, "member", string(who.ID),
		nameOrEmail(who), comp.Tier+": "+comp.Reason); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/subscribers", "ok", "flash.comp_granted")
}

// revokeComp ends a comp now, once the admin ticked the confirmation,
// and logs it.
func (s *server) revokeComp(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "1" {
		return s.redirectWithFlash(c, "/admin/subscribers", "error", "comp.error.confirm")
	}
	ctx := c.UserContext()
	id := auth.AccountID(c.Params("account"))
	comp, err := s.membership.RevokeComp(ctx, *viewer(c), id)
	if errors.Is(err, membership.ErrNotFound) {
		return s.redirectWithFlash(c, "/admin/subscribers", "error", "flash.comp_gone")
	}
	if err != nil {
		return err
	}
	subject := ""
	if a, err := s.auth.AccountByID(ctx, id); err == nil { // a deleted account is named by its id in the target
		subject = nameOrEmail(a)
	}
	if err := s.community.RecordSiteAction(ctx, actor(c), community.AuditCompRevoke, "member", string(id), subject, comp.Tier); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/subscribers", "ok", "flash.comp_revoked")
}

// staffZone is the zone the admin's dates are in: "this month" and a
// comp's last day. UTC when the browser has not said.
func (s *server) staffZone(c *fiber.Ctx) *time.Location {
	if loc := s.viewerZone(c); loc != nil {
		return loc
	}
	return time.UTC
}

func nameOrEmail(a auth.Account) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Email
}
