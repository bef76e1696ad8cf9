package web

import (
	"path"

	"github.com/gofiber/fiber/v2"

	"fanclub/assets"
	"fanclub/views"
)

func (s *server) showHome(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.HomePage(views.Home{Chrome: s.chrome(c)}))
}

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
