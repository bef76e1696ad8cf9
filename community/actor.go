package community

import "fanclub/auth"

// Actor is the person making a call: the signed-in account, or the zero
// Actor for a visitor who is signed out.
type Actor struct {
	Account auth.Account
	// Tier is the name of the tier the person is entitled to now ("" for
	// none). The web layer asks membership and passes it in.
	Tier string
}

// SignedIn reports whether the actor has an account.
func (a Actor) SignedIn() bool { return a.Account.ID != "" }

// ID is the actor's account id, "" when signed out.
func (a Actor) ID() auth.AccountID { return a.Account.ID }

// SiteStaff reports whether the actor is a site owner or admin, who may
// act in every group.
func (a Actor) SiteStaff() bool {
	return a.Account.Role == auth.RoleOwner || a.Account.Role == auth.RoleAdmin
}
