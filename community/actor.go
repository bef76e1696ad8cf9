package community

import (
	"context"
	"slices"

	"fanclub/auth"
)

// Actor is the person making a call: the signed-in account, or the zero
// Actor for a visitor who is signed out.
type Actor struct {
	Account auth.Account
	// Tiers are the keys of the tiers the person's entitlement includes
	// now: the tier held and every tier ranked below it (none when free).
	// The web layer asks membership and passes them in.
	Tiers []string
}

// HasTier reports whether the actor's entitlement includes the tier
// named key; no tier ("") is needed by nobody.
func (a Actor) HasTier(key string) bool {
	return key == "" || slices.Contains(a.Tiers, key)
}

// TiersOf tells the keys of the tiers each account's entitlement
// includes now, as Actor.Tiers does for the actor. Community cannot ask
// membership itself; the web layer passes one in where a call judges
// people other than the actor.
type TiersOf func(ctx context.Context, ids []auth.AccountID) (map[auth.AccountID][]string, error)

// SignedIn reports whether the actor has an account.
func (a Actor) SignedIn() bool { return a.Account.ID != "" }

// ID is the actor's account id, "" when signed out.
func (a Actor) ID() auth.AccountID { return a.Account.ID }

// SiteStaff reports whether the actor is a site owner or admin, who may
// act in every group.
func (a Actor) SiteStaff() bool {
	return a.Account.Role == auth.RoleOwner || a.Account.Role == auth.RoleAdmin
}
