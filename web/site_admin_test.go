package web_test

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/png"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fanclub/community"
)

// postMultipart submits a form with files, as the settings form is sent.
func (b *browser) postMultipart(path string, form url.Values, files map[string][]byte) response {
	b.t.Helper()
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf())
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for field, data := range files {
		fw, _ := w.CreateFormFile(field, field+".bin")
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	req, _ := http.NewRequest("POST", b.abs(path), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", b.site.URL)
	return b.do(req, false)
}

// testPNG is a w×h PNG image.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// moonlight are settings a brand would save.
func moonlight() url.Values {
	return url.Values{"name_ko": {"달빛 클럽"}, "name_en": {"Moonlight Club"}, "tagline": {"Fans of the night sky"},
		"accent": {"#1a56db"}, "contact": {"hello@moon.example"}, "default_locale": {"en"}, "time_zone": {"Europe/Berlin"},
		"mail_sender": {"Moonlight Team"}, "terms": {"# Terms\n\nBe **kind**. <script>alert(1)</script>"},
		"privacy": {"We keep your email."}, "about": {"We love the moon."}}
}

// TestSiteSettingsSaved: the owner names the club and uploads its
// images; the save is flashed and in the site's audit log, and the form
// shows what was saved. A member gets a 404, as on every admin page.
func TestSiteSettingsSaved(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	member := s.signUp(t, "member@example.com")
	if r := member.get("/admin/site"); r.Status != http.StatusNotFound {
		t.Fatalf("member GET /admin/site: %d, want 404", r.Status)
	}
	if r := member.postMultipart("/admin/site", moonlight(), nil); r.Status != http.StatusNotFound {
		t.Fatalf("member POST /admin/site: %d, want 404", r.Status)
	}
	r := owner.postMultipart("/admin/site", moonlight(), map[string][]byte{"logo": testPNG(t, 120, 40), "favicon": testPNG(t, 32, 32)})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/site" {
		t.Fatalf("save: %d → %q\n%s", r.Status, r.Location, r.Body)
	}
	page := owner.get("/admin/site")
	mustContain(t, page.Body, "Site settings saved.", `value="Moonlight Club"`, `value="달빛 클럽"`, `value="#1a56db"`,
		`value="Moonlight Team"`, `<option value="Europe/Berlin" selected`, `data-testid="logo-current"`, `data-testid="favicon-current"`)
	if !hasEntry(auditLines(t, owner), "changed the site settings") {
		t.Error("the save is not in the site's audit log")
	}
	// Removing the logo keeps the favicon.
	f := moonlight()
	f.Set("logo_remove", "1")
	if r := owner.postMultipart("/admin/site", f, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("remove logo: %d", r.Status)
	}
	page = owner.get("/admin/site")
	mustNotContain(t, page.Body, `data-testid="logo-current"`, `class="site-logo"`)
	mustContain(t, page.Body, `data-testid="favicon-current"`)
}

// TestSiteSettingsRefused: a refused form comes back 422 with the
// field's message in the page's language and everything typed kept; a
// colour white text fails on names its ratio; a logo too big, or not an
// image, is refused; nothing is saved.
func TestSiteSettingsRefused(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	for _, tc := range []struct {
		name   string
		change func(url.Values)
		files  map[string][]byte
		lang   string
		want   string
	}{
		{"yellow fails contrast", func(f url.Values) { f.Set("accent", "#ffff00") }, nil, "en",
			"White text on #ffff00 has a contrast of only 1.07:1, and WCAG AA needs at least 4.5:1"},
		{"yellow in Korean", func(f url.Values) { f.Set("accent", "#ffff00") }, nil, "ko", "명암비가 1.07:1밖에"},
		{"a name too long", func(f url.Values) { f.Set("name_en", strings.Repeat("m", 61)) }, nil, "en", "Keep the English name to 60 characters."},
		{"a contact that is no address", func(f url.Values) { f.Set("contact", "hello at moon") }, nil, "ko", "같은 이메일 주소를 입력해 주세요"},
		{"an unknown zone", func(f url.Values) { f.Set("time_zone", "Local") }, nil, "en", "Choose a time zone from the list."},
		{"a sender with a line break", func(f url.Values) { f.Set("mail_sender", "Moon\r\nBcc: all@x.y") }, nil, "en", "line breaks"},
		{"a logo too big", nil, map[string][]byte{"logo": append(testPNG(t, 8, 8), make([]byte, 600<<10)...)}, "en", "The logo can be at most 512 KB."},
		{"a text file as logo", nil, map[string][]byte{"logo": []byte("not an image at all")}, "en", "The logo must be a PNG, JPEG, WebP or GIF image."},
		{"an SVG logo", nil, map[string][]byte{"logo": svg}, "en", "SVG isn’t accepted"},
		{"an SVG favicon", nil, map[string][]byte{"favicon": svg}, "en", "The favicon must be a PNG or ICO image."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := moonlight()
			f.Set("tagline", "Typed & kept <3")
			if tc.change != nil {
				tc.change(f)
			}
			f.Set("_csrf", owner.csrf())
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			for k, vs := range f {
				_ = w.WriteField(k, vs[0])
			}
			for field, data := range tc.files {
				fw, _ := w.CreateFormFile(field, "upload")
				_, _ = fw.Write(data)
			}
			_ = w.Close()
			req, _ := http.NewRequest("POST", s.URL+"/admin/site", &body)
			req.Header.Set("Content-Type", w.FormDataContentType())
			req.Header.Set("Origin", s.URL)
			req.Header.Set("Accept-Language", tc.lang)
			r := owner.do(req, false)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422\n%s", r.Status, r.Body)
			}
			mustContain(t, html.UnescapeString(r.Body), tc.want, "Typed & kept <3", "We love the moon.", "hello")
			mustContain(t, r.Body, `aria-invalid="true"`)
		})
	}
	if st, err := s.Auth.Site(context.Background()); err != nil || st.Named() {
		t.Fatalf("a refused form saved something: %+v, %v", st, err)
	}
	// A colour white text reads well on is accepted.
	if r := owner.postMultipart("/admin/site", moonlight(), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("#1a56db refused: %d\n%s", r.Status, r.Body)
	}
}

var srcRE = regexp.MustCompile(`class="site-logo" src="(/site/files/[0-9a-f]{64})"`)

// TestSiteImagesServed: the logo is served by its hash with caching
// headers and its sniffed type; an unknown hash is a 404; every page
// links a favicon that exists, the default one until the brand uploads
// one; the accent colour comes in a stylesheet of its own.
func TestSiteImagesServed(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	visitor := s.newBrowser()
	home := visitor.get("/")
	icon := regexpFind(t, home.Body, `<link rel="icon" href="([^"]+)"`)
	if r := visitor.get(icon); r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("default favicon %s: %d %s", icon, r.Status, r.Header.Get("Content-Type"))
	}
	if r := visitor.get("/favicon.ico"); r.Status != http.StatusOK {
		t.Fatalf("/favicon.ico: %d", r.Status)
	}
	mustNotContain(t, home.Body, "/site/theme.css")

	logo := testPNG(t, 90, 30)
	if r := owner.postMultipart("/admin/site", moonlight(), map[string][]byte{"logo": logo, "favicon": testPNG(t, 16, 16)}); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	home = visitor.get("/")
	m := srcRE.FindStringSubmatch(home.Body)
	if m == nil {
		t.Fatalf("no logo in the header:\n%s", home.Body)
	}
	r := visitor.get(m[1])
	if r.Status != http.StatusOK || !bytes.Equal([]byte(r.Body), logo) {
		t.Fatalf("logo: %d, %d bytes", r.Status, len(r.Body))
	}
	for h, want := range map[string]string{"Content-Type": "image/png", "Cache-Control": "public, max-age=31536000, immutable",
		"X-Content-Type-Options": "nosniff"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("logo %s = %q, want %q", h, got, want)
		}
	}
	if icon := regexpFind(t, home.Body, `<link rel="icon" href="([^"]+)"`); !strings.HasPrefix(icon, "/site/files/") || icon == m[1] {
		t.Errorf("favicon link %q, want the uploaded favicon", icon)
	}
	if r := visitor.get("/site/files/" + strings.Repeat("ab", 32)); r.Status != http.StatusNotFound {
		t.Errorf("unknown hash: %d, want 404", r.Status)
	}
	if r := visitor.get("/site/files/nope"); r.Status != http.StatusNotFound {
		t.Errorf("a made-up name: %d, want 404", r.Status)
	}
	theme := html.UnescapeString(regexpFind(t, home.Body, `<link rel="stylesheet" href="(/site/theme.css[^"]*)"`))
	r = visitor.get(theme)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "--accent: #1a56db;") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("theme %s: %d %s\n%s", theme, r.Status, r.Header.Get("Content-Type"), r.Body)
	}
}

// titleRE and siteNameRE find the page title and the header's name.
var (
	titleRE    = regexp.MustCompile(`<title>([^<]*)</title>`)
	siteNameRE = regexp.MustCompile(`(?s)data-testid="site-name">(.*?)</a>`)
	footerRE   = regexp.MustCompile(`(?s)<footer.*</footer>`)
)

// TestClubNameOnPages: a named club's name is in every page's title, the
// header and the footer, in the page's language; "fanclub" is left only
// in the powered-by line, and gone once that is hidden; the tagline is
// the page's description.
func TestClubNameOnPages(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	visitor := s.newBrowser()
	if r := owner.postMultipart("/admin/site", moonlight(), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	for _, tc := range []struct{ lang, name string }{{"en", "Moonlight Club"}, {"ko", "달빛 클럽"}} {
		for _, path := range []string{"/", "/signin", "/groups", "/pricing"} {
			req, _ := http.NewRequest("GET", s.URL+path, nil)
			req.Header.Set("Accept-Language", tc.lang)
			body := visitor.do(req, false).Body
			if title := titleRE.FindStringSubmatch(body); title == nil || !strings.HasSuffix(title[1], "· "+tc.name) {
				t.Errorf("%s %s: title %q, want it to end with the club's name", tc.lang, path, title)
			}
			if h := siteNameRE.FindStringSubmatch(body); h == nil || !strings.Contains(h[1], tc.name) {
				t.Errorf("%s %s: header %q", tc.lang, path, h)
			}
			foot := footerRE.FindString(body)
			mustContain(t, foot, tc.name+" · Fans of the night sky", `href="/terms"`, `href="/privacy"`, `href="/about"`, "mailto:hello@moon.example")
			mustContain(t, body, `<meta name="description" content="Fans of the night sky">`)
			if rest := strings.Replace(body, "Powered by fanclub", "", 1); strings.Contains(strings.ToLower(rest), "fanclub") {
				i := strings.Index(strings.ToLower(rest), "fanclub")
				t.Errorf("%s %s: fanclub outside the powered-by line: …%s…", tc.lang, path, rest[max(0, i-80):min(len(rest), i+40)])
			}
		}
	}
	f := moonlight()
	f.Set("hide_powered_by", "1")
	if r := owner.postMultipart("/admin/site", f, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	if body := visitor.get("/").Body; strings.Contains(strings.ToLower(body), "fanclub") {
		t.Error("fanclub still on the home page with the powered-by line hidden")
	}
}

// TestUnnamedClubDescribed: before the brand writes a tagline, every page
// still has a description, in its language, naming the product.
func TestUnnamedClubDescribed(t *testing.T) {
	s := newSite(t, siteOptions{})
	b := s.newBrowser()
	mustContain(t, b.get("/").Body, `<meta name="description" content="fanclub: a fan club where members meet`, "Powered by fanclub")
}

// TestClubNameInMail: a sign-in mail's subject and signature carry the
// club's name in the reader's language, and it comes from the sender
// name the brand chose.
func TestClubNameInMail(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	if r := owner.postMultipart("/admin/site", moonlight(), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	for _, tc := range []struct{ lang, subject, name string }{
		{"en", "[Moonlight Club] Your sign-in link", "Moonlight Club"},
		{"ko", "[달빛 클럽] 로그인 링크", "달빛 클럽"},
	} {
		b := s.newBrowser()
		form := url.Values{"email": {tc.lang + "@example.com"}, "_csrf": {b.csrf()}}
		if r := b.postRaw("/signin/email", form, map[string]string{"Origin": s.URL, "Accept-Language": tc.lang}); r.Status != http.StatusOK {
			t.Fatalf("request link: %d", r.Status)
		}
		ms := s.Outbox.Mails()
		m := ms[len(ms)-1]
		if m.To != tc.lang+"@example.com" || m.Subject != tc.subject || !strings.HasSuffix(m.Text, "— "+tc.name+"\n") || m.From != "Moonlight Team" {
			t.Errorf("%s mail: %+v", tc.lang, m)
		}
		if strings.Contains(m.Subject+m.Text, "fanclub") {
			t.Errorf("%s mail names fanclub: %+v", tc.lang, m)
		}
	}
}

// TestClubNameInCalendar: an event's .ics names the club as its calendar.
func TestClubNameInCalendar(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	if r := owner.postMultipart("/admin/site", moonlight(), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	g := s.newGroup(t, owner, community.GroupInput{Slug: "moon", Name: "Moon watchers"})
	e := acEvent(t, s, s.actor(t, owner), g.Slug, acEventInput(s, "Full moon walk", community.AccessMembers))
	r := owner.get("/groups/moon/events/" + string(e.ID) + "/event.ics")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "X-WR-CALNAME:Moonlight Club\r\n") {
		t.Fatalf("event.ics: %d\n%s", r.Status, r.Body)
	}
}

// TestSitePages: About, Terms and Privacy are 404 until written, then
// render the brand's Markdown with script removed; sign-in names the club
// and links Terms and Privacy.
func TestSitePages(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	visitor := s.newBrowser()
	for _, p := range []string{"/about", "/terms", "/privacy"} {
		if r := visitor.get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s before it is written: %d, want 404", p, r.Status)
		}
	}
	mustNotContain(t, visitor.get("/signin").Body, `href="/terms"`)
	if r := owner.postMultipart("/admin/site", moonlight(), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	r := visitor.get("/terms")
	if r.Status != http.StatusOK {
		t.Fatalf("/terms: %d", r.Status)
	}
	mustContain(t, r.Body, "<title>Terms of use · Moonlight Club</title>", "Be <strong>kind</strong>.")
	mustNotContain(t, r.Body, "<script>alert")
	signin := visitor.get("/signin").Body
	mustContain(t, signin, "Welcome to Moonlight Club.", `data-testid="signin-terms"`, `href="/terms"`, `href="/privacy"`)

	// The page is kept rendered, but a new text shows at once.
	changed := moonlight()
	changed.Set("terms", "Be *gentle*.")
	if r := owner.postMultipart("/admin/site", changed, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save again: %d", r.Status)
	}
	r = visitor.get("/terms")
	mustContain(t, r.Body, "Be <em>gentle</em>.")
	mustNotContain(t, r.Body, "Be <strong>kind</strong>.")
}

// TestSiteDefaultLanguage: a browser that names no language gets the
// site's default.
func TestSiteDefaultLanguage(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	get := func() string {
		res, err := http.Get(s.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		return b.String()
	}
	mustContain(t, get(), `<html lang="en">`)
	f := moonlight()
	f.Set("default_locale", "ko")
	if r := owner.postMultipart("/admin/site", f, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	mustContain(t, get(), `<html lang="ko">`, "달빛 클럽")
}

// TestSiteSettingsAtEveryLimit: a form with every page, the welcome and
// both images as large as the settings allow (Korean text takes three
// bytes a character) is saved, not refused by the server's body limit.
func TestSiteSettingsAtEveryLimit(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	noise := func(side int) []byte { // random pixels: PNG cannot shrink them
		img := image.NewGray(image.Rect(0, 0, side, side))
		r := rand.New(rand.NewPCG(1, 2))
		for i := range img.Pix {
			img.Pix[i] = byte(r.Uint32())
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	logo, favicon := noise(700), noise(340)
	form := moonlight()
	page := strings.Repeat("가", 50_000)
	form.Set("about", page)
	form.Set("terms", page)
	form.Set("privacy", page)
	form.Set("welcome", strings.Repeat("나", 10_000))
	r := owner.postMultipart("/admin/site", form, map[string][]byte{"logo": logo, "favicon": favicon})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("a form of %d KB of images and 480 KB of text: %d, want 303", (len(logo)+len(favicon))>>10, r.Status)
	}
	if got := s.newBrowser().get("/terms"); got.Status != http.StatusOK || !strings.Contains(got.Body, page) {
		t.Errorf("/terms after the save: %d", got.Status)
	}
}
