package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
//	CI=true go test ./cmd/fanclub -run TestAccessibility -count=1 -v
//
// and set FANCLUB_A11Y_REPORT=file to get every finding, uncapped, as TSV.

const (
	a11yWidth, a11yHeight = 390, 844 // a phone, in CSS pixels
	a11yNPM               = "../../.ci/a11y"
	a11yOverall           = 10 * time.Minute
	a11yStep              = 45 * time.Second // one page: load, axe, measure
	a11yLangCookie        = "lang"           // web's language switch (web/middleware.go)
)

// a11yLocales are the site's languages, English first so the report's
// examples read in English when both fail alike.
var a11yLocales = []string{"en", "ko"}

// a11yPage is a page the judges look at.
type a11yPage struct {
	name     string // what it is, for the report
	path     string
	signedIn bool // as the demo's admin (the site's owner)
	status   int  // what the server must answer
}

func (p a11yPage) String() string {
	if p.signedIn {
		return p.name + " " + p.path
	}
	return p.name + " " + p.path + " (signed out)"
}

// a11yFinding is one thing a judge found on one page in one language.
type a11yFinding struct {
	page, locale, judge, rule, element, detail string
}

// TestAccessibility judges every main page of the seeded demo and fails
// with a table of what the judges found: page, locale, judge and rule,
// element, and why.
func TestAccessibility(t *testing.T) {
	tools := a11yFindTools(t)
	start := time.Now()
	club := a11yStartClub(t)
	pages := club.pages(t)
	ready := time.Now()

	found := a11yBrowse(t, tools, club, pages)
	browsed := time.Now()
	found = append(found, a11yValidate(t, tools, club, pages)...)
	t.Logf("%d pages × %d languages: demo seeded and served in %v, browser (axe, tap targets) %v, Nu checker %v",
		len(pages), len(a11yLocales), ready.Sub(start).Round(time.Second),
		browsed.Sub(ready).Round(time.Second), time.Since(browsed).Round(time.Second))

	if out := os.Getenv("FANCLUB_A11Y_REPORT"); out != "" {
		if err := os.WriteFile(out, []byte(a11yTSV(found)), 0o644); err != nil {
			t.Error(err)
		}
	}
	if len(found) > 0 {
		t.Errorf("the accessibility judges found %d problems (how to read them: docs/accessibility.md; "+
			"every one, uncapped: FANCLUB_A11Y_REPORT=file.tsv):\n%s", len(found), a11yTable(found, 4))
	}
}

// a11yTools are the judges and the browser.
type a11yTools struct {
	chromium, java, vnuJar string
	axe                    string // axe.min.js
}

// a11yFindTools finds the judges, skipping the test when one is missing
// (or failing it under CI, where .ci/run installs them).
func a11yFindTools(t *testing.T) a11yTools {
	t.Helper()
	var tl a11yTools
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
	dir, err := filepath.Abs(a11yNPM)
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

// a11yClub is the seeded demo, served, with its admin signed in.
type a11yClub struct {
	base  string
	db    *mongodb.DB
	admin *http.Client // the admin's session
}

// a11yStartClub seeds a fresh database with `fanclub seed`, serves it with
// `fanclub serve` until the test ends, and signs the admin in by email
// link over HTTP.
func a11yStartClub(t *testing.T) *a11yClub {
	t.Helper()
	db := mongotest.New(t)
	u, err := url.Parse(mongotest.Conn(t).URI)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db.Name()
	addr := freeAddr(t)
	env := map[string]string{"MONGODB_URI": u.String(), "FANCLUB_ADDR": addr, "FANCLUB_BASE_URL": "http://" + addr}
	getenv := func(k string) string { return env[k] }
	log := &syncBuffer{}
	if err := run(context.Background(), []string{"seed"}, getenv, log); err != nil {
		t.Fatalf("seed: %v\n%s", err, log)
	}
	t.Cleanup(startServe(t, addr, getenv, log))

	c := &a11yClub{base: "http://" + addr, db: db}
	jar, _ := cookiejar.New(nil)
	c.admin = &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := a11yCSRF(t, c.fetch(t, c.admin, "/signin", "en"))
	if r := c.post(t, "/signin/email", url.Values{"email": {demoAdminEmail}, "_csrf": {csrf}}); r.StatusCode != http.StatusOK {
		t.Fatalf("ask for a sign-in link: status %d", r.StatusCode)
	}
	links := regexp.MustCompile(`http://[^\s"]+/signin/link\?token=[A-Za-z0-9_-]+`).FindAllString(log.String(), -1)
	if len(links) == 0 {
		t.Fatalf("no sign-in link in the log:\n%s", log)
	}
	link := links[len(links)-1]
	lu, _ := url.Parse(link)
	csrf = a11yCSRF(t, c.fetch(t, c.admin, lu.RequestURI(), "en"))
	r := c.post(t, "/signin/link", url.Values{"token": {lu.Query().Get("token")}, "_csrf": {csrf}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("confirm the sign-in link: status %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	return c
}

// a11yCSRF returns the CSRF token in a page's form.
func a11yCSRF(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the page")
	}
	return m[1]
}

// post submits a form as the admin's browser would.
func (c *a11yClub) post(t *testing.T, path string, form url.Values) *http.Response {
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
func (c *a11yClub) fetch(t *testing.T, client *http.Client, path, locale string) string {
	t.Helper()
	body, _, err := c.get(client, path, locale)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// get returns the body and status of path in locale, as client.
func (c *a11yClub) get(client *http.Client, path, locale string) (string, int, error) {
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.AddCookie(&http.Cookie{Name: a11yLangCookie, Value: locale})
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
func (c *a11yClub) pages(t *testing.T) []a11yPage {
	t.Helper()
	const feed, board = "brewing", "new-releases"
	post := c.pick(t, "posts", feed, bson.M{"comments": bson.M{"$gt": 0}}, bson.D{{Key: "comments", Value: -1}})
	idea := c.pick(t, "ideas", board, bson.M{"response.body": bson.M{"$ne": ""}, "votes": bson.M{"$gt": 0}}, bson.D{{Key: "votes", Value: -1}})
	event := c.pick(t, "events", feed, bson.M{"waiting": bson.M{"$gt": 0}, "cancelled": false}, bson.D{{Key: "start", Value: 1}})
	in := func(name, path string) a11yPage {
		return a11yPage{name: name, path: path, signedIn: true, status: http.StatusOK}
	}
	out := func(name, path string) a11yPage { return a11yPage{name: name, path: path, status: http.StatusOK} }
	const notFound = "/no-such-page"
	return []a11yPage{
		out("home", "/"),
		out("sign-in", "/signin"),
		out("groups", "/groups"),
		out("pricing", "/pricing"),
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
		{name: "404", path: notFound, signedIn: true, status: http.StatusNotFound},
	}
}

// pick returns the _id of the first document of coll in the group with
// slug that matches filter, in the order of sort.
func (c *a11yClub) pick(t *testing.T, coll, slug string, filter bson.M, sort bson.D) string {
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

// a11yAxeResult is what the page's axe.run returns, cut down.
type a11yAxeResult struct {
	Ran        bool // label-content-name-mismatch ran
	Violations []struct {
		ID, Help string
		Nodes    []struct{ Target, HTML, Summary string }
	}
}

// a11yRunAxe runs axe on the page with the experimental rule on, and says
// whether that rule ran.
const a11yRunAxe = `(async () => {
	const r = await axe.run(document, {rules: {"label-content-name-mismatch": {enabled: true}}, resultTypes: ["violations"]});
	const ran = [r.violations, r.passes, r.incomplete, r.inapplicable].some(l => l.some(x => x.id === "label-content-name-mismatch"));
	return {ran, violations: r.violations.map(v => ({id: v.id, help: v.help,
		nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary}))}))};
})()`

// a11yBrowse opens every page in every language in Chromium at a phone's
// size, and runs axe and the tap-target measure on it.
func a11yBrowse(t *testing.T, tl a11yTools, c *a11yClub, pages []a11yPage) []a11yFinding {
	t.Helper()
	tapJS, err := os.ReadFile("testdata/tap_targets.js")
	if err != nil {
		t.Fatal(err)
	}
	tctx := a11yBrowser(t, tl)
	u, _ := url.Parse(c.base)
	session := c.admin.Jar.Cookies(u)

	var found []a11yFinding
	ruleRan := false
	for _, p := range pages {
		for _, locale := range a11yLocales {
			cookies := []*http.Cookie{{Name: a11yLangCookie, Value: locale}}
			if p.signedIn {
				cookies = append(cookies, session...)
			}
			step, cancel := context.WithTimeout(tctx, a11yStep)
			var res *network.Response
			err := chromedp.Do(step, a11ySetCookies(c.base, cookies))
			if err == nil {
				res, err = chromedp.Run(step, chromedp.NavigateResponse(c.base+p.path))
			}
			var axe a11yAxeResult
			var taps []struct{ Rule, Element, Detail string }
			if err == nil {
				_, err = chromedp.Run(step, chromedp.Evaluate[bool](tl.axe+";true"))
			}
			if err == nil {
				axe, err = chromedp.Run(step, chromedp.Evaluate[a11yAxeResult](a11yRunAxe, chromedp.EvalAwaitPromise))
			}
			if err == nil {
				taps, err = chromedp.Run(step, chromedp.Evaluate[[]struct{ Rule, Element, Detail string }](string(tapJS)))
			}
			cancel()
			if err != nil {
				t.Fatalf("%s in %s: %v", p, locale, err)
			}
			if int(res.Status) != p.status {
				found = append(found, a11yFinding{p.String(), locale, "http", "status", "", fmt.Sprintf("status %d, want %d", res.Status, p.status)})
			}
			ruleRan = ruleRan || axe.Ran
			for _, v := range axe.Violations {
				for _, n := range v.Nodes {
					found = append(found, a11yFinding{p.String(), locale, "axe", v.ID, n.Target, a11yAxeWhy(v.Help, n.Summary, n.HTML)})
				}
			}
			for _, f := range taps {
				found = append(found, a11yFinding{p.String(), locale, "tap", f.Rule, f.Element, f.Detail})
			}
		}
	}
	if !ruleRan {
		t.Error("axe did not run label-content-name-mismatch on any page: the experimental rule was not switched on")
	}
	return found
}

// a11yBrowser starts Chromium with a phone's screen, stopped when the
// test ends (before the site stops), and returns its tab.
func a11yBrowser(t *testing.T, tl a11yTools) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(tl.chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(a11yWidth, a11yHeight),
	)
	ctx, cancelTime := context.WithTimeout(context.Background(), a11yOverall)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelTime() }) // before the site stops
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(a11yWidth, a11yHeight,
		chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(1))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return tctx
}

// a11ySetCookies replaces the browser's cookies for base with cookies.
func a11ySetCookies(base string, cookies []*http.Cookie) chromedp.Action[chromedp.Void] {
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

// a11yValidate fetches every page in every language as the server sends
// it and has the Nu HTML checker read them all in one run (the JVM is
// slow to start).
func a11yValidate(t *testing.T, tl a11yTools, c *a11yClub, pages []a11yPage) []a11yFinding {
	t.Helper()
	dir := t.TempDir()
	guest := &http.Client{Timeout: 30 * time.Second}
	which := map[string]a11yFinding{} // file name → page and locale
	var files []string
	for i, p := range pages {
		for _, locale := range a11yLocales {
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
			which[filepath.Base(name)] = a11yFinding{page: p.String(), locale: locale}
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
	var found []a11yFinding
	for _, m := range report.Messages {
		f, ok := which[filepath.Base(m.URL)]
		if !ok {
			f.page = m.URL
		}
		f.judge, f.rule = "vnu", m.Type
		f.element = a11yShort(m.Extract, 60)
		f.detail = fmt.Sprintf("%s (column %d)", m.Message, m.FirstColumn)
		found = append(found, f)
	}
	return found
}
