package a11y_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// The accessibility check: the demo club that `fanclub seed` makes, served
// by `fanclub serve`, every main page in Korean and English at a phone's
// size, judged by
//
//   - axe-core in Chromium, with the experimental rule
//     label-content-name-mismatch switched on;
//   - the Nu HTML checker (vnu.jar) on the HTML as the server sends it;
//   - testdata/tap_targets.js: WCAG 2.2 2.5.8's 24×24 px tap targets, and
//     44 px tall primary actions (its comment states the rule).
//
// The judges come from npm (.ci/a11y, installed by `npm ci`) and Java from
// Debian; nothing is downloaded at test time. Without them the test skips,
// except under CI, where it fails. Run it alone with
//
//	CI=true go test ./internal/a11y -count=1 -v
//
// and set FANCLUB_A11Y_REPORT=file to get every finding, uncapped, as TSV.

const (
	phoneWidth, phoneHeight = 390, 844 // a phone, in CSS pixels
	npmDir                  = "../../.ci/a11y"
	overall                 = 10 * time.Minute
	stepTime                = 45 * time.Second // one page: load, axe, measure
	langCookie              = "lang"           // web's language switch (web/middleware.go)
)

// languages are the site's languages, English first so the report's
// examples read in English when both fail alike.
var languages = []string{"en", "ko"}

// page is a page the judges look at.
type page struct {
	name     string // what it is, for the report
	path     string
	signedIn bool // as the demo's admin (the site's owner)
	status   int  // what the server must answer
}

func (p page) String() string {
	if p.signedIn {
		return p.name + " " + p.path
	}
	return p.name + " " + p.path + " (signed out)"
}

// finding is one thing a judge found on one page in one language.
type finding struct {
	page, locale, judge, rule, element, detail string
}

// TestAccessibility judges every main page of the seeded demo and fails
// with a table of what the judges found: page, locale, judge and rule,
// element, and why.
func TestAccessibility(t *testing.T) {
	tools := findJudges(t)
	start := time.Now()
	club := startDemo(t)
	pages := club.pages(t)
	ready := time.Now()

	found := browse(t, tools, club, pages)
	browsed := time.Now()
	found = append(found, validate(t, tools, club, pages)...)
	t.Logf("%d pages × %d languages: demo built, seeded and served in %v, browser (axe, tap targets) %v, Nu checker %v",
		len(pages), len(languages), ready.Sub(start).Round(time.Second),
		browsed.Sub(ready).Round(time.Second), time.Since(browsed).Round(time.Second))

	if out := os.Getenv("FANCLUB_A11Y_REPORT"); out != "" {
		if err := os.WriteFile(out, []byte(tsv(found)), 0o644); err != nil {
			t.Error(err)
		}
	}
	if len(found) > 0 {
		t.Errorf("the accessibility judges found %d problems (how to read them: docs/accessibility.md; "+
			"every one, uncapped: FANCLUB_A11Y_REPORT=file.tsv):\n%s", len(found), table(found, 4))
	}
}

// judges are the judges and the browser.
type judges struct {
	chromium, java, vnuJar string
	axe                    string // axe.min.js
}

// findJudges finds the judges, skipping the test when one is missing
// (or failing it under CI, where .ci/run installs them).
func findJudges(t *testing.T) judges {
	t.Helper()
	var tl judges
	var missing []string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			tl.chromium = p
			break
		}
	}
	if tl.chromium == "" {
		missing = append(missing, "chromium (apt-get install chromium)")
	}
	if p, err := exec.LookPath("java"); err == nil {
		tl.java = p
	} else {
		missing = append(missing, "java (apt-get install default-jre-headless)")
	}
	dir, err := filepath.Abs(npmDir)
	if err != nil {
		t.Fatal(err)
	}
	tl.vnuJar = filepath.Join(dir, "node_modules/vnu-jar/build/dist/vnu.jar")
	axe, err := os.ReadFile(filepath.Join(dir, "node_modules/axe-core/axe.min.js"))
	tl.axe = string(axe)
	if _, jerr := os.Stat(tl.vnuJar); err != nil || jerr != nil {
		missing = append(missing, "axe-core and vnu-jar (cd .ci/a11y && npm ci --ignore-scripts)")
	}
	if len(missing) == 0 {
		return tl
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("the accessibility judges are required under CI; missing: %s", strings.Join(missing, "; "))
	}
	t.Skipf("missing %s", strings.Join(missing, "; "))
	return tl
}

// demo is the seeded demo, served, with its admin signed in.
type demo struct {
	base  string
	db    *mongodb.DB
	admin *http.Client // the admin's session
}

// adminEmail is the demo's admin, the site's owner (cmd/fanclub/seed_data.go).
const adminEmail = "admin@example.com"

// startDemo builds the fanclub command, seeds a fresh database with
// `fanclub seed`, serves it with `fanclub serve` until the test ends, and
// signs the admin in by email link over HTTP.
func startDemo(t *testing.T) *demo {
	t.Helper()
	start := time.Now()
	bin := filepath.Join(t.TempDir(), "fanclub")
	if out, err := exec.Command("go", "build", "-o", bin, "fanclub/cmd/fanclub").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	built := time.Now()
	db := mongotest.New(t)
	u, err := url.Parse(mongotest.Conn(t).URI)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db.Name()
	addr := freeAddr(t)
	env := append(os.Environ(), "MONGODB_URI="+u.String(), "FANCLUB_ADDR="+addr, "FANCLUB_BASE_URL=http://"+addr)
	log := procLog(filepath.Join(t.TempDir(), "fanclub.log"))
	seed := exec.Command(bin, "seed")
	seed.Env = env
	if err := log.run(t, seed); err != nil {
		t.Fatalf("fanclub seed: %v\n%s", err, log)
	}
	t.Logf("fanclub built in %v, demo seeded in %v", built.Sub(start).Round(time.Second), time.Since(built).Round(time.Second))
	serve(t, bin, env, addr, log)

	c := &demo{base: "http://" + addr, db: db}
	jar, _ := cookiejar.New(nil)
	c.admin = &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := csrfToken(t, c.fetch(t, c.admin, "/signin", "en"))
	if r := c.post(t, "/signin/email", url.Values{"email": {adminEmail}, "_csrf": {csrf}}); r.StatusCode != http.StatusOK {
		t.Fatalf("ask for a sign-in link: status %d", r.StatusCode)
	}
	link := signInLink(t, log)
	lu, _ := url.Parse(link)
	csrf = csrfToken(t, c.fetch(t, c.admin, lu.RequestURI(), "en"))
	r := c.post(t, "/signin/link", url.Values{"token": {lu.Query().Get("token")}, "_csrf": {csrf}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("confirm the sign-in link: status %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	return c
}

// serve runs `fanclub serve` until it answers /readyz, and stops it as
// Ctrl-C would when the test ends.
func serve(t *testing.T, bin string, env []string, addr string, log procLog) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	if err := log.start(t, cmd); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	for deadline := time.Now().Add(60 * time.Second); ; {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			t.Fatalf("fanclub serve ended before it was ready:\n%s", log)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("fanclub serve not ready after 60s:\n%s", log)
		}
	}
}

// signInLink waits for the newest sign-in link in the log, where a site
// with no SMTP server writes its mail.
func signInLink(t *testing.T, log procLog) string {
	t.Helper()
	re := regexp.MustCompile(`http://[^\s"]+/signin/link\?token=[A-Za-z0-9_-]+`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if links := re.FindAllString(log.String(), -1); len(links) > 0 {
			return links[len(links)-1]
		}
	}
	t.Fatalf("no sign-in link in the log:\n%s", log)
	return ""
}

// procLog is the file the command's processes write their log to, and
// the test reads.
type procLog string

// run runs cmd to its end with its output going to the log.
func (l procLog) run(t *testing.T, cmd *exec.Cmd) error {
	if err := l.start(t, cmd); err != nil {
		return err
	}
	return cmd.Wait()
}

// start starts cmd with its output going to the end of the log.
func (l procLog) start(t *testing.T, cmd *exec.Cmd) error {
	f, err := os.OpenFile(string(l), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	t.Cleanup(func() { f.Close() })
	cmd.Stdout, cmd.Stderr = f, f
	return cmd.Start()
}

func (l procLog) String() string {
	b, _ := os.ReadFile(string(l))
	return string(b)
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// csrfToken returns the CSRF token in a page's form.
func csrfToken(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the page")
	}
	return m[1]
}

// post submits a form as the admin's browser would.
func (c *demo) post(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	res, err := c.admin.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	res.Body.Close()
	return res
}

// fetch returns the HTML of path in locale, as client, failing the test
// if it cannot be read.
func (c *demo) fetch(t *testing.T, client *http.Client, path, locale string) string {
	t.Helper()
	body, _, err := c.get(client, path, locale)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// get returns the body and status of path in locale, as client.
func (c *demo) get(client *http.Client, path, locale string) (string, int, error) {
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.AddCookie(&http.Cookie{Name: langCookie, Value: locale})
	res, err := client.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("GET %s: %w", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return string(body), res.StatusCode, err
}

// pages are the main pages of the demo: those anyone sees, signed out,
// and a member's and a moderator's, as its admin; with real content: the
// feed's post with the most comments, the board's most voted answered
// idea, and an event with a waitlist.
func (c *demo) pages(t *testing.T) []page {
	t.Helper()
	const feed, board = "brewing", "new-releases"
	post := c.pick(t, "posts", feed, bson.M{"comments": bson.M{"$gt": 0}}, bson.D{{Key: "comments", Value: -1}})
	idea := c.pick(t, "ideas", board, bson.M{"response.body": bson.M{"$ne": ""}, "votes": bson.M{"$gt": 0}}, bson.D{{Key: "votes", Value: -1}})
	event := c.pick(t, "events", feed, bson.M{"waiting": bson.M{"$gt": 0}, "cancelled": false}, bson.D{{Key: "start", Value: 1}})
	in := func(name, path string) page {
		return page{name: name, path: path, signedIn: true, status: http.StatusOK}
	}
	out := func(name, path string) page { return page{name: name, path: path, status: http.StatusOK} }
	const notFound = "/no-such-page"
	return []page{
		out("home", "/"),
		out("sign-in", "/signin"),
		out("groups", "/groups"),
		out("pricing", "/pricing"),
		out("unsubscribe", c.unsubscribePath(t)),
		{name: "404", path: notFound, status: http.StatusNotFound},
		in("home", "/"),
		in("groups", "/groups"),
		in("feed", "/groups/"+feed),
		in("post", "/groups/"+feed+"/posts/"+post),
		in("ideas", "/groups/"+board+"/ideas"),
		in("idea", "/groups/"+board+"/ideas/"+idea),
		in("roadmap", "/groups/"+board+"/ideas/roadmap"),
		in("events", "/groups/"+feed+"/events"),
		in("event", "/groups/"+feed+"/events/"+event),
		in("my events", "/events"),
		in("notifications", "/notifications"),
		in("settings", "/settings"),
		in("pricing", "/pricing"),
		in("moderation", "/moderation"),
		in("group moderation", "/groups/"+feed+"/moderation"),
		in("subscribers", "/admin/subscribers"),
		in("admin", "/admin"),
		in("site settings", "/admin/site"),
		in("team", "/admin/team"),
		in("insights", "/admin/insights"),
		in("campaigns", "/admin/campaigns"),
		in("new campaign", "/admin/campaigns/new?segment=at-risk"),
		in("rewards", "/rewards"),
		in("my rewards", "/rewards/mine"),
		in("loyalty", "/admin/loyalty"),
		in("loyalty rewards", "/admin/loyalty/rewards"),
		in("new reward", "/admin/loyalty/rewards/new"),
		in("fulfilment", "/admin/loyalty/fulfilment"),
		in("referrals", "/admin/loyalty/referrals"),
		in("members", "/groups/"+feed+"/members"),
		{name: "404", path: notFound, signedIn: true, status: http.StatusNotFound},
	}
}

// unsubscribePath is the path of the admin's unsubscribe link, as news
// mail carries it, with news turned on so that the page asks to confirm.
// It is signed with the key the server shares through the database.
func (c *demo) unsubscribePath(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	au, err := auth.New(c.db, auth.Config{BaseURL: c.base}, mail.Log{Logger: log}, time.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := au.AccountByEmail(ctx, adminEmail)
	if err == nil {
		err = au.SetNews(ctx, admin.ID, true)
	}
	link, err2 := au.UnsubscribeURL(ctx, admin.ID)
	if err != nil || err2 != nil {
		t.Fatalf("the admin's unsubscribe link: %v, %v", err, err2)
	}
	return strings.TrimPrefix(link, c.base)
}

// pick returns the _id of the first document of coll in the group with
// slug that matches filter, in the order of sort.
func (c *demo) pick(t *testing.T, coll, slug string, filter bson.M, sort bson.D) string {
	t.Helper()
	ctx := context.Background()
	var g, d struct {
		ID string `bson:"_id"`
	}
	if err := c.db.Collection("groups").FindOne(ctx, bson.M{"slug": slug}).Decode(&g); err != nil {
		t.Fatalf("the demo has no group %s: %v", slug, err)
	}
	filter["group"] = g.ID
	if err := c.db.Collection(coll).FindOne(ctx, filter, options.FindOne().SetSort(sort)).Decode(&d); err != nil {
		t.Fatalf("the demo has no %s in %s matching %v: %v", coll, slug, filter, err)
	}
	return d.ID
}

// axeResult is what the page's axe.run returns, cut down.
type axeResult struct {
	Ran        bool // label-content-name-mismatch ran
	Violations []struct {
		ID, Help string
		Nodes    []struct{ Target, HTML, Summary string }
	}
}

// runAxe runs axe on the page with the experimental rule on, and says
// whether that rule ran.
const runAxe = `(async () => {
	const r = await axe.run(document, {rules: {"label-content-name-mismatch": {enabled: true}}, resultTypes: ["violations"]});
	const ran = [r.violations, r.passes, r.incomplete, r.inapplicable].some(l => l.some(x => x.id === "label-content-name-mismatch"));
	return {ran, violations: r.violations.map(v => ({id: v.id, help: v.help,
		nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary}))}))};
})()`

// browse opens every page in every language in Chromium at a phone's
// size, and runs axe and the tap-target measure on it.
func browse(t *testing.T, tl judges, c *demo, pages []page) []finding {
	t.Helper()
	tapJS, err := os.ReadFile("testdata/tap_targets.js")
	if err != nil {
		t.Fatal(err)
	}
	tctx := openBrowser(t, tl)
	u, _ := url.Parse(c.base)
	session := c.admin.Jar.Cookies(u)

	var found []finding
	ruleRan := false
	for _, p := range pages {
		for _, locale := range languages {
			cookies := []*http.Cookie{{Name: langCookie, Value: locale}}
			if p.signedIn {
				cookies = append(cookies, session...)
			}
			step, cancel := context.WithTimeout(tctx, stepTime)
			var res *network.Response
			err := chromedp.Do(step, setCookies(c.base, cookies))
			if err == nil {
				res, err = chromedp.Run(step, chromedp.NavigateResponse(c.base+p.path))
			}
			var axe axeResult
			var taps []struct{ Rule, Element, Detail string }
			if err == nil {
				_, err = chromedp.Run(step, chromedp.Evaluate[bool](tl.axe+";true"))
			}
			if err == nil {
				axe, err = chromedp.Run(step, chromedp.Evaluate[axeResult](runAxe, chromedp.EvalAwaitPromise))
			}
			if err == nil {
				taps, err = chromedp.Run(step, chromedp.Evaluate[[]struct{ Rule, Element, Detail string }](string(tapJS)))
			}
			cancel()
			if err != nil {
				t.Fatalf("%s in %s: %v", p, locale, err)
			}
			if int(res.Status) != p.status {
				found = append(found, finding{p.String(), locale, "http", "status", "", fmt.Sprintf("status %d, want %d", res.Status, p.status)})
			}
			ruleRan = ruleRan || axe.Ran
			for _, v := range axe.Violations {
				for _, n := range v.Nodes {
					found = append(found, finding{p.String(), locale, "axe", v.ID, n.Target, axeWhy(v.Help, n.Summary, n.HTML)})
				}
			}
			for _, f := range taps {
				found = append(found, finding{p.String(), locale, "tap", f.Rule, f.Element, f.Detail})
			}
		}
	}
	if !ruleRan {
		t.Error("axe did not run label-content-name-mismatch on any page: the experimental rule was not switched on")
	}
	return found
}

// openBrowser starts Chromium with a phone's screen, stopped when the
// test ends (before the site stops), and returns its tab.
func openBrowser(t *testing.T, tl judges) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(tl.chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(phoneWidth, phoneHeight),
	)
	ctx, cancelTime := context.WithTimeout(context.Background(), overall)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelTime() }) // before the site stops
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(phoneWidth, phoneHeight,
		chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(1))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return tctx
}

// setCookies replaces the browser's cookies for base with cookies.
func setCookies(base string, cookies []*http.Cookie) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			return err
		}
		for _, ck := range cookies {
			if _, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: base}); err != nil {
				return err
			}
		}
		return nil
	})
}

// validate fetches every page in every language as the server sends
// it and has the Nu HTML checker read them all in one run (the JVM is
// slow to start).
func validate(t *testing.T, tl judges, c *demo, pages []page) []finding {
	t.Helper()
	dir := t.TempDir()
	guest := &http.Client{Timeout: 30 * time.Second}
	which := map[string]finding{} // file name → page and locale
	var files []string
	for i, p := range pages {
		for _, locale := range languages {
			client := guest
			if p.signedIn {
				client = c.admin
			}
			body := c.fetch(t, client, p.path, locale)
			name := filepath.Join(dir, fmt.Sprintf("%02d-%s.html", i, locale))
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, name)
			which[filepath.Base(name)] = finding{page: p.String(), locale: locale}
		}
	}
	args := append([]string{"-jar", tl.vnuJar, "--format", "json", "--errors-only", "--exit-zero-always", "--stdout"}, files...)
	out, err := exec.Command(tl.java, args...).Output()
	if err != nil {
		t.Fatalf("vnu: %v\n%s", err, out)
	}
	var report struct {
		Messages []struct {
			Type, URL, Message, Extract string
			FirstColumn                 int
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu's report: %v\n%s", err, out)
	}
	var found []finding
	for _, m := range report.Messages {
		f, ok := which[filepath.Base(m.URL)]
		if !ok {
			f.page = m.URL
		}
		f.judge, f.rule = "vnu", m.Type
		f.element = short(m.Extract, 60)
		f.detail = fmt.Sprintf("%s (column %d)", m.Message, m.FirstColumn)
		found = append(found, f)
	}
	return found
}
