package web

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/views"
)

// Config is the web layer's part of the site configuration.
type Config struct {
	BaseURL        string   // the public URL, e.g. https://club.example.com
	TrustedProxies []string // proxies whose X-Forwarded-* headers are believed
}

// Deps are the services the handlers call.
type Deps struct {
	Auth     *auth.Service
	Catalogs views.Catalogs
	Log      *slog.Logger
	// Ready reports whether the database answers, for /readyz.
	Ready func(context.Context) error
}

type server struct {
	auth     *auth.Service
	catalogs views.Catalogs
	log      *slog.Logger
	ready    func(context.Context) error
	origin   string // scheme://host of BaseURL, for the CSRF origin check
	secure   bool   // cookies are Secure when the site is served over https
}

// New returns the Fiber app that serves the site.
func New(cfg Config, d Deps) (*fiber.App, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, &url.Error{Op: "parse base URL", URL: cfg.BaseURL, Err: err}
	}
	s := &server{auth: d.Auth, catalogs: d.Catalogs, log: d.Log, ready: d.Ready,
		origin: u.Scheme + "://" + u.Host, secure: u.Scheme == "https"}
	fc := fiber.Config{
		AppName:               "fanclub",
		ErrorHandler:          s.handleError,
		BodyLimit:             256 << 10, // forms are small; nothing here uploads files yet
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
	}
	if len(cfg.TrustedProxies) > 0 {
		// Only then are X-Forwarded-For and -Proto believed, and only from
		// these addresses.
		fc.EnableTrustedProxyCheck = true
		fc.TrustedProxies = cfg.TrustedProxies
		fc.ProxyHeader = fiber.HeaderXForwardedFor
	}
	app := fiber.New(fc)
	s.routes(app)
	return app, nil
}

// isSafeMethod reports whether a request method changes nothing.
func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

func trimmed(s string) string { return strings.TrimSpace(s) }
