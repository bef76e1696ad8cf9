package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/views"
)

func (s *server) showDirectory(c *fiber.Ctx) error {
	after := c.Query("after")
	page, err := s.community.Directory(c.UserContext(), actor(c), after)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.DirectoryPage(views.Directory{Chrome: s.chrome(c), Page: page,
		First: after == "", CanCreate: actor(c).SiteStaff()}))
}

func (s *server) showNewGroup(c *fiber.Ctx) error {
	if !actor(c).SiteStaff() {
		return s.refuse(c, "group.error.staff_only", "/groups")
	}
	in := community.GroupInput{Visibility: community.Listed, Policy: community.JoinOpen, Color: community.CoverColors[0]}
	return s.renderGroupForm(c, fiber.StatusOK, nil, in, nil)
}

// renderGroupForm shows the form to create (st nil) or edit a group as
// typed, with the tiers a tier group may require.
func (s *server) renderGroupForm(c *fiber.Ctx, status int, st *community.Standing, in community.GroupInput, errs map[string]string) error {
	tiers, err := s.membership.Tiers(c.UserContext())
	if err != nil {
		return err
	}
	return render(c, status, views.GroupFormPage(views.GroupForm{Chrome: s.chrome(c), Standing: st, Input: in, Tiers: tiers, Errors: errs}))
}

func orKey(key, fallback string) string {
	if key == "" {
		return fallback
	}
	return key
}

// refuse answers 403 with a message saying why, where the generic one
// would leave people guessing.
func (s *server) refuse(c *fiber.Ctx, key, retry string) error {
	return render(c, fiber.StatusForbidden, views.ErrorPage(views.Error{Chrome: s.chrome(c), Status: fiber.StatusForbidden, Key: key, Retry: retry}))
}

// groupInput reads the create/edit group form.
func groupInput(c *fiber.Ctx) community.GroupInput {
	hold, _ := strconv.Atoi(c.FormValue("hold_first_posts", "0"))
	return community.GroupInput{Slug: c.FormValue("slug"), Name: c.FormValue("name"), Description: c.FormValue("description"),
		Color: c.FormValue("color"), CoverURL: c.FormValue("cover_url"), Visibility: community.Visibility(c.FormValue("visibility")),
		Policy: community.JoinPolicy(c.FormValue("policy")), Question: c.FormValue("question"),
		RequiredTier: c.FormValue("required_tier"), HoldFirstPosts: hold}
}

func (s *server) createGroup(c *fiber.Ctx) error {
	if !actor(c).SiteStaff() { // before the tier is looked up: the form is theirs only
		return s.refuse(c, "group.error.staff_only", "/groups")
	}
	in := groupInput(c)
	err := s.knownTier(c.UserContext(), in.Policy == community.JoinTier, in.RequiredTier, "requiredTier", "group.error.tier_unknown")
	var g community.Group
	if err == nil {
		g, err = s.community.CreateGroup(c.UserContext(), actor(c), in)
	}
	if errors.Is(err, community.ErrForbidden) {
		return s.refuse(c, "group.error.staff_only", "/groups")
	}
	var invalid community.ValidationError
	if errors.As(err, &invalid) {
		return s.renderGroupForm(c, fiber.StatusUnprocessableEntity, nil, in, invalid)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+g.Slug, "ok", "flash.group_created")
}

// managedGroup is the group of the request, for those who manage it:
// others who read it are forbidden, the rest do not find it.
func (s *server) managedGroup(c *fiber.Ctx) (community.Standing, error) {
	st, err := s.community.GroupBySlug(c.UserContext(), actor(c), c.Params("slug"))
	switch {
	case err != nil:
		return st, err
	case !st.CanRead():
		return st, community.ErrNotFound
	case !st.CanManage():
		return st, community.ErrForbidden
	}
	return st, nil
}

func (s *server) showEditGroup(c *fiber.Ctx) error {
	st, err := s.managedGroup(c)
	if err != nil {
		return err
	}
	g := st.Group
	in := community.GroupInput{Slug: g.Slug, Name: g.Name, Description: g.Description, Color: g.Color, CoverURL: g.CoverURL,
		Visibility: g.Visibility, Policy: g.Policy, Question: g.Question, RequiredTier: g.RequiredTier, HoldFirstPosts: g.HoldFirstPosts}
	return s.renderGroupForm(c, fiber.StatusOK, &st, in, nil)
}

func (s *server) updateGroup(c *fiber.Ctx) error {
	slug, in := c.Params("slug"), groupInput(c)
	err := s.knownTier(c.UserContext(), in.Policy == community.JoinTier, in.RequiredTier, "requiredTier", "group.error.tier_unknown")
	if err == nil {
		_, err = s.community.UpdateGroup(c.UserContext(), actor(c), slug, in)
	}
	var invalid community.ValidationError
	if errors.As(err, &invalid) {
		st, serr := s.managedGroup(c)
		if serr != nil {
			return serr
		}
		in.Slug = slug
		return s.renderGroupForm(c, fiber.StatusUnprocessableEntity, &st, in, invalid)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+slug, "ok", "flash.saved")
}

func (s *server) showJoinGroup(c *fiber.Ctx) error {
	st, err := s.community.GroupBySlug(c.UserContext(), actor(c), c.Params("slug"))
	if err != nil {
		return err
	}
	if st.Member.State == community.StateActive {
		return c.Redirect("/groups/"+st.Group.Slug, fiber.StatusSeeOther)
	}
	return s.renderJoin(c, fiber.StatusOK, st, "", nil)
}

// renderJoin shows the way into a group: its question, or for a tier
// group the viewer lacks the tier of, who it is for and where to get it.
func (s *server) renderJoin(c *fiber.Ctx, status int, st community.Standing, answer string, errs map[string]string) error {
	tier, err := s.tierName(c.UserContext(), st.Group)
	if err != nil {
		return err
	}
	return render(c, status, views.JoinPage(views.JoinForm{Chrome: s.chrome(c), Standing: st, TierName: tier, Answer: answer, Errors: errs}))
}

func (s *server) joinGroup(c *fiber.Ctx) error {
	slug, answer := c.Params("slug"), c.FormValue("answer")
	state, err := s.community.Join(c.UserContext(), actor(c), slug, answer)
	var invalid community.ValidationError
	noTier := errors.Is(err, community.ErrTierRequired) // the page says which tier, and where to get it
	if errors.As(err, &invalid) || noTier {
		st, serr := s.community.GroupBySlug(c.UserContext(), actor(c), slug)
		if serr != nil {
			return serr
		}
		status := fiber.StatusUnprocessableEntity
		if noTier {
			status = fiber.StatusForbidden
		}
		return s.renderJoin(c, status, st, answer, invalid)
	}
	if errors.Is(err, community.ErrForbidden) { // the group takes people by invitation only
		return s.refuse(c, "group.error.invite_only", "/groups")
	}
	if err != nil {
		return err
	}
	if state == community.StatePending {
		return s.redirectWithFlash(c, "/groups/"+slug, "ok", "flash.join_requested")
	}
	return s.redirectWithFlash(c, "/groups/"+slug, "ok", "flash.joined")
}

func (s *server) leaveGroup(c *fiber.Ctx) error {
	left, err := s.community.Leave(c.UserContext(), actor(c), c.Params("slug"))
	if errors.Is(err, community.ErrForbidden) {
		return s.redirectWithFlash(c, "/groups/"+c.Params("slug")+"/members", "error", "group.error.owner_leave")
	}
	if err != nil {
		return err
	}
	key := map[community.MemberState]string{community.StatePending: "flash.request_withdrawn", community.StateInvited: "flash.invitation_declined"}[left]
	return s.redirectWithFlash(c, "/groups", "ok", orKey(key, "flash.left"))
}

func (s *server) showMembers(c *fiber.Ctx) error {
	return s.renderMembers(c, fiber.StatusOK, views.MembersForm{})
}

// renderMembers shows the member list with the invitation forms as given.
func (s *server) renderMembers(c *fiber.Ctx, status int, form views.MembersForm) error {
	st, roster, err := s.community.Members(c.UserContext(), actor(c), c.Params("slug"), c.Query("before"))
	if err != nil {
		return err
	}
	links, err := s.community.InviteLinks(c.UserContext(), st)
	if err != nil {
		return err
	}
	mailed, err := s.community.EmailInvitations(c.UserContext(), st)
	if err != nil {
		return err
	}
	ids := make([]auth.AccountID, len(roster.Members))
	roles := map[auth.AccountID]community.GroupRole{}
	for i, m := range roster.Members {
		ids[i] = m.Account
		roles[m.Account] = m.Role
	}
	badges, err := s.badges(c.UserContext(), ids, roles)
	if err != nil {
		return err
	}
	return render(c, status, views.MembersPage(views.Members{Chrome: s.chrome(c), Standing: st, Roster: roster,
		Badges: badges, Links: links, Mailed: mailed, Form: form}))
}

func (s *server) inviteMember(c *fiber.Ctx) error {
	// Only moderators may invite; the flash reads the same whether or not
	// the address has an account, so it tells them nothing of that.
	st, err := s.community.GroupBySlug(c.UserContext(), actor(c), c.Params("slug"))
	switch {
	case err != nil:
		return err
	case !st.CanRead():
		return community.ErrNotFound
	case !st.CanModerate():
		return community.ErrForbidden
	}
	ctx, email := c.UserContext(), c.FormValue("email")
	who, err := s.auth.AccountByEmail(ctx, email)
	switch {
	case errors.Is(err, auth.ErrNotFound): // no account yet: a link by mail signs them up
		_, err = s.community.InviteByEmail(ctx, actor(c), community.EmailInvite{Slug: c.Params("slug"),
			Emails: []string{email}, Locale: views.LocaleOf(ctx)})
	case err == nil:
		err = s.community.InviteAccount(ctx, actor(c), c.Params("slug"), who)
	}
	var invalid community.ValidationError
	if errors.As(err, &invalid) {
		return s.renderMembers(c, fiber.StatusUnprocessableEntity, views.MembersForm{Email: email, Errors: invalid})
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+c.Params("slug")+"/members", "ok", "flash.invited")
}

func (s *server) approveMember(c *fiber.Ctx) error { return s.decide(c, true) }

func (s *server) declineMember(c *fiber.Ctx) error { return s.decide(c, false) }

func (s *server) decide(c *fiber.Ctx, approve bool) error {
	err := s.community.DecideRequest(c.UserContext(), actor(c), c.Params("slug"), auth.AccountID(c.Params("account")), approve)
	if err != nil {
		return err
	}
	key := "flash.request_declined"
	if approve {
		key = "flash.request_approved"
	}
	return s.redirectWithFlash(c, "/groups/"+c.Params("slug")+"/members#requests", "ok", key)
}

func (s *server) changeMemberRole(c *fiber.Ctx) error {
	err := s.community.SetRole(c.UserContext(), actor(c), c.Params("slug"), auth.AccountID(c.Params("account")),
		community.GroupRole(c.FormValue("role")))
	if errors.As(err, new(community.ValidationError)) {
		return fiber.NewError(fiber.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+c.Params("slug")+"/members", "ok", "flash.saved")
}

// createInviteLink makes a link and shows it once, on the members page.
func (s *server) createInviteLink(c *fiber.Ctx) error {
	uses, _ := strconv.Atoi(c.FormValue("uses"))
	days, _ := strconv.Atoi(c.FormValue("days"))
	token, err := s.community.CreateInviteLink(c.UserContext(), actor(c), c.Params("slug"), uses, days)
	var invalid community.ValidationError
	if errors.As(err, &invalid) {
		return s.renderMembers(c, fiber.StatusUnprocessableEntity, views.MembersForm{Uses: c.FormValue("uses"), Days: c.FormValue("days"), Errors: invalid})
	}
	if err != nil {
		return err
	}
	return s.renderMembers(c, fiber.StatusCreated, views.MembersForm{NewLink: s.origin + "/invite/" + token})
}

func (s *server) revokeInviteLink(c *fiber.Ctx) error {
	if err := s.community.RevokeInviteLink(c.UserContext(), actor(c), c.Params("slug"), c.Params("invite")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+c.Params("slug")+"/members#invite-links", "ok", "flash.link_revoked")
}

func (s *server) showInvite(c *fiber.Ctx) error {
	g, link, err := s.community.InviteByToken(c.UserContext(), actor(c), c.Params("token"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.InvitePage(views.Invite{Chrome: s.chrome(c), Group: g, Link: link, Token: c.Params("token")}))
}

func (s *server) acceptInvite(c *fiber.Ctx) error {
	g, err := s.community.AcceptInvite(c.UserContext(), actor(c), c.Params("token"))
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/groups/"+g.Slug, "ok", "flash.joined")
}
