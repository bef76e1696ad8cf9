package web

import "github.com/gofiber/fiber/v2"

func (s *server) createPost(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showPost(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showEditPost(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) updatePost(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) deletePost(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) reactPost(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) createComment(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showEditComment(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) updateComment(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) deleteComment(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) reactComment(c *fiber.Ctx) error { return fiber.ErrNotFound }
func (s *server) showGroup(c *fiber.Ctx) error    { return fiber.ErrNotFound }
