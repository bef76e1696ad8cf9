package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes is the site's table of contents, grouped by who may call a route.
func (s *server) routes(app *fiber.App) {
	app.Use(recover.New())
	app.Use(s.securityHeaders)
	app.Get("/healthz", s.showHealth)
	app.Get("/readyz", s.showReady)
	app.Get("/assets/*", s.serveAsset)

	app.Use(s.loadSession, s.pickLocale, s.checkCSRF)

	// Anyone.
	app.Get("/", s.showHome)
	app.Get("/signin", s.showSignIn)
	app.Post("/signin/email", s.requestEmailLink)
	app.Get("/signin/link", s.showEmailLink)
	app.Post("/signin/link", s.useEmailLink)
	app.Get("/auth/:provider", s.beginOAuth)
	app.Get("/auth/:provider/callback", s.completeOAuth)
	app.Post("/signout", s.signOut)

	// Signed-in members.
	app.Post("/signout/everywhere", s.requireSignedIn, s.signOutEverywhere)
	settings := app.Group("/settings", s.requireSignedIn)
	settings.Get("", s.showSettings)
	settings.Post("/profile", s.saveProfile)
	settings.Post("/sign-in/unlink", s.unlinkIdentity)
	settings.Post("/sign-in/email", s.linkEmail)
	app.Post("/auth/:provider/link", s.requireSignedIn, s.beginLink)
	settings.Get("/export", s.exportData)
	settings.Get("/delete", s.showDeleteAccount)
	settings.Post("/delete", s.deleteAccount)
}
