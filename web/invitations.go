package web

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/views"
)

// errSignedInElsewhere: the account signed in does not hold the address
// an invitation was mailed to, so accepting it would switch accounts.
var errSignedInElsewhere = errors.New("web: another account is signed in")

// showEmailInvitation shows what an invitation mailed to an address
// invites to, and a button that accepts it. Opening the link uses
// nothing up: mail scanners open links too.
func (s *server) showEmailInvitation(c *fiber.Ctx) error {
	p, err := s.community.EmailInvitationByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	if _, err := s.signedInAs(c, p.Invitation.Email); errors.Is(err, errSignedInElsewhere) {
		return s.renderElsewhere(c, p.Invitation.Email)
	} else if err != nil {
		return err
	}
	if _, err := s.ensureSession(c); err != nil { // for the form's CSRF token
		return err
	}
	return render(c, fiber.StatusOK, views.EmailInvitationPage(views.EmailInvitation{Chrome: s.chrome(c), Preview: p, Token: c.Params("token")}))
}

// acceptEmailInvitation uses the invitation up, signs in (or up) as the
// address it was mailed to and lands in the group or at the event. With
// an account signed in, it accepts for that account if it holds the
// address, and otherwise signs nobody in and says whose it is.
func (s *server) acceptEmailInvitation(c *fiber.Ctx) error {
	signIn, invited := s.auth.SignInVerifiedEmail, ""
	if actor(c).ID() != "" {
		signIn = func(ctx context.Context, email string) (auth.Account, error) {
			invited = email
			return s.signedInAs(c, email)
		}
	}
	in, err := s.community.AcceptEmailInvitation(c.UserContext(), c.Params("token"), signIn)
	if errors.Is(err, errSignedInElsewhere) {
		return s.renderElsewhere(c, invited)
	} else if err != nil {
		return err
	}
	if in.Account.ID != actor(c).ID() {
		if err := s.signInAs(c, in.Account.ID); err != nil {
			return err
		}
	}
	flash := "flash.invitation_accepted"
	if in.EventOver {
		flash = "flash.invitation_event_over"
	}
	return s.redirectWithFlash(c, in.Path(), "ok", flash)
}

// signedInAs returns the account signed in, if any, when it holds email,
// and errSignedInElsewhere when it does not.
func (s *server) signedInAs(c *fiber.Ctx, email string) (auth.Account, error) {
	me := actor(c).Account
	if me.ID == "" {
		return me, nil
	}
	holds, err := s.auth.HoldsVerifiedEmail(c.UserContext(), me.ID, email)
	if err == nil && !holds {
		err = errSignedInElsewhere
	}
	return me, err
}

// renderElsewhere says whose an invitation is, and offers to sign out.
func (s *server) renderElsewhere(c *fiber.Ctx, email string) error {
	return render(c, fiber.StatusOK, views.EmailInvitationElsewherePage(views.EmailInvitationElsewhere{Chrome: s.chrome(c),
		Email: email, Name: actor(c).Account.Name}))
}

func (s *server) revokeEmailInvitation(c *fiber.Ctx) error {
	if err := s.community.RevokeEmailInvitation(c.UserContext(), actor(c), c.Params("slug"), c.Params("invitation")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+c.Params("slug")+"/members#invited-by-email", "ok", "flash.invitation_revoked")
}
