package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fanclub/community"
)

// junkQuery is a query string of wrong values for every parameter a page
// reads: negative and non-numeric pages, cursors that are not ids,
// unknown sorts and statuses, markup, a NUL, bytes that are not UTF-8,
// and a long value.
var junkQuery = url.Values{
	"page": {"-1", "abc"}, "before": {"zzz"}, "after": {"-1"}, "sort": {"../../etc"}, "status": {`'"><b>`},
	"tag": {"\x00\xff"}, "mine": {"2"}, "voted": {"yes"}, "when": {"future"}, "tier": {"[]"}, "q": {"\xff" + strings.Repeat("가", 200)},
	"next": {"//evil.example/"}, "token": {"%%%"}, "state": {"x"}, "code": {"x"}, "error": {"access_denied"},
	"reply_to": {"000000000000000000000000"}, "action": {"explode"}, "actor": {"nobody"},
}.Encode()

// junkForms are forms of wrong values for every field a handler reads:
// numbers out of any range, and long strings of markup, odd runes and
// bytes that are not UTF-8.
func junkForms() []url.Values {
	fields := []string{"title", "body", "zone", "start", "end", "venue", "online", "link", "capacity", "access", "tier",
		"deadline", "shrink", "name", "description", "color", "cover_url", "visibility", "policy", "question",
		"required_tier", "hold_first_posts", "role", "days", "uses", "email", "answer", "on", "going", "account", "idea",
		"q", "by", "people", "reason", "note", "status", "response", "into", "action", "duration", "reaction", "reply_to",
		"return", "id", "mail", "identity", "avatar", "locale", "time_zone", "birth_month", "birth_day", "confirm", "token",
		"key", "rank", "monthlyPrice", "yearlyPrice", "trialDays", "perks", "until", "gift", "interval", "slug", "true_fans",
		"price", "kind", "stock", "limit", "event", "line1", "line2", "postal", "phone", "restore"}
	numbers, text, short := url.Values{}, url.Values{}, url.Values{}
	for _, f := range fields {
		numbers[f] = []string{"-99999999999999999999999", "NaN"}
		short[f] = []string{"a\xff\xfe\x00b"} // short enough to pass every length check and be stored
		text[f] = []string{"\u202e<script>\"'\x00\xff\xfe" + strings.Repeat("가", 300)}
	}
	// A body over every limit of ours, well under the server's (1 MB).
	text.Set("body", strings.Repeat("가", 30000))
	return []url.Values{numbers, text, short}
}

// junkIDs replace a route's parameter: not an id at all, an id nothing
// has, and something long and strange.
var junkIDs = []string{"not-an-id", "000000000000000000000000", url.PathEscape("..%2f\x00" + strings.Repeat("é", 100))}

// TestNothingAStrangerSendsGets5xx sends junk to every route of the
// site, signed out, as a member and as the owner: wrong values in every
// form field and query parameter, odd cookies, headers and bodies, ids
// that are not ids or not there, a body past the limit, and paths and
// methods no browser sends. Nothing may answer 5xx: a 5xx is a failure
// of ours.
func TestNothingAStrangerSendsGets5xx(t *testing.T) {
	w := newSweep(t)
	requests := w.requests()
	w.sendAsEach(requests)
	w.sendOddHeadersAndBodies(requests)
	w.sendPastTheLimit()
	w.sendRaw()
	if len(w.failed) > 0 {
		var logged []string
		for _, line := range strings.Split(w.s.Outbox.String(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				logged = append(logged, line)
			}
		}
		t.Errorf("%d requests answered 5xx:\n%s\nerrors logged:\n%s", len(w.failed), strings.Join(w.failed, "\n"), strings.Join(logged, "\n"))
	}
}

// sweep is a site with one of everything a route can name, and the
// requests of TestNothingAStrangerSendsGets5xx that answered 5xx.
type sweep struct {
	t             *testing.T
	s             *site
	owner, member person
	ids           map[string]string // a route's parameter → what exists
	ideaComment   string            // a comment on the idea, for routes under /ideas/
	failed        []string
}

// sweepRequest is one method and path to send junk to.
type sweepRequest struct{ method, path string }

func newSweep(t *testing.T) *sweep {
	s, owner := premiumSite(t)
	ctx := context.Background()
	s.newGroup(t, owner, community.GroupInput{Slug: "club"})
	member := s.signUp(t, "member@example.com")
	s.join(t, "club", member)
	as, staff := s.actor(t, member), s.actor(t, owner)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	post, err := s.Community.CreatePost(ctx, as, "club", "Hello")
	must(err)
	comment, err := s.Community.CreateComment(ctx, as, "club", community.OnPost(post.ID), "Hi", "")
	must(err)
	idea, err := s.Community.CreateIdea(ctx, as, "club", community.IdeaInput{Title: "An idea"})
	must(err)
	ideaComment, err := s.Community.CreateComment(ctx, as, "club", community.OnIdea(idea.ID), "Yes", "")
	must(err)
	tag, err := s.Community.AddIdeaTag(ctx, staff, "club", "Beans", "orange")
	must(err)
	start := s.Clock.Now().Add(48 * time.Hour).In(mustZone(t, "Asia/Seoul"))
	ev, err := s.Community.CreateEvent(ctx, staff, "club", community.EventInput{Title: "Night", Zone: "Asia/Seoul",
		Start: start.Format(community.LocalTimeLayout), End: start.Add(time.Hour).Format(community.LocalTimeLayout),
		Venue: "Seoul", Access: community.AccessMembers})
	must(err)
	invite, err := s.Community.CreateInviteLink(ctx, staff, "club", 0, 7)
	must(err)
	return &sweep{t: t, s: s, owner: owner, member: member, ideaComment: string(ideaComment.ID), ids: map[string]string{
		"slug": "club", "post": string(post.ID), "comment": string(comment.ID), "idea": string(idea.ID), "event": string(ev.ID),
		"account": string(member.ID), "tag": tag.ID, "key": "premium", "target": "post:" + string(post.ID), "token": invite,
		"provider": "oidc", "*": "app.css",
	}}
}

// real is what exists for param of route (an unknown id if nothing does).
func (w *sweep) real(route, param string) string {
	if param == "comment" && strings.Contains(route, "/ideas/") {
		return w.ideaComment
	}
	if v, ok := w.ids[param]; ok {
		return v
	}
	return "000000000000000000000000"
}

// requests are every GET and POST route, with what exists and with each
// parameter junk in turn. What removes the fixtures comes last, so that
// everything else meets them as they were, and signing out after it.
func (w *sweep) requests() []sweepRequest {
	var requests []sweepRequest
	for _, r := range w.s.App.GetRoutes(true) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			continue
		}
		fill := func(junk map[string]string) string {
			path := r.Path
			for _, p := range r.Params {
				v, ok := junk[p]
				if !ok {
					v = w.real(r.Path, p)
				}
				if p == "*" {
					path = strings.Replace(path, "*", v, 1)
				} else {
					path = strings.Replace(path, ":"+p, v, 1)
				}
			}
			return path
		}
		requests = append(requests, sweepRequest{r.Method, fill(nil)})
		for _, p := range r.Params {
			for _, j := range junkIDs {
				requests = append(requests, sweepRequest{r.Method, fill(map[string]string{p: j})})
			}
		}
	}
	for _, p := range []string{"/auth/oidc/callback?state=x&code=y", "/signin/link?token=junk", "/groups/club?lang=xx",
		"/?lang=" + strings.Repeat("k", 500)} {
		requests = append(requests, sweepRequest{http.MethodGet, p}, sweepRequest{http.MethodPost, p})
	}
	rank := func(r sweepRequest) int {
		switch {
		case strings.Contains(r.path, "/signout"):
			return 2
		case strings.HasSuffix(r.path, "/delete") || strings.HasSuffix(r.path, "/leave") || strings.HasSuffix(r.path, "/cancel") ||
			strings.HasSuffix(r.path, "/revoke") || strings.HasSuffix(r.path, "/moderate"):
			return 1
		}
		return 0
	}
	slices.SortStableFunc(requests, func(a, b sweepRequest) int { return rank(a) - rank(b) })
	return requests
}

func (w *sweep) check(who string, r sweepRequest, variant string, status int) {
	if status >= 500 {
		w.failed = append(w.failed, fmt.Sprintf("%s %s %.120s (%s): %d", who, r.method, r.path, variant, status))
	}
}

// sendAsEach sends every request signed out, as a member and as the
// owner: pages as they are and with a junk query, forms with each junk
// form, and as the vote script does.
func (w *sweep) sendAsEach(requests []sweepRequest) {
	for _, who := range []struct {
		name string
		b    *browser
	}{{"a stranger", w.s.newBrowser()}, {"a member", w.member.browser}, {"the owner", w.owner.browser}} {
		token := who.b.csrf()
		for _, r := range requests {
			if r.method == http.MethodGet {
				w.check(who.name, r, "as is", who.b.get(r.path).Status)
				sep := "?"
				if strings.Contains(r.path, "?") {
					sep = "&"
				}
				w.check(who.name, r, "junk query", who.b.get(r.path+sep+junkQuery).Status)
				continue
			}
			for i, form := range junkForms() {
				form.Set("_csrf", token)
				w.check(who.name, r, fmt.Sprintf("junk form %d", i), who.b.postRaw(r.path, form, map[string]string{"Origin": w.s.URL}).Status)
			}
			form := url.Values{"_csrf": {token}, "on": {"1"}}
			w.check(who.name, r, "JSON", who.b.postRaw(r.path, form, map[string]string{"Origin": w.s.URL, "Accept": "application/json"}).Status)
		}
	}
}

// sendOddHeadersAndBodies sends odd cookies and headers to every page,
// and odd bodies to every form: bad escapes, multipart, JSON with the
// token in its header.
func (w *sweep) sendOddHeadersAndBodies(requests []sweepRequest) {
	for _, r := range requests {
		if strings.Contains(r.path, "not-an-id") || strings.Contains(r.path, "000000000000000000000000") || strings.Contains(r.path, "%C3%A9") {
			continue // the routes as they are are enough
		}
		if r.method == http.MethodGet {
			req, _ := http.NewRequest(http.MethodGet, w.s.URL+r.path, nil)
			req.Header.Set("Cookie", "fanclub_session=junk; lang=../en; tz=%zz%2F..; flash=error:no.such.key; fanclub_return=//evil.example")
			req.Header.Set("Accept-Language", "*;q=abc, ko-;q=, "+strings.Repeat("x-", 200))
			req.Header.Set("Referer", "http://[::1")
			req.Header.Set("X-Forwarded-For", "not-an-ip, 999.1.1.1")
			w.check("a stranger", r, "junk cookies and headers", w.s.newBrowser().do(req, false).Status)
			continue
		}
		token := w.member.csrf()
		for name, body := range map[string]struct{ contentType, body string }{
			"bad escapes": {"application/x-www-form-urlencoded", "_csrf=" + token + "&title=%zz&body=%&on=%E0%A4%A&capacity=%2"},
			"multipart": {"multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token +
				"\r\n--xyz\r\nContent-Disposition: form-data; name=\"body\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile\r\n--xyz--\r\n"},
			"broken multipart": {"multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token},
			"JSON":             {"application/json", `{"title": 1, "body": ["x"], "on": {"1": true}}`},
		} {
			req, _ := http.NewRequest(http.MethodPost, w.s.URL+r.path, strings.NewReader(body.body))
			req.Header.Set("Content-Type", body.contentType)
			req.Header.Set("Origin", w.s.URL)
			req.Header.Set("X-CSRF-Token", token)
			w.check("a member", r, name, w.member.do(req, false).Status)
		}
	}
}

// sendPastTheLimit sends a body past the server's limit. It is refused
// before any handler: with 413, or (as fasthttp may while the body still
// comes) by closing the connection. Never a 5xx.
func (w *sweep) sendPastTheLimit() {
	huge := url.Values{"_csrf": {w.member.csrf()}, "body": {strings.Repeat("x", 3<<20)}}
	for _, path := range []string{"/groups/club/posts", "/webhooks/stripe", "/signin/email"} {
		req, _ := http.NewRequest(http.MethodPost, w.s.URL+path, strings.NewReader(huge.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res, err := w.member.client.Do(req); err == nil {
			res.Body.Close()
			w.check("a member", sweepRequest{http.MethodPost, path}, "3 MB body", res.StatusCode)
		}
	}
}

// sendRaw writes paths and methods no browser would send on the wire as
// they are.
func (w *sweep) sendRaw() {
	for _, path := range []string{"/groups/%zz", "/groups/club/posts/%00", "/assets/../../etc/passwd", "/assets/%2e%2e/%2e%2e/go.mod",
		"/calendar/%00.ics", "/groups/" + strings.Repeat("a", 3000), "/groups/club?q=" + strings.Repeat("%EA%B0%80", 2000),
		"/", "/groups/club/ideas/" + w.ids["idea"] + "/vote"} {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodPut, http.MethodDelete,
			http.MethodPatch, http.MethodOptions, "TRACE", "BREW"} {
			w.check("a stranger", sweepRequest{method, path}, "raw", rawStatus(w.t, w.s, method, path))
		}
	}
}

// rawStatus writes a request for path on the wire exactly as given and
// returns the status of the answer.
func rawStatus(t *testing.T, s *site, method, path string) int {
	t.Helper()
	u, _ := url.Parse(s.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", method, path, u.Host)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %.80s: no answer: %v", method, path, err)
	}
	res.Body.Close()
	return res.StatusCode
}
