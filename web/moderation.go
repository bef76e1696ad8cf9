package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

func (s *server) reportPost(c *fiber.Ctx) error { return s.report(c, "") }

func (s *server) reportComment(c *fiber.Ctx) error {
	return s.report(c, community.CommentID(c.Params("comment")))
}

// report files a member's report and says so; a refused report (a second
// one, one's own post) says why, and changes nothing.
func (s *server) report(c *fiber.Ctx, comment community.CommentID) error {
	err := s.community.ReportContent(c.UserContext(), actor(c), c.Params("slug"), community.ReportInput{
		Post: community.PostID(c.Params("post")), Comment: comment, Reason: c.FormValue("reason"), Note: c.FormValue("note")})
	var invalid community.ValidationError
	if errors.As(err, &invalid) {
		return s.redirectWithFlash(c, postURL(c), "error", invalid.First())
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, postURL(c), "ok", "flash.reported")
}

func (s *server) showModeration(c *fiber.Ctx) error {
	st, q, err := s.community.ModerationQueue(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ModerationPage(views.Moderation{Chrome: s.chrome(c), Standing: &st, Queue: q}))
}

func (s *server) showSiteModeration(c *fiber.Ctx) error {
	q, err := s.community.SiteQueue(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ModerationPage(views.Moderation{Chrome: s.chrome(c), Queue: q}))
}

func (s *server) showAudit(c *fiber.Ctx) error {
	f := auditFilter(c)
	st, page, err := s.community.GroupAudit(c.UserContext(), actor(c), c.Params("slug"), f)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AuditPage(views.Audit{Chrome: s.chrome(c), Standing: &st, Page: page, Filter: f}))
}

func (s *server) showSiteAudit(c *fiber.Ctx) error {
	f := auditFilter(c)
	page, err := s.community.SiteAudit(c.UserContext(), actor(c), f)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AuditPage(views.Audit{Chrome: s.chrome(c), Page: page, Filter: f}))
}

func auditFilter(c *fiber.Ctx) community.AuditFilter {
	return community.AuditFilter{Action: c.Query("action"), Actor: c.Query("actor"), Before: c.Query("before")}
}

// moderatePost applies a moderator's action; "remove" deletes the post.
func (s *server) moderatePost(c *fiber.Ctx) error {
	slug, id, action := c.Params("slug"), community.PostID(c.Params("post")), c.FormValue("action")
	var err error
	if action == "remove" {
		err = s.community.DeletePost(c.UserContext(), actor(c), slug, id, c.FormValue("reason"))
	} else {
		err = s.community.ModeratePost(c.UserContext(), actor(c), slug, id, community.ModAction(action), c.FormValue("reason"))
	}
	return s.afterModeration(c, err, "flash.moderated."+action)
}

func (s *server) moderateComment(c *fiber.Ctx) error {
	slug, post, id, action := c.Params("slug"), community.PostID(c.Params("post")), community.CommentID(c.Params("comment")), c.FormValue("action")
	var err error
	if action == "remove" {
		err = s.community.DeleteComment(c.UserContext(), actor(c), slug, community.OnPost(post), id, c.FormValue("reason"))
	} else {
		err = s.community.ModerateComment(c.UserContext(), actor(c), slug, post, id, community.ModAction(action), c.FormValue("reason"))
	}
	return s.afterModeration(c, err, "flash.moderated."+action)
}

func (s *server) moderateMember(c *fiber.Ctx) error {
	err := s.community.ModerateMember(c.UserContext(), actor(c), c.Params("slug"), auth.AccountID(c.Params("account")),
		community.ModAction(c.FormValue("action")), c.FormValue("duration"), c.FormValue("reason"))
	return s.afterModeration(c, err, "flash.moderated."+c.FormValue("action"))
}

// dismissReports closes the reports on a target "post:<id>" or
// "comment:<post>:<id>" without acting on it.
func (s *server) dismissReports(c *fiber.Ctx) error {
	kind, rest, _ := strings.Cut(c.Params("target"), ":")
	post, comment, _ := strings.Cut(rest, ":")
	if kind != "post" && kind != "comment" || (kind == "comment") != (comment != "") {
		return fiber.ErrNotFound
	}
	err := s.community.DismissReports(c.UserContext(), actor(c), c.Params("slug"), community.PostID(post),
		community.CommentID(comment), c.FormValue("reason"))
	return s.afterModeration(c, err, "flash.moderated.dismiss")
}

// afterModeration returns the moderator to the page they acted from, with
// a flash saying what happened or, for a refused action, why.
func (s *server) afterModeration(c *fiber.Ctx, err error, okKey string) error {
	back := backTo(c, "/groups/"+c.Params("slug")+"/moderation")
	var invalid community.ValidationError
	switch {
	case errors.As(err, &invalid):
		return s.redirectWithFlash(c, back, "error", invalid.First())
	case errors.Is(err, community.ErrConflict):
		return s.redirectWithFlash(c, back, "error", "error.conflict")
	case err != nil:
		return err
	}
	return s.redirectWithFlash(c, back, "ok", okKey)
}
