package web

import (
	"github.com/gofiber/fiber/v2"

	"fanclub/views"
)

func (s *server) showNotifications(c *fiber.Ctx) error {
	page, err := s.community.Notices(c.UserContext(), actor(c), c.Query("before"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.NotificationsPage(views.Notifications{Chrome: s.chrome(c), Page: page}))
}

// readNotifications marks one notice read and opens what it is about, or
// marks them all read. The target comes from the notice, never the form.
func (s *server) readNotifications(c *fiber.Ctx) error {
	n, err := s.community.MarkRead(c.UserContext(), actor(c), c.FormValue("id"))
	if err != nil {
		return err
	}
	if n.ID != "" {
		return c.Redirect(views.NoticeLink(n), fiber.StatusSeeOther)
	}
	return s.redirectWithFlash(c, "/notifications", "ok", "flash.all_read")
}
