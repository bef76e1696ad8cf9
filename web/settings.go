package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/loyalty"
	"fanclub/views"
)

func (s *server) showSettings(c *fiber.Ctx) error {
	return s.renderSettings(c, fiber.StatusOK, savedProfile(viewer(c)), nil)
}

// savedProfile is the profile form filled in as the account has it.
func savedProfile(v *auth.Account) views.ProfileForm {
	form := views.ProfileForm{Name: v.Name, AvatarURL: v.AvatarURL, Locale: v.Locale, TimeZone: v.TimeZone}
	if !v.Birthday.IsZero() {
		form.BirthMonth, form.BirthDay = strconv.Itoa(v.Birthday.Month), strconv.Itoa(v.Birthday.Day)
	}
	return form
}

// renderSettings renders the settings page with form as typed; every other
// section shows what is saved.
func (s *server) renderSettings(c *fiber.Ctx, status int, form views.ProfileForm, errs map[string]string) error {
	m, err := s.auth.Methods(c.UserContext(), viewer(c).ID)
	if err != nil {
		return err
	}
	form.AvatarChoices = m.Avatars
	v := viewer(c)
	p := views.Settings{Chrome: s.chrome(c), Profile: form, Mail: v.Mail, MailJoin: v.MailJoinRequests, News: v.News, NewsSince: v.NewsSince,
		BirthdayLockedUntil: auth.BirthdayLockedUntil(*v, s.now()), Errors: errs, Identities: m.Identities, Linkable: m.Linkable, Providers: s.auth.Providers()}
	return render(c, status, views.SettingsPage(p))
}

// saveProfile saves the profile, then carries a new name or avatar to the
// copies community keeps beside what the person wrote and joined.
func (s *server) saveProfile(c *fiber.Ctx) error {
	in := auth.ProfileInput{Name: c.FormValue("name"), AvatarURL: c.FormValue("avatar"), Locale: c.FormValue("locale"),
		TimeZone: c.FormValue("time_zone"), BirthMonth: c.FormValue("birth_month"), BirthDay: c.FormValue("birth_day")}
	form := views.ProfileForm{Name: in.Name, AvatarURL: in.AvatarURL, Locale: in.Locale, TimeZone: in.TimeZone,
		BirthMonth: in.BirthMonth, BirthDay: in.BirthDay}
	name, _, err := in.Validate()
	var invalid auth.ValidationError
	if err == nil && (name != viewer(c).Name || in.AvatarURL != viewer(c).AvatarURL) {
		if err = s.community.AllowRename(c.UserContext(), *viewer(c)); errors.Is(err, community.ErrRenamingTooFast) {
			return s.renderSettings(c, fiber.StatusTooManyRequests, form, map[string]string{"name": "settings.error.renaming_too_fast"})
		}
	}
	if err == nil {
		err = s.auth.UpdateProfile(c.UserContext(), viewer(c).ID, in)
	}
	if errors.As(err, &invalid) {
		return s.renderSettings(c, fiber.StatusUnprocessableEntity, form, invalid)
	}
	if err != nil {
		return err
	}
	saved, err := s.auth.AccountByID(c.UserContext(), viewer(c).ID)
	if err != nil {
		return err
	}
	if err := s.community.RenameAccount(c.UserContext(), *viewer(c), saved); err != nil {
		return err
	}
	s.clearCookie(c, langCookie) // the saved language now applies
	return s.redirectWithFlash(c, "/settings", "ok", "flash.profile_saved")
}

// saveMail saves which emails about ideas the account gets, and whether
// it agrees to the brand's news. Only a forged form sends a value the
// page does not offer; it gets the page back with the message, and the
// saved choices still checked. A change to news says what it means.
func (s *server) saveMail(c *fiber.Ctx) error {
	v, news := viewer(c), c.FormValue("news") == "1"
	err := s.auth.SetMailChoices(c.UserContext(), v.ID, auth.MailPreference(c.FormValue("mail")), c.FormValue("join") == "1")
	var invalid auth.ValidationError
	if errors.As(err, &invalid) {
		return s.renderSettings(c, fiber.StatusUnprocessableEntity, savedProfile(v), invalid)
	}
	if err == nil {
		err = s.auth.SetNews(c.UserContext(), v.ID, news)
	}
	if err != nil {
		return err
	}
	flash := "flash.mail_saved"
	switch {
	case news && !v.News:
		flash = "flash.news_on"
	case !news && v.News:
		flash = "flash.news_off"
	}
	return s.redirectWithFlash(c, "/settings", "ok", flash)
}

func (s *server) unlinkIdentity(c *fiber.Ctx) error {
	if err := s.auth.Unlink(c.UserContext(), viewer(c).ID, c.FormValue("identity")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/settings", "ok", "flash.identity_unlinked")
}

// linkEmail mails a link that adds an address as a sign-in method.
func (s *server) linkEmail(c *fiber.Ctx) error {
	err := s.auth.RequestEmailLink(c.UserContext(), auth.EmailLinkRequest{Email: c.FormValue("email"),
		IP: s.clientIP(c), Locale: views.LocaleOf(c.UserContext()), LinkTo: viewer(c).ID})
	var invalid auth.ValidationError
	if errors.As(err, &invalid) {
		return s.redirectWithFlash(c, "/settings", "error", invalid["email"])
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/settings", "ok", "flash.email_link_sent")
}

// exportData sends everything stored about the account as a JSON file.
func (s *server) exportData(c *fiber.Ctx) error {
	x, err := s.auth.ExportAccount(c.UserContext(), viewer(c).ID)
	if err != nil {
		return err
	}
	points, err := s.loyalty.ExportAccount(c.UserContext(), viewer(c).ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="fanclub-my-data.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(struct {
		auth.Export
		Points loyalty.Export `json:"points"`
	}{x, points})
}

func (s *server) showDeleteAccount(c *fiber.Ctx) error {
	b, err := s.deletionBlocks(c)
	if err != nil {
		return err
	}
	return renderDeleteAccount(c, s.chrome(c), fiber.StatusOK, b, nil)
}

// deletionBlocks is what stops the account's deletion, if anything, but
// billing: its being the site's last owner, and the groups it owns.
func (s *server) deletionBlocks(c *fiber.Ctx) (views.DeleteAccount, error) {
	last, err := s.auth.LastOwner(c.UserContext(), viewer(c).ID)
	if err != nil {
		return views.DeleteAccount{}, err
	}
	owned, err := s.community.OwnedGroups(c.UserContext(), viewer(c).ID)
	return views.DeleteAccount{LastOwner: last, OwnedGroups: owned}, err
}

// renderDeleteAccount renders the confirmation page, saying first what
// stops the deletion (b): a membership Stripe still bills, the account
// being the site's last owner, or groups it owns.
func renderDeleteAccount(c *fiber.Ctx, ch views.Chrome, status int, b views.DeleteAccount, errs map[string]string) error {
	b.Chrome, b.Errors, b.Billing = ch, errs, entitlement(c).Billing
	return render(c, status, views.DeleteAccountPage(b))
}

// deleteAccount takes the person out of the community (what they wrote
// stays, as by a deleted member), then deletes the account. Each step
// finishes what an earlier failed attempt left, so asking again is safe.
func (s *server) deleteAccount(c *fiber.Ctx) error {
	b, err := s.deletionBlocks(c)
	if err != nil {
		return err
	}
	if b.LastOwner || len(b.OwnedGroups) > 0 || entitlement(c).Billing {
		return renderDeleteAccount(c, s.chrome(c), fiber.StatusConflict, b, nil)
	}
	if c.FormValue("confirm") != "yes" {
		return renderDeleteAccount(c, s.chrome(c), fiber.StatusUnprocessableEntity, b,
			map[string]string{"confirm": "validation.confirm.required"})
	}
	// Off the staff before anything is forgotten: of two owners deleting
	// at once, the one refused as the last keeps everything.
	if err := s.auth.LeaveStaff(c.UserContext(), viewer(c).ID); errors.Is(err, auth.ErrLastOwner) {
		return renderDeleteAccount(c, s.chrome(c), fiber.StatusConflict, views.DeleteAccount{LastOwner: true}, nil)
	} else if err != nil {
		return err
	}
	// A group handed to them meanwhile refuses it too, before anything
	// is forgotten.
	if err := s.community.ForgetAccount(c.UserContext(), *viewer(c)); errors.Is(err, community.ErrOwnsGroup) {
		b, err := s.deletionBlocks(c)
		if err != nil {
			return err
		}
		return renderDeleteAccount(c, s.chrome(c), fiber.StatusConflict, b, nil)
	} else if err != nil {
		return err
	}
	if err := s.loyalty.ForgetAccount(c.UserContext(), viewer(c).ID); err != nil {
		return err
	}
	if err := s.auth.DeleteAccount(c.UserContext(), viewer(c).ID); err != nil {
		return err
	}
	s.clearCookie(c, sessionCookie)
	return s.redirectWithFlash(c, "/", "ok", "flash.account_deleted")
}
