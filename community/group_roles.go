package community

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// GroupRoles returns the group's active owner and moderators among ids,
// with their roles, for the badges by their names on a page of the group
// st stands in: one read of the memberships by _id, which the embedded
// store answers from its cache of documents. Nobody has a role to show
// to someone who may not read the group.
func (s *Service) GroupRoles(ctx context.Context, st Standing, ids []auth.AccountID) (map[auth.AccountID]GroupRole, error) {
	out := map[auth.AccountID]GroupRole{}
	if !st.CanRead() || len(ids) == 0 {
		return out, nil
	}
	mids := make([]string, 0, len(ids))
	for _, id := range ids {
		mids = append(mids, memberID(st.Group.ID, id))
	}
	slices.Sort(mids)
	mids = slices.Compact(mids)
	var docs []memberDoc
	if err := s.findAll(ctx, s.members, bson.M{"_id": bson.M{"$in": mids}, "state": StateActive,
		"role": bson.M{"$in": bson.A{RoleOwner, RoleModerator}}}, nil, len(mids), &docs, "find group roles"); err != nil {
		return nil, err
	}
	for _, d := range docs {
		out[d.Account] = d.Role
	}
	return out, nil
}
