package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"fanclub/community"
)

// Moderation is a moderation queue: one group's (Standing set) or the
// whole site's.
type Moderation struct {
	Chrome   Chrome
	Standing *community.Standing // nil for the site-wide queue
	Queue    community.Queue
}

// Audit is a page of the audit log: one group's or the whole site's.
type Audit struct {
	Chrome   Chrome
	Standing *community.Standing
	Page     community.AuditPage
	Filter   community.AuditFilter
}

// queueTarget is the dismiss route's name for an item.
func queueTarget(it community.QueueItem) string {
	if it.Comment != nil {
		return "comment:" + string(it.Post.ID) + ":" + string(it.Comment.ID)
	}
	return "post:" + string(it.Post.ID)
}

// itemPath is the post or comment an item is about.
func itemPath(it community.QueueItem) string {
	p := "/groups/" + it.Group.Slug + "/posts/" + string(it.Post.ID)
	if it.Comment != nil {
		p += "/comments/" + string(it.Comment.ID)
	}
	return p
}

// auditBase is where the log's filter form and links lead.
func auditBase(p Audit) string {
	if p.Standing == nil {
		return "/moderation/audit"
	}
	return "/groups/" + p.Standing.Group.Slug + "/audit"
}

// auditNext is the link to older entries under the same filter.
func auditNext(p Audit) string {
	q := url.Values{"before": {p.Page.Next}}
	if p.Filter.Action != "" {
		q.Set("action", p.Filter.Action)
	}
	if p.Filter.Actor != "" {
		q.Set("actor", p.Filter.Actor)
	}
	return auditBase(p) + "?" + q.Encode()
}

// auditTargetLink links an entry's target when it is a page one can open.
func auditTargetLink(e community.AuditEntry, slug string) string {
	if e.TargetKind == "campaign" {
		return CampaignDetailPath(e.Target)
	}
	if slug == "" || e.TargetKind != "post" {
		return ""
	}
	return "/groups/" + slug + "/posts/" + e.Target
}

// auditSubject is the entry's subject as the reader reads it: a
// campaign's is stored as its segment's and action's keys ("dormant ·
// message"), named here in the reader's language.
func auditSubject(ctx context.Context, e community.AuditEntry) string {
	if seg, action, ok := strings.Cut(e.Subject, " · "); ok && e.Action == community.AuditCampaign {
		return segmentName(ctx, seg) + " · " + actionName(ctx, action)
	}
	return e.Subject
}

// auditReason is the entry's reason as the reader reads it: a campaign's
// is its audience's size ("audience 5").
func auditReason(ctx context.Context, e community.AuditEntry) string {
	if n, ok := strings.CutPrefix(e.Reason, "audience "); ok && e.Action == community.AuditCampaign {
		if size, err := strconv.Atoi(n); err == nil {
			return T(ctx, "campaigns.audit_audience", "n", countText(size))
		}
	}
	return e.Reason
}

func actionKey(a community.AuditAction) string {
	return "audit.action." + strings.ReplaceAll(string(a), ".", "_")
}

func slugOf(p Audit) string {
	if p.Standing == nil {
		return ""
	}
	return p.Standing.Group.Slug
}

func queueState(it community.QueueItem) community.ContentState {
	if it.Comment != nil {
		return it.Comment.State
	}
	return it.Post.State
}

func postPathOf(it community.QueueItem) string {
	return "/groups/" + it.Group.Slug + "/posts/" + string(it.Post.ID)
}
