package community

import (
	"context"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/activity"
)

// CommentID identifies a comment.
type CommentID string

// Comment is a reply on a post or an idea. Comments are flat; a reply to
// another comment carries a short quote of it.
type Comment struct {
	ID           CommentID
	Post         PostID // the post it is on, or ""
	Idea         IdeaID // the idea it is on, or ""
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
	Mentions     []auth.AccountID // the members it mentions, so a rename reaches the text
	CreatedAt    time.Time
	EditedAt     time.Time
}

// Edited reports whether the author changed the comment after writing it.
func (c Comment) Edited() bool { return !c.EditedAt.IsZero() }

// On is what the comment hangs on.
func (c Comment) On() Parent { return Parent{Post: c.Post, Idea: c.Idea} }

// Parent is what comments hang on: a post or an idea. Both take comments
// by the same rules.
type Parent struct {
	Post PostID
	Idea IdeaID
}

// OnPost is the parent for comments on a post.
func OnPost(id PostID) Parent { return Parent{Post: id} }

// OnIdea is the parent for comments on an idea.
func OnIdea(id IdeaID) Parent { return Parent{Idea: id} }

// filter matches the comments on the parent.
func (p Parent) filter() bson.M {
	if p.Idea != "" {
		return bson.M{"idea": p.Idea}
	}
	return bson.M{"post": p.Post}
}

// thread is what a comment needs to know of its parent.
type thread struct {
	on     Parent
	author auth.AccountID
	title  string
	closed error // why it takes no comments, or nil
	locked bool
}

// threadOf loads the parent the actor may read, with their standing.
func (s *Service) threadOf(ctx context.Context, a Actor, slug string, on Parent) (thread, Standing, error) {
	if on.Idea != "" {
		i, st, err := s.IdeaByID(ctx, a, slug, on.Idea)
		th := thread{on: on, author: i.Author, title: i.Title}
		if !i.Open() {
			th.closed = ErrIdeaClosed
		}
		return th, st, err
	}
	p, st, err := s.PostByID(ctx, a, slug, on.Post)
	th := thread{on: on, author: p.Author, locked: p.Locked}
	if p.State != Published {
		th.closed = ErrForbidden
	}
	return th, st, err
}

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
	th := Thread{Post: p}
	var extra []string
	if reacted(p.Reactions) {
		extra = append(extra, postTarget(p.ID))
	}
	th.Comments, th.Mine, th.Next, err = s.commentPage(ctx, st, OnPost(id), after, extra...)
	return th, st, err
}

// commentPage returns a page of the comments on a parent after the
// cursor, oldest first, with the reactions the reader gave to them and to
// the extra targets, by target id, and the cursor to the next page.
func (s *Service) commentPage(ctx context.Context, st Standing, on Parent, after string, extra ...string) ([]Comment, map[string]map[Reaction]bool, string, error) {
	var from *postCursor
	if after != "" {
		at, id, ok := parseCursor(after)
		if !ok {
			return nil, nil, "", ErrNotFound
		}
		from = &postCursor{at: at, id: id}
	}
	docs, err := s.threadComments(ctx, st, on, from)
	if err != nil {
		return nil, nil, "", err
	}
	docs, next := cutPage(docs, CommentPageSize, func(d commentDoc) string { return cursor(d.CreatedAt, string(d.ID)) })
	var cs []Comment
	targets := extra
	for _, d := range docs {
		cs = append(cs, d.comment())
		if reacted(d.Reactions) {
			targets = append(targets, commentTarget(d.ID))
		}
	}
	if err := s.hideGoneQuotes(ctx, st, cs); err != nil {
		return cs, nil, next, err
	}
	mine, err := s.reactionsOf(ctx, st.Actor, targets)
	byID := map[string]map[Reaction]bool{}
	for t, rs := range mine {
		_, id, _ := strings.Cut(t, ":")
		byID[id] = rs
	}
	return cs, byID, next, err
}

// threadComments returns the comments on a parent the reader sees, oldest
// first and newer than the cursor, one more than a page holds: found in
// the thread's order in memory and looked up by id, or by a query.
func (s *Service) threadComments(ctx context.Context, st Standing, on Parent, from *postCursor) ([]commentDoc, error) {
	sort := bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}
	filter := on.filter()
	if s.threadIdx == nil {
		st.visibleStates(filter)
		if from != nil {
			filter["$or"] = bson.A{bson.M{"createdAt": bson.M{"$gt": from.at}}, bson.M{"createdAt": from.at, "_id": bson.M{"$gt": from.id}}}
		}
	} else {
		o, err := s.threadIdx.order(ctx, on.key())
		if err != nil {
			return nil, err
		}
		ids := o.list(from, false, func(r contentRow) bool { return st.mayView(r.State, r.Author) }, CommentPageSize+1)
		if len(ids) == 0 {
			return nil, nil
		}
		filter = bson.M{"_id": bson.M{"$in": ids}}
	}
	var docs []commentDoc
	err := s.findAll(ctx, s.comments, filter, sort, CommentPageSize+1, &docs, "list comments")
	// The comments as stored decide what the reader sees, whatever the
	// order in memory said.
	return slices.DeleteFunc(docs, func(d commentDoc) bool { return !st.mayView(d.State, d.Author) }), err
}

// CreateComment adds a comment to a published, unlocked post or an open
// idea. replyTo, if set, is a comment on the same parent that this one
// answers and quotes. On a post, the post's author and the replied-to
// comment's author are told; on an idea, its followers are.
func (s *Service) CreateComment(ctx context.Context, a Actor, slug string, on Parent, body string, replyTo CommentID) (Comment, error) {
	p, st, err := s.threadOf(ctx, a, slug, on)
	if err != nil {
		return Comment{}, err
	}
	if err := st.requirePost(); err != nil {
		return Comment{}, err
	}
	switch {
	case p.closed != nil:
		return Comment{}, p.closed
	case p.locked && !st.CanModerate():
		return Comment{}, ErrLocked
	}
	if body, err = validBody(body); err != nil {
		return Comment{}, err
	}
	mentions, err := s.resolveMentions(ctx, st.Group.ID, body)
	if err != nil {
		return Comment{}, err
	}
	c := Comment{ID: CommentID(newID()), Post: on.Post, Idea: on.Idea, Group: st.Group.ID, Author: a.ID(), AuthorName: a.Account.Name,
		AuthorAvatar: a.Account.AvatarURL, Body: body, HTML: highlightMentions(RenderMarkdown(body), mentions), State: Published,
		Reactions: map[Reaction]int{}, Mentions: ids(mentions), CreatedAt: s.now()}
	var parent Comment
	if replyTo != "" {
		if !validID(string(replyTo)) {
			return Comment{}, ValidationError{"reply_to": "comment.error.reply_to"}
		}
		if parent, err = s.findComment(ctx, replyTo); err != nil || parent.On() != on || parent.State != Published {
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
	defer s.engaged(ctx, a.ID(), activity.Comment)
	defer s.earn(ctx, a.ID(), commentDeed(c.ID))
	if err := s.countComments(ctx, st.Group.ID, on, 1); err != nil {
		return c, err
	}
	if on.Idea != "" {
		s.announce(ctx, a, st.Group, Idea{ID: on.Idea, Title: p.title}, NoticeIdeaComment, nil)
		return c, nil
	}
	id := on.Post
	told := []auth.AccountID{}
	for _, to := range []auth.AccountID{p.author, parent.Author} {
		if to != "" && to != a.ID() && !slices.Contains(told, to) {
			s.notify(ctx, Notice{Account: to, Kind: NoticeReply, ActorName: a.Account.Name, Actor: a.ID(), GroupSlug: st.Group.Slug,
				GroupName: st.Group.Name, Post: id})
			told = append(told, to)
		}
	}
	s.notifyMentions(ctx, st, id, mentions, told)
	return c, nil
}

// hideGoneQuotes blanks the quotes replies carry of comments the viewer
// may no longer see (hidden or deleted since), with one query for the
// page, so moderated text does not live on in a quote; and names the
// authors replied to as those comments name them now, after a rename or
// a deletion.
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
	quoted := map[CommentID]commentDoc{}
	for _, d := range docs {
		quoted[d.ID] = d
	}
	for i, c := range cs {
		if c.ReplyTo == "" {
			continue
		}
		d, ok := quoted[c.ReplyTo]
		if !ok || !st.mayView(d.State, d.Author) {
			cs[i].ReplyToQuote = ""
		}
		if ok {
			cs[i].ReplyToName = d.AuthorName
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

// countComments moves a post's or idea's count of published comments,
// which the feed or the board shows.
func (s *Service) countComments(ctx context.Context, g GroupID, on Parent, delta int) error {
	if on.Idea != "" {
		if _, err := s.ideas.UpdateOne(ctx, bson.M{"_id": on.Idea},
			bson.M{"$inc": bson.M{"comments": delta}, "$set": bson.M{"updatedAt": s.now()}}); err != nil {
			return s.ideasLost(wrap(err, "count comments"))
		}
		return s.boardChanged(ctx, g, on.Idea)
	}
	if _, err := s.posts.UpdateOne(ctx, bson.M{"_id": on.Post}, bson.M{"$inc": bson.M{"comments": delta}}); err != nil {
		return wrap(err, "count comments")
	}
	return s.feedChanged(ctx, g)
}

// CommentByID returns a comment on the parent that the actor may see.
func (s *Service) CommentByID(ctx context.Context, a Actor, slug string, on Parent, id CommentID) (Comment, Standing, error) {
	_, st, err := s.threadOf(ctx, a, slug, on)
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
	if c.On() != on || !st.mayView(c.State, c.Author) {
		return Comment{}, st, ErrNotFound
	}
	return c, st, nil
}

// EditComment replaces the body of the actor's own comment.
func (s *Service) EditComment(ctx context.Context, a Actor, slug string, on Parent, id CommentID, body string) (Comment, error) {
	c, st, err := s.CommentByID(ctx, a, slug, on, id)
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
	c.Body, c.HTML, c.EditedAt, c.Mentions = body, highlightMentions(RenderMarkdown(body), mentions), s.now(), ids(mentions)
	_, err = s.comments.UpdateOne(ctx, bson.M{"_id": id, "state": bson.M{"$ne": Deleted}},
		bson.M{"$set": bson.M{"body": c.Body, "html": c.HTML, "editedAt": c.EditedAt, "mentions": c.Mentions}})
	return c, wrap(err, "edit comment")
}

// DeleteComment deletes a comment: its author may, and moderators may,
// audited with the reason when it is someone else's.
func (s *Service) DeleteComment(ctx context.Context, a Actor, slug string, on Parent, id CommentID, reason string) error {
	c, st, err := s.CommentByID(ctx, a, slug, on, id)
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
	if err := s.commentWritten(ctx, c, wrap(err, "update comment")); err != nil {
		return err
	}
	if res.ModifiedCount == 0 {
		return ErrConflict
	}
	switch {
	case c.State == Published && to != Published:
		defer s.unearn(ctx, c.Author, commentDeed(c.ID))
		return s.countComments(ctx, c.Group, c.On(), -1)
	case c.State != Published && to == Published:
		defer s.reearn(ctx, c.Author, commentDeed(c.ID)) // restored by a moderator
		return s.countComments(ctx, c.Group, c.On(), 1)
	}
	return nil
}
