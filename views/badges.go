package views

import "fanclub/auth"

// Badges says what the names on a page carry beside them: each person's
// role on the site or in the group, and the premium tier each holds now.
// People with neither are in neither map. The web layer builds it once
// per page.
type Badges struct {
	Roles map[auth.AccountID]NameRole
	Tiers map[auth.AccountID]string // the tier's name
}

// NameRole is the role a badge beside a name shows. Only the highest
// shows: the site's before the group's, an owner before a moderator.
type NameRole string

// The roles a name may carry.
const (
	SiteOwner      NameRole = "site_owner"
	SiteAdmin      NameRole = "site_admin"
	GroupOwner     NameRole = "group_owner"
	GroupModerator NameRole = "moderator"
)

// NameRoles lists every role a badge shows, highest first.
var NameRoles = []NameRole{SiteOwner, SiteAdmin, GroupOwner, GroupModerator}

// roleBadgeKey is the catalog key of a role's badge.
func roleBadgeKey(r NameRole) string { return "role_badge." + string(r) }

// siteRole is the badge of a site role; "" for a member.
func siteRole(r auth.Role) NameRole {
	switch r {
	case auth.RoleOwner:
		return SiteOwner
	case auth.RoleAdmin:
		return SiteAdmin
	}
	return ""
}
