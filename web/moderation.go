package web

import "github.com/gofiber/fiber/v2"

func (s *server) reportPost(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) reportComment(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showModeration(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showAudit(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) moderatePost(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) moderateComment(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) moderateMember(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) dismissReports(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showSiteModeration(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showSiteAudit(c *fiber.Ctx) error { return fiber.ErrNotFound }
