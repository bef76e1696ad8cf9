package community

import (
	"cmp"
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// GroupsOf returns, for site staff, the groups each of ids is an active
// member of, by name; others get ErrForbidden. It serves a page of
// people (the insight page's at-risk rows), so its read grows with ids,
// never with the site: on the embedded store the memberships come from
// the index in memory, on MongoDB from one query served by
// "group_members_account"; then the groups by _id, in one query. A
// person's groups past homeGroupsMax are left out, as on their home page.
func (s *Service) GroupsOf(ctx context.Context, a Actor, ids []auth.AccountID) (map[auth.AccountID][]Group, error) {
	if !a.SiteStaff() {
		return nil, ErrForbidden
	}
	out := make(map[auth.AccountID][]Group, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.activeMemberships(ctx, ids)
	if err != nil {
		return nil, err
	}
	var gids []GroupID
	for _, r := range rows {
		gids = append(gids, r.Group)
	}
	slices.Sort(gids)
	groups, err := s.groupsByID(ctx, slices.Compact(gids))
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if g, ok := groups[r.Group]; ok && len(out[r.Account]) < homeGroupsMax {
			out[r.Account] = append(out[r.Account], g)
		}
	}
	for _, gs := range out {
		slices.SortFunc(gs, func(x, y Group) int { return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID)) })
	}
	return out, nil
}

// activeMemberships returns the active memberships of ids, in no order.
func (s *Service) activeMemberships(ctx context.Context, ids []auth.AccountID) ([]memberRow, error) {
	var rows []memberRow
	if s.memberIdx != nil {
		t, err := s.memberIdx.load(ctx, s)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			rows = append(rows, t.of(id, StateActive)...)
		}
		return rows, nil
	}
	fields := options.Find().SetProjection(bson.M{"group": 1, "account": 1, "role": 1, "state": 1}).
		SetLimit(int64(len(ids) * homeGroupsMax))
	err := each(ctx, s.members, bson.M{"account": bson.M{"$in": ids}, "state": StateActive}, func(d memberDoc) {
		rows = append(rows, memberRow{Group: d.Group, Account: d.Account, Role: d.Role, State: d.State})
	}, fields)
	return rows, err
}
