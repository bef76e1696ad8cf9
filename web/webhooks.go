package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"fanclub/membership"
)

// stripeWebhook receives Stripe's events. It sits before the session,
// locale and CSRF middleware: Stripe sends no cookie and no token, and a
// session cookie someone adds gives the request nothing. The signature
// is the credential. Statuses: 400 for a bad signature, another API
// version or an event that cannot be read (Stripe's retry would not
// help), 500 only when our database failed (Stripe retries, and nothing
// half-applied stays recorded), 200 for everything else, replays and
// events this site ignores included.
func (s *server) stripeWebhook(c *fiber.Ctx) error {
	body := c.Body()
	if len(body) > membership.MaxWebhookBody {
		return c.Status(fiber.StatusRequestEntityTooLarge).SendString("too large")
	}
	ctx := c.UserContext()
	res, err := s.membership.HandleWebhook(ctx, body, c.Get("Stripe-Signature"))
	switch {
	case errors.Is(err, membership.ErrBadSignature):
		s.log.WarnContext(ctx, "stripe webhook: bad signature", "ip", s.clientIP(c), "err", err)
		return c.Status(fiber.StatusBadRequest).SendString("invalid signature")
	case errors.Is(err, membership.ErrAPIVersion): // logged with both versions by membership
		return c.Status(fiber.StatusBadRequest).SendString("unexpected API version")
	case errors.Is(err, membership.ErrMalformedEvent):
		s.log.WarnContext(ctx, "stripe webhook: event cannot be read", "event", res.Event, "type", res.Type, "err", err)
		return c.Status(fiber.StatusBadRequest).SendString("malformed event")
	case errors.Is(err, membership.ErrBillingOff):
		s.log.ErrorContext(ctx, "stripe webhook received but STRIPE_WEBHOOK_SECRET is not set")
		return c.Status(fiber.StatusServiceUnavailable).SendString("webhooks are not configured")
	case err != nil:
		s.log.ErrorContext(ctx, "stripe webhook failed; Stripe will retry", "event", res.Event, "type", res.Type, "err", err)
		return c.Status(fiber.StatusInternalServerError).SendString("not applied")
	}
	s.log.InfoContext(ctx, "stripe webhook", "event", res.Event, "type", res.Type, "replay", res.Replay, "ignored", res.Ignored)
	return c.Status(fiber.StatusOK).SendString("ok")
}
