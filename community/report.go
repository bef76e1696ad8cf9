package community

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// ReportReason is why a member flags content.
type ReportReason string

// ReportReasons in the order the form offers them.
var ReportReasons = []ReportReason{"spam", "harassment", "offtopic", "other"}

// maxReportNote bounds the note a reporter adds.
const maxReportNote = 500

// A report's _id is target:reporter, so one person flags one thing once.
type reportDoc struct {
	ID           string         `bson:"_id"`
	Target       string         `bson:"target"` // "post:<id>" or "comment:<id>"
	Group        GroupID        `bson:"group"`
	Post         PostID         `bson:"post"`
	Comment      CommentID      `bson:"comment,omitempty"`
	Reporter     auth.AccountID `bson:"reporter"`
	ReporterName string         `bson:"reporterName"`
	Reason       ReportReason   `bson:"reason"`
	Note         string         `bson:"note,omitempty"`
	Resolved     bool           `bson:"resolved"`
	CreatedAt    time.Time      `bson:"createdAt"`
}

// Report is one member's flag on a post or comment.
type Report struct {
	ReporterName string
	Reason       ReportReason
	Note         string
	CreatedAt    time.Time
}

// ReportInput is what a member fills in to report content.
type ReportInput struct {
	Post    PostID
	Comment CommentID // "" to report the post
	Reason  string
	Note    string
}

// ReportContent files the actor's report on a post or comment of the
// group and counts it on the content. Deleted content cannot be reported
// (ErrGone); nor can one's own; a second report by the same person is
// refused and changes nothing.
func (s *Service) ReportContent(ctx context.Context, a Actor, slug string, in ReportInput) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return err
	}
	reason := ReportReason(in.Reason)
	note := strings.TrimSpace(in.Note)
	switch {
	case !slices.Contains(ReportReasons, reason):
		return ValidationError{"reason": "report.error.reason"}
	case utf8.RuneCountInString(note) > maxReportNote:
		return ValidationError{"note": "report.error.note_long"}
	}
	target, author, err := s.reportable(ctx, st, in.Post, in.Comment)
	if err != nil {
		return err
	}
	if author == a.ID() {
		return ValidationError{"form": "report.error.own"}
	}
	d := reportDoc{ID: target + ":" + string(a.ID()), Target: target, Group: st.Group.ID, Post: in.Post,
		Comment: in.Comment, Reporter: a.ID(), ReporterName: a.Account.Name, Reason: reason, Note: note, CreatedAt: s.now()}
	if _, err := s.reports.InsertOne(ctx, d); err != nil {
		if err = dupOr(err, "insert report"); errors.Is(err, errDuplicate) {
			return ValidationError{"form": "report.error.already"}
		}
		return err
	}
	return s.countReports(ctx, st.Group.ID, target, 1)
}

// reportable finds the content a report is about in the group: deleted
// content is ErrGone, content the actor may not see ErrNotFound.
func (s *Service) reportable(ctx context.Context, st Standing, post PostID, comment CommentID) (string, auth.AccountID, error) {
	if !validID(string(post)) || (comment != "" && !validID(string(comment))) {
		return "", "", ErrNotFound
	}
	p, err := s.findPost(ctx, post)
	if err != nil || p.Group != st.Group.ID {
		return "", "", ErrNotFound
	}
	state, author, target := p.State, p.Author, postTarget(post)
	if comment != "" {
		c, err := s.findComment(ctx, comment)
		if err != nil || c.Post != post {
			return "", "", ErrNotFound
		}
		state, author, target = c.State, c.Author, commentTarget(comment)
	}
	switch {
	case state == Deleted || p.State == Deleted:
		return "", "", ErrGone
	case !st.mayView(state, author) || !st.mayView(p.State, p.Author):
		return "", "", ErrNotFound
	}
	return target, author, nil
}

// countReports moves the count of open reports on the post or comment a
// target names; moderators see a post's count in the feed, so the
// group's feed changes with it.
func (s *Service) countReports(ctx context.Context, g GroupID, target string, delta int) error {
	coll, id := s.targetColl(target)
	if _, err := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"reports": delta}}); err != nil {
		return wrap(err, "count reports")
	}
	if coll == s.posts {
		return s.feedChanged(ctx, g)
	}
	return nil
}

func (s *Service) targetColl(target string) (*mongodb.Collection, string) {
	kind, id, _ := strings.Cut(target, ":")
	if kind == "comment" {
		return s.comments, id
	}
	return s.posts, id
}

// resolveReports closes the open reports on a target and takes them off
// its count: the moderators have dealt with it.
func (s *Service) resolveReports(ctx context.Context, g GroupID, target string) error {
	res, err := s.reports.UpdateMany(ctx, bson.M{"target": target, "resolved": false},
		bson.M{"$set": bson.M{"resolved": true}})
	if err != nil {
		return wrap(err, "resolve reports")
	}
	if res.ModifiedCount == 0 {
		return nil
	}
	// Each report counted itself in; take out exactly those closed, so a
	// report filed meanwhile still counts.
	return s.countReports(ctx, g, target, -int(res.ModifiedCount))
}

// maxQueue bounds the open reports a queue page reads. A queue longer
// than this is a crisis the oldest-first order still works through.
const maxQueue = 200

// QueueItem is reported or held content awaiting a moderator.
type QueueItem struct {
	Group   Group
	Post    Post
	Comment *Comment // nil when the item is the post
	Reports []Report // oldest first; none for a held post
}

// Queue is what awaits a group's moderators: reported content, oldest
// report first, then held posts, and the count of join requests.
type Queue struct {
	Items    []QueueItem
	Requests int64
}

// ModerationQueue returns the group's queue for its moderators.
func (s *Service) ModerationQueue(ctx context.Context, a Actor, slug string) (Standing, Queue, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return st, Queue{}, err
	}
	q, err := s.queue(ctx, bson.M{"group": st.Group.ID}, map[GroupID]Group{st.Group.ID: st.Group})
	if err != nil {
		return st, q, err
	}
	q.Requests, err = s.members.CountDocuments(ctx, bson.M{"group": st.Group.ID, "state": StatePending})
	return st, q, wrap(err, "count requests")
}

// SiteQueue returns every group's queue, for site staff; others get
// ErrNotFound.
func (s *Service) SiteQueue(ctx context.Context, a Actor) (Queue, error) {
	if !a.SiteStaff() {
		return Queue{}, ErrNotFound
	}
	return s.queue(ctx, bson.M{}, nil)
}
