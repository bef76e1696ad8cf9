package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

// Every change to the team is made by auth, which holds the roles, and
// logged in the site's audit log here, as comps are.

func (s *server) showTeam(c *fiber.Ctx) error {
	return s.renderTeam(c, fiber.StatusOK, views.Team{})
}

// renderTeam shows the team page with the forms as given.
func (s *server) renderTeam(c *fiber.Ctx, status int, p views.Team) error {
	staff, err := s.auth.Staff(c.UserContext())
	if err != nil {
		return err
	}
	p.Chrome, p.Staff = s.chrome(c), staff
	return render(c, status, views.TeamPage(p))
}

// appointAdmin makes the member with the typed address an admin.
func (s *server) appointAdmin(c *fiber.Ctx) error {
	email := c.FormValue("email")
	a, err := s.auth.AppointAdmin(c.UserContext(), *viewer(c), email)
	if err != nil {
		return s.teamRefused(c, err, views.Team{Appoint: email}, "appoint-email")
	}
	return s.teamChanged(c, community.AuditStaffAdmin, a, "flash.team_admin_appointed")
}

// removeAdmin makes an admin a member again.
func (s *server) removeAdmin(c *fiber.Ctx) error {
	a, err := s.auth.RemoveAdmin(c.UserContext(), *viewer(c), auth.AccountID(c.Params("account")))
	if err != nil {
		return s.teamRefused(c, err, views.Team{}, "form")
	}
	return s.teamChanged(c, community.AuditStaffRemove, a, "flash.team_admin_removed")
}

// demoteOwner makes an owner, perhaps the viewer, an admin.
func (s *server) demoteOwner(c *fiber.Ctx) error {
	a, err := s.auth.DemoteOwner(c.UserContext(), *viewer(c), auth.AccountID(c.Params("account")))
	if err != nil {
		return s.teamRefused(c, err, views.Team{}, "form")
	}
	return s.teamChanged(c, community.AuditStaffAdmin, a, "flash.team_owner_demoted")
}

// transferOwnership asks the owner to confirm who gets the site, then,
// confirmed, makes them an owner and the viewer an admin.
func (s *server) transferOwnership(c *fiber.Ctx) error {
	ctx, email, by := c.UserContext(), c.FormValue("email"), *viewer(c)
	if c.FormValue("confirm") != "1" {
		to, err := s.auth.TransferTarget(ctx, by, email)
		if err != nil {
			return s.teamRefused(c, err, views.Team{Transfer: email}, "transfer-email")
		}
		return render(c, fiber.StatusOK, views.TransferConfirmPage(views.TransferConfirm{Chrome: s.chrome(c), To: to, Email: email}))
	}
	to, err := s.auth.TransferOwnership(ctx, by, email)
	if err != nil && to.ID == "" {
		return s.teamRefused(c, err, views.Team{Transfer: email}, "transfer-email")
	}
	s.recordStaff(c, community.AuditStaffOwner, to)
	if err != nil {
		return err
	}
	by.Role = auth.RoleAdmin
	return s.teamChanged(c, community.AuditStaffAdmin, by, "flash.team_transferred")
}

// teamRefused shows the team page again with why a change was refused:
// a field's message under the field (with what was typed), anything else
// at the top.
func (s *server) teamRefused(c *fiber.Ctx, err error, p views.Team, field string) error {
	var invalid auth.ValidationError
	switch {
	case errors.As(err, &invalid):
		p.Errors = map[string]string{}
		for f, key := range invalid {
			if f == "email" {
				f = field
			}
			p.Errors[f] = key
		}
		return s.renderTeam(c, fiber.StatusUnprocessableEntity, p)
	case errors.Is(err, auth.ErrLastOwner):
		p.Errors = map[string]string{"form": "team.error.last_owner"}
		return s.renderTeam(c, fiber.StatusConflict, p)
	}
	return err
}

// teamChanged logs a change to the team and goes back to its page.
func (s *server) teamChanged(c *fiber.Ctx, action community.AuditAction, a auth.Account, flash string) error {
	s.recordStaff(c, action, a)
	return s.redirectWithFlash(c, "/admin/team", "ok", flash)
}

// recordStaff logs that account a was given a role on the site.
func (s *server) recordStaff(c *fiber.Ctx, action community.AuditAction, a auth.Account) {
	if err := s.community.RecordSiteAction(c.UserContext(), actor(c), action, "member", string(a.ID), nameOrEmail(a), ""); err != nil {
		s.log.ErrorContext(c.UserContext(), "audit log write refused", "action", action, "err", err)
	}
}
