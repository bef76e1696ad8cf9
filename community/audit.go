package community

import (
	"context"
	"time"

	"fanclub/auth"
)

// AuditAction names a moderator or admin action.
type AuditAction string

// Audited actions. Every change a moderator or admin makes to someone
// else's content or standing is one of these.
const (
	AuditGroupCreate   AuditAction = "group.create"
	AuditGroupEdit     AuditAction = "group.edit"
	AuditJoinApprove   AuditAction = "member.approve"
	AuditJoinDecline   AuditAction = "member.decline"
	AuditInvite        AuditAction = "member.invite"
	AuditRoleChange    AuditAction = "member.role"
	AuditMute          AuditAction = "member.mute"
	AuditUnmute        AuditAction = "member.unmute"
	AuditBan           AuditAction = "member.ban"
	AuditUnban         AuditAction = "member.unban"
	AuditHide          AuditAction = "content.hide"
	AuditRestore       AuditAction = "content.restore"
	AuditDelete        AuditAction = "content.delete"
	AuditApprove       AuditAction = "content.approve"
	AuditLock          AuditAction = "post.lock"
	AuditUnlock        AuditAction = "post.unlock"
	AuditPin           AuditAction = "post.pin"
	AuditUnpin         AuditAction = "post.unpin"
	AuditDismissReport AuditAction = "report.dismiss"
	AuditInviteLink    AuditAction = "invite.create"
	AuditRevokeLink    AuditAction = "invite.revoke"
)

// AuditEntry is one logged action: who did what, to what, when and why.
type AuditEntry struct {
	ID         string
	Group      GroupID // "" for site-wide actions
	Actor      auth.AccountID
	ActorName  string
	Action     AuditAction
	TargetKind string // "group", "post", "comment", "member", "invite"
	Target     string // the target's id
	Subject    string // the name of the person the action concerned, if any
	Reason     string
	At         time.Time
}

type auditDoc struct {
	ID         string         `bson:"_id"`
	Group      GroupID        `bson:"group"`
	Actor      auth.AccountID `bson:"actor"`
	ActorName  string         `bson:"actorName"`
	Action     AuditAction    `bson:"action"`
	TargetKind string         `bson:"targetKind"`
	Target     string         `bson:"target"`
	Subject    string         `bson:"subject,omitempty"`
	Reason     string         `bson:"reason,omitempty"`
	At         time.Time      `bson:"at"`
}

// record logs an action. A failure to log is logged and does not undo
// the action, which has already happened.
func (s *Service) record(ctx context.Context, a Actor, g GroupID, action AuditAction, kind, target, subject, reason string) {
	d := auditDoc{ID: newID(), Group: g, Actor: a.ID(), ActorName: a.Account.Name, Action: action,
		TargetKind: kind, Target: target, Subject: subject, Reason: reason, At: s.now()}
	if _, err := s.audit.InsertOne(ctx, d); err != nil {
		s.log.ErrorContext(ctx, "audit log write failed", "action", action, "target", target, "err", err)
	}
}
