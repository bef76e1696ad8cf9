package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/loyalty"
	"fanclub/membership"
	"fanclub/views"
)

// showRedeem renders a reward's confirmation: its price, the member's
// balance after, and for a gift the address form.
func (s *server) showRedeem(c *fiber.Ctx) error {
	return s.renderRedeem(c, fiber.StatusOK, strings.Clone(c.Params("id")), views.AddressInput{}, nil, "")
}

// redeemReward spends the member's points on the reward. Refused input
// comes back with what was typed (422); a reward that cannot be had now
// (sold out, a limit, a full event) says why, with the points intact.
func (s *server) redeemReward(c *fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	addr := views.AddressInput{Name: c.FormValue("name"), Line1: c.FormValue("line1"), Line2: c.FormValue("line2"),
		Postal: c.FormValue("postal"), Phone: c.FormValue("phone")}
	_, err := s.loyalty.Redeem(c.UserContext(), actor(c).Account, id,
		loyalty.RedeemInput{Token: c.FormValue("token"), Address: loyalty.Address(addr)})
	var invalid loyalty.ValidationError
	switch {
	case errors.As(err, &invalid):
		return s.renderRedeem(c, fiber.StatusUnprocessableEntity, id, addr, invalid, "")
	case redeemProblem(err) != "":
		return s.renderRedeem(c, fiber.StatusConflict, id, addr, nil, redeemProblem(err))
	case err != nil:
		return err
	}
	return s.redirectWithFlash(c, "/rewards/mine", "ok", "loyalty_rewards.flash.redeemed")
}

// renderRedeem shows the confirmation page of reward id, with a fresh
// token: a form refused was not redeemed, so it may be sent again.
func (s *server) renderRedeem(c *fiber.Ctx, status int, id string, addr views.AddressInput, errs map[string]string, problem string) error {
	ctx := c.UserContext()
	r, err := s.loyalty.Reward(ctx, id)
	if err != nil {
		return err
	}
	if r.Archived {
		return loyalty.ErrNotFound
	}
	st, err := s.loyalty.Statement(ctx, viewer(c).ID)
	if err != nil {
		return err
	}
	rules, err := s.loyalty.Rules(ctx)
	if err != nil {
		return err
	}
	switch {
	case problem != "":
	case !rules.On:
		problem = "loyalty_rewards.problem.off"
	case r.Left == 0:
		problem = "loyalty_rewards.problem.sold_out"
	case st.Balance < r.Price:
		problem = "loyalty_rewards.problem.short"
	}
	return render(c, status, views.RedeemPage(views.RedeemForm{Chrome: s.chrome(c), Reward: s.rewardDetail(ctx, r),
		Balance: st.Balance, Token: loyalty.NewToken(), Address: addr, Errors: errs, Problem: problem}))
}

// redeemProblem is the message for a redemption that could not be had,
// or "" for any other error.
func redeemProblem(err error) string {
	for _, p := range []struct {
		err error
		key string
	}{
		{loyalty.ErrSoldOut, "loyalty_rewards.problem.sold_out"},
		{loyalty.ErrLimitReached, "loyalty_rewards.problem.limit"},
		{loyalty.ErrShortOfPoints, "loyalty_rewards.problem.short"},
		{loyalty.ErrOff, "loyalty_rewards.problem.off"},
		{loyalty.ErrEventFull, "loyalty_rewards.problem.event_full"},
		{loyalty.ErrAlreadyGoing, "loyalty_rewards.problem.going"},
		{loyalty.ErrEventClosed, "loyalty_rewards.problem.event_closed"},
		{loyalty.ErrFailed, "loyalty_rewards.problem.failed"},
		{loyalty.ErrBusy, "loyalty_rewards.problem.busy"},
	} {
		if errors.Is(err, p.err) {
			return p.key
		}
	}
	return ""
}

// showMyRewards lists what the member redeemed.
func (s *server) showMyRewards(c *fiber.Ctx) error {
	ctx := c.UserContext()
	list, err := s.loyalty.MyRedemptions(ctx, viewer(c).ID)
	if err != nil {
		return err
	}
	tiers, err := s.membership.Tiers(ctx)
	if err != nil {
		return err
	}
	p := views.MyRewards{Chrome: s.chrome(c)}
	for _, r := range list {
		p.Redemptions = append(p.Redemptions, views.RedemptionRow{Name: r.Name, Kind: string(r.Kind), Price: r.Price, At: r.At,
			Code: r.Code, Days: r.Days, TierName: nameOfTier(tiers, r.Tier), Until: r.Until, EventTitle: r.EventTitle,
			Sent: r.Sent, SentAt: r.SentAt})
	}
	return render(c, fiber.StatusOK, views.MyRewardsPage(p))
}

// nameOfTier is the name of tier key, or the key of a tier gone since.
func nameOfTier(all []membership.Tier, key string) string {
	for _, t := range all {
		if t.Key == key {
			return t.Name
		}
	}
	return key
}
