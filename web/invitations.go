package web

import (
	"github.com/gofiber/fiber/v2"

	"fanclub/views"
)

// showEmailInvitation shows what an invitation mailed to an address
// invites to, and a button that accepts it. Opening the link uses
// nothing up: mail scanners open links too.
func (s *server) showEmailInvitation(c *fiber.Ctx) error {
	p, err := s.community.EmailInvitationByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	if _, err := s.ensureSession(c); err != nil { // for the form's CSRF token
		return err
	}
	return render(c, fiber.StatusOK, views.EmailInvitationPage(views.EmailInvitation{Chrome: s.chrome(c), Preview: p, Token: c.Params("token")}))
}

// acceptEmailInvitation uses the invitation up, signs in (or up) as the
// address it was mailed to and lands in the group or at the event.
func (s *server) acceptEmailInvitation(c *fiber.Ctx) error {
	in, err := s.community.AcceptEmailInvitation(c.UserContext(), c.Params("token"), s.auth.SignInVerifiedEmail)
	if err != nil {
		return err
	}
	if err := s.signInAs(c, in.Account.ID); err != nil {
		return err
	}
	flash := "flash.invitation_accepted"
	if in.EventOver {
		flash = "flash.invitation_event_over"
	}
	return s.redirectWithFlash(c, in.Path(), "ok", flash)
}

func (s *server) revokeEmailInvitation(c *fiber.Ctx) error {
	if err := s.community.RevokeEmailInvitation(c.UserContext(), actor(c), c.Params("slug"), c.Params("invitation")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+c.Params("slug")+"/members#invited-by-email", "ok", "flash.invitation_revoked")
}
