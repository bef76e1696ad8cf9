package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/oauth2-proxy/mockoidc"

	"fanclub/auth"
	"fanclub/campaign"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/internal/stripemock"
	"fanclub/loyalty"
	"fanclub/membership"
	"fanclub/views"
	"fanclub/web"
)

// site is one running fanclub on a fresh embedded database, listening on
// loopback, with an in-process OpenID Connect provider configured.
type site struct {
	t          *testing.T
	URL        string // base URL, e.g. http://127.0.0.1:41234
	DB         *mongodb.DB
	Auth       *auth.Service
	Community  *community.Service
	Membership *membership.Service
	Activity   *activity.Recorder // every sign of engagement, as cmd/fanclub wires it
	Campaigns  *campaign.Service
	Loyalty    *loyalty.Service
	Stripe     *stripemock.Recorder // the calls made to stripe-mock (with siteOptions.stripe)
	App        *fiber.App
	OIDC       *mockoidc.MockOIDC
	Outbox     *outbox
	Clock      *clock
	Jobs       *jobs.Queue // tests drain it with Jobs.RunDue
}

// clock is the site's time, which a test may move forward.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the site's time forward by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// siteOptions change how newSite builds the site.
type siteOptions struct {
	db             *mongodb.DB // share another site's database
	oidc           *mockoidc.MockOIDC
	baseURL        string // default: the listener's address
	trustedProxies []string
	imageHosts     []string         // hosts whose images posts show
	limits         community.Limits // zero: the defaults
	authLimits     auth.Limits      // zero: the defaults
	// stripe turns billing on, against stripe-mock. Webhooks are
	// accepted either way, signed with webhookSecret.
	stripe bool
	// stripeDown turns billing on against an address where nothing
	// listens: Stripe unreachable.
	stripeDown bool
	grace      time.Duration // zero: membership.DefaultGrace
	mailer     auth.Mailer   // nil: mail goes to the log, read as the outbox
	mailOn     bool          // the site says an SMTP server is configured
}

// webhookSecret is the test site's Stripe endpoint secret.
const webhookSecret = "whsec_test_site"

// newSite starts fanclub the way cmd/fanclub does, with mail going to the
// log, which the test reads as its outbox.
func newSite(t *testing.T, o siteOptions) *site {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, URL: "http://" + ln.Addr().String(), DB: o.db, OIDC: o.oidc, Outbox: &outbox{}, Clock: &clock{}}
	if s.DB == nil {
		s.DB = mongotest.New(t)
	}
	if s.OIDC == nil {
		s.OIDC, err = mockoidc.Run()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.OIDC.Shutdown() })
	}
	base := s.URL
	if o.baseURL != "" {
		base = o.baseURL
	}
	log := slog.New(slog.NewJSONHandler(s.Outbox, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s.Jobs = jobs.New(s.DB, s.Clock.Now, log)
	if err := s.Jobs.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := s.OIDC.Config()
	var sender mail.Sender = mail.Log{Logger: log}
	if o.mailer != nil {
		sender = o.mailer
	}
	mailer := mail.Branded{Next: sender, Brand: func(ctx context.Context, l string) mail.Brand { return s.Auth.MailBrand(ctx, l) }}
	s.Auth, err = auth.New(s.DB, auth.Config{BaseURL: base, Providers: []auth.ProviderConfig{{
		ID: "oidc", Name: "Test ID", ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Issuer: s.OIDC.Issuer(),
	}}, Limits: o.authLimits}, mailer, s.Clock.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Auth.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Activity = activity.New(s.DB, s.Auth.Zone, s.Clock.Now, log)
	if err := s.Activity.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Auth.ReportTo(s.Activity)
	s.Community = community.New(s.DB, o.limits, s.Clock.Now, log)
	if err := s.Community.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Loyalty = loyalty.New(s.DB, loyalty.Deps{Accounts: s.Auth, Community: s.Community, Jobs: s.Jobs, Zone: s.Auth.Zone},
		s.Clock.Now, log)
	if err := s.Loyalty.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Community.Deliver(community.Delivery{Jobs: s.Jobs, Accounts: s.Auth, Mail: mailer, BaseURL: base, Activity: s.Activity,
		Points: s.Loyalty})
	bc := membership.Config{WebhookSecret: webhookSecret, BaseURL: base, Grace: o.grace}
	if o.stripe {
		s.Stripe = &stripemock.Recorder{}
		bc.SecretKey, bc.APIBase, bc.HTTPClient = "sk_test_123", stripemock.URL(t), s.Stripe.Client()
	}
	if o.stripeDown {
		bc.SecretKey, bc.APIBase = "sk_test_123", "http://127.0.0.1:1"
	}
	s.Membership = membership.New(s.DB, bc, s.Clock.Now, log)
	if err := s.Membership.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Membership.Deliver(membership.Delivery{Jobs: s.Jobs, Accounts: s.Auth, Mail: mailer, Activity: s.Activity})
	s.Loyalty.Use(s.Membership)
	s.Campaigns = campaign.New(s.DB, campaign.Deps{Accounts: s.Auth, Community: s.Community, Membership: s.Membership,
		Activity: s.Activity, Jobs: s.Jobs, Mail: mailer, BaseURL: base}, s.Clock.Now, log)
	if err := s.Campaigns.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	catalogs, err := views.LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	s.App, err = web.New(web.Config{BaseURL: base, TrustedProxies: o.trustedProxies, ImageHosts: o.imageHosts, MailOn: o.mailOn},
		web.Deps{Auth: s.Auth, Community: s.Community, Membership: s.Membership, Catalogs: catalogs, Log: log, Ready: func(ctx context.Context) error {
			return s.DB.Ping(ctx)
		}, Activity: s.Activity, Campaigns: s.Campaigns, Loyalty: s.Loyalty, Now: s.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.App.Listener(ln) }()
	t.Cleanup(func() { _ = s.App.ShutdownWithTimeout(5 * time.Second) })
	return s
}

// outbox is the log the site writes mail to. Tests read sign-in links
// from it, exactly as a newcomer with no SMTP server would.
type outbox struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *outbox) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// Mail is one logged message.
type Mail struct {
	To, From, Subject, Text string
}

// Mails returns every message logged so far, oldest first.
func (o *outbox) Mails() []Mail {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []Mail
	sc := bufio.NewScanner(bytes.NewReader(o.buf.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec struct {
			Msg, To, From, Subject, Text string
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.To != "" && strings.HasPrefix(rec.Msg, "mail") {
			out = append(out, Mail{To: rec.To, From: rec.From, Subject: rec.Subject, Text: rec.Text})
		}
	}
	return out
}

var linkRE = regexp.MustCompile(`https?://\S+/signin/link\?token=[A-Za-z0-9_-]+`)

// LinkTo returns the newest sign-in link mailed to email.
func (o *outbox) LinkTo(t *testing.T, email string) string {
	t.Helper()
	ms := o.Mails()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].To == email {
			if l := linkRE.FindString(ms[i].Text); l != "" {
				return l
			}
		}
	}
	t.Fatalf("no sign-in link mailed to %s; outbox: %+v", email, ms)
	return ""
}

// browser is an HTTP client with its own cookie jar: one person's browser.
// It does not follow redirects unless told to, so tests see each step.
type browser struct {
	t      *testing.T
	site   *site
	client *http.Client
}

func (s *site) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, site: s, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is what a test looks at: status, location and body text.
type response struct {
	Status   int
	Location string
	Body     string
	Header   http.Header
}

func (b *browser) do(req *http.Request, follow bool) response {
	b.t.Helper()
	c := *b.client
	if follow {
		c.CheckRedirect = nil
	}
	if req.Header.Get("Accept-Language") == "" {
		req.Header.Set("Accept-Language", "en")
	}
	res, err := c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Location: res.Header.Get("Location"), Body: string(body), Header: res.Header}
}

// get requests path (or a full URL) without following redirects.
func (b *browser) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.abs(path), nil)
	return b.do(req, false)
}

// follow requests path and follows every redirect, across hosts.
func (b *browser) follow(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.abs(path), nil)
	return b.do(req, true)
}

// post submits a form as a browser would from a page of this site: the
// CSRF token from the session's last page, and a same-origin Origin.
func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf())
	}
	return b.postRaw(path, form, map[string]string{"Origin": b.site.URL})
}

// postRaw submits a form exactly as given, with the given extra headers.
func (b *browser) postRaw(path string, form url.Values, headers map[string]string) response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return b.do(req, false)
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf loads a page with forms and returns the CSRF token in it.
func (b *browser) csrf() string {
	b.t.Helper()
	page := "/signin"
	if b.signedIn() {
		page = "/settings"
	}
	m := csrfRE.FindStringSubmatch(b.get(page).Body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s", page)
	}
	return m[1]
}

func (b *browser) signedIn() bool {
	return b.get("/settings").Status == http.StatusOK
}

// cookie returns the value of the named cookie for the site.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.site.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (b *browser) abs(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return b.site.URL + path
}

// signInByEmailLink asks for a link, opens it and confirms, and fails the
// test unless the browser ends up signed in.
func (b *browser) signInByEmailLink(t *testing.T, s *site, email string) {
	t.Helper()
	if r := b.post("/signin/email", url.Values{"email": {email}}); r.Status != http.StatusOK {
		t.Fatalf("request link: status %d", r.Status)
	}
	link := s.Outbox.LinkTo(t, email)
	page := b.get(link)
	if page.Status != http.StatusOK {
		t.Fatalf("open link: status %d", page.Status)
	}
	u, _ := url.Parse(link)
	r := b.post("/signin/link", url.Values{"token": {u.Query().Get("token")}})
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("confirm link: status %d to %q: %s", r.Status, r.Location, r.Body)
	}
}

// signInOIDC queues user at the provider and goes through the real
// redirects: our /auth/oidc, the provider's authorize, our callback.
func (b *browser) signInOIDC(user mockoidc.User, intent string) response {
	b.t.Helper()
	b.site.OIDC.QueueUser(user)
	var r response
	if intent == "link" {
		r = b.post("/auth/oidc/link", nil) // linking starts from the settings form
	} else {
		r = b.get("/auth/oidc")
	}
	if r.Status != http.StatusSeeOther {
		b.t.Fatalf("begin: status %d: %s", r.Status, r.Body)
	}
	r = b.get(r.Location) // the provider's authorize endpoint
	if r.Status != http.StatusFound {
		b.t.Fatalf("authorize: status %d: %s", r.Status, r.Body)
	}
	return b.get(r.Location) // our callback
}

func (s *site) count(coll string, filter any) int64 {
	s.t.Helper()
	n, err := s.DB.Collection(coll).CountDocuments(context.Background(), filter)
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("page contains %q", w)
		}
	}
}

// String is everything logged so far.
func (o *outbox) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
