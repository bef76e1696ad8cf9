package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/membership"
)

// viewerEntitlement is the signed-in viewer's entitlement, asked of
// membership once per request, with the tier keys it includes.
type viewerEntitlement struct {
	membership.Entitlement
	covered []string
}

func (s *server) entitlementOf(ctx context.Context, id auth.AccountID) (viewerEntitlement, error) {
	e, err := s.membership.Entitlement(ctx, id)
	if err != nil {
		return viewerEntitlement{}, err
	}
	all, err := s.membership.Tiers(ctx)
	if err != nil {
		return viewerEntitlement{}, err
	}
	return viewerEntitlement{Entitlement: e, covered: e.Covered(all)}, nil
}

// entitlement returns the viewer's entitlement: Free when signed out.
func entitlement(c *fiber.Ctx) viewerEntitlement {
	if e, ok := c.Locals(entKey{}).(viewerEntitlement); ok {
		return e
	}
	return viewerEntitlement{Entitlement: membership.Entitlement{Tier: membership.Free}}
}
