package web

import (
	"path"

	"github.com/gofiber/fiber/v2"

	"fanclub/assets"
	"fanclub/community"
	"fanclub/views"
)

// showHome shows a member their club, with the first hour's checklist
// for staff, and a visitor the brand's welcome.
func (s *server) showHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ch := s.chrome(c)
	p := views.Home{Chrome: ch}
	var err error
	if !ch.SignedIn() {
		return s.showVisitorHome(c, p)
	}
	if p.Club, err = s.community.Home(ctx, actor(c)); err != nil {
		return err
	}
	if ch.Staff() {
		// Once put away, or done (which puts it away for good), the
		// checklist costs one lookup by _id, not a survey of the club.
		dismissed, err := s.auth.ChecklistDismissed(ctx)
		if err != nil {
			return err
		}
		if !dismissed {
			list, err := s.checklist(c)
			if err != nil {
				return err
			}
			if list.Done() {
				err = s.auth.DismissChecklist(ctx, ch.Viewer.ID)
			} else {
				p.Checklist = &list
			}
			if err != nil {
				return err
			}
		}
	}
	return render(c, fiber.StatusOK, views.HomePage(p))
}

// showVisitorHome is the home page for visitors: the welcome text, the tiers,
// the first groups of the directory, which anyone may see, and the events to
// come that anyone may join.
func (s *server) showVisitorHome(c *fiber.Ctx, p views.Home) error {
	var err error
	if p.Tiers, err = s.membership.Tiers(c.UserContext()); err != nil {
		return err
	}
	dir, err := s.community.Directory(c.UserContext(), community.Actor{}, "")
	if err != nil {
		return err
	}
	p.Groups = dir.Entries[:min(len(dir.Entries), welcomeGroups)]
	listed := make([]community.Group, len(dir.Entries))
	for i, e := range dir.Entries {
		listed[i] = e.Group
	}
	if p.Happenings, err = s.community.Happenings(c.UserContext(), listed, welcomeHappenings); err != nil {
		return err
	}
	if p.Chrome.Site.Welcome != "" {
		p.WelcomeHTML = s.siteMarkdown("welcome", p.Chrome.Site.Welcome)
	}
	return render(c, fiber.StatusOK, views.HomePage(p))
}

// How many groups and events to come the welcome shows.
const (
	welcomeGroups     = 6
	welcomeHappenings = 5
)

func (s *server) showHealth(c *fiber.Ctx) error {
	return c.SendString("ok")
}

// showReady answers 200 when the database answers, else 503, so a load
// balancer stops sending traffic to an instance that lost its database.
func (s *server) showReady(c *fiber.Ctx) error {
	if err := s.ready(c.UserContext()); err != nil {
		s.log.WarnContext(c.UserContext(), "not ready", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	return c.SendString("ok")
}

// serveAsset serves the embedded CSS. Its URLs carry a content hash
// (assets.Path), so it may be cached for a year.
func (s *server) serveAsset(c *fiber.Ctx) error {
	name := c.Params("*")
	b, ok := assets.Read(name)
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Type(path.Ext(name))
	return c.Send(b)
}
