package web

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/loyalty"
	"fanclub/membership"
	"fanclub/views"
)

// The loyalty programme's pages: a member's points at /rewards, and for
// the site's staff the rules, the totals and any member's ledger with
// manual adjustments at /admin/loyalty. The rules, the ledger and the
// figures are loyalty's.

// showRewards renders the signed-in member's points.
func (s *server) showRewards(c *fiber.Ctx) error {
	ctx := c.UserContext()
	me := viewer(c)
	st, err := s.loyalty.Statement(ctx, me.ID)
	if err != nil {
		return err
	}
	rules, err := s.loyalty.Rules(ctx)
	if err != nil {
		return err
	}
	loc := s.pageZone(c)
	p := views.RewardsPage{Chrome: s.chrome(c), On: rules.On, Balance: st.Balance, History: pointsEntries(st.Recent, loc, nil)}
	site := siteOf(c).Location()
	for _, e := range st.Expiring {
		p.Expiring = append(p.Expiring, views.PointsExpiring{Points: e.Points, LastDay: loyalty.LastDay(e.At, site)})
	}
	for _, e := range loyalty.Earnings {
		if r := rules.Rule(e); r.Points > 0 {
			p.Rules = append(p.Rules, views.EarnRule{Earning: string(e), Points: r.Points, Cap: r.Cap})
		}
	}
	if p.Grade, err = s.gradeView(c, st, rules); err != nil {
		return err
	}
	if rules.On {
		offers, err := s.loyalty.Rewards(ctx)
		if err != nil {
			return err
		}
		for _, o := range offers {
			p.Offers = append(p.Offers, views.RewardOffer{ID: o.ID, Name: o.Name, Description: o.Description, Kind: string(o.Kind),
				Price: o.Price, Left: o.Left})
		}
		ref, err := s.loyalty.Referral(ctx, me.ID)
		if err != nil {
			return err
		}
		p.ReferralURL, p.Joined, p.Qualified = s.origin+views.ReferralPath(ref.Code), ref.Joined, ref.Qualified
	}
	return render(c, fiber.StatusOK, views.RewardsPageView(p))
}

// gradeView is the member's grade as /rewards shows it.
func (s *server) gradeView(c *fiber.Ctx, st loyalty.Statement, rules loyalty.Rules) (views.GradeView, error) {
	if len(rules.Grades.List) == 0 {
		return views.GradeView{}, nil
	}
	site := siteOf(c).Location()
	g := views.GradeView{Has: true, ToNext: st.ToNext, Earned12: st.Earned12, Review: loyalty.LastDay(st.Review.Add(24*time.Hour), site)}
	if st.Next != nil {
		g.Next = st.Next.Name
	}
	if st.Grade != nil {
		g.Name, g.Perks = st.Grade.Name, st.Grade.Perks
		if st.Grade.Tier != "" {
			t, err := s.membership.Tier(c.UserContext(), st.Grade.Tier)
			if err == nil {
				g.TierName = t.Name
			} else if !errors.Is(err, membership.ErrNotFound) {
				return g, err
			}
		}
	}
	return g, nil
}

// pointsEntries are ledger entries as the pages show them, their times
// in loc; names, if given, names the admins who adjusted.
func pointsEntries(es []loyalty.Entry, loc *time.Location, names map[auth.AccountID]auth.Account) []views.PointsEntry {
	out := make([]views.PointsEntry, len(es))
	for i, e := range es {
		out[i] = views.PointsEntry{At: e.At.In(loc), Reason: string(e.Reason), Points: e.Points, Note: e.Note,
			ByName: names[e.By].Name}
		if e.Reason == loyalty.ReasonUndo || e.Reason == loyalty.ReasonRedo {
			of, _, _ := strings.Cut(e.Thing, ":")
			out[i].Of = of
		}
	}
	return out
}

// showLoyaltyAdmin renders the totals and the rules as stored.
func (s *server) showLoyaltyAdmin(c *fiber.Ctx) error {
	return s.renderLoyaltyAdmin(c, fiber.StatusOK, views.RulesForm{}, views.GradesForm{}, "", "")
}

// rulesForm is the rules as the form shows them.
func rulesForm(rules loyalty.Rules) views.RulesForm {
	form := views.RulesForm{On: rules.On, ExpiryMonths: itoaBlank(rules.ExpiryMonths), Points: map[string]string{},
		Caps: map[string]string{}, BirthdayGift: rules.BirthdayGift}
	for e, r := range rules.Earn {
		form.Points[string(e)], form.Caps[string(e)] = itoaBlank(r.Points), itoaBlank(r.Cap)
	}
	return form
}

// renderLoyaltyAdmin shows the page with the rules and grades forms as
// typed, or as stored where a form is the zero value (nothing typed).
func (s *server) renderLoyaltyAdmin(c *fiber.Ctx, status int, form views.RulesForm, grades views.GradesForm, find, findErr string) error {
	t, err := s.loyalty.Totals(c.UserContext(), *viewer(c))
	if err != nil {
		return err
	}
	rules, err := s.loyalty.Rules(c.UserContext())
	if err != nil {
		return err
	}
	if form.Points == nil {
		form = rulesForm(rules)
	}
	offers, err := s.loyalty.Rewards(c.UserContext())
	if err != nil {
		return err
	}
	for _, o := range offers {
		if o.Kind != loyalty.KindGift {
			form.Gifts = append(form.Gifts, views.RewardOffer{ID: o.ID, Name: o.Name, Kind: string(o.Kind), Price: o.Price, Left: o.Left})
		}
	}
	if grades.Errors == nil {
		grades = gradesForm(rules.Grades)
	}
	tiers, err := s.membership.Tiers(c.UserContext())
	if err != nil {
		return err
	}
	return render(c, status, views.LoyaltyAdminPage(views.LoyaltyAdmin{Chrome: s.chrome(c), Rules: form, Find: find,
		Grades: grades, Tiers: tiers,
		FindError: findErr, Totals: views.LoyaltyTotals{Members: t.Members, Issued: t.Issued, Redeemed: t.Redeemed,
			Expired: t.Expired, Removed: t.Removed, Outstanding: t.Outstanding}}))
}

// saveLoyaltyRules replaces the rules; refused input comes back in the
// form as typed.
func (s *server) saveLoyaltyRules(c *fiber.Ctx) error {
	in := loyalty.RulesInput{On: c.FormValue("on") != "", ExpiryMonths: c.FormValue("expiry"),
		Points: map[loyalty.Earning]string{}, Caps: map[loyalty.Earning]string{}, BirthdayGift: c.FormValue("birthday_gift")}
	form := views.RulesForm{On: in.On, ExpiryMonths: in.ExpiryMonths, Points: map[string]string{}, Caps: map[string]string{},
		BirthdayGift: in.BirthdayGift}
	for _, e := range loyalty.Earnings {
		in.Points[e], in.Caps[e] = c.FormValue("points_"+string(e)), c.FormValue("cap_"+string(e))
		form.Points[string(e)], form.Caps[string(e)] = in.Points[e], in.Caps[e]
	}
	_, err := s.loyalty.SaveRules(c.UserContext(), *viewer(c), in)
	if invalid := (loyalty.ValidationError{}); errors.As(err, &invalid) {
		form.Errors = invalid
		return s.renderLoyaltyAdmin(c, fiber.StatusUnprocessableEntity, form, views.GradesForm{}, "", "")
	} else if err != nil {
		return err
	}
	if err := s.community.RecordSiteAction(c.UserContext(), actor(c), community.AuditLoyaltyRules, "site", "loyalty", "", ""); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/loyalty", "ok", "flash.loyalty_rules_saved")
}

// gradesForm is the grades as the form shows them.
func gradesForm(g loyalty.Grades) views.GradesForm {
	var f views.GradesForm
	for i, x := range g.List {
		f.Names[i], f.Thresholds[i], f.Entries[i], f.Tiers[i], f.Perks[i] = x.Name, strconv.FormatInt(x.Threshold, 10),
			itoaBlank(int(x.Entry)), x.Tier, x.Perks
	}
	if g.ReviewMonth > 0 {
		f.Review = fmt.Sprintf("%02d-%02d", g.ReviewMonth, g.ReviewDay)
	}
	return f
}

// saveLoyaltyGrades replaces the grades; refused input comes back in
// the form as typed.
func (s *server) saveLoyaltyGrades(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var in loyalty.GradeInput
	for i := range loyalty.MaxGrades {
		in.Names[i], in.Thresholds[i] = c.FormValue(fmt.Sprintf("name_%d", i)), c.FormValue(fmt.Sprintf("threshold_%d", i))
		in.Entries[i], in.Tiers[i] = c.FormValue(fmt.Sprintf("entry_%d", i)), c.FormValue(fmt.Sprintf("tier_%d", i))
		in.Perks[i] = c.FormValue(fmt.Sprintf("perks_%d", i))
	}
	in.Review = c.FormValue("review")
	tiers, err := s.membership.Tiers(ctx)
	if err != nil {
		return err
	}
	exists := func(key string) bool {
		return slices.ContainsFunc(tiers, func(t membership.Tier) bool { return t.Key == key })
	}
	_, err = s.loyalty.SaveGrades(ctx, *viewer(c), in, exists)
	if invalid := (loyalty.ValidationError{}); errors.As(err, &invalid) {
		form := views.GradesForm{Names: in.Names, Thresholds: in.Thresholds, Entries: in.Entries, Tiers: in.Tiers, Perks: in.Perks,
			Review: in.Review, Errors: invalid}
		return s.renderLoyaltyAdmin(c, fiber.StatusUnprocessableEntity, views.RulesForm{}, form, "", "")
	} else if err != nil {
		return err
	}
	if err := s.community.RecordSiteAction(ctx, actor(c), community.AuditLoyaltyGrades, "site", "loyalty", "", ""); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/loyalty", "ok", "flash.loyalty_grades_saved")
}

// findLoyaltyMember goes to the ledger of the member with ?email=.
func (s *server) findLoyaltyMember(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.Query("email"))
	a, err := s.auth.AccountByEmail(c.UserContext(), email)
	if errors.Is(err, auth.ErrNotFound) || email == "" {
		return s.renderLoyaltyAdmin(c, fiber.StatusUnprocessableEntity, views.RulesForm{}, views.GradesForm{}, email, "loyalty.error.no_account")
	} else if err != nil {
		return err
	}
	return c.Redirect(views.MemberLedgerPath(a.ID), fiber.StatusSeeOther)
}

// showMemberLedger renders a member's ledger, ?after= a page's cursor.
func (s *server) showMemberLedger(c *fiber.Ctx) error {
	return s.renderMemberLedger(c, fiber.StatusOK, loyalty.NewToken(), "", "", nil)
}

// renderMemberLedger shows the ledger with the adjustment form as given.
func (s *server) renderMemberLedger(c *fiber.Ctx, status int, token, points, note string, errs map[string]string) error {
	ctx := c.UserContext()
	me := *viewer(c)
	page, err := s.loyalty.Ledger(ctx, me, auth.AccountID(strings.Clone(c.Params("account"))), c.Query("after"))
	if err != nil {
		return err
	}
	var admins []auth.AccountID
	for _, e := range page.Entries {
		if e.By != "" {
			admins = append(admins, e.By)
		}
	}
	names, err := s.auth.AccountsByID(ctx, admins)
	if err != nil {
		return err
	}
	return render(c, status, views.MemberLedgerPage(views.MemberLedger{Chrome: s.chrome(c), Account: page.Account,
		Balance: page.Balance, Entries: pointsEntries(page.Entries, s.pageZone(c), names), Next: page.Next,
		Token: token, Points: points, Note: note, Errors: errs}))
}

// adjustPoints adds or takes away a member's points on an admin's word;
// the form's token makes a double submit one adjustment.
func (s *server) adjustPoints(c *fiber.Ctx) error {
	account := auth.AccountID(strings.Clone(c.Params("account")))
	token, in := c.FormValue("token"), loyalty.AdjustInput{Points: c.FormValue("points"), Note: c.FormValue("note")}
	e, err := s.loyalty.Adjust(c.UserContext(), *viewer(c), account, token, in)
	if invalid := (loyalty.ValidationError{}); errors.As(err, &invalid) {
		if invalid["token"] != "" {
			token = loyalty.NewToken()
		}
		return s.renderMemberLedger(c, fiber.StatusUnprocessableEntity, token, in.Points, in.Note, invalid)
	} else if err != nil {
		return err
	}
	who, err := s.auth.AccountByID(c.UserContext(), account)
	if err != nil {
		return err
	}
	if err := s.community.RecordSiteAction(c.UserContext(), actor(c), community.AuditPointsAdjust, "member", string(account),
		nameOrEmail(who), strconv.FormatInt(e.Points, 10)+": "+e.Note); err != nil {
		return err
	}
	return s.redirectWithFlash(c, views.MemberLedgerPath(account), "ok", "flash.loyalty_adjusted")
}

// pageZone is the zone a page shows times in: the viewer's, else the
// site's.
func (s *server) pageZone(c *fiber.Ctx) *time.Location {
	if loc := s.viewerZone(c); loc != nil {
		return loc
	}
	return siteOf(c).Location()
}

// itoaBlank is n as text, or "" for 0.
func itoaBlank(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
