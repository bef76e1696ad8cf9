package web

import (
	"errors"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"fanclub/community"
	"fanclub/views"
)

func ideaURL(c *fiber.Ctx) string {
	return "/groups/" + c.Params("slug") + "/ideas/" + c.Params("idea")
}

func boardURL(c *fiber.Ctx) string { return "/groups/" + c.Params("slug") + "/ideas" }

func (s *server) showBoard(c *fiber.Ctx) error {
	q := community.BoardQuery{Sort: c.Query("sort"), Status: c.Query("status"), Tag: c.Query("tag"),
		Mine: c.Query("mine") == "1", Voted: c.Query("voted") == "1", After: c.Query("after")}
	st, page, err := s.community.Board(c.UserContext(), actor(c), c.Params("slug"), q)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.IdeaBoardPage(views.IdeaBoard{Chrome: s.chrome(c), Standing: st, Page: page}))
}

func (s *server) showNewIdea(c *fiber.Ctx) error {
	st, err := s.community.IdeaComposer(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.IdeaFormPage(views.IdeaForm{Chrome: s.chrome(c), Standing: st, Action: boardURL(c)}))
}

// ideaInput reads the idea form; tags may repeat.
func ideaInput(c *fiber.Ctx) community.IdeaInput {
	in := community.IdeaInput{Title: c.FormValue("title"), Body: c.FormValue("body")}
	for _, t := range c.Request().PostArgs().PeekMulti("tags") {
		in.Tags = append(in.Tags, string(t))
	}
	return in
}

// createIdea first offers similar ideas to vote for instead; the form
// sent again with confirm=1 creates the idea anyway.
func (s *server) createIdea(c *fiber.Ctx) error {
	ctx, in, slug := c.UserContext(), ideaInput(c), c.Params("slug")
	if c.FormValue("confirm") != "1" {
		similar, err := s.community.SimilarIdeas(ctx, actor(c), slug, in.Title)
		if err != nil {
			return err
		}
		if len(similar) > 0 {
			return s.renderIdeaForm(c, fiber.StatusOK, boardURL(c), in, similar, nil)
		}
	}
	i, err := s.community.CreateIdea(ctx, actor(c), slug, in)
	if status, errs, ok := keepTyped(err); ok {
		return s.renderIdeaForm(c, status, boardURL(c), in, nil, errs)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, boardURL(c)+"/"+string(i.ID), "ok", "flash.idea_created")
}

func (s *server) renderIdeaForm(c *fiber.Ctx, status int, action string, in community.IdeaInput, similar []community.Idea, errs map[string]string) error {
	st, err := s.community.IdeaComposer(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return render(c, status, views.IdeaFormPage(views.IdeaForm{Chrome: s.chrome(c), Standing: st, Action: action,
		Input: in, Similar: similar, Errors: errs}))
}

func (s *server) showIdea(c *fiber.Ctx) error {
	return s.renderIdea(c, fiber.StatusOK, ideaDrafts{ReplyTo: c.Query("reply_to")})
}

// ideaDrafts is what the idea page keeps of a refused form.
type ideaDrafts struct {
	Comment, ReplyTo string
	Answer           community.Answer
	MergeTo          string
	Errors           map[string]string
}

func (s *server) renderIdea(c *fiber.Ctx, status int, d ideaDrafts) error {
	v, st, err := s.community.IdeaPage(c.UserContext(), actor(c), c.Params("slug"), community.IdeaID(c.Params("idea")), c.Query("after"))
	if err != nil {
		return err
	}
	badges, err := s.nameBadges(c.UserContext(), st, append(commentAuthors(v.Comments), v.Idea.Author, v.Idea.Response.By))
	if err != nil {
		return err
	}
	return render(c, status, views.IdeaPage(views.IdeaShow{Chrome: s.chrome(c), Standing: st, View: v, Badges: badges, Comment: d.Comment,
		ReplyTo: d.ReplyTo, Answer: d.Answer, MergeTo: d.MergeTo, Errors: d.Errors}))
}

func (s *server) showEditIdea(c *fiber.Ctx) error {
	i, st, err := s.community.IdeaByID(c.UserContext(), actor(c), c.Params("slug"), community.IdeaID(c.Params("idea")))
	if err != nil {
		return err
	}
	if i.Author != actor(c).ID() && !st.CanModerate() {
		return community.ErrForbidden
	}
	in := community.IdeaInput{Title: i.Title, Body: i.Body, Tags: i.Tags}
	return s.renderIdeaForm(c, fiber.StatusOK, ideaURL(c)+"/edit", in, nil, nil)
}

func (s *server) updateIdea(c *fiber.Ctx) error {
	in := ideaInput(c)
	_, err := s.community.EditIdea(c.UserContext(), actor(c), c.Params("slug"), community.IdeaID(c.Params("idea")), in)
	if status, errs, ok := keepTyped(err); ok {
		return s.renderIdeaForm(c, status, ideaURL(c)+"/edit", in, nil, errs)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, ideaURL(c), "ok", "flash.saved")
}

func (s *server) deleteIdea(c *fiber.Ctx) error {
	if err := s.community.DeleteIdea(c.UserContext(), actor(c), c.Params("slug"), community.IdeaID(c.Params("idea")),
		c.FormValue("reason")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, boardURL(c), "ok", "flash.deleted")
}

// voteIdea answers /assets/ideas.js with JSON, and a plain form with a
// redirect back to where the button was.
func (s *server) voteIdea(c *fiber.Ctx) error {
	i, err := s.community.Vote(c.UserContext(), actor(c), c.Params("slug"), community.IdeaID(c.Params("idea")), c.FormValue("on") == "1")
	if c.Get(fiber.HeaderAccept) == fiber.MIMEApplicationJSON {
		if errors.Is(err, community.ErrIdeaClosed) {
			return c.Status(fiber.StatusConflict).JSON(fiber.Map{"error": views.T(c.UserContext(), "idea.error.closed")})
		}
		if errors.Is(err, community.ErrVotingTooFast) {
			return c.Status(fiber.StatusTooManyRequests).JSON(fiber.Map{"error": views.T(c.UserContext(), "idea.error.voting_too_fast")})
		}
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"votes": i.Votes, "voted": c.FormValue("on") == "1"})
	}
	if err != nil {
		return err
	}
	return c.Redirect(backTo(c, ideaURL(c)), fiber.StatusSeeOther)
}

func (s *server) answerIdea(c *fiber.Ctx) error {
	in := community.Answer{Status: community.IdeaStatus(c.FormValue("status")), Note: c.FormValue("note"), Response: c.FormValue("response")}
	_, err := s.community.AnswerIdea(c.UserContext(), actor(c), c.Params("slug"), community.IdeaID(c.Params("idea")), in)
	if status, errs, ok := keepTyped(err); ok {
		return s.renderIdea(c, status, ideaDrafts{Answer: in, Errors: errs})
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, ideaURL(c), "ok", "flash.idea_answered")
}

// ideaIDPattern finds an idea's id in what a moderator pasted: the id, or
// a link to the idea.
var ideaIDPattern = regexp.MustCompile(`[0-9a-f]{24}`)

func (s *server) mergeIdea(c *fiber.Ctx) error {
	typed := c.FormValue("into")
	into := typed
	if ids := ideaIDPattern.FindAllString(typed, -1); len(ids) > 0 {
		into = ids[len(ids)-1]
	}
	_, err := s.community.MergeIdea(c.UserContext(), actor(c), c.Params("slug"), community.IdeaID(c.Params("idea")),
		community.IdeaID(into), c.FormValue("note"))
	if status, errs, ok := keepTyped(err); ok {
		return s.renderIdea(c, status, ideaDrafts{MergeTo: typed, Errors: errs})
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, boardURL(c)+"/"+into, "ok", "flash.idea_merged")
}

func (s *server) subscribeIdea(c *fiber.Ctx) error {
	on := c.FormValue("on") == "1"
	if err := s.community.Subscribe(c.UserContext(), actor(c), c.Params("slug"), community.IdeaID(c.Params("idea")), on); err != nil {
		return err
	}
	return s.redirectWithFlash(c, ideaURL(c)+"#follow", "ok", map[bool]string{true: "flash.idea_subscribed", false: "flash.idea_unsubscribed"}[on])
}

func (s *server) showRoadmap(c *fiber.Ctx) error {
	st, r, err := s.community.Roadmap(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.IdeaRoadmapPage(views.IdeaRoadmap{Chrome: s.chrome(c), Standing: st, Roadmap: r}))
}

func (s *server) showUnanswered(c *fiber.Ctx) error {
	st, q, err := s.community.Unanswered(c.UserContext(), actor(c), c.Params("slug"), c.Query("after"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.IdeaQueuePage(views.IdeaQueue{Chrome: s.chrome(c), Standing: st, Queue: q, Now: st.Now}))
}

func (s *server) showIdeaTags(c *fiber.Ctx) error {
	return s.renderIdeaTags(c, fiber.StatusOK, "", "", nil)
}

func (s *server) renderIdeaTags(c *fiber.Ctx, status int, name, color string, errs map[string]string) error {
	st, err := s.community.BoardModeration(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return render(c, status, views.IdeaTagsPage(views.IdeaTags{Chrome: s.chrome(c), Standing: st, Name: name, Color: color, Errors: errs}))
}

func (s *server) addIdeaTag(c *fiber.Ctx) error {
	name, color := c.FormValue("name"), c.FormValue("color")
	_, err := s.community.AddIdeaTag(c.UserContext(), actor(c), c.Params("slug"), name, color)
	if status, errs, ok := keepTyped(err); ok {
		return s.renderIdeaTags(c, status, name, color, errs)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, boardURL(c)+"/tags", "ok", "flash.saved")
}

func (s *server) removeIdeaTag(c *fiber.Ctx) error {
	if err := s.community.RemoveIdeaTag(c.UserContext(), actor(c), c.Params("slug"), c.Params("tag")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, boardURL(c)+"/tags", "ok", "flash.deleted")
}

func (s *server) setBoard(c *fiber.Ctx) error {
	on := c.FormValue("on") == "1"
	if err := s.community.SetBoard(c.UserContext(), actor(c), c.Params("slug"), on); err != nil {
		return err
	}
	to := "/groups/" + c.Params("slug")
	if on {
		to = boardURL(c)
	}
	return s.redirectWithFlash(c, to, "ok", "flash.saved")
}
