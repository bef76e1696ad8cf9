package community

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// ModAction is what a moderator does to a post, comment or member.
type ModAction string

const (
	ModHide    ModAction = "hide"
	ModRestore ModAction = "restore"
	ModApprove ModAction = "approve" // a held post
	ModLock    ModAction = "lock"
	ModUnlock  ModAction = "unlock"
	ModPin     ModAction = "pin"
	ModUnpin   ModAction = "unpin"
	ModMute    ModAction = "mute"
	ModUnmute  ModAction = "unmute"
	ModBan     ModAction = "ban"
	ModUnban   ModAction = "unban"
)

// maxReason bounds the reason a moderator gives.
const maxReason = 500

func validReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > maxReason {
		return reason, ValidationError{"reason": "moderation.error.reason_long"}
	}
	return reason, nil
}

// ModeratePost applies a moderator's action to a post and logs it.
func (s *Service) ModeratePost(ctx context.Context, a Actor, slug string, id PostID, action ModAction, reason string) error {
	p, st, err := s.PostByID(ctx, a, slug, id)
	if err != nil {
		return err
	}
	if err := st.requireModerate(); err != nil {
		return err
	}
	if reason, err = validReason(reason); err != nil {
		return err
	}
	audit := map[ModAction]AuditAction{ModHide: AuditHide, ModRestore: AuditRestore, ModApprove: AuditApprove,
		ModLock: AuditLock, ModUnlock: AuditUnlock, ModPin: AuditPin, ModUnpin: AuditUnpin}[action]
	switch action {
	case ModHide:
		err = s.changePostState(ctx, p, Published, Hidden)
	case ModRestore:
		err = s.changePostState(ctx, p, Hidden, Published)
	case ModApprove:
		err = s.changePostState(ctx, p, Held, Published)
	case ModLock, ModUnlock:
		err = s.setPostFlag(ctx, p, "locked", action == ModLock)
	case ModPin:
		if err = s.roomForPin(ctx, p); err == nil {
			err = s.setPostFlag(ctx, p, "pinned", true)
		}
	case ModUnpin:
		err = s.setPostFlag(ctx, p, "pinned", false)
	default:
		return ValidationError{"action": "moderation.error.action"}
	}
	if err != nil {
		return err
	}
	switch action {
	case ModHide:
		if err := s.resolveReports(ctx, st.Group.ID, postTarget(id)); err != nil {
			return err
		}
	case ModApprove: // the mentions are heard now the post is out
		author := st
		author.Actor = Actor{Account: auth.Account{ID: p.Author, Name: p.AuthorName}}
		mentioned := make([]GroupMember, len(p.Mentions))
		for i, m := range p.Mentions {
			mentioned[i] = GroupMember{Account: m}
		}
		s.notifyMentions(ctx, author, id, mentioned, nil)
	}
	s.record(ctx, a, st.Group.ID, audit, "post", string(id), p.AuthorName, reason)
	return nil
}

// changePostState moves a post that is in state from; one in another
// state is a conflict with a moderator who acted first.
func (s *Service) changePostState(ctx context.Context, p Post, from, to ContentState) error {
	if p.State != from {
		return ErrConflict
	}
	return s.setPostState(ctx, p, to)
}

// roomForPin refuses a pin beyond the few the feed shows on top.
func (s *Service) roomForPin(ctx context.Context, p Post) error {
	n, err := s.countPinned(ctx, p.Group)
	if err != nil {
		return err
	}
	if n >= maxPinned && !p.Pinned {
		return ValidationError{"action": "moderation.error.too_many_pins"}
	}
	return nil
}

// countPinned counts the group's pinned posts: in the feed's order in
// memory, or by a query.
func (s *Service) countPinned(ctx context.Context, g GroupID) (int, error) {
	if s.feedIdx != nil {
		f, err := s.feedIdx.order(ctx, string(g))
		if err != nil {
			return 0, err
		}
		return len(f.list(nil, true, func(r contentRow) bool { return r.Pinned }, maxPinned+1)), nil
	}
	n, err := s.posts.CountDocuments(ctx, bson.M{"group": g, "pinned": true, "state": bson.M{"$ne": Deleted}})
	return int(n), wrap(err, "count pins")
}

func (s *Service) setPostFlag(ctx context.Context, p Post, field string, on bool) error {
	if p.State == Deleted {
		return ErrGone
	}
	_, err := s.posts.UpdateOne(ctx, bson.M{"_id": p.ID}, bson.M{"$set": bson.M{field: on}})
	if err := s.postWritten(ctx, p, wrap(err, "set post "+field)); err != nil {
		return err
	}
	return s.feedChanged(ctx, p.Group)
}

// ModerateComment hides or restores a comment and logs it.
func (s *Service) ModerateComment(ctx context.Context, a Actor, slug string, post PostID, id CommentID, action ModAction, reason string) error {
	c, st, err := s.CommentByID(ctx, a, slug, OnPost(post), id)
	if err != nil {
		return err
	}
	if err := st.requireModerate(); err != nil {
		return err
	}
	if reason, err = validReason(reason); err != nil {
		return err
	}
	switch {
	case action == ModHide && c.State == Published:
		err = s.setCommentState(ctx, c, Hidden)
	case action == ModRestore && c.State == Hidden:
		err = s.setCommentState(ctx, c, Published)
	case action == ModHide || action == ModRestore:
		return ErrConflict
	default:
		return ValidationError{"action": "moderation.error.action"}
	}
	if err != nil {
		return err
	}
	if action == ModHide {
		if err := s.resolveReports(ctx, st.Group.ID, commentTarget(id)); err != nil {
			return err
		}
	}
	s.record(ctx, a, st.Group.ID, map[ModAction]AuditAction{ModHide: AuditHide, ModRestore: AuditRestore}[action],
		"comment", string(id), c.AuthorName, reason)
	return nil
}

// DismissReports closes the reports on a post or comment of the group
// that needs no action.
func (s *Service) DismissReports(ctx context.Context, a Actor, slug string, post PostID, comment CommentID, reason string) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return err
	}
	if reason, err = validReason(reason); err != nil {
		return err
	}
	target, author, err := s.reportable(ctx, st, post, comment)
	if err != nil && err != ErrGone {
		return err
	}
	if err == ErrGone { // deleted meanwhile: its reports close all the same
		target = postTarget(post)
		if comment != "" {
			target = commentTarget(comment)
		}
	}
	if err := s.resolveReports(ctx, st.Group.ID, target); err != nil {
		return err
	}
	kind, id, _ := strings.Cut(target, ":")
	s.record(ctx, a, st.Group.ID, AuditDismissReport, kind, id, s.nameOf(ctx, st.Group.ID, author), reason)
	return nil
}

// nameOf is a member's display name in the group, for the audit log.
func (s *Service) nameOf(ctx context.Context, g GroupID, a auth.AccountID) string {
	m, err := s.findMember(ctx, g, a)
	if err != nil {
		return ""
	}
	return m.Name
}

// MuteDurations are the lengths a moderator may mute someone for.
var MuteDurations = map[string]time.Duration{"1h": time.Hour, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour}

// ModerateMember mutes, unmutes, bans or unbans a person in the group.
// Nobody acts on the group's owner; only the owner and site staff act on
// moderators. A ban keeps the person out of this group only; unbanning
// removes the relation, so they may ask to join again.
func (s *Service) ModerateMember(ctx context.Context, a Actor, slug string, who auth.AccountID, action ModAction, duration, reason string) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return err
	}
	if reason, err = validReason(reason); err != nil {
		return err
	}
	m, err := s.findMember(ctx, st.Group.ID, who)
	switch {
	case err != nil:
		return err
	case m.Role == RoleOwner || who == a.ID():
		return ErrForbidden
	case m.Role == RoleModerator && !st.CanManage():
		return ErrForbidden
	}
	var audit AuditAction
	switch action {
	case ModMute:
		d, ok := MuteDurations[duration]
		if !ok {
			return ValidationError{"duration": "moderation.error.duration"}
		}
		if m.State != StateActive {
			return ErrConflict
		}
		audit, err = AuditMute, s.setMuted(ctx, st.Group.ID, who, s.now().Add(d))
		reason = strings.TrimSpace(duration + " " + reason)
	case ModUnmute:
		audit, err = AuditUnmute, s.setMuted(ctx, st.Group.ID, who, time.Time{})
	case ModBan:
		if m.State == StateBanned {
			return nil
		}
		audit, err = AuditBan, s.setMemberState(ctx, st.Group.ID, who, m.State, StateBanned)
	case ModUnban:
		if m.State != StateBanned {
			return ErrConflict
		}
		audit, err = AuditUnban, s.removeMember(ctx, st.Group.ID, who, StateBanned)
	default:
		return ValidationError{"action": "moderation.error.action"}
	}
	if err != nil {
		return err
	}
	s.record(ctx, a, st.Group.ID, audit, "member", string(who), m.Name, reason)
	return nil
}

func (s *Service) setMuted(ctx context.Context, g GroupID, who auth.AccountID, until time.Time) error {
	_, err := s.members.UpdateOne(ctx, bson.M{"_id": memberID(g, who)}, bson.M{"$set": bson.M{"mutedUntil": until}})
	return wrap(err, "mute member")
}
