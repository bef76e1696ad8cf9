package community

import (
	"cmp"
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// MembersPageSize is how many members a page of the list shows.
const MembersPageSize = 50

// maxWaiting bounds the pending requests and invitations a page lists.
const maxWaiting = 100

// Roster is a group's member list: one page of active members and, for
// moderators, the requests and invitations waiting.
type Roster struct {
	Members []GroupMember
	Next    string
	Pending []GroupMember // moderators only
	Invited []GroupMember // moderators only
	Banned  []GroupMember // moderators only
}

// Members returns the group's roster for a reader; non-readers get
// ErrNotFound. Members are newest first, by key.
func (s *Service) Members(ctx context.Context, a Actor, slug, before string) (Standing, Roster, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return st, Roster{}, err
	}
	filter := bson.M{"group": st.Group.ID, "state": StateActive}
	if before != "" {
		toID := func(account string) string { return memberID(st.Group.ID, auth.AccountID(account)) }
		if err := pageAfter(filter, "joinedAt", before, "$lt", toID); err != nil {
			return st, Roster{}, err
		}
	}
	sort := bson.D{{Key: "joinedAt", Value: -1}, {Key: "_id", Value: -1}}
	var docs []memberDoc
	if err := s.findAll(ctx, s.members, filter, sort, MembersPageSize+1, &docs, "list members"); err != nil {
		return st, Roster{}, err
	}
	var r Roster
	docs, r.Next = cutPage(docs, MembersPageSize, func(d memberDoc) string { return cursor(d.JoinedAt, string(d.Account)) })
	for _, d := range docs {
		r.Members = append(r.Members, d.member())
	}
	if before == "" && st.CanModerate() {
		for state, into := range map[MemberState]*[]GroupMember{StatePending: &r.Pending, StateInvited: &r.Invited, StateBanned: &r.Banned} {
			var docs []memberDoc
			if err := s.findAll(ctx, s.members, bson.M{"group": st.Group.ID, "state": state}, bson.D{{Key: "joinedAt", Value: 1}}, maxWaiting, &docs, "list members"); err != nil {
				return st, r, err
			}
			for _, d := range docs {
				*into = append(*into, d.member())
			}
		}
	}
	return st, r, nil
}

// DecideRequest approves or declines a pending request to join. The
// requester is told either way, and the decision is logged.
func (s *Service) DecideRequest(ctx context.Context, a Actor, slug string, who auth.AccountID, approve bool) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return err
	}
	m, err := s.findMember(ctx, st.Group.ID, who)
	if err != nil || m.State != StatePending {
		return ErrNotFound
	}
	kind, audit := NoticeJoinApproved, AuditJoinApprove
	if approve {
		err = s.setMemberState(ctx, st.Group.ID, who, StatePending, StateActive)
	} else {
		kind, audit = NoticeJoinDeclined, AuditJoinDecline
		err = s.removeMember(ctx, st.Group.ID, who, StatePending)
	}
	if err != nil {
		return err
	}
	s.notify(ctx, Notice{Account: who, Kind: kind, ActorName: a.Account.Name, Actor: a.ID(), GroupSlug: st.Group.Slug, GroupName: st.Group.Name})
	s.record(ctx, a, st.Group.ID, audit, "member", string(who), m.Name, "")
	return nil
}

// SetRole makes an active member a moderator or a plain member again, or
// hands them the group (RoleOwner: the owner becomes a moderator). The
// group's owner and site staff may; the owner's own role is changed only
// by handing the group to someone else.
func (s *Service) SetRole(ctx context.Context, a Actor, slug string, who auth.AccountID, role GroupRole) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return err
	}
	if !st.CanManage() {
		return ErrForbidden
	}
	if role != RoleModerator && role != RoleMember && role != RoleOwner {
		return ValidationError{"role": "member.error.role"}
	}
	m, err := s.findMember(ctx, st.Group.ID, who)
	switch {
	case err != nil || m.State != StateActive:
		return ErrNotFound
	case m.Role == RoleOwner:
		return ErrForbidden
	case m.Role == role:
		return nil
	case role == RoleOwner:
		return s.transferOwnership(ctx, a, st, m)
	}
	_, err = s.members.UpdateOne(ctx, bson.M{"_id": memberID(st.Group.ID, who), "role": m.Role}, bson.M{"$set": bson.M{"role": role}})
	s.memberWritten(ctx, st.Group.ID, who)
	if err != nil {
		return wrap(err, "set role")
	}
	s.record(ctx, a, st.Group.ID, AuditRoleChange, "member", string(who), m.Name, string(role))
	return nil
}

// InviteAccount invites a person to the group. Someone already asking to
// join is let in; a member or a banned person is refused with a reason.
func (s *Service) InviteAccount(ctx context.Context, a Actor, slug string, who auth.Account) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return err
	}
	m, err := s.findMember(ctx, st.Group.ID, who.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	switch m.State {
	case StateActive, StateInvited:
		return ValidationError{"email": "member.error.already"}
	case StateBanned:
		return ValidationError{"email": "member.error.banned"}
	case StatePending:
		err = s.setMemberState(ctx, st.Group.ID, who.ID, StatePending, StateActive)
	default:
		err = s.addMember(ctx, st.Group.ID, Actor{Account: who}, RoleMember, StateInvited, "")
	}
	if err != nil && !errors.Is(err, errDuplicate) {
		return err
	}
	s.notify(ctx, Notice{Account: who.ID, Kind: NoticeInvited, ActorName: a.Account.Name, Actor: a.ID(), GroupSlug: st.Group.Slug, GroupName: st.Group.Name})
	s.record(ctx, a, st.Group.ID, AuditInvite, "member", string(who.ID), who.Name, "")
	return nil
}

// UpdateGroup changes a group's settings; its owner and site staff may.
// The slug stays: links to the group keep working.
func (s *Service) UpdateGroup(ctx context.Context, a Actor, slug string, in GroupInput) (Group, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return Group{}, err
	}
	if !st.CanManage() {
		return Group{}, ErrForbidden
	}
	in.Slug = st.Group.Slug
	if err := in.Validate(); err != nil {
		return Group{}, err
	}
	g := st.Group
	g.Name, g.Description, g.DescriptionHTML, g.Color, g.CoverURL = in.Name, in.Description, RenderMarkdown(in.Description), in.Color, in.CoverURL
	g.Visibility, g.Policy, g.Question, g.RequiredTier, g.HoldFirstPosts = in.Visibility, in.Policy, in.Question, in.RequiredTier, in.HoldFirstPosts
	if _, err := s.groups.UpdateOne(ctx, bson.M{"_id": g.ID}, bson.M{"$set": bson.M{"name": g.Name, "description": g.Description,
		"descriptionHtml": g.DescriptionHTML, "color": g.Color, "coverUrl": g.CoverURL, "visibility": g.Visibility, "policy": g.Policy,
		"question": g.Question, "requiredTier": g.RequiredTier, "holdFirstPosts": g.HoldFirstPosts}}); err != nil {
		return Group{}, wrap(err, "update group")
	}
	s.record(ctx, a, g.ID, AuditGroupEdit, "group", string(g.ID), "", "")
	return g, nil
}

// transferOwnership makes an active member the group's owner and the
// owner a moderator. The owner is demoted first, on condition that they
// still are owner, so of two transfers racing only one goes through and
// the other is ErrConflict; a group never ends with two owners. (A crash
// between the two steps leaves none: site staff still manage the group.)
func (s *Service) transferOwnership(ctx context.Context, a Actor, st Standing, to GroupMember) error {
	var owners []memberDoc
	if err := s.findAll(ctx, s.members, bson.M{"group": st.Group.ID, "state": StateActive, "role": RoleOwner}, nil, 1,
		&owners, "find owner"); err != nil {
		return err
	}
	set := func(who auth.AccountID, from, role GroupRole) (bool, error) {
		res, err := s.members.UpdateOne(ctx, bson.M{"_id": memberID(st.Group.ID, who), "state": StateActive, "role": from},
			bson.M{"$set": bson.M{"role": role}})
		s.memberWritten(ctx, st.Group.ID, who)
		if err != nil {
			return false, wrap(err, "set role")
		}
		return res.ModifiedCount == 1, nil
	}
	// No owner: another hand-over is between its two steps. Going on would
	// make a second owner.
	if len(owners) == 0 {
		return ErrConflict
	}
	if ok, err := set(owners[0].Account, RoleOwner, RoleModerator); err != nil || !ok {
		return cmp.Or(err, ErrConflict)
	}
	if ok, err := set(to.Account, to.Role, RoleOwner); err != nil || !ok {
		_, _ = set(owners[0].Account, RoleModerator, RoleOwner) // the new owner left or changed meanwhile: the old one stays
		return cmp.Or(err, ErrConflict)
	}
	s.record(ctx, a, st.Group.ID, AuditRoleChange, "member", string(to.Account), to.Name, string(RoleOwner))
	return nil
}
