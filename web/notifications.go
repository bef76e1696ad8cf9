package web

import "github.com/gofiber/fiber/v2"

func (s *server) showNotifications(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) readNotifications(c *fiber.Ctx) error { return fiber.ErrNotFound }
