package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"fanclub/membership"
	"fanclub/views"
)

// stripeFormTargets are the origins the Checkout and Portal forms
// redirect to, which the CSP's form-action must allow while billing is
// on.
func stripeFormTargets() []string {
	return []string{"https://checkout.stripe.com", "https://billing.stripe.com"}
}

// checkout sends the member to Stripe Checkout for a tier, by month or
// by year. The form names the tier and the interval only: the price is
// the tier's. An account Stripe already bills goes to the Portal, where
// it changes plans, rather than buying a second subscription.
func (s *server) checkout(c *fiber.Ctx) error {
	to, err := s.membership.Checkout(c.UserContext(), *viewer(c), c.FormValue("tier"), c.FormValue("interval"))
	if errors.Is(err, membership.ErrSubscribed) {
		return s.openPortal(c)
	}
	if err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// openPortal sends the member to Stripe's Customer Portal: payment
// method, invoices, switching plans, cancelling.
func (s *server) openPortal(c *fiber.Ctx) error {
	to, err := s.membership.Portal(c.UserContext(), *viewer(c))
	if errors.Is(err, membership.ErrNoCustomer) {
		return s.redirectWithFlash(c, "/pricing", "error", "flash.no_billing")
	}
	if err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// welcomeRefresh is how soon the welcome page reloads while the
// webhook that grants the tier has not come yet.
const welcomeRefresh = "5"

// showWelcome is where Checkout returns. The tier comes with Stripe's
// webhook, which may follow the member by a few seconds: until then the
// page asks the browser to reload it (a Refresh header: the CSP allows
// no inline script).
func (s *server) showWelcome(c *fiber.Ctx) error {
	if !entitlement(c).Premium() {
		c.Set("Refresh", welcomeRefresh)
	}
	return render(c, fiber.StatusOK, views.WelcomePage(views.Welcome{Chrome: s.chrome(c)}))
}

// showCheckoutCancelled is where Checkout returns when the member left.
func (s *server) showCheckoutCancelled(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.CheckoutCancelledPage(views.CheckoutCancelled{Chrome: s.chrome(c)}))
}
