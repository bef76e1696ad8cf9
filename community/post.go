package community

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/activity"
)

// PostID identifies a post.
type PostID string

// ContentState is where a post or comment stands with moderation.
type ContentState string

const (
	Published ContentState = "published"
	// Held waits for a moderator's approval (a new member's first posts).
	Held ContentState = "held"
	// Hidden was hidden by a moderator; only moderators (and the author,
	// marked) still see it.
	Hidden  ContentState = "hidden"
	Deleted ContentState = "deleted"
)

// Post is one entry in a group's feed.
type Post struct {
	ID    PostID
	Group GroupID
	// Author, AuthorName and AuthorAvatar are carried on the post, so a
	// feed page needs no query per author.
	Author       auth.AccountID
	AuthorName   string
	AuthorAvatar string
	Body         string // Markdown as written
	HTML         string // Body rendered and sanitised
	State        ContentState
	Pinned       bool
	Locked       bool // no more comments
	Comments     int  // published comments
	Reactions    map[Reaction]int
	Reports      int // open reports
	Mentions     []auth.AccountID
	CreatedAt    time.Time
	EditedAt     time.Time // zero if never edited
}

// Edited reports whether the author changed the post after writing it.
func (p Post) Edited() bool { return !p.EditedAt.IsZero() }

// maxBody bounds a post or comment: generous for a long story, far below
// what would slow a page.
const maxBody = 10000

// validBody trims a post or comment body and checks its length.
func validBody(body string) (string, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return body, ValidationError{"body": "post.error.body_required"}
	case n > maxBody:
		return body, ValidationError{"body": "post.error.body_long"}
	}
	return body, nil
}

// FeedPage is one page of a group's feed.
type FeedPage struct {
	Pinned []Post // on the first page only
	Posts  []Post
	// Mine holds the reactions the viewer gave, by post.
	Mine map[PostID]map[Reaction]bool
	// Next is the cursor for older posts, "" on the last page.
	Next string
}

// FeedPageSize is how many posts a feed page holds.
const FeedPageSize = 20

// CreatePost writes a post to the group's feed. A new member's first
// posts are held for a moderator when the group asks for it.
func (s *Service) CreatePost(ctx context.Context, a Actor, slug, body string) (Post, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requirePost)
	if err != nil {
		return Post{}, err
	}
	if body, err = validBody(body); err != nil {
		return Post{}, err
	}
	if err := s.allowWrite(ctx, a); err != nil {
		return Post{}, err
	}
	mentions, err := s.resolveMentions(ctx, st.Group.ID, body)
	if err != nil {
		return Post{}, err
	}
	state := Published
	if st.Member.Published < st.Group.HoldFirstPosts && !st.CanModerate() {
		state = Held
	}
	p := Post{ID: PostID(newID()), Group: st.Group.ID, Author: a.ID(), AuthorName: a.Account.Name,
		AuthorAvatar: a.Account.AvatarURL, Body: body, HTML: highlightMentions(RenderMarkdown(body), mentions), State: state,
		Reactions: map[Reaction]int{}, Mentions: ids(mentions), CreatedAt: s.now()}
	if err := s.postWritten(ctx, p, s.insertPost(ctx, p)); err != nil {
		return Post{}, err
	}
	defer s.engaged(ctx, a.ID(), activity.Post) // held for a moderator or not, the member wrote it
	if err := s.countPostState(ctx, p, "", state); err != nil {
		return p, err
	}
	if state == Published {
		s.postPublished(ctx, p, st.Member.Published == 0)
		s.notifyMentions(ctx, st, p.ID, mentions, nil)
	}
	return p, nil
}

// PostByID returns a post of the group at slug that the actor may read,
// with their standing. Hidden and held posts are for moderators and the
// author; deleted posts are gone for everyone.
func (s *Service) PostByID(ctx context.Context, a Actor, slug string, id PostID) (Post, Standing, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return Post{}, Standing{}, err
	}
	if !validID(string(id)) {
		return Post{}, Standing{}, ErrNotFound
	}
	p, err := s.findPost(ctx, id)
	if err != nil {
		return Post{}, Standing{}, err
	}
	if p.Group != st.Group.ID || !st.mayView(p.State, p.Author) {
		return Post{}, Standing{}, ErrNotFound
	}
	return p, st, nil
}

// mayView reports whether the actor sees content in state by author.
func (st Standing) mayView(state ContentState, author auth.AccountID) bool {
	switch state {
	case Published:
		return true
	case Held, Hidden:
		return st.CanModerate() || (author == st.Actor.ID() && st.Actor.SignedIn())
	}
	return false
}

// allowWrite applies the per-account posting limits.
func (s *Service) allowWrite(ctx context.Context, a Actor) error {
	return s.allow(ctx, a, ErrRateLimited, limit{"post-min:", s.limits.PostsPerMinute}, limit{"post-day:", s.limits.PostsPerDay})
}

// EditPost replaces the body of the actor's own post and marks it edited.
func (s *Service) EditPost(ctx context.Context, a Actor, slug string, id PostID, body string) (Post, error) {
	p, st, err := s.PostByID(ctx, a, slug, id)
	if err != nil {
		return Post{}, err
	}
	if err := st.requirePost(); err != nil {
		return p, err
	}
	if p.Author != a.ID() {
		return p, ErrForbidden
	}
	if body, err = validBody(body); err != nil {
		return p, err
	}
	mentions, err := s.resolveMentions(ctx, st.Group.ID, body)
	if err != nil {
		return p, err
	}
	p.Body, p.HTML, p.EditedAt = body, highlightMentions(RenderMarkdown(body), mentions), s.now()
	_, err = s.posts.UpdateOne(ctx, bson.M{"_id": id, "state": bson.M{"$ne": Deleted}},
		bson.M{"$set": bson.M{"body": p.Body, "html": p.HTML, "editedAt": p.EditedAt, "mentions": ids(mentions)}})
	if err != nil {
		return p, wrap(err, "edit post")
	}
	if err := s.feedChanged(ctx, st.Group.ID); err != nil {
		return p, err
	}
	if p.State == Published { // a held post tells its mentions when approved
		s.notifyMentions(ctx, st, p.ID, mentions, p.Mentions)
	}
	return p, nil
}

// DeletePost deletes a post: its author may, and so may moderators, whose
// deleting of another's post is audited with the reason.
func (s *Service) DeletePost(ctx context.Context, a Actor, slug string, id PostID, reason string) error {
	p, st, err := s.PostByID(ctx, a, slug, id)
	if err != nil {
		return err
	}
	own := p.Author == a.ID()
	if !own && !st.CanModerate() {
		return ErrForbidden
	}
	if reason, err = validReason(reason); err != nil {
		return err
	}
	if own && !st.CanModerate() {
		if err := st.requirePost(); err != nil {
			return err
		}
	}
	if err := s.setPostState(ctx, p, Deleted); err != nil {
		return err
	}
	if err := s.resolveReports(ctx, st.Group.ID, postTarget(id)); err != nil {
		return err
	}
	if !own {
		s.record(ctx, a, st.Group.ID, AuditDelete, "post", string(id), p.AuthorName, reason)
	}
	return nil
}

// setPostState moves a post from the state it was read in to another,
// keeping the counters that follow its state in step. A post that
// changed meanwhile is left alone (ErrConflict).
func (s *Service) setPostState(ctx context.Context, p Post, to ContentState) error {
	res, err := s.posts.UpdateOne(ctx, bson.M{"_id": p.ID, "state": p.State}, bson.M{"$set": bson.M{"state": to}})
	if err := s.postWritten(ctx, p, wrap(err, "update post")); err != nil {
		return err
	}
	if res.ModifiedCount == 0 {
		return ErrConflict
	}
	switch {
	case p.State == Held && to == Published:
		defer s.postPublished(ctx, p, false)
	case p.State == Hidden && to == Published:
		defer s.postRestored(ctx, p)
	case p.State == Published && to != Published:
		defer s.postWithdrawn(ctx, p)
	}
	return s.countPostState(ctx, p, p.State, to)
}
