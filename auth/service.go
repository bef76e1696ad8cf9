package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"fanclub/internal/activity"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/ratelimit"
)

// Mailer sends email. Production sends through SMTP; a fresh checkout
// writes the mail, sign-in link included, to the log.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Config is what auth needs from the site's configuration.
type Config struct {
	BaseURL   string // e.g. https://club.example.com, no trailing slash
	Providers []ProviderConfig
	Limits    Limits
}

// Limits are the sign-in rate limits. Zero values take the defaults.
type Limits struct {
	SignInPerIP  ratelimit.Rule // OAuth starts, callbacks and link uses
	LinkPerIP    ratelimit.Rule // email-link requests from one address
	LinkPerEmail ratelimit.Rule // email-link requests for one email
	// SessionsPerIP bounds signed-out sessions started from one address.
	SessionsPerIP ratelimit.Rule
}

// DefaultLimits are generous for people and tight for scripts. What stops
// abuse of sign-in links is the limit per email: nobody's inbox gets more
// than three in a window. The limits per address are far higher, because
// at a launch hundreds of fans on one mobile carrier share its address
// (carrier-grade NAT) and sign in within minutes; they stop only floods.
// An OAuth sign-in counts twice against SignInPerIP (start and callback).
var DefaultLimits = Limits{
	SignInPerIP:  ratelimit.Rule{Max: 600, Window: 10 * time.Minute},
	LinkPerIP:    ratelimit.Rule{Max: 300, Window: 15 * time.Minute},
	LinkPerEmail: ratelimit.Rule{Max: 3, Window: 15 * time.Minute},
	// Generous: a whole office behind one address starts a session each.
	SessionsPerIP: ratelimit.Rule{Max: 300, Window: 10 * time.Minute},
}

// Service holds the accounts, identities and sessions of one site.
type Service struct {
	accounts   *mongodb.Collection
	identities *mongodb.Collection
	sessions   *mongodb.Collection
	emailLinks *mongodb.Collection
	site       *mongodb.Collection
	siteFiles  *mongodb.Collection // the club's logo and favicon, by hash
	limiter    *ratelimit.Limiter
	mailer     Mailer
	now        func() time.Time
	log        *slog.Logger
	baseURL    string
	newsKey    unsubscribeKey
	limits     Limits
	providers  []provider
	staff      staffCache         // the owners and admins, as last read
	siteCache  siteCache          // the club's settings, as last read
	zones      sync.Map           // the site's time zones loaded so far, by name
	activity   *activity.Recorder // nil: accounts made are noted nowhere (a test of auth alone)

	// accountEmails says which accounts hold each verified email.
	accountEmails *mongodb.Collection
}

// New returns the service over db. It builds the configured sign-in
// providers; an OpenID Connect provider's discovery document is fetched
// here, so a wrong issuer fails at start-up rather than at sign-in.
func New(db *mongodb.DB, cfg Config, mailer Mailer, now func() time.Time, log *slog.Logger) (*Service, error) {
	s := &Service{
		accounts:   db.Collection("accounts"),
		identities: db.Collection("identities"),
		sessions:   db.Collection("sessions"),
		emailLinks: db.Collection("email_links"),
		site:       db.Collection("site"),
		siteFiles:  db.Collection("site_files"),
		limiter:    ratelimit.New(db, now),
		mailer:     mailer,
		now:        now,
		log:        log,
		baseURL:    cfg.BaseURL,
		limits:     cfg.Limits,

		accountEmails: db.Collection("account_emails"),
	}
	if s.limits == (Limits{}) {
		s.limits = DefaultLimits
	}
	for _, pc := range cfg.Providers {
		p, err := newProvider(pc, cfg.BaseURL+"/auth/"+pc.ID+"/callback")
		if err != nil {
			return nil, err
		}
		s.providers = append(s.providers, p)
	}
	return s, nil
}

// Providers lists the configured sign-in providers, in configuration order.
func (s *Service) Providers() []ProviderInfo {
	out := make([]ProviderInfo, len(s.providers))
	for i, p := range s.providers {
		out[i] = p.info
	}
	return out
}

// Sweep deletes expired sessions, email links and rate-limit counters.
// There is no TTL index on the embedded server, so a periodic job calls this.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.now()
	if err := s.deleteExpiredSessions(ctx, now); err != nil {
		return err
	}
	if err := s.deleteExpiredEmailLinks(ctx, now); err != nil {
		return err
	}
	return s.limiter.Sweep(ctx)
}

// randomToken returns n random bytes, URL-safe encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error()) // never happens on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how a secret token is stored: only its SHA-256, so a
// database dump reveals no usable session or link.
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
