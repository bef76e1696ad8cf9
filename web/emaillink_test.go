package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/internal/mongotest"
	"fanclub/internal/ratelimit"

	"go.mongodb.org/mongo-driver/bson"
)

// Texts from views/locales, as the person reads them.
const (
	elSentTitle   = "Check your email"
	elConfirmText = "Finish signing in"
	elInvalidText = "This sign-in link is invalid, already used, or expired."
	elLimitedText = "Too many sign-in attempts. Please wait a few minutes and try again."
)

func TestEmailLinkSignIn(t *testing.T) {
	s := newSite(t, siteOptions{})
	const email = "hana@example.com"
	b := s.newBrowser()

	r := b.post("/signin/email", url.Values{"email": {email}})
	if r.Status != http.StatusOK {
		t.Fatalf("request link: status %d: %s", r.Status, r.Body)
	}
	mustContain(t, r.Body, elSentTitle, `data-testid="sent-to">If hana@example.com can be used to sign in`)
	link := s.Outbox.LinkTo(t, email)
	token := elToken(t, link)

	t.Run("the database keeps only a hash of the token", func(t *testing.T) {
		docs := elDocs(t, s, "email_links", bson.M{"email": email})
		if len(docs) != 1 {
			t.Fatalf("%d email_links documents for %s, want 1", len(docs), email)
		}
		if id, _ := docs[0]["_id"].(string); id == token || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(id) {
			t.Fatalf("_id %q is not a hash of the token", id)
		}
		for _, d := range elDocs(t, s, "email_links", bson.M{}) {
			if elHolds(t, d, token) {
				t.Fatalf("an email_links document holds the raw token: %v", d)
			}
		}
	})

	t.Run("opening the link only asks for a press", func(t *testing.T) {
		page := b.get(link)
		if page.Status != http.StatusOK {
			t.Fatalf("open link: status %d", page.Status)
		}
		mustContain(t, page.Body, elConfirmText, `data-testid="confirm-signin"`)
		if got := elLinkForm(t, page.Body).Get("token"); got != token {
			t.Fatalf("confirm form carries token %q, want the mailed one", got)
		}
		if b.signedIn() {
			t.Fatal("opening the link signed the browser in")
		}
		if n := s.count("email_links", bson.M{"email": email}); n != 1 {
			t.Fatal("opening the link used it up")
		}
	})

	t.Run("pressing the button signs in", func(t *testing.T) {
		r := elConfirm(t, b, link)
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("confirm: status %d to %q: %s", r.Status, r.Location, r.Body)
		}
		home := b.get("/")
		mustContain(t, home.Body, `data-testid="greeting">Hello, hana<`, "You are signed in.")
		if !b.signedIn() {
			t.Fatal("not signed in after confirming")
		}
		if n := s.count("accounts", bson.M{}); n != 1 {
			t.Fatalf("%d accounts, want 1", n)
		}
		if n := s.count("accounts", bson.M{"email": email, "emailVerified": true}); n != 1 {
			t.Fatal("the account does not carry the verified address")
		}
		if n := s.count("identities", bson.M{"_id": "email:" + email, "accountId": elAccountID(t, s, email)}); n != 1 {
			t.Fatal("no identity email:" + email + " on the account")
		}
		if n := s.count("email_links", bson.M{}); n != 0 {
			t.Fatalf("%d email links left after use, want 0", n)
		}
	})

	t.Run("a used link is refused and signs no one in", func(t *testing.T) {
		acc := elAccountID(t, s, email)
		before := s.count("sessions", bson.M{"accountId": acc})
		other := s.newBrowser()
		r := elConfirm(t, other, link)
		if r.Status != http.StatusGone {
			t.Fatalf("reuse: status %d, want 410", r.Status)
		}
		mustContain(t, r.Body, elInvalidText)
		if other.signedIn() {
			t.Fatal("a used link signed a browser in")
		}
		// The same browser that used it gets no fresh session either.
		r = b.post("/signin/link", url.Values{"token": {token}})
		if r.Status != http.StatusGone {
			t.Fatalf("reuse in the first browser: status %d, want 410", r.Status)
		}
		if after := s.count("sessions", bson.M{"accountId": acc}); after != before {
			t.Fatalf("signed-in sessions went from %d to %d", before, after)
		}
	})
}

func TestEmailLinkExpiry(t *testing.T) {
	tests := []struct {
		name       string
		wait       time.Duration
		wantStatus int
		wantIn     bool
		accounts   int64
	}{
		{name: "still works at 14 minutes", wait: 14 * time.Minute, wantStatus: http.StatusSeeOther, wantIn: true, accounts: 1},
		{name: "refused at 16 minutes", wait: 16 * time.Minute, wantStatus: http.StatusGone, accounts: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, siteOptions{})
			b := s.newBrowser()
			if r := b.post("/signin/email", url.Values{"email": {"late@example.com"}}); r.Status != http.StatusOK {
				t.Fatalf("request link: status %d", r.Status)
			}
			link := s.Outbox.LinkTo(t, "late@example.com")
			s.Clock.Advance(tt.wait)
			r := elConfirm(t, b, link)
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			if !tt.wantIn {
				mustContain(t, r.Body, elInvalidText)
			}
			if got := b.signedIn(); got != tt.wantIn {
				t.Fatalf("signed in: %v, want %v", got, tt.wantIn)
			}
			if n := s.count("accounts", bson.M{}); n != tt.accounts {
				t.Fatalf("%d accounts, want %d", n, tt.accounts)
			}
		})
	}
}

func TestEmailLinkSamePageForKnownAndUnknown(t *testing.T) {
	s := newSite(t, siteOptions{})
	s.newBrowser().signInByEmailLink(t, s, "known@example.com")

	b := s.newBrowser()
	known := b.post("/signin/email", url.Values{"email": {"known@example.com"}})
	unknown := b.post("/signin/email", url.Values{"email": {"nobody@example.com"}})
	if known.Status != http.StatusOK || unknown.Status != http.StatusOK {
		t.Fatalf("statuses %d and %d, want 200 for both", known.Status, unknown.Status)
	}
	mustContain(t, known.Body, "known@example.com")
	mustContain(t, unknown.Body, "nobody@example.com")
	a := strings.ReplaceAll(known.Body, "known@example.com", "ADDRESS")
	z := strings.ReplaceAll(unknown.Body, "nobody@example.com", "ADDRESS")
	if a != z {
		t.Fatalf("the pages differ beyond the address:\n--- known\n%s\n--- unknown\n%s", a, z)
	}
	// Both were mailed: the unknown one is a sign-up.
	s.Outbox.LinkTo(t, "known@example.com")
	s.Outbox.LinkTo(t, "nobody@example.com")
}

func TestEmailLinkBadInput(t *testing.T) {
	long := strings.Repeat("a", 300-len("@example.com")) + "@example.com"
	tests := []struct {
		name  string
		email string
		lang  string
		want  string
	}{
		{name: "malformed", email: "not-an-email", want: "Enter an email address like name@example.com."},
		{name: "empty", email: "", want: "Enter your email address."},
		{name: "300 characters", email: long, want: "That email address is too long. Use at most 254 characters."},
		{name: "malformed, in Korean", email: "not-an-email", lang: "ko", want: "name@example.com 같은 형식으로 이메일 주소를 입력해 주세요."},
	}
	s := newSite(t, siteOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.newBrowser()
			mailed := len(s.Outbox.Mails())
			headers := map[string]string{"Origin": s.URL}
			if tt.lang != "" {
				headers["Accept-Language"] = tt.lang
			}
			r := b.postRaw("/signin/email", url.Values{"email": {tt.email}, "_csrf": {b.csrf()}}, headers)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			mustContain(t, r.Body, tt.want, `data-testid="error-email"`, `aria-invalid="true"`,
				`value="`+html.EscapeString(tt.email)+`"`)
			if n := len(s.Outbox.Mails()); n != mailed {
				t.Fatalf("%d mails sent for bad input", n-mailed)
			}
			if n := s.count("email_links", bson.M{}); n != 0 {
				t.Fatalf("%d email links stored for bad input", n)
			}
		})
	}
}

func TestEmailLinkRateLimits(t *testing.T) {
	t.Run("a fourth link for one address in 15 minutes is refused", func(t *testing.T) {
		s := newSite(t, siteOptions{})
		elFreshWindow(s)
		b := s.newBrowser()
		for i := 1; i <= 3; i++ {
			if r := b.post("/signin/email", url.Values{"email": {"fan@example.com"}}); r.Status != http.StatusOK {
				t.Fatalf("request %d: status %d", i, r.Status)
			}
		}
		r := b.post("/signin/email", url.Values{"email": {"fan@example.com"}})
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("request 4: status %d, want 429", r.Status)
		}
		mustContain(t, r.Body, elLimitedText, `value="fan@example.com"`)
		if n := elMailsTo(s, "fan@example.com"); n != 3 {
			t.Fatalf("%d mails to fan@example.com, want 3", n)
		}
		if !elHasCounter(t, s, "link-email:fan@example.com") {
			t.Fatal("no rate_limits counter for the address")
		}
		// Another address is not held back by this one.
		if r := b.post("/signin/email", url.Values{"email": {"friend@example.com"}}); r.Status != http.StatusOK {
			t.Fatalf("another address: status %d", r.Status)
		}
		// A new window lets the address in again.
		s.Clock.Advance(15 * time.Minute)
		if r := b.post("/signin/email", url.Values{"email": {"fan@example.com"}}); r.Status != http.StatusOK {
			t.Fatalf("next window: status %d", r.Status)
		}
	})

	t.Run("at a launch, 200 fans behind one address all get a link and sign in", func(t *testing.T) {
		s := newSite(t, siteOptions{})
		elFreshWindow(s)
		fans := make([]*browser, 200)
		for i := range fans {
			fans[i] = s.newBrowser()
			if r := fans[i].post("/signin/email", url.Values{"email": {elFan(i)}}); r.Status != http.StatusOK {
				t.Fatalf("fan %d asks for a link: status %d", i+1, r.Status)
			}
		}
		if n := len(s.Outbox.Mails()); n != 200 {
			t.Fatalf("%d links mailed, want 200", n)
		}
		for i, b := range fans {
			if r := elConfirm(t, b, s.Outbox.LinkTo(t, elFan(i))); r.Status != http.StatusSeeOther || r.Location != "/" {
				t.Fatalf("fan %d uses the link: status %d to %q", i+1, r.Status, r.Location)
			}
		}
		if n := s.count("accounts", bson.M{}); n != 200 {
			t.Fatalf("%d accounts, want 200", n)
		}
	})

	t.Run("a flood from one address stops after 300 links in 15 minutes", func(t *testing.T) {
		s := newSite(t, siteOptions{})
		elFreshWindow(s)
		b := s.newBrowser()
		form := url.Values{"_csrf": {b.csrf()}}
		ask := func(i int) response {
			form.Set("email", elFan(i))
			return b.postRaw("/signin/email", form, map[string]string{"Origin": s.URL})
		}
		for i := range 300 {
			if r := ask(i); r.Status != http.StatusOK {
				t.Fatalf("request %d: status %d", i+1, r.Status)
			}
		}
		for i := 300; i < 310; i++ {
			r := ask(i)
			if r.Status != http.StatusTooManyRequests {
				t.Fatalf("request %d: status %d, want 429", i+1, r.Status)
			}
			mustContain(t, r.Body, elLimitedText, `value="`+elFan(i)+`"`)
		}
		if n := len(s.Outbox.Mails()); n != 300 {
			t.Fatalf("%d mails, want 300", n)
		}
		if !elHasCounter(t, s, "link-ip:") {
			t.Fatal("no rate_limits counter for the IP")
		}
	})

	t.Run("limits hold across app instances sharing the database", func(t *testing.T) {
		// Ten per address, so the test need not send hundreds.
		lim := auth.DefaultLimits
		lim.LinkPerIP = ratelimit.Rule{Max: 10, Window: 15 * time.Minute}
		a := newSite(t, siteOptions{db: mongotest.New(t).Shared(), authLimits: lim}) // two instances: as on MongoDB, neither trusts memory
		z := newSite(t, siteOptions{db: a.DB, authLimits: lim})
		elFreshWindow(a, z)
		ba, bz := a.newBrowser(), z.newBrowser()
		pick := func(i int) *browser {
			if i%2 == 0 {
				return ba
			}
			return bz
		}

		for i := 1; i <= 3; i++ {
			if r := pick(i).post("/signin/email", url.Values{"email": {"shared@example.com"}}); r.Status != http.StatusOK {
				t.Fatalf("address request %d: status %d", i, r.Status)
			}
		}
		for _, b := range []*browser{ba, bz} {
			r := b.post("/signin/email", url.Values{"email": {"shared@example.com"}})
			if r.Status != http.StatusTooManyRequests {
				t.Fatalf("fourth request on %s: status %d, want 429", b.site.URL, r.Status)
			}
			mustContain(t, r.Body, elLimitedText)
		}
		if n := elMailsTo(a, "shared@example.com") + elMailsTo(z, "shared@example.com"); n != 3 {
			t.Fatalf("%d mails in all, want 3", n)
		}

		elFreshWindow(a, z)
		for i := 1; i <= 10; i++ {
			if r := pick(i).post("/signin/email", url.Values{"email": {elAddr(i)}}); r.Status != http.StatusOK {
				t.Fatalf("IP request %d: status %d", i, r.Status)
			}
		}
		for _, b := range []*browser{ba, bz} {
			if r := b.post("/signin/email", url.Values{"email": {elAddr(11)}}); r.Status != http.StatusTooManyRequests {
				t.Fatalf("eleventh request on %s: status %d, want 429", b.site.URL, r.Status)
			}
		}
	})
}

func TestEmailLinkBadTokens(t *testing.T) {
	s := newSite(t, siteOptions{})
	// A pending link, which no bad token may use up.
	if r := s.newBrowser().post("/signin/email", url.Values{"email": {"waiting@example.com"}}); r.Status != http.StatusOK {
		t.Fatalf("request link: status %d", r.Status)
	}
	good := elToken(t, s.Outbox.LinkTo(t, "waiting@example.com"))
	tests := []struct{ name, token string }{
		{name: "garbage", token: "garbage"},
		{name: "empty", token: ""},
		{name: "well-formed but unknown", token: strings.Repeat("A", len(good))},
		{name: "good token with one letter changed", token: elFlip(good)},
		{name: "overlong", token: strings.Repeat("x", 500)},
		{name: "the hash instead of the token", token: elHashOf(t, s)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.newBrowser()
			r := b.post("/signin/link", url.Values{"token": {tt.token}})
			if r.Status != http.StatusGone {
				t.Fatalf("status %d, want 410", r.Status)
			}
			mustContain(t, r.Body, elInvalidText)
			if b.signedIn() {
				t.Fatal("signed in with a bad token")
			}
			if n := s.count("accounts", bson.M{}); n != 0 {
				t.Fatalf("%d accounts created", n)
			}
			if n := s.count("identities", bson.M{}); n != 0 {
				t.Fatalf("%d identities created", n)
			}
			if n := s.count("email_links", bson.M{"email": "waiting@example.com"}); n != 1 {
				t.Fatal("the pending link was used up")
			}
		})
	}
	// And the pending link still works.
	b := s.newBrowser()
	if r := b.post("/signin/link", url.Values{"token": {good}}); r.Status != http.StatusSeeOther {
		t.Fatalf("pending link: status %d", r.Status)
	}
}

func TestEmailLinkAsSecondMethod(t *testing.T) {
	s := newSite(t, siteOptions{})
	owner := s.newBrowser()
	owner.signInByEmailLink(t, s, "mina@example.com")
	acc := elAccountID(t, s, "mina@example.com")

	// ask has the owner request a link for email from settings and
	// returns it.
	ask := func(t *testing.T, email string) string {
		t.Helper()
		r := owner.post("/settings/sign-in/email", url.Values{"email": {email}})
		if r.Status != http.StatusSeeOther || r.Location != "/settings" {
			t.Fatalf("request: status %d to %q: %s", r.Status, r.Location, r.Body)
		}
		mustContain(t, owner.get("/settings").Body, `data-testid="flash"`,
			"We sent you an email. Open the link in it within 15 minutes.")
		return s.Outbox.LinkTo(t, email)
	}

	t.Run("confirmed in the same browser, the address is linked", func(t *testing.T) {
		link := ask(t, "mina.work@example.com")
		if n := s.count("identities", bson.M{"_id": "email:mina.work@example.com"}); n != 0 {
			t.Fatal("linked before the link was used")
		}
		r := elConfirm(t, owner, link)
		if r.Status != http.StatusSeeOther || r.Location != "/settings" {
			t.Fatalf("confirm: status %d to %q: %s", r.Status, r.Location, r.Body)
		}
		page := owner.get("/settings")
		mustContain(t, page.Body, "The sign-in method was linked.",
			`data-testid="identity-email:mina.work@example.com"`, `data-testid="identity-email:mina@example.com"`)
		if n := s.count("identities", bson.M{"_id": "email:mina.work@example.com", "accountId": acc}); n != 1 {
			t.Fatal("the address is not linked to the account")
		}
		if n := s.count("identities", bson.M{"accountId": acc}); n != 2 {
			t.Fatalf("%d identities on the account, want 2", n)
		}
		if n := s.count("accounts", bson.M{}); n != 1 {
			t.Fatalf("%d accounts, want 1", n)
		}
	})

	t.Run("confirmed in a signed-out browser, it is refused", func(t *testing.T) {
		link := ask(t, "mina.home@example.com")
		stranger := s.newBrowser()
		r := elConfirm(t, stranger, link)
		if r.Status != http.StatusForbidden {
			t.Fatalf("status %d, want 403: %s", r.Status, r.Body)
		}
		mustContain(t, r.Body, "You are not allowed to do that.")
		if stranger.signedIn() {
			t.Fatal("the stranger was signed in")
		}
		if n := s.count("identities", bson.M{"_id": "email:mina.home@example.com"}); n != 0 {
			t.Fatal("the address was linked from another browser")
		}
		if n := s.count("identities", bson.M{"accountId": acc}); n != 2 {
			t.Fatalf("%d identities on the account, want 2", n)
		}
		if n := s.count("accounts", bson.M{}); n != 1 {
			t.Fatalf("%d accounts, want 1", n)
		}
	})

	t.Run("confirmed in another member's browser, it is refused", func(t *testing.T) {
		other := s.newBrowser()
		other.signInByEmailLink(t, s, "other@example.com")
		link := ask(t, "mina.phone@example.com")
		if r := elConfirm(t, other, link); r.Status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.Status)
		}
		if n := s.count("identities", bson.M{"_id": "email:mina.phone@example.com"}); n != 0 {
			t.Fatal("the address was linked to someone")
		}
	})
}

// elConfirm opens a mailed link in b and presses its button, as a person
// would, and returns the answer to the press.
func elConfirm(t *testing.T, b *browser, link string) response {
	t.Helper()
	page := b.get(link)
	if page.Status == http.StatusGone {
		return page // a used or expired link is refused on sight
	}
	if page.Status != http.StatusOK {
		t.Fatalf("open link: status %d", page.Status)
	}
	return b.postRaw("/signin/link", elLinkForm(t, page.Body), map[string]string{"Origin": b.site.URL})
}

var elHiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// elLinkForm returns the hidden fields of the confirm page's form.
func elLinkForm(t *testing.T, body string) url.Values {
	t.Helper()
	_, form, ok := strings.Cut(body, `action="/signin/link"`)
	if !ok {
		t.Fatalf("no confirm form on the page:\n%s", body)
	}
	form, _, _ = strings.Cut(form, "</form>")
	v := url.Values{}
	for _, m := range elHiddenRE.FindAllStringSubmatch(form, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

func elToken(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("no token in %q", link)
	}
	return u.Query().Get("token")
}

// elFreshWindow moves the sites' clocks to a minute into the next
// 15-minute window, so a test's link requests are counted together.
func elFreshWindow(sites ...*site) {
	now := sites[0].Clock.Now()
	d := now.Truncate(15 * time.Minute).Add(16 * time.Minute).Sub(now)
	for _, s := range sites {
		s.Clock.Advance(d)
	}
}

func elAddr(i int) string { return "fan" + string(rune('a'+i)) + "@example.com" }

func elFan(i int) string { return "fan" + strconv.Itoa(i+1) + "@example.com" }

func elMailsTo(s *site, email string) int {
	n := 0
	for _, m := range s.Outbox.Mails() {
		if m.To == email {
			n++
		}
	}
	return n
}

// elHasCounter reports whether rate_limits holds a counter whose key
// starts with prefix.
func elHasCounter(t *testing.T, s *site, prefix string) bool {
	t.Helper()
	for _, d := range elDocs(t, s, "rate_limits", bson.M{}) {
		if id, _ := d["_id"].(string); strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}

func elDocs(t *testing.T, s *site, coll string, filter any) []bson.M {
	t.Helper()
	cur, err := s.DB.Collection(coll).Find(context.Background(), filter)
	if err != nil {
		t.Fatal(err)
	}
	var out []bson.M
	if err := cur.All(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// elHolds reports whether any field of d, however nested, contains secret.
func elHolds(t *testing.T, d bson.M, secret string) bool {
	t.Helper()
	j, err := bson.MarshalExtJSON(d, false, false)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(j), secret)
}

func elAccountID(t *testing.T, s *site, email string) string {
	t.Helper()
	var d struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("accounts").FindOne(context.Background(), bson.M{"email": email}).Decode(&d); err != nil {
		t.Fatalf("account of %s: %v", email, err)
	}
	return d.ID
}

// elFlip changes the token's first character to another valid one.
func elFlip(token string) string {
	c := byte('A')
	if token[0] == 'A' {
		c = 'B'
	}
	return string(c) + token[1:]
}

// elHashOf returns the stored _id of the one pending email link.
func elHashOf(t *testing.T, s *site) string {
	t.Helper()
	docs := elDocs(t, s, "email_links", bson.M{})
	if len(docs) != 1 {
		t.Fatalf("%d email links, want 1", len(docs))
	}
	id, _ := docs[0]["_id"].(string)
	return id
}
