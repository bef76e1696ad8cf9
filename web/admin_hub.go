package web

import (
	"github.com/gofiber/fiber/v2"

	"fanclub/views"
)

// showAdminHub is the staff's start page: where each part of running the
// club lives, and the first hour's checklist.
func (s *server) showAdminHub(c *fiber.Ctx) error {
	list, err := s.checklist(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AdminHubPage(views.AdminHub{Chrome: s.chrome(c), Checklist: list}))
}

// dismissChecklist puts the first hour's checklist away for good.
func (s *server) dismissChecklist(c *fiber.Ctx) error {
	if err := s.auth.DismissChecklist(c.UserContext(), viewer(c).ID); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/", "ok", "dashboard.checklist.dismissed_flash")
}

// sendTestMail mails the staff member a test message through the site's
// mailer. A failure shows the mail server's answer on the admin page.
func (s *server) sendTestMail(c *fiber.Ctx) error {
	back := "/admin"
	if c.FormValue("return") == "/" {
		back = "/"
	}
	err := s.auth.SendTestMail(c.UserContext(), *viewer(c), views.LocaleOf(c.UserContext()))
	if err == nil {
		return s.redirectWithFlash(c, back, "ok", "dashboard.mail.sent")
	}
	s.log.WarnContext(c.UserContext(), "test mail failed", "err", err)
	list, lerr := s.checklist(c)
	if lerr != nil {
		return lerr
	}
	list.MailError = err.Error()
	return render(c, fiber.StatusOK, views.AdminHubPage(views.AdminHub{Chrome: s.chrome(c), Checklist: list}))
}

// checklist reads the state of each step of the first hour from the data.
func (s *server) checklist(c *fiber.Ctx) (views.Checklist, error) {
	ctx := c.UserContext()
	site := siteOf(c)
	staff, err := s.auth.StaffRoles(ctx)
	if err != nil {
		return views.Checklist{}, err
	}
	progress, err := s.community.Progress(ctx, staff)
	if err != nil {
		return views.Checklist{}, err
	}
	tiers, err := s.membership.Tiers(ctx)
	if err != nil {
		return views.Checklist{}, err
	}
	dismissed, err := s.auth.ChecklistDismissed(ctx)
	if err != nil {
		return views.Checklist{}, err
	}
	return views.Checklist{Named: site.Named(), FirstGroup: progress.FirstGroup, Team: len(staff) > 1 || progress.Team,
		MailOn: s.mailOn, Providers: s.auth.Providers(), BillingOn: s.membership.BillingOn(), Tiers: len(tiers),
		Joined: progress.Joined, Dismissed: dismissed}, nil
}
