package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

// showGroup is a group's page: its feed for readers, a way in for others.
func (s *server) showGroup(c *fiber.Ctx) error {
	st, page, err := s.community.Feed(c.UserContext(), actor(c), c.Params("slug"), c.Query("before"))
	if err != nil {
		return err
	}
	return s.renderFeed(c, fiber.StatusOK, st, page, "", nil)
}

// renderFeed shows a group's page with the composer as typed: the feed,
// its authors' badges, and for a tier group the tier's name, for
// those who may not read it.
func (s *server) renderFeed(c *fiber.Ctx, status int, st community.Standing, page community.FeedPage, draft string, errs map[string]string) error {
	ctx := c.UserContext()
	var authors []auth.AccountID
	for _, posts := range [][]community.Post{page.Pinned, page.Posts} {
		for _, p := range posts {
			authors = append(authors, p.Author)
		}
	}
	badges, err := s.nameBadges(ctx, st, authors)
	if err != nil {
		return err
	}
	tier, err := s.tierName(ctx, st.Group)
	if err != nil {
		return err
	}
	return render(c, status, views.GroupFeedPage(views.GroupFeed{Chrome: s.chrome(c), Standing: st, Page: page, Badges: badges,
		TierName: tier, Draft: draft, Errors: errs}))
}

func (s *server) createPost(c *fiber.Ctx) error {
	slug, body := c.Params("slug"), c.FormValue("body")
	p, err := s.community.CreatePost(c.UserContext(), actor(c), slug, body)
	if status, errs, ok := keepTyped(err); ok {
		st, page, ferr := s.community.Feed(c.UserContext(), actor(c), slug, "")
		if ferr != nil {
			return ferr
		}
		return s.renderFeed(c, status, st, page, body, errs)
	}
	if err != nil {
		return err
	}
	if p.State == community.Held {
		return s.redirectWithFlash(c, "/groups/"+slug, "ok", "flash.post_held")
	}
	return s.redirectWithFlash(c, "/groups/"+slug+"#post-"+string(p.ID), "ok", "flash.post_published")
}

func (s *server) showPost(c *fiber.Ctx) error {
	return s.renderThread(c, fiber.StatusOK, "", c.Query("reply_to"), nil)
}

// renderThread shows a post's page, with the comment form as typed.
func (s *server) renderThread(c *fiber.Ctx, status int, draft, replyTo string, errs map[string]string) error {
	th, st, err := s.community.ThreadOf(c.UserContext(), actor(c), c.Params("slug"), community.PostID(c.Params("post")), c.Query("after"))
	if err != nil {
		return err
	}
	badges, err := s.nameBadges(c.UserContext(), st, append(commentAuthors(th.Comments), th.Post.Author))
	if err != nil {
		return err
	}
	return render(c, status, views.PostPage(views.PostThread{Chrome: s.chrome(c), Standing: st, Thread: th, Badges: badges,
		Draft: draft, ReplyTo: replyTo, Errors: errs}))
}

func (s *server) showEditPost(c *fiber.Ctx) error {
	p, st, err := s.community.PostByID(c.UserContext(), actor(c), c.Params("slug"), community.PostID(c.Params("post")))
	if err != nil {
		return err
	}
	if p.Author != actor(c).ID() {
		return community.ErrForbidden
	}
	return s.renderEdit(c, fiber.StatusOK, st, postURL(c), p.Body, nil)
}

func (s *server) updatePost(c *fiber.Ctx) error {
	body := c.FormValue("body")
	p, err := s.community.EditPost(c.UserContext(), actor(c), c.Params("slug"), community.PostID(c.Params("post")), body)
	var invalid community.ValidationError
	if errors.As(err, &invalid) {
		st, serr := s.community.GroupBySlug(c.UserContext(), actor(c), c.Params("slug"))
		if serr != nil {
			return serr
		}
		return s.renderEdit(c, fiber.StatusUnprocessableEntity, st, postURL(c), body, invalid)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, postURL(c)+"#post-"+string(p.ID), "ok", "flash.saved")
}

// renderEdit shows the edit form of the post or comment at path.
func (s *server) renderEdit(c *fiber.Ctx, status int, st community.Standing, path, body string, errs map[string]string) error {
	return render(c, status, views.EditTextPage(views.EditText{Chrome: s.chrome(c), Standing: st, Action: path + "/edit",
		Back: postURL(c), Body: body, Errors: errs}))
}

func (s *server) deletePost(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if err := s.community.DeletePost(c.UserContext(), actor(c), slug, community.PostID(c.Params("post")), c.FormValue("reason")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+slug, "ok", "flash.deleted")
}

func (s *server) reactPost(c *fiber.Ctx) error {
	err := s.community.ReactToPost(c.UserContext(), actor(c), c.Params("slug"), community.PostID(c.Params("post")),
		community.Reaction(c.FormValue("reaction")))
	return s.afterReaction(c, err)
}

func (s *server) reactComment(c *fiber.Ctx) error {
	err := s.community.ReactToComment(c.UserContext(), actor(c), c.Params("slug"), parentOf(c),
		community.CommentID(c.Params("comment")), community.Reaction(c.FormValue("reaction")))
	return s.afterReaction(c, err)
}

// afterReaction sends the browser back where the button was; an unknown
// reaction is a bad request.
func (s *server) afterReaction(c *fiber.Ctx, err error) error {
	if errors.As(err, new(community.ValidationError)) {
		return fiber.NewError(fiber.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	return c.Redirect(backTo(c, parentURL(c)), fiber.StatusSeeOther)
}

func (s *server) createComment(c *fiber.Ctx) error {
	body, replyTo := c.FormValue("body"), c.FormValue("reply_to")
	cm, err := s.community.CreateComment(c.UserContext(), actor(c), c.Params("slug"), parentOf(c),
		body, community.CommentID(replyTo))
	if status, errs, ok := keepTyped(err); ok {
		if c.Params("idea") != "" {
			return s.renderIdea(c, status, ideaDrafts{Comment: body, ReplyTo: replyTo, Errors: errs})
		}
		return s.renderThread(c, status, body, replyTo, errs)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, parentURL(c)+"#comment-"+string(cm.ID), "ok", "flash.comment_published")
}

func (s *server) showEditComment(c *fiber.Ctx) error {
	cm, st, err := s.community.CommentByID(c.UserContext(), actor(c), c.Params("slug"), parentOf(c),
		community.CommentID(c.Params("comment")))
	if err != nil {
		return err
	}
	if cm.Author != actor(c).ID() {
		return community.ErrForbidden
	}
	return s.renderEdit(c, fiber.StatusOK, st, parentURL(c)+"/comments/"+string(cm.ID), cm.Body, nil)
}

func (s *server) updateComment(c *fiber.Ctx) error {
	body := c.FormValue("body")
	id := community.CommentID(c.Params("comment"))
	_, err := s.community.EditComment(c.UserContext(), actor(c), c.Params("slug"), parentOf(c), id, body)
	var invalid community.ValidationError
	if errors.As(err, &invalid) {
		st, serr := s.community.GroupBySlug(c.UserContext(), actor(c), c.Params("slug"))
		if serr != nil {
			return serr
		}
		return s.renderEdit(c, fiber.StatusUnprocessableEntity, st, parentURL(c)+"/comments/"+string(id), body, invalid)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, parentURL(c)+"#comment-"+string(id), "ok", "flash.saved")
}

func (s *server) deleteComment(c *fiber.Ctx) error {
	if err := s.community.DeleteComment(c.UserContext(), actor(c), c.Params("slug"), parentOf(c),
		community.CommentID(c.Params("comment")), c.FormValue("reason")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, parentURL(c)+"#comments", "ok", "flash.deleted")
}

// commentAuthors are the authors of the comments, for their badges.
func commentAuthors(cs []community.Comment) []auth.AccountID {
	ids := make([]auth.AccountID, 0, len(cs)+1)
	for _, cm := range cs {
		ids = append(ids, cm.Author)
	}
	return ids
}

// keepTyped says whether a refused post or comment goes back to its page
// with what was typed: bad input (422), the posting limit (429) and a
// mute (403) do.
func keepTyped(err error) (int, map[string]string, bool) {
	var invalid community.ValidationError
	switch {
	case errors.As(err, &invalid):
		return fiber.StatusUnprocessableEntity, invalid, true
	case errors.Is(err, community.ErrRateLimited):
		return fiber.StatusTooManyRequests, map[string]string{"form": "post.error.rate_limited"}, true
	case errors.Is(err, community.ErrMuted):
		return fiber.StatusForbidden, map[string]string{"form": "group.error.muted"}, true
	}
	return 0, nil, false
}

// postURL is the page of the post the request is about.
func postURL(c *fiber.Ctx) string {
	return "/groups/" + c.Params("slug") + "/posts/" + c.Params("post")
}

// parentOf is what a comment route hangs on: an idea or a post. Comments
// on both are served by the same handlers.
func parentOf(c *fiber.Ctx) community.Parent {
	if id := c.Params("idea"); id != "" {
		return community.OnIdea(community.IdeaID(id))
	}
	return community.OnPost(community.PostID(c.Params("post")))
}

// parentURL is the page of the idea or post a comment route hangs on.
func parentURL(c *fiber.Ctx) string {
	if c.Params("idea") != "" {
		return ideaURL(c)
	}
	return postURL(c)
}

// backTo is the page a form came from, from its "return" field when that
// is a group's page or the site's queue, else fallback: never another site.
func backTo(c *fiber.Ctx, fallback string) string {
	to := c.FormValue("return")
	if !isReturnPath(to) || !(strings.HasPrefix(to, "/groups/") || to == "/moderation") {
		return fallback
	}
	return to
}
