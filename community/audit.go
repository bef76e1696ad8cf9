package community

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"

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
	AuditIdeaStatus    AuditAction = "idea.status"
	AuditIdeaRespond   AuditAction = "idea.respond"
	AuditIdeaMerge     AuditAction = "idea.merge"
	AuditIdeaTags      AuditAction = "idea.tags"
	AuditEventCreate   AuditAction = "event.create"
	AuditEventEdit     AuditAction = "event.edit"
	AuditEventCancel   AuditAction = "event.cancel"
	AuditEventInvite   AuditAction = "event.invite"
	// Site staff's actions on paid memberships, which membership
	// performs and the web layer logs here with RecordSiteAction.
	AuditCompGrant  AuditAction = "membership.comp"
	AuditCompRevoke AuditAction = "membership.revoke"
	// Changes to the site's staff, which auth makes: the subject's new
	// role on the site.
	AuditStaffOwner  AuditAction = "staff.owner"
	AuditStaffAdmin  AuditAction = "staff.admin"
	AuditStaffRemove AuditAction = "staff.remove"
	// A change to the club's settings (name, look, pages), which auth
	// makes.
	AuditSiteSettings AuditAction = "site.settings"
	// A campaign sent to a segment of members, which the campaign package
	// makes: the reason holds the audience's size.
	AuditCampaign AuditAction = "campaign.send"
	// The loyalty programme's staff actions, which the loyalty package
	// makes and the web layer logs: a member's points adjusted (the
	// reason holds the points and the note), the rules or grades saved.
	AuditPointsAdjust  AuditAction = "loyalty.adjust"
	AuditLoyaltyRules  AuditAction = "loyalty.rules"
	AuditLoyaltyGrades AuditAction = "loyalty.grades"
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

// RecordSiteAction logs an action site staff took outside any group,
// such as granting a comp membership: the change itself was made by
// another package, and the site's audit log is here. Only site staff's
// actions are logged.
func (s *Service) RecordSiteAction(ctx context.Context, a Actor, action AuditAction, kind, target, subject, reason string) error {
	if !a.SiteStaff() {
		return ErrForbidden
	}
	s.record(ctx, a, "", action, kind, target, subject, reason)
	return nil
}

// RecordOperatorAction logs an action the server's operator took from
// the command line (fanclub owner), where nobody is signed in: the entry
// names no actor.
func (s *Service) RecordOperatorAction(ctx context.Context, action AuditAction, kind, target, subject, reason string) {
	s.record(ctx, Actor{}, "", action, kind, target, subject, reason)
}

// AuditRevokeInvitation takes back an invitation by email.
const AuditRevokeInvitation AuditAction = "invite.revoke_email"

// AuditActions lists every action, for the log's filter.
var AuditActions = []AuditAction{AuditGroupCreate, AuditGroupEdit, AuditJoinApprove, AuditJoinDecline, AuditInvite,
	AuditRoleChange, AuditMute, AuditUnmute, AuditBan, AuditUnban, AuditHide, AuditRestore, AuditDelete, AuditApprove,
	AuditLock, AuditUnlock, AuditPin, AuditUnpin, AuditDismissReport, AuditInviteLink, AuditRevokeLink, AuditRevokeInvitation,
	AuditIdeaStatus, AuditIdeaRespond, AuditIdeaMerge, AuditIdeaTags, AuditEventCreate, AuditEventEdit, AuditEventCancel,
	AuditEventInvite, AuditCompGrant, AuditCompRevoke,
	AuditStaffOwner, AuditStaffAdmin, AuditStaffRemove, AuditSiteSettings, AuditCampaign, AuditPointsAdjust, AuditLoyaltyRules,
	AuditLoyaltyGrades}

// AuditFilter narrows the log to one action or one actor, older than a
// cursor.
type AuditFilter struct {
	Action string
	Actor  string // an account id
	Before string
}

// AuditPageSize is how many entries a page of the log shows.
const AuditPageSize = 50

// AuditPage is one page of the log, newest first.
type AuditPage struct {
	Entries []AuditEntry
	Next    string
}

// GroupAudit returns the group's log for its moderators.
func (s *Service) GroupAudit(ctx context.Context, a Actor, slug string, f AuditFilter) (Standing, AuditPage, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return st, AuditPage{}, err
	}
	page, err := s.auditPage(ctx, bson.M{"group": st.Group.ID}, f)
	return st, page, err
}

// SiteAudit returns every group's log, for site staff only.
func (s *Service) SiteAudit(ctx context.Context, a Actor, f AuditFilter) (AuditPage, error) {
	if !a.SiteStaff() {
		return AuditPage{}, ErrNotFound
	}
	return s.auditPage(ctx, bson.M{}, f)
}

// auditPage reads a page of the log. Served by index "audit_group_at"
// and its action and actor variants.
func (s *Service) auditPage(ctx context.Context, filter bson.M, f AuditFilter) (AuditPage, error) {
	if f.Action != "" {
		if !slices.Contains(AuditActions, AuditAction(f.Action)) {
			return AuditPage{}, ValidationError{"action": "audit.error.action"}
		}
		filter["action"] = f.Action
	}
	if f.Actor != "" {
		if !validID(f.Actor) {
			return AuditPage{}, ValidationError{"actor": "audit.error.actor"}
		}
		filter["actor"] = f.Actor
	}
	if f.Before != "" {
		if err := pageAfter(filter, "at", f.Before, "$lt", nil); err != nil {
			return AuditPage{}, err
		}
	}
	var docs []auditDoc
	if err := s.findAll(ctx, s.audit, filter, bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}, AuditPageSize+1, &docs, "list audit log"); err != nil {
		return AuditPage{}, err
	}
	var page AuditPage
	docs, page.Next = cutPage(docs, AuditPageSize, func(d auditDoc) string { return cursor(d.At, d.ID) })
	for _, d := range docs {
		page.Entries = append(page.Entries, AuditEntry(d))
	}
	return page, nil
}
