package views

import (
	"context"
	"strconv"

	"fanclub/community"
	"fanclub/membership"
)

// Directory lists the groups a viewer may know of.
type Directory struct {
	Chrome    Chrome
	Page      community.Directory
	First     bool // the first page: the empty state and unlisted groups show here
	CanCreate bool
}

// GroupForm creates (Standing nil) or edits a group.
type GroupForm struct {
	Chrome   Chrome
	Standing *community.Standing
	Input    community.GroupInput
	Tiers    []membership.Tier // the tiers a tier group may require
	Errors   map[string]string
}

// JoinForm asks to join, answering the group's question if it has one.
type JoinForm struct {
	Chrome   Chrome
	Standing community.Standing
	TierName string // the name of the tier a tier group needs
	Answer   string
	Errors   map[string]string
}

// Members is a group's member list with, for moderators, the requests,
// invitations, bans and invitation links.
type Members struct {
	Chrome   Chrome
	Standing community.Standing
	Roster   community.Roster
	Badges   Badges
	Links    []community.InviteLink
	Mailed   []community.EmailInvitation // invitations by email not accepted yet
	Form     MembersForm
}

// MembersForm is the invitation forms as typed, and a link just made.
type MembersForm struct {
	Email   string
	Uses    string
	Days    string
	NewLink string // shown once, right after it is made
	Errors  map[string]string
}

// Invite is the page an invitation link opens.
type Invite struct {
	Chrome Chrome
	Group  community.Group
	Link   community.InviteLink
	Token  string
}

func itoa(n int) string { return strconv.Itoa(n) }

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func maxUsesText(ctx context.Context, n int) string {
	if n == 0 {
		return T(ctx, "invite.unlimited")
	}
	return strconv.Itoa(n)
}

// hasTierKey reports whether one of the tiers is named key.
func hasTierKey(tiers []membership.Tier, key string) bool {
	for _, t := range tiers {
		if t.Key == key {
			return true
		}
	}
	return false
}
