package community

import (
	"context"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// CommentID identifies a comment.
type CommentID string

// Comment is a reply on a post. Comments are flat; a reply to another
// comment carries a short quote of it.
type Comment struct {
	ID           CommentID
	Post         PostID
	Group        GroupID
	Author       auth.AccountID
	AuthorName   string
	AuthorAvatar string
	Body         string
	HTML         string
	State        ContentState
	// ReplyTo is the comment this one answers, with a quote of it.
	ReplyTo      CommentID
	ReplyToName  string
	ReplyToQuote string
	Reactions    map[Reaction]int
	Reports      int
	CreatedAt    time.Time
	EditedAt     time.Time
}

// Edited reports whether the author changed the comment after writing it.
func (c Comment) Edited() bool { return !c.EditedAt.IsZero() }

// CommentPageSize is how many comments a post's page shows at once.
const CommentPageSize = 50

// maxQuote bounds the quote a reply carries of the comment it answers.
const maxQuote = 140

// Thread is a post with one page of its comments, oldest first.
type Thread struct {
	Post     Post
	Comments []Comment
	// Mine holds the reactions the viewer gave, by target: the post's id
	// and each comment's id.
	Mine map[string]map[Reaction]bool
	// Next is the cursor for later comments, "" on the last page.
	Next string
}

// ThreadOf returns the post and a page of its comments after the cursor,
// in a fixed number of queries.
func (s *Service) ThreadOf(ctx context.Context, a Actor, slug string, id PostID, after string) (Thread, Standing, error) {
	p, st, err := s.PostByID(ctx, a, slug, id)
	if err != nil {
		return Thread{}, st, err
	}
	filter := bson.M{"post": id}
	st.visibleStates(filter)
	if after != "" {
		if err := pageAfter(filter, "createdAt", after, "$gt", nil); err != nil {
			return Thread{}, st, err
		}
	}
	var docs []commentDoc
	sort := bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}
	if err := s.findAll(ctx, s.comments, filter, sort, CommentPageSize+1, &docs, "list comments"); err != nil {
		return Thread{}, st, err
	}
	th := Thread{Post: p}
	docs, th.Next = cutPage(docs, CommentPageSize, func(d commentDoc) string { return cursor(d.CreatedAt, string(d.ID)) })
	targets := []string{postTarget(p.ID)}
	for _, d := range docs {
		th.Comments = append(th.Comments, d.comment())
		targets = append(targets, commentTarget(d.ID))
	}
	if err := s.hideGoneQuotes(ctx, st, th.Comments); err != nil {
		return th, st, err
	}
	mine, err := s.reactionsOf(ctx, a, targets)
	th.Mine = map[string]map[Reaction]bool{}
	for t, rs := range mine {
		_, id, _ := strings.Cut(t, ":")
		th.Mine[id] = rs
	}
	return th, st, err
}

// CreateComment adds a comment to a published, unlocked post. replyTo, if
// set, is a comment on the same post that this one answers and quotes.
// The post's author and the replied-to comment's author are told.
func (s *Service) CreateComment(ctx context.Context, a Actor, slug string, id PostID, body string, replyTo CommentID) (Comment, error) {
	p, st, err := s.PostByID(ctx, a, slug, id)
	if err != nil {
		return Comment{}, err
	}
	if err := st.requirePost(); err != nil {
		return Comment{}, err
	}
	switch {
	case p.State != Published:
		return Comment{}, ErrForbidden
	case p.Locked && !st.CanModerate():
		return Comment{}, ErrLocked
	}
	if body, err = validBody(body); err != nil {
		return Comment{}, err
	}
	mentions, err := s.resolveMentions(ctx, st.Group.ID, body)
	if err != nil {
		return Comment{}, err
	}
	c := Comment{ID: CommentID(newID()), Post: id, Group: st.Group.ID, Author: a.ID(), AuthorName: a.Account.Name,
		AuthorAvatar: a.Account.AvatarURL, Body: body, HTML: highlightMentions(RenderMarkdown(body), mentions), State: Published,
		Reactions: map[Reaction]int{}, CreatedAt: s.now()}
	var parent Comment
	if replyTo != "" {
		if !validID(string(replyTo)) {
			return Comment{}, ValidationError{"reply_to": "comment.error.reply_to"}
		}
		if parent, err = s.findComment(ctx, replyTo); err != nil || parent.Post != id || parent.State != Published {
			return Comment{}, ValidationError{"reply_to": "comment.error.reply_to"}
		}
		c.ReplyTo, c.ReplyToName, c.ReplyToQuote = parent.ID, parent.AuthorName, quote(parent.Body)
	}
	if err := s.allowWrite(ctx, a); err != nil {
		return Comment{}, err
	}
	if err := s.insertComment(ctx, c); err != nil {
		return Comment{}, err
	}
	if err := s.countComments(ctx, st.Group.ID, id, 1); err != nil {
		return c, err
	}
	told := []auth.AccountID{}
	for _, to := range []auth.AccountID{p.Author, parent.Author} {
		if to != "" && to != a.ID() && !slices.Contains(told, to) {
			s.notify(ctx, Notice{Account: to, Kind: NoticeReply, ActorName: a.Account.Name, GroupSlug: st.Group.Slug,
				GroupName: st.Group.Name, Post: id})
			told = append(told, to)
		}
	}
	s.notifyMentions(ctx, st, id, mentions, told)
	return c, nil
}

// hideGoneQuotes blanks the quotes replies carry of comments the viewer
// may no longer see (hidden or deleted since), with one query for the
// page, so moderated text does not live on in a quote.
func (s *Service) hideGoneQuotes(ctx context.Context, st Standing, cs []Comment) error {
	var parents []string
	for _, c := range cs {
		if c.ReplyTo != "" {
			parents = append(parents, string(c.ReplyTo))
		}
	}
	if len(parents) == 0 {
		return nil
	}
	var docs []commentDoc
	if err := s.findAll(ctx, s.comments, bson.M{"_id": bson.M{"$in": parents}}, nil, len(parents), &docs, "find quoted comments"); err != nil {
		return err
	}
	visible := map[CommentID]bool{}
	for _, d := range docs {
		visible[d.ID] = st.mayView(d.State, d.Author)
	}
	for i, c := range cs {
		if c.ReplyTo != "" && !visible[c.ReplyTo] {
			cs[i].ReplyToQuote = ""
		}
	}
	return nil
}

// quote is the start of a comment, for a reply to carry.
func quote(body string) string {
	r := []rune(strings.Join(strings.Fields(body), " "))
	if len(r) <= maxQuote {
		return string(r)
	}
	return string(r[:maxQuote-1]) + "…"
}

// countComments moves a post's count of published comments, which the
// feed shows.
func (s *Service) countComments(ctx context.Context, g GroupID, id PostID, delta int) error {
	if _, err := s.posts.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"comments": delta}}); err != nil {
		return wrap(err, "count comments")
	}
	return s.feedChanged(ctx, g)
}

// CommentByID returns a comment on the post that the actor may see.
func (s *Service) CommentByID(ctx context.Context, a Actor, slug string, post PostID, id CommentID) (Comment, Standing, error) {
	_, st, err := s.PostByID(ctx, a, slug, post)
	if err != nil {
		return Comment{}, st, err
	}
	if !validID(string(id)) {
		return Comment{}, st, ErrNotFound
	}
	c, err := s.findComment(ctx, id)
	if err != nil {
		return Comment{}, st, err
	}
	if c.Post != post || !st.mayView(c.State, c.Author) {
		return Comment{}, st, ErrNotFound
	}
	return c, st, nil
}

// EditComment replaces the body of the actor's own comment.
func (s *Service) EditComment(ctx context.Context, a Actor, slug string, post PostID, id CommentID, body string) (Comment, error) {
	c, st, err := s.CommentByID(ctx, a, slug, post, id)
	if err != nil {
		return Comment{}, err
	}
	if err := st.requirePost(); err != nil {
		return c, err
	}
	if c.Author != a.ID() {
		return c, ErrForbidden
	}
	if body, err = validBody(body); err != nil {
		return c, err
	}
	mentions, err := s.resolveMentions(ctx, st.Group.ID, body)
	if err != nil {
		return c, err
	}
	c.Body, c.HTML, c.EditedAt = body, highlightMentions(RenderMarkdown(body), mentions), s.now()
	_, err = s.comments.UpdateOne(ctx, bson.M{"_id": id, "state": bson.M{"$ne": Deleted}},
		bson.M{"$set": bson.M{"body": c.Body, "html": c.HTML, "editedAt": c.EditedAt}})
	return c, wrap(err, "edit comment")
}

// DeleteComment deletes a comment: its author may, and moderators may,
// audited with the reason when it is someone else's.
func (s *Service) DeleteComment(ctx context.Context, a Actor, slug string, post PostID, id CommentID, reason string) error {
	c, st, err := s.CommentByID(ctx, a, slug, post, id)
	if err != nil {
		return err
	}
	own := c.Author == a.ID()
	if !own && !st.CanModerate() {
		return ErrForbidden
	}
	if reason, err = validReason(reason); err != nil {
		return err
	}
	if err := s.setCommentState(ctx, c, Deleted); err != nil {
		return err
	}
	if err := s.resolveReports(ctx, st.Group.ID, commentTarget(id)); err != nil {
		return err
	}
	if !own {
		s.record(ctx, a, st.Group.ID, AuditDelete, "comment", string(id), c.AuthorName, reason)
	}
	return nil
}

// setCommentState moves a comment between states, keeping the post's
// count of published comments in step.
func (s *Service) setCommentState(ctx context.Context, c Comment, to ContentState) error {
	res, err := s.comments.UpdateOne(ctx, bson.M{"_id": c.ID, "state": c.State}, bson.M{"$set": bson.M{"state": to}})
	if err != nil {
		return wrap(err, "update comment")
	}
	if res.ModifiedCount == 0 {
		return ErrConflict
	}
	switch {
	case c.State == Published && to != Published:
		return s.countComments(ctx, c.Group, c.Post, -1)
	case c.State != Published && to == Published:
		return s.countComments(ctx, c.Group, c.Post, 1)
	}
	return nil
}
