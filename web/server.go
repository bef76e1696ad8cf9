package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
	"fanclub/campaign"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/loyalty"
	"fanclub/membership"
	"fanclub/views"
)

// Config is the web layer's part of the site configuration.
type Config struct {
	BaseURL        string   // the public URL, e.g. https://club.example.com
	TrustedProxies []string // proxies whose X-Forwarded-* headers are believed
	// ImageHosts are the hosts whose images member content shows; an
	// image from anywhere else is a link (views.LinkImages).
	ImageHosts []string
	MailOn     bool // an SMTP server sends the site's mail; else it goes to the log
}

// Deps are the services the handlers call.
type Deps struct {
	Auth       *auth.Service
	Community  *community.Service
	Membership *membership.Service
	// Activity is the record of who took part when, read by the insight
	// page.
	Activity *activity.Recorder
	// Campaigns acts on segments of members for the brand.
	Campaigns *campaign.Service
	// Loyalty is the points programme.
	Loyalty  *loyalty.Service
	Catalogs views.Catalogs
	Log      *slog.Logger
	// Ready reports whether the database answers, for /readyz.
	Ready func(context.Context) error
	// Now is the site's clock; nil is time.Now.
	Now func() time.Time
}

type server struct {
	auth       *auth.Service
	community  *community.Service
	membership *membership.Service
	activity   *activity.Recorder
	campaigns  *campaign.Service
	loyalty    *loyalty.Service
	now        func() time.Time
	catalogs   views.Catalogs
	log        *slog.Logger
	ready      func(context.Context) error
	origin     string // scheme://host of BaseURL, for the CSRF origin check
	secure     bool   // cookies are Secure when the site is served over https
	proxies    []netip.Prefix
	csp        string
	imageHosts []string
	mailOn     bool
	// zones caches the time zones loaded so far by name (string →
	// *time.Location), so a request does not parse the zone database
	// again. It holds only names that loaded, a few hundred at most:
	// made-up cookies cannot make it grow.
	zones sync.Map
	// wrongAddressOnce logs the first form refused because the site was
	// opened at another address (showWrongAddress): once is enough.
	wrongAddressOnce sync.Once
	// siteHTML keeps the brand's Markdown texts rendered (page name →
	// renderedText), so every visitor of /terms does not render it again.
	siteHTML sync.Map
}

// renderedText is a Markdown text and its HTML.
type renderedText struct{ text, html string }

// New returns the Fiber app that serves the site.
func New(cfg Config, d Deps) (*fiber.App, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, &url.Error{Op: "parse base URL", URL: cfg.BaseURL, Err: err}
	}
	proxies, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	s := &server{auth: d.Auth, community: d.Community, membership: d.Membership, activity: d.Activity, campaigns: d.Campaigns, loyalty: d.Loyalty, now: now,
		catalogs: d.Catalogs, log: d.Log, ready: d.Ready,
		origin: u.Scheme + "://" + u.Host, secure: u.Scheme == "https", proxies: proxies,
		csp: contentSecurityPolicy(formTargets(d)), imageHosts: cfg.ImageHosts, mailOn: cfg.MailOn}
	fc := fiber.Config{
		AppName:               "fanclub",
		ErrorHandler:          s.handleError,
		BodyLimit:             2 << 20, // the site settings: a logo (512 KB), a favicon (128 KB) and three 50,000-character pages, in Korean three bytes a character
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
	}
	app := fiber.New(fc)
	s.routes(app)
	return app, nil
}

// parseProxies reads the trusted proxies: addresses or CIDR ranges.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range list {
		if pfx, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pfx.Masked())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("web: trusted proxy %q is neither an address nor a CIDR range", p)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// formTargets are the other origins a form's answer may redirect to:
// the sign-in providers, and Stripe's Checkout and Portal while billing
// is on. (A STRIPE_API_BASE such as stripe-mock needs nothing more: its
// pages are never opened.)
func formTargets(d Deps) []string {
	if d.Membership.BillingOn() {
		return slices.Concat(d.Auth.FormTargets(), stripeFormTargets())
	}
	return d.Auth.FormTargets()
}

// contentSecurityPolicy allows no inline script or style. Forms post to
// this site only, and may redirect to the sign-in providers (linking a
// provider starts from a form) and to Stripe.
func contentSecurityPolicy(formTargets []string) string {
	return "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action " + strings.Join(append([]string{"'self'"}, formTargets...), " ") +
		"; frame-ancestors 'none'"
}

// isSafeMethod reports whether a request method changes nothing.
func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}
