package views

import (
	"context"

	"fanclub/auth"
)

// Team is the site's staff page: its owners and admins and, for an owner,
// the forms that change them.
type Team struct {
	Chrome   Chrome
	Staff    []auth.Account // owners first
	Appoint  string         // the appoint form's address, kept on error
	Transfer string         // the transfer form's address, kept on error
	// Errors holds catalog keys by field: "form", "appoint-email",
	// "transfer-email".
	Errors map[string]string
}

// CanChange reports whether the viewer may change the team: owners only.
func (p Team) CanChange() bool {
	return p.Chrome.Viewer != nil && p.Chrome.Viewer.Role == auth.RoleOwner
}

// with returns the staff who hold role r.
func (p Team) with(r auth.Role) []auth.Account {
	var out []auth.Account
	for _, a := range p.Staff {
		if a.Role == r {
			out = append(out, a)
		}
	}
	return out
}

// TransferConfirm asks an owner to confirm handing the site on.
type TransferConfirm struct {
	Chrome Chrome
	To     auth.Account
	Email  string // as typed, sent again with the confirmation
}

// demoteLabel names the button that makes owner a an admin: stepping
// down, when a is the viewer.
func demoteLabel(ctx context.Context, p Team, a auth.Account) string {
	if a.ID == p.Chrome.Viewer.ID {
		return T(ctx, "team.demote_self")
	}
	return T(ctx, "team.demote")
}
