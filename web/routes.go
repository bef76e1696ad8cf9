package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// showsStandingSecret reports whether the answer shows a secret that
// stays the same from page to page: the calendar feed's address on My
// events, a new invite link. Those answers go out uncompressed: a
// compressed page that also reflects the URL (the language switcher keeps
// the query) would let the secret be guessed from its size (BREACH). The
// CSRF token is masked on every page instead (maskCSRF).
func showsStandingSecret(c *fiber.Ctx) bool {
	return c.Path() == "/events" || (c.Method() == fiber.MethodPost && strings.HasSuffix(c.Path(), "/invites"))
}

// routes is the site's table of contents, grouped by who may call a route.
func (s *server) routes(app *fiber.App) {
	app.Use(recover.New())
	app.Use(compress.New(compress.Config{Next: showsStandingSecret})) // gzip or br when asked, for text (pages, CSS, JS) over 200 bytes
	app.Use(s.securityHeaders)
	app.Get("/healthz", s.showHealth)
	app.Get("/readyz", s.showReady)
	app.Get("/assets/*", s.serveAsset)
	app.Get("/site/files/:hash", s.serveSiteFile) // the brand's logo and favicon, by content hash
	app.Get("/site/theme.css", s.serveTheme)      // ?v=<accent>: the brand's colour
	app.Get("/favicon.ico", s.serveFavicon)
	app.Post("/webhooks/stripe", s.stripeWebhook) // signed by Stripe: no session, no CSRF token
	// One-click unsubscribe (RFC 8058): mail programs post with no cookie
	// and no CSRF token; the signed link is the credential. Only this
	// route comes before checkCSRF.
	app.Post("/unsubscribe/:token", s.loadSession, s.pickLocale, s.unsubscribe)

	app.Use(s.loadSession, s.noteVisit, s.pickLocale, s.checkCSRF)

	// Anyone.
	app.Get("/", s.showHome)
	app.Get("/signin", s.showSignIn)
	app.Post("/signin/email", s.requestEmailLink)
	app.Get("/signin/link", s.showEmailLink)
	app.Post("/signin/link", s.useEmailLink)
	app.Get("/auth/:provider", s.beginOAuth)
	app.Get("/auth/:provider/callback", s.completeOAuth)
	app.Post("/signout", s.signOut)
	app.Get("/groups", s.showDirectory)
	app.Get("/groups/new", s.requireSignedIn, s.showNewGroup) // before /groups/:slug
	app.Get("/groups/:slug", s.showGroup)
	app.Get("/invite/:token", s.showInvite)
	app.Get("/r/:code", s.showReferral)                   // a member's referral link
	app.Get("/invitations/:token", s.showEmailInvitation) // mailed to an address; accepting signs it in
	app.Post("/invitations/:token", s.acceptEmailInvitation)
	app.Get("/unsubscribe/:token", s.showUnsubscribe) // its POST is above, before checkCSRF
	app.Get("/pricing", s.showPricing)
	app.Get("/membership/cancelled", s.showCheckoutCancelled)
	app.Get("/about", s.showSitePage) // the club's pages, as the brand wrote them
	app.Get("/terms", s.showSitePage)
	app.Get("/privacy", s.showSitePage)

	// Signed-in members.
	app.Post("/signout/everywhere", s.requireSignedIn, s.signOutEverywhere)
	settings := app.Group("/settings", s.requireSignedIn)
	settings.Get("", s.showSettings)
	settings.Post("/profile", s.saveProfile)
	settings.Post("/mail", s.saveMail)
	settings.Post("/sign-in/unlink", s.unlinkIdentity)
	settings.Post("/sign-in/email", s.linkEmail)
	app.Post("/auth/:provider/link", s.requireSignedIn, s.beginLink)
	settings.Get("/export", s.exportData)
	settings.Get("/delete", s.showDeleteAccount)
	settings.Post("/delete", s.deleteAccount)
	app.Get("/events", s.requireSignedIn, s.showMyEvents)
	app.Post("/events/calendar/reset", s.requireSignedIn, s.resetCalendar)
	app.Get("/calendar/:token", s.calendarFeed) // the token is the credential: calendar apps send no cookie
	app.Get("/notifications", s.requireSignedIn, s.showNotifications)
	app.Post("/notifications/read", s.requireSignedIn, s.readNotifications)
	app.Get("/messages/:id", s.requireSignedIn, s.showMessage) // a campaign's message, to those it reached
	app.Get("/rewards", s.requireSignedIn, s.showRewards)
	app.Get("/rewards/redeem/:id", s.requireSignedIn, s.showRedeem)
	app.Post("/rewards/redeem/:id", s.requireSignedIn, s.redeemReward) // token, and a gift's address
	app.Get("/rewards/mine", s.requireSignedIn, s.showMyRewards)

	app.Post("/membership/checkout", s.requireSignedIn, s.checkout) // tier, interval=month|year
	app.Post("/membership/portal", s.requireSignedIn, s.openPortal)
	app.Get("/membership/welcome", s.requireSignedIn, s.showWelcome)

	// Groups: every handler asks community for the actor's standing, so
	// a stranger gets a 404 wherever the group or its content is private.
	app.Post("/invite/:token", s.requireSignedIn, s.acceptInvite)
	app.Post("/groups", s.requireSignedIn, s.createGroup)
	group := app.Group("/groups/:slug")
	group.Get("/members", s.showMembers)
	group.Get("/posts/:post", s.showPost)
	group.Use(s.hideFromSignedOut) // from here on, a signed-in account is required
	group.Get("/edit", s.showEditGroup)
	group.Post("/edit", s.updateGroup)
	group.Get("/join", s.showJoinGroup)
	group.Post("/join", s.joinGroup)
	group.Post("/leave", s.leaveGroup)
	group.Post("/members/invite", s.inviteMember)
	group.Post("/members/:account/approve", s.approveMember)
	group.Post("/members/:account/decline", s.declineMember)
	group.Post("/members/:account/role", s.changeMemberRole)
	group.Post("/invites", s.createInviteLink)
	group.Post("/invites/:invite/revoke", s.revokeInviteLink)
	group.Post("/email-invitations/:invitation/revoke", s.revokeEmailInvitation)

	group.Post("/posts", s.createPost)
	group.Get("/posts/:post/edit", s.showEditPost)
	group.Post("/posts/:post/edit", s.updatePost)
	group.Post("/posts/:post/delete", s.deletePost)
	group.Post("/posts/:post/react", s.reactPost)
	group.Post("/posts/:post/comments", s.createComment)
	group.Get("/posts/:post/comments/:comment/edit", s.showEditComment)
	group.Post("/posts/:post/comments/:comment/edit", s.updateComment)
	group.Post("/posts/:post/comments/:comment/delete", s.deleteComment)
	group.Post("/posts/:post/comments/:comment/react", s.reactComment)

	// Events: the group's list and each event; moderators host them.
	// Static paths come before /events/:event.
	group.Get("/events", s.showEvents)
	group.Post("/events", s.createEvent)
	group.Get("/events/new", s.showNewEvent)
	group.Get("/events/:event", s.showEvent)
	group.Get("/events/:event/edit", s.showEditEvent)
	group.Post("/events/:event/edit", s.updateEvent)
	group.Post("/events/:event/cancel", s.cancelEvent)
	group.Post("/events/:event/rsvp", s.rsvpEvent) // going=1|0
	group.Get("/events/:event/event.ics", s.eventICS)
	group.Get("/events/:event/invite", s.showEventInvite)
	group.Post("/events/:event/invite", s.inviteToEvent) // by=people|tier|idea
	group.Get("/events/:event/checkin", s.showDoor)
	group.Post("/events/:event/checkin", s.checkIn)

	// Ideas: the board, the roadmap and each idea; moderators answer,
	// merge and keep the tags. Static paths come before /ideas/:idea.
	group.Get("/ideas", s.showBoard)
	group.Post("/ideas", s.createIdea)
	group.Get("/ideas/new", s.showNewIdea)
	group.Get("/ideas/roadmap", s.showRoadmap)
	group.Get("/ideas/unanswered", s.showUnanswered)
	group.Get("/ideas/tags", s.showIdeaTags)
	group.Post("/ideas/tags", s.addIdeaTag)
	group.Post("/ideas/tags/:tag/delete", s.removeIdeaTag)
	group.Post("/ideas/board", s.setBoard) // on=1|0
	group.Get("/ideas/:idea", s.showIdea)
	group.Get("/ideas/:idea/edit", s.showEditIdea)
	group.Post("/ideas/:idea/edit", s.updateIdea)
	group.Post("/ideas/:idea/delete", s.deleteIdea)
	group.Post("/ideas/:idea/vote", s.voteIdea)           // on=1|0
	group.Post("/ideas/:idea/subscribe", s.subscribeIdea) // on=1|0
	group.Post("/ideas/:idea/answer", s.answerIdea)
	group.Post("/ideas/:idea/merge", s.mergeIdea)
	group.Post("/ideas/:idea/comments", s.createComment)
	group.Get("/ideas/:idea/comments/:comment/edit", s.showEditComment)
	group.Post("/ideas/:idea/comments/:comment/edit", s.updateComment)
	group.Post("/ideas/:idea/comments/:comment/delete", s.deleteComment)
	group.Post("/ideas/:idea/comments/:comment/react", s.reactComment)

	// Moderation: reports from members, actions by moderators.
	group.Post("/posts/:post/report", s.reportPost)
	group.Post("/posts/:post/comments/:comment/report", s.reportComment)
	group.Get("/moderation", s.showModeration)
	group.Get("/audit", s.showAudit)
	group.Post("/posts/:post/moderate", s.moderatePost)                      // action=hide|restore|remove|lock|unlock|pin|unpin|approve
	group.Post("/posts/:post/comments/:comment/moderate", s.moderateComment) // action=hide|restore|remove
	group.Post("/members/:account/moderate", s.moderateMember)               // action=mute|unmute|ban|unban
	group.Post("/reports/:target/dismiss", s.dismissReports)
	app.Get("/moderation", s.requireSignedIn, s.showSiteModeration)
	app.Get("/moderation/audit", s.requireSignedIn, s.showSiteAudit)

	// The brand's insight and campaigns: 404 to anyone but the staff,
	// signed out too, so these come before the admin group, which sends
	// the signed out to sign in.
	app.Get("/admin/insights", s.requireInsightStaff, s.showInsights) // ?sort=last|name|joined|tier
	app.Get("/admin/insights/at-risk.csv", s.requireInsightStaff, s.downloadAtRisk)
	app.Get("/admin/campaigns", s.requireInsightStaff, s.showCampaigns)
	app.Post("/admin/campaigns", s.requireInsightStaff, s.createCampaign)
	app.Get("/admin/campaigns/new", s.requireInsightStaff, s.showNewCampaign) // ?segment=; before /admin/campaigns/:id
	app.Get("/admin/campaigns/:id", s.requireInsightStaff, s.showCampaign)
	app.Post("/admin/campaigns/:id/resume", s.requireInsightStaff, s.resumeCampaign)

	// Site staff: the club's settings, tiers, subscribers, comp
	// memberships and the team.
	admin := app.Group("/admin", s.requireSignedIn, s.requireSiteStaff)
	admin.Get("", s.showAdminHub)
	admin.Post("/checklist/dismiss", s.dismissChecklist)
	admin.Post("/mail/test", s.sendTestMail) // return=/ goes back home, else to /admin
	admin.Get("/site", s.showSiteSettings)
	admin.Post("/site", s.saveSiteSettings) // multipart: the logo and favicon with the rest
	admin.Get("/tiers", s.showTiers)
	admin.Post("/tiers", s.createTier)
	admin.Get("/tiers/new", s.showNewTier)
	admin.Get("/tiers/:key/edit", s.showEditTier)
	admin.Post("/tiers/:key", s.updateTier)
	admin.Get("/subscribers", s.showSubscribers) // ?tier=&status=
	admin.Post("/comps", s.grantComp)
	admin.Post("/comps/:account/revoke", s.revokeComp) // confirm=1

	admin.Get("/loyalty", s.showLoyaltyAdmin)
	admin.Post("/loyalty/rules", s.saveLoyaltyRules)
	admin.Post("/loyalty/grades", s.saveLoyaltyGrades)
	admin.Get("/loyalty/members", s.findLoyaltyMember) // ?email=
	admin.Get("/loyalty/members/:account", s.showMemberLedger)
	admin.Post("/loyalty/members/:account/adjust", s.adjustPoints)

	admin.Get("/team", s.showTeam) // owners change it; admins may look
	admin.Post("/team/admins", s.appointAdmin)
	admin.Post("/team/admins/:account/remove", s.removeAdmin)
	admin.Post("/team/owners/:account/demote", s.demoteOwner)
	admin.Post("/team/transfer", s.transferOwnership) // email; confirm=1 hands the site on

	admin.Get("/loyalty/referrals", s.showReferrals) // the flagged to review, and the latest
	admin.Post("/loyalty/referrals/:friend/approve", s.approveReferral)
	admin.Post("/loyalty/referrals/:friend/cancel", s.cancelReferral) // confirm=1
	admin.Get("/loyalty/rewards", s.showRewardsAdmin)
	admin.Post("/loyalty/rewards", s.saveReward)
	admin.Get("/loyalty/rewards/new", s.showNewReward) // before /loyalty/rewards/:id
	admin.Get("/loyalty/rewards/:id", s.showReward)
	admin.Post("/loyalty/rewards/:id", s.saveReward)
	admin.Post("/loyalty/rewards/:id/archive", s.archiveReward) // confirm=1 archives, restore=1 offers it again; else asks
	admin.Post("/loyalty/rewards/:id/codes", s.uploadCodes)     // multipart: codes, a CSV file
	admin.Get("/loyalty/fulfilment", s.showFulfilment)
	admin.Post("/loyalty/fulfilment/:id/sent", s.markGiftSent)
}
