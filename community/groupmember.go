package community

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"fanclub/auth"
)

// GroupRole is a member's role inside one group.
type GroupRole string

const (
	RoleOwner     GroupRole = "owner"
	RoleModerator GroupRole = "moderator"
	RoleMember    GroupRole = "member"
)

// MemberState is where a person stands with a group.
type MemberState string

const (
	StateActive  MemberState = "active"
	StatePending MemberState = "pending" // asked to join, awaiting a moderator
	StateInvited MemberState = "invited" // invited, has not accepted yet
	StateBanned  MemberState = "banned"  // cannot see or rejoin the group
)

// GroupMember is one person's place in one group. The zero value means
// no relation at all.
type GroupMember struct {
	Group     GroupID
	Account   auth.AccountID
	Name      string // display name when the relation was last touched
	AvatarURL string
	Role      GroupRole
	State     MemberState
	// Answer is the requester's answer to the group's screening question.
	Answer string
	// MutedUntil, while in the future, lets the member read but not post.
	MutedUntil time.Time
	// Published counts the member's posts published so far, for holding
	// a new member's first posts.
	Published int
	// Unpublished counts the member's held and hidden posts: while there
	// are none, the feed they see is everyone's, served from the cache.
	Unpublished int
	JoinedAt    time.Time // when the state last changed
}

// Standing is what one actor may do in one group, decided from the group,
// their membership of it and, for a tier group, the tiers they hold now.
// Every read and write in the group asks it.
type Standing struct {
	Group  Group
	Member GroupMember
	Actor  Actor
	Now    time.Time
}

// CanSee reports whether the group exists for the actor at all: its page
// and name. Banned people and strangers to an unlisted group get a 404.
func (st Standing) CanSee() bool {
	switch {
	case st.Actor.SiteStaff():
		return true
	case st.Member.State == StateBanned:
		return false
	case st.Member.State != "":
		return true
	}
	return st.Group.Visibility == Listed
}

// CanRead reports whether the actor may read the group's content: posts,
// comments, the member list, ideas and events.
func (st Standing) CanRead() bool {
	return st.Actor.SiteStaff() || (st.Member.State == StateActive && !st.Lapsed())
}

// Lapsed reports whether the actor is a member of a tier group whose
// entitlement no longer includes the group's tier (a subscription ended,
// a grace period ran out, a comp was revoked). A tier group is for those
// who hold the tier now, not once: a lapsed member reads nothing of it,
// as if they were not a member, until they hold the tier again. Their
// membership is kept, so renewing lets them back in with no new request.
// The group's owner and moderators, who keep it running, and site staff
// never lapse.
func (st Standing) Lapsed() bool {
	return st.Group.Policy == JoinTier && st.Member.State == StateActive && st.Member.Role == RoleMember &&
		!st.Actor.SiteStaff() && !st.Actor.HasTier(st.Group.RequiredTier)
}

// Muted reports whether a moderator muted the actor for now.
func (st Standing) Muted() bool { return st.Member.MutedUntil.After(st.Now) }

// CanPost reports whether the actor may post, comment and react.
func (st Standing) CanPost() bool { return st.CanRead() && !st.Muted() }

// CanModerate reports whether the actor moderates this group.
func (st Standing) CanModerate() bool {
	return st.Actor.SiteStaff() ||
		(st.Member.State == StateActive && (st.Member.Role == RoleOwner || st.Member.Role == RoleModerator))
}

// CanManage reports whether the actor may change the group itself and its
// moderators: the group's owner or site staff.
func (st Standing) CanManage() bool {
	return st.Actor.SiteStaff() || (st.Member.State == StateActive && st.Member.Role == RoleOwner)
}

// requireRead returns ErrNotFound unless the actor may read the content.
func (st Standing) requireRead() error {
	if !st.CanRead() {
		return ErrNotFound
	}
	return nil
}

// requirePost explains why the actor may not write, if they may not.
func (st Standing) requirePost() error {
	if err := st.requireRead(); err != nil {
		return err
	}
	if st.Muted() {
		return ErrMuted
	}
	return nil
}

// requireModerate returns ErrNotFound to those who cannot read and
// ErrForbidden to members who do not moderate.
func (st Standing) requireModerate() error {
	if err := st.requireRead(); err != nil {
		return err
	}
	if !st.CanModerate() {
		return ErrForbidden
	}
	return nil
}

// maxAnswer bounds an answer to a screening question.
const maxAnswer = 1000

// Join makes the actor a member of an open or tier group, or files a
// request for an approval group (answer is the reply to its question).
// An invited person accepts by joining, whatever the policy. It returns
// the resulting state.
func (s *Service) Join(ctx context.Context, a Actor, slug, answer string) (MemberState, error) {
	if !a.SignedIn() {
		return "", ErrSignInRequired
	}
	st, err := s.GroupBySlug(ctx, a, slug)
	if err != nil {
		return "", err
	}
	g := st.Group
	switch st.Member.State {
	case StateActive, StatePending:
		return st.Member.State, nil
	case StateInvited:
		return StateActive, s.activate(ctx, a, g.ID, StateInvited)
	}
	switch g.Policy {
	case JoinOpen:
	case JoinTier:
		if !a.HasTier(g.RequiredTier) && !a.SiteStaff() {
			return "", ErrTierRequired
		}
	case JoinApproval:
		answer = strings.TrimSpace(answer)
		if g.Question != "" && answer == "" {
			return "", ValidationError{"answer": "group.error.answer_required"}
		}
		if utf8.RuneCountInString(answer) > maxAnswer {
			return "", ValidationError{"answer": "group.error.answer_long"}
		}
		err := s.addMember(ctx, g.ID, a, RoleMember, StatePending, answer)
		if errors.Is(err, errDuplicate) {
			return StatePending, nil
		}
		if err == nil {
			s.announceRequest(ctx, a, g)
		}
		return StatePending, err
	default: // invitation only
		return "", ErrForbidden
	}
	err = s.addMember(ctx, g.ID, a, RoleMember, StateActive, "")
	if errors.Is(err, errDuplicate) { // a second tab joined first
		return StateActive, nil
	}
	return StateActive, err
}

// Leave ends the actor's membership, withdraws their request or declines
// their invitation, and returns the state that ended ("" if none). The
// owner cannot leave (a group always has one); a ban cannot be left.
func (s *Service) Leave(ctx context.Context, a Actor, slug string) (MemberState, error) {
	st, err := s.GroupBySlug(ctx, a, slug)
	if err != nil {
		return "", err
	}
	switch {
	case st.Member.State == "":
		return "", nil
	case st.Member.State == StateBanned:
		return "", ErrNotFound
	case st.Member.Role == RoleOwner:
		return "", ErrForbidden
	}
	if err := s.removeMember(ctx, st.Group.ID, a.ID(), st.Member.State); !errors.Is(err, ErrConflict) {
		return st.Member.State, err
	}
	return st.Member.State, nil // gone already: a second tab, or a moderator acted first
}
