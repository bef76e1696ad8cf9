package web

import "github.com/gofiber/fiber/v2"

func (s *server) showDirectory(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showNewGroup(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) createGroup(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showMembers(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showEditGroup(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) updateGroup(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) joinGroup(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) leaveGroup(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) inviteMember(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) approveMember(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) declineMember(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) changeMemberRole(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) createInviteLink(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) revokeInviteLink(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) showInvite(c *fiber.Ctx) error { return fiber.ErrNotFound }

func (s *server) acceptInvite(c *fiber.Ctx) error  { return fiber.ErrNotFound }
func (s *server) showJoinGroup(c *fiber.Ctx) error { return fiber.ErrNotFound }
