package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/campaign"
	"fanclub/community"
	"fanclub/loyalty"
	"fanclub/membership"
	"fanclub/views"
)

// handleError is the one place errors become statuses and pages. Domain
// errors map to a status and a message key; anything unknown is a 500
// whose details go to the log and never to the page.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	if wa := (*wrongAddress)(nil); errors.As(err, &wa) {
		return s.showWrongAddress(c, wa)
	}
	status, key, retry := fiber.StatusInternalServerError, "error.500", ""
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status, key = fe.Code, statusKey(fe.Code)
	case errors.Is(err, errCSRF):
		status, key = fiber.StatusForbidden, "error.csrf"
	case errors.Is(err, auth.ErrNotFound):
		status, key = fiber.StatusNotFound, "error.404"
	case errors.Is(err, auth.ErrForbidden):
		status, key = fiber.StatusForbidden, "error.403"
	case errors.Is(err, auth.ErrUnknownProvider):
		status, key, retry = fiber.StatusNotFound, "signin.error.unknown_provider", "/signin"
	case errors.Is(err, auth.ErrBadState):
		status, key, retry = fiber.StatusBadRequest, "signin.error.bad_state", "/signin"
	case errors.Is(err, auth.ErrSignInCancelled):
		status, key, retry = fiber.StatusBadRequest, "signin.error.cancelled", "/signin"
		if viewer(c) != nil { // it was linking, from settings
			retry = "/settings"
		}
	case errors.Is(err, auth.ErrTokenInvalid):
		status, key, retry = fiber.StatusBadRequest, "signin.error.token_invalid", "/signin"
	case errors.Is(err, auth.ErrProviderFailed):
		status, key, retry = fiber.StatusBadGateway, "signin.error.provider_failed", "/signin"
	case errors.Is(err, auth.ErrIdentityTaken):
		status, key, retry = fiber.StatusConflict, "signin.error.identity_taken", "/settings"
	case errors.Is(err, auth.ErrAccountExists):
		status, key, retry = fiber.StatusConflict, "signin.error.account_exists", "/signin"
	case errors.Is(err, auth.ErrLinkInvalid):
		status, key, retry = fiber.StatusGone, "signin.error.link_invalid", "/signin"
	case errors.Is(err, auth.ErrLastIdentity):
		status, key, retry = fiber.StatusConflict, "settings.error.last_identity", "/settings"
	case errors.Is(err, auth.ErrLastOwner):
		status, key, retry = fiber.StatusConflict, "delete.last_owner", "/settings"
	case errors.Is(err, auth.ErrUnsubscribeInvalid):
		status, key, retry = fiber.StatusNotFound, "unsubscribe.error.invalid", "/settings#mail"
	case errors.Is(err, auth.ErrRateLimited):
		status, key = fiber.StatusTooManyRequests, "error.429"
	case errors.Is(err, community.ErrNotFound):
		status, key = fiber.StatusNotFound, "error.404"
	case errors.Is(err, community.ErrForbidden):
		status, key = fiber.StatusForbidden, "error.403"
	case errors.Is(err, community.ErrSignInRequired):
		status, key, retry = fiber.StatusUnauthorized, "error.signin_required", "/signin"
	case errors.Is(err, community.ErrMuted):
		status, key = fiber.StatusForbidden, "group.error.muted"
	case errors.Is(err, community.ErrLocked):
		status, key = fiber.StatusConflict, "post.error.locked"
	case errors.Is(err, community.ErrRateLimited):
		status, key = fiber.StatusTooManyRequests, "post.error.rate_limited"
	case errors.Is(err, community.ErrVotingTooFast):
		status, key = fiber.StatusTooManyRequests, "idea.error.voting_too_fast"
	case errors.Is(err, community.ErrGone):
		status, key = fiber.StatusGone, "error.gone"
	case errors.Is(err, community.ErrInviteInvalid):
		status, key, retry = fiber.StatusGone, "invite.error.invalid", "/groups"
	case errors.Is(err, community.ErrTierRequired):
		status, key = fiber.StatusForbidden, "group.error.tier_required"
	case errors.Is(err, community.ErrIdeaClosed):
		status, key = fiber.StatusConflict, "idea.error.closed"
	case errors.Is(err, community.ErrEventCancelled):
		status, key = fiber.StatusConflict, "event.cancelled_banner"
	case errors.Is(err, community.ErrRSVPClosed):
		status, key = fiber.StatusConflict, "event.error.closed"
	case errors.Is(err, community.ErrConflict):
		status, key = fiber.StatusConflict, "error.conflict"
	case errors.As(err, new(community.ValidationError)):
		status, key = fiber.StatusBadRequest, "error.bad_request"
	case errors.As(err, new(membership.ValidationError)):
		status, key = fiber.StatusBadRequest, "error.bad_request"
	case errors.Is(err, campaign.ErrNotFound):
		status, key = fiber.StatusNotFound, "error.404"
	case errors.Is(err, campaign.ErrAlreadyToday):
		status, key, retry = fiber.StatusConflict, "campaigns.error.today", "/admin/campaigns"
	case errors.As(err, new(campaign.ValidationError)):
		status, key = fiber.StatusBadRequest, "error.bad_request"
	case errors.Is(err, loyalty.ErrNotFound):
		status, key = fiber.StatusNotFound, "error.404"
	case errors.Is(err, loyalty.ErrForbidden):
		status, key = fiber.StatusForbidden, "error.403"
	case errors.As(err, new(loyalty.ValidationError)):
		status, key = fiber.StatusBadRequest, "error.bad_request"
	case errors.Is(err, membership.ErrNotFound):
		status, key = fiber.StatusNotFound, "error.404"
	case errors.Is(err, membership.ErrForbidden):
		status, key = fiber.StatusForbidden, "error.403"
	case errors.Is(err, membership.ErrNotForSale):
		status, key, retry = fiber.StatusNotFound, "pricing.error.not_for_sale", "/pricing"
	case errors.Is(err, membership.ErrBillingOff):
		status, key, retry = fiber.StatusServiceUnavailable, "pricing.error.billing_off", "/pricing"
	case errors.Is(err, membership.ErrStripe): // membership logged Stripe's answer
		status, key, retry = fiber.StatusBadGateway, "pricing.error.stripe", "/pricing"
	}
	if status >= 500 && status != fiber.StatusBadGateway && !errors.Is(err, membership.ErrBillingOff) {
		s.log.ErrorContext(c.UserContext(), "request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	c.Response().ResetBody()
	if !views.HasLocale(c.UserContext()) { // the error came before pickLocale
		st := s.readSite(c)
		ctx := s.catalogs.WithLocale(c.UserContext(), acceptPrefix(c.Get(fiber.HeaderAcceptLanguage), st.Locale()))
		c.SetUserContext(views.WithSite(ctx, st))
	}
	page := views.ErrorPage(views.Error{Chrome: s.chrome(c), Status: status, Key: key, Retry: retry})
	if rerr := render(c, status, page); rerr != nil {
		s.log.ErrorContext(c.UserContext(), "error page failed", "err", rerr)
		return c.Status(status).SendString(fiber.ErrInternalServerError.Message)
	}
	return nil
}

// statusKey is the message for a bare HTTP status.
func statusKey(code int) string {
	switch code {
	case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
		return "error.404"
	case fiber.StatusForbidden:
		return "error.403"
	case fiber.StatusTooManyRequests:
		return "error.429"
	case fiber.StatusBadRequest, fiber.StatusRequestEntityTooLarge, fiber.StatusUnprocessableEntity:
		return "error.bad_request"
	}
	if code >= 500 {
		return "error.500"
	}
	return "error.bad_request"
}
