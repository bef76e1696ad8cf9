package community_test

import (
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/community"
)

// TestStanding is the access rule of every group, as a table: who sees
// the group, who reads its content, who posts, moderates and manages.
func TestStanding(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	person := auth.Account{ID: "a1", Role: auth.RoleMember}
	admin := auth.Account{ID: "a2", Role: auth.RoleAdmin}
	owner := auth.Account{ID: "a3", Role: auth.RoleOwner}
	member := func(role community.GroupRole, state community.MemberState) community.GroupMember {
		return community.GroupMember{Account: person.ID, Role: role, State: state}
	}
	muted := member(community.RoleMember, community.StateActive)
	muted.MutedUntil = now.Add(time.Hour)
	mutedBefore := member(community.RoleMember, community.StateActive)
	mutedBefore.MutedUntil = now.Add(-time.Minute)

	type want struct{ see, read, post, moderate, manage bool }
	for _, tc := range []struct {
		name       string
		visibility community.Visibility
		account    auth.Account
		member     community.GroupMember
		want       want
	}{
		{"anonymous, listed", community.Listed, auth.Account{}, community.GroupMember{}, want{see: true}},
		{"anonymous, unlisted", community.Unlisted, auth.Account{}, community.GroupMember{}, want{}},
		{"stranger, listed", community.Listed, person, community.GroupMember{}, want{see: true}},
		{"stranger, unlisted", community.Unlisted, person, community.GroupMember{}, want{}},
		{"pending, unlisted", community.Unlisted, person, member(community.RoleMember, community.StatePending), want{see: true}},
		{"invited, unlisted", community.Unlisted, person, member(community.RoleMember, community.StateInvited), want{see: true}},
		{"member", community.Unlisted, person, member(community.RoleMember, community.StateActive), want{see: true, read: true, post: true}},
		{"muted member", community.Unlisted, person, muted, want{see: true, read: true}},
		{"mute expired", community.Unlisted, person, mutedBefore, want{see: true, read: true, post: true}},
		{"banned, listed", community.Listed, person, member(community.RoleMember, community.StateBanned), want{}},
		{"banned moderator", community.Listed, person, member(community.RoleModerator, community.StateBanned), want{}},
		{"moderator", community.Unlisted, person, member(community.RoleModerator, community.StateActive), want{true, true, true, true, false}},
		{"group owner", community.Unlisted, person, member(community.RoleOwner, community.StateActive), want{true, true, true, true, true}},
		{"pending moderator role", community.Unlisted, person, member(community.RoleModerator, community.StatePending), want{see: true}},
		{"site admin, not a member", community.Unlisted, admin, community.GroupMember{}, want{true, true, true, true, true}},
		{"site owner, not a member", community.Unlisted, owner, community.GroupMember{}, want{true, true, true, true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := community.Standing{Group: community.Group{Visibility: tc.visibility}, Member: tc.member,
				Actor: community.Actor{Account: tc.account}, Now: now}
			got := want{st.CanSee(), st.CanRead(), st.CanPost(), st.CanModerate(), st.CanManage()}
			if got != tc.want {
				t.Errorf("see/read/post/moderate/manage = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestStandingInTierGroup is the rule of a tier group as a table: its
// content is read by those whose entitlement includes its tier now. A
// member whose entitlement lapsed keeps their membership but reads,
// posts and RSVPs no more than a non-member until they hold it again;
// the owner, moderators and site staff never lapse.
func TestStandingInTierGroup(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	person := auth.Account{ID: "a1", Role: auth.RoleMember}
	admin := auth.Account{ID: "a2", Role: auth.RoleAdmin}
	premiumGroup := community.Group{Visibility: community.Listed, Policy: community.JoinTier, RequiredTier: "premium"}
	openGroup := community.Group{Visibility: community.Listed, Policy: community.JoinOpen}
	member := func(role community.GroupRole, state community.MemberState) community.GroupMember {
		return community.GroupMember{Account: person.ID, Role: role, State: state}
	}
	active := member(community.RoleMember, community.StateActive)
	muted := active
	muted.MutedUntil = now.Add(time.Hour)
	premium, vip := []string{"premium"}, []string{"premium", "vip"} // what Entitlement.Covered gives

	type want struct{ lapsed, see, read, post, moderate bool }
	for _, tc := range []struct {
		name    string
		group   community.Group
		account auth.Account
		tiers   []string
		member  community.GroupMember
		want    want
	}{
		{"member holding the tier", premiumGroup, person, premium, active, want{see: true, read: true, post: true}},
		{"member holding a higher tier", premiumGroup, person, vip, active, want{see: true, read: true, post: true}},
		{"member whose tier lapsed", premiumGroup, person, nil, active, want{lapsed: true, see: true}},
		{"member holding another tier only", premiumGroup, person, []string{"fan"}, active, want{lapsed: true, see: true}},
		{"muted member whose tier lapsed", premiumGroup, person, nil, muted, want{lapsed: true, see: true}},
		{"moderator whose tier lapsed", premiumGroup, person, nil, member(community.RoleModerator, community.StateActive),
			want{see: true, read: true, post: true, moderate: true}},
		{"owner without the tier", premiumGroup, person, nil, member(community.RoleOwner, community.StateActive),
			want{see: true, read: true, post: true, moderate: true}},
		{"site admin, not a member", premiumGroup, admin, nil, community.GroupMember{}, want{see: true, read: true, post: true, moderate: true}},
		{"site admin, a member without the tier", premiumGroup, admin, nil, active, want{see: true, read: true, post: true, moderate: true}},
		{"stranger holding the tier", premiumGroup, person, premium, community.GroupMember{}, want{see: true}},
		{"invited, without the tier", premiumGroup, person, nil, member(community.RoleMember, community.StateInvited), want{see: true}},
		{"banned, holding the tier", premiumGroup, person, premium, member(community.RoleMember, community.StateBanned), want{}},
		{"member of an open group, no tier", openGroup, person, nil, active, want{see: true, read: true, post: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := community.Standing{Group: tc.group, Member: tc.member,
				Actor: community.Actor{Account: tc.account, Tiers: tc.tiers}, Now: now}
			got := want{st.Lapsed(), st.CanSee(), st.CanRead(), st.CanPost(), st.CanModerate()}
			if got != tc.want {
				t.Errorf("lapsed/see/read/post/moderate = %+v, want %+v", got, tc.want)
			}
		})
	}
}
