package web

import (
	"github.com/gofiber/fiber/v2"

	"fanclub/views"
)

// showPricing shows every tier with its prices and the viewer's plan.
// With billing off the page says so, and staff see how to set it up.
func (s *server) showPricing(c *fiber.Ctx) error {
	tiers, err := s.membership.Tiers(c.UserContext())
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.PricingPage(views.Pricing{Chrome: s.chrome(c), Tiers: tiers,
		BillingOn: s.membership.BillingOn(), Webhook: s.origin + "/webhooks/stripe"}))
}
