package web

import (
	"context"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

// nameBadges returns what the names of ids carry on a page of group st:
// the role of each on the site or in the group, and the premium tier each
// holds. It costs one read of the group's memberships by _id for the
// whole page, beside what badges costs.
func (s *server) nameBadges(ctx context.Context, st community.Standing, ids []auth.AccountID) (views.Badges, error) {
	group, err := s.community.GroupRoles(ctx, st, ids)
	if err != nil {
		return views.Badges{}, err
	}
	return s.badges(ctx, ids, group)
}

// badges returns the badges of ids given the group roles among them. The
// site's staff comes from auth's memory, read again only after the staff
// changed; the tiers from membership's, in one batch.
func (s *server) badges(ctx context.Context, ids []auth.AccountID, group map[auth.AccountID]community.GroupRole) (views.Badges, error) {
	tiers, err := s.membership.Badges(ctx, ids)
	if err != nil {
		return views.Badges{}, err
	}
	staff, err := s.auth.StaffRoles(ctx)
	if err != nil {
		return views.Badges{}, err
	}
	roles := map[auth.AccountID]views.NameRole{}
	for _, id := range ids {
		switch {
		case staff[id] == auth.RoleOwner:
			roles[id] = views.SiteOwner
		case staff[id] == auth.RoleAdmin:
			roles[id] = views.SiteAdmin
		case group[id] == community.RoleOwner:
			roles[id] = views.GroupOwner
		case group[id] == community.RoleModerator:
			roles[id] = views.GroupModerator
		}
	}
	return views.Badges{Roles: roles, Tiers: tiers}, nil
}
