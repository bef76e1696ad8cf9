package web

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/loyalty"
	"fanclub/views"
)

// Referrals: a member's link /r/<code> greets the friend they invited
// and remembers the code in a cookie until the friend signs in; the
// sign-in then records the referral (finishSignIn → noteReferral). The
// fraud checks, rewards and reviews are loyalty's; staff review the
// flagged ones at /admin/loyalty/referrals.

// referralCookie holds the code of the link a signed-out visitor came
// through, for a day: the sign-up follows the click.
const referralCookie = "fanclub_ref"

// showReferral renders a referral link's landing page. An unknown code
// is a 404 that says why; a signed-in visitor is told the link is for
// newcomers, and no cookie is set.
func (s *server) showReferral(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	referrer, err := s.loyalty.Referrer(c.UserContext(), code)
	if errors.Is(err, loyalty.ErrNotFound) {
		return render(c, fiber.StatusNotFound, views.ErrorPage(views.Error{Chrome: s.chrome(c), Status: fiber.StatusNotFound,
			Key: "referrals.error.unknown", Retry: "/signin"}))
	}
	if err != nil {
		return err
	}
	p := views.ReferralLanding{Chrome: s.chrome(c), ReferrerName: referrer.Name, Providers: s.auth.Providers()}
	if v := viewer(c); v != nil {
		p.Own = v.ID == referrer.ID
		return render(c, fiber.StatusOK, views.ReferralLandingPage(p))
	}
	c.Cookie(&fiber.Cookie{Name: referralCookie, Value: code, Path: "/", MaxAge: int((24 * time.Hour).Seconds()),
		HTTPOnly: true, Secure: s.secure, SameSite: fiber.CookieSameSiteLaxMode})
	return render(c, fiber.StatusOK, views.ReferralLandingPage(p))
}

// noteReferral records, if the browser came through a referral link,
// that out's account was referred, and forgets the link. A sign-in never
// fails for it: a member's own link, or a code gone since, records
// nothing; anything else is logged.
func (s *server) noteReferral(c *fiber.Ctx, out auth.Outcome) {
	code := c.Cookies(referralCookie)
	if code == "" || out.Linked || s.loyalty == nil {
		return
	}
	s.clearCookie(c, referralCookie)
	ctx := c.UserContext()
	_, err := s.loyalty.Refer(ctx, loyalty.Signup{Code: strings.Clone(code), Friend: out.Account.ID, Created: out.Created,
		IP: s.clientIP(c)})
	if err != nil && !errors.Is(err, loyalty.ErrSelfReferral) && !errors.Is(err, loyalty.ErrNotFound) {
		s.log.ErrorContext(ctx, "referral not recorded", "account", out.Account.ID, "err", err)
	}
}

// showReferrals renders the staff's review of referrals.
func (s *server) showReferrals(c *fiber.Ctx) error {
	rev, err := s.loyalty.ReviewReferrals(c.UserContext(), *viewer(c))
	if err != nil {
		return err
	}
	loc := s.staffZone(c)
	return render(c, fiber.StatusOK, views.AdminReferralsPage(views.AdminReferrals{Chrome: s.chrome(c),
		Waiting: referralRows(rev.Waiting, loc), Recent: referralRows(rev.Recent, loc)}))
}

// approveReferral clears a flagged referral.
func (s *server) approveReferral(c *fiber.Ctx) error {
	err := s.loyalty.ApproveReferral(c.UserContext(), *viewer(c), auth.AccountID(strings.Clone(c.Params("friend"))))
	return s.reviewed(c, err, "referrals.flash.approved")
}

// cancelReferral turns a referral down, once the admin ticked the
// confirmation.
func (s *server) cancelReferral(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "1" {
		return s.redirectWithFlash(c, referralsPath, "error", "referrals.error.confirm")
	}
	err := s.loyalty.CancelReferral(c.UserContext(), *viewer(c), auth.AccountID(strings.Clone(c.Params("friend"))))
	return s.reviewed(c, err, "referrals.flash.cancelled")
}

const referralsPath = "/admin/loyalty/referrals"

// reviewed goes back to the review after a decision: done, or made by
// someone else first. No such referral is a 404.
func (s *server) reviewed(c *fiber.Ctx, err error, done string) error {
	switch {
	case errors.Is(err, loyalty.ErrReviewed):
		return s.redirectWithFlash(c, referralsPath, "error", "referrals.flash.reviewed")
	case err != nil:
		return err
	}
	return s.redirectWithFlash(c, referralsPath, "ok", done)
}

// referralRows are the referrals as the review shows them, dates in loc.
func referralRows(rs []loyalty.ReferralRow, loc *time.Location) []views.ReferralRow {
	out := make([]views.ReferralRow, len(rs))
	for i, r := range rs {
		row := views.ReferralRow{Friend: string(r.Friend), FriendName: r.FriendName, ReferrerName: r.ReferrerName,
			At: r.At.In(loc), Network: r.Network, Status: string(r.State)}
		for _, f := range r.Flags {
			row.Flags = append(row.Flags, views.ReferralFlag{Key: f.Key, Args: f.Params})
		}
		out[i] = row
	}
	return out
}
