package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// requestTimeout bounds every request: past it the request counts as a
// connection failure (a timeout).
const requestTimeout = 60 * time.Second

// member is a signed-in account the driver acts as. voted tracks the
// ideas it voted for, so a vote turns a vote on, or off if it was on.
type member struct {
	credential
	mu    sync.Mutex
	voted map[string]bool
}

// site sends the requests a browser would.
type site struct {
	base    string
	slug    string
	http    *http.Client
	ideas   []string
	cursors []string
	threads []threadMark      // commented posts (-social)
	marks   map[string]string // commented idea → its oldest comment's marker (-social)
}

func newSite(base, slug string, conns int, st *seedState) *site {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: 90 * time.Second,
		DisableCompression: true}
	c := &http.Client{Transport: tr, Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	marks := map[string]string{}
	for _, t := range st.IdeaThreads {
		marks[t.ID] = t.Comment
	}
	return &site{base: base, slug: slug, http: c, ideas: st.Ideas, cursors: st.Cursors, threads: st.Threads, marks: marks}
}

// outcome is one request's result.
type outcome struct {
	status int
	took   time.Duration
	at     time.Time // when it finished
	err    error     // the request failed before a status came back
	body   string    // the start of a refused response's body
	page   string    // the whole body, when asked for
}

// ok is a 2xx or 3xx answer.
func (o outcome) ok() bool { return o.err == nil && o.status >= 200 && o.status < 400 }

func (o outcome) String() string {
	if o.err != nil {
		return o.err.Error()
	}
	return fmt.Sprintf("%d %s", o.status, o.body)
}

// send makes one request as m and reads the whole answer.
func (s *site) send(ctx context.Context, m *member, method, path string, form url.Values, accept string, keep bool) outcome {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, body)
	if err != nil {
		return outcome{err: err, at: time.Now()}
	}
	req.Header.Set("Cookie", "fanclub_session="+m.Token)
	req.Header.Set("Accept-Language", "en")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.base) // as a browser sends on a same-origin POST
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	t := time.Now()
	res, err := s.http.Do(req)
	if err != nil {
		return outcome{err: err, took: time.Since(t), at: time.Now()}
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	o := outcome{status: res.StatusCode, took: time.Since(t), at: time.Now(), err: err}
	if !o.ok() {
		o.body = snippet(b)
	}
	if keep {
		o.page = string(b)
	}
	return o
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func (s *site) get(ctx context.Context, m *member, path string) outcome {
	return s.send(ctx, m, http.MethodGet, path, nil, "", false)
}

func (s *site) boardPath() string { return "/groups/" + s.slug + "/ideas" }
func (s *site) feedPath() string  { return "/groups/" + s.slug }

// board reads the idea board's first page (trending, the cached case).
func (s *site) board(ctx context.Context, m *member) outcome { return s.get(ctx, m, s.boardPath()) }

// home reads the member's home page: their groups with what is new,
// their next events, ideas awaiting their vote.
func (s *site) home(ctx context.Context, m *member) outcome { return s.get(ctx, m, "/") }

// insights reads /admin/insights as the site owner; a page without its
// cohort chart, or with a section it could not compute, is a failure.
func (s *site) insights(ctx context.Context, m *member) outcome {
	o := s.send(ctx, m, http.MethodGet, "/admin/insights", nil, "", true)
	switch {
	case !o.ok():
	case !strings.Contains(o.page, `id="cohorts"`) || strings.Contains(o.page, `data-testid="cohorts-empty"`):
		o.status, o.body = 599, "no cohort chart on the page"
	case strings.Contains(o.page, `data-testid="not-available"`):
		o.status, o.body = 599, "a section says it is not available"
	}
	o.page = ""
	return o
}

// feed reads the group feed's first page.
func (s *site) feed(ctx context.Context, m *member) outcome { return s.get(ctx, m, s.feedPath()) }

// rewards reads the member's /rewards; one without the balance is a
// failure.
func (s *site) rewards(ctx context.Context, m *member) outcome {
	o := s.send(ctx, m, http.MethodGet, "/rewards", nil, "", true)
	if o.ok() && !strings.Contains(o.page, `data-testid="points-balance"`) {
		o.status, o.body = 599, "no balance on /rewards"
	}
	o.page = ""
	return o
}

// loyalty turns the loyalty programme on (votes earn 2 points, posts 10,
// a year's expiry) or off, as the owner m through /admin/loyalty.
func (s *site) loyalty(ctx context.Context, m *member, on bool) outcome {
	form := url.Values{"_csrf": {m.CSRF}, "expiry": {"12"}, "points_vote": {"2"}, "points_post": {"10"}}
	if on {
		form.Set("on", "1")
	}
	return s.send(ctx, m, http.MethodPost, "/admin/loyalty/rules", form, "", false)
}

// feedDeep reads a feed page at a random depth, by its seeded cursor.
func (s *site) feedDeep(ctx context.Context, m *member) outcome {
	if len(s.cursors) == 0 {
		return s.feed(ctx, m)
	}
	c := s.cursors[rand.IntN(len(s.cursors))]
	return s.get(ctx, m, s.feedPath()+"?before="+url.QueryEscape(c))
}

// idea reads a random idea's page; a commented one's must show its oldest
// comment.
func (s *site) idea(ctx context.Context, m *member) outcome {
	id := s.ideas[rand.IntN(len(s.ideas))]
	return s.showing(s.send(ctx, m, http.MethodGet, s.boardPath()+"/"+id, nil, "", true), s.marks[id])
}

// thread reads a random commented post's page (seeded with -social),
// which must show its oldest comment.
func (s *site) thread(ctx context.Context, m *member) outcome {
	t := s.threads[rand.IntN(len(s.threads))]
	return s.showing(s.send(ctx, m, http.MethodGet, s.feedPath()+"/posts/"+t.ID, nil, "", true), t.Comment)
}

// showing fails a page that answered 2xx but lacks the comment marker
// mark (if any), then drops the page: a comment lost or not rendered is
// an error even when the status says all is well.
func (s *site) showing(o outcome, mark string) outcome {
	if o.ok() && mark != "" && !strings.Contains(o.page, mark) {
		o.err = fmt.Errorf("page answered %d without its comment %s", o.status, mark)
	}
	o.page = ""
	return o
}

// vote turns m's vote for a random idea on, or off if m voted it. With
// asJSON it is sent as assets/js/ideas.js sends it (Accept JSON, answered
// 200 with the count); otherwise as the plain form (answered 303).
func (s *site) vote(ctx context.Context, m *member, asJSON bool) outcome {
	id := s.ideas[rand.IntN(len(s.ideas))]
	m.mu.Lock()
	on := !m.voted[id]
	m.mu.Unlock()
	form := url.Values{"_csrf": {m.CSRF}, "on": {map[bool]string{true: "1", false: "0"}[on]}}
	accept := ""
	if asJSON {
		accept = "application/json"
	}
	o := s.send(ctx, m, http.MethodPost, s.boardPath()+"/"+id+"/vote", form, accept, asJSON)
	if o.ok() && asJSON {
		var answer struct {
			Votes *int `json:"votes"`
			Voted bool `json:"voted"`
		}
		if err := json.Unmarshal([]byte(o.page), &answer); err != nil || answer.Votes == nil || answer.Voted != on {
			o.err = fmt.Errorf("vote answered %d with %q", o.status, snippet([]byte(o.page)))
		}
	}
	o.page = ""
	if o.ok() {
		m.mu.Lock()
		m.voted[id] = on
		m.mu.Unlock()
	}
	return o
}

// post writes a post as m through the composer form (answered 303).
func (s *site) post(ctx context.Context, m *member, n int) outcome {
	body := postBody(n, rand.New(rand.NewPCG(uint64(n), uint64(time.Now().UnixNano()))))
	form := url.Values{"_csrf": {m.CSRF}, "body": {body + "\n\n(load driver)"}}
	return s.send(ctx, m, http.MethodPost, s.feedPath()+"/posts", form, "", false)
}

// posterPool hands out members allowed to post now. The site allows six
// posts a minute per account (community.DefaultLimits); the pool keeps
// each member to five in any 70 seconds, so no post is refused for that.
type posterPool struct {
	mu      sync.Mutex
	members []*member
	recent  map[*member][]time.Time
	next    int
	n       int
}

const (
	postsPerWindow = 5
	postWindow     = 70 * time.Second
)

func newPosterPool(members []*member) *posterPool {
	return &posterPool{members: members, recent: map[*member][]time.Time{}, next: rand.IntN(len(members))}
}

// take returns the next member free to post and a number for its body,
// or nil if every member posted its share of the window.
func (p *posterPool) take() (*member, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for range p.members {
		m := p.members[p.next]
		p.next = (p.next + 1) % len(p.members)
		times := slices.DeleteFunc(p.recent[m], func(t time.Time) bool { return now.Sub(t) > postWindow })
		if len(times) < postsPerWindow {
			p.recent[m] = append(times, now)
			p.n++
			return m, p.n
		}
		p.recent[m] = times
	}
	return nil, 0
}

// recorder collects the outcomes of one kind of request in a scenario.
// Latencies are those of answered requests: a request with no answer
// (refused connection, timeout, hard stop) counts as an error only.
type recorder struct {
	op    string
	mu    sync.Mutex
	n     int
	lats  []time.Duration
	errs  int // refused (not 2xx/3xx) or failed
	fails int // of which failed with no answer: timeouts, refused connections
	first []string
}

func newRecorder(op string) *recorder { return &recorder{op: op} }

func (r *recorder) add(o outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if o.status != 0 {
		r.lats = append(r.lats, o.took)
	}
	if o.ok() {
		return
	}
	r.errs++
	if o.status == 0 {
		r.fails++
	}
	if len(r.first) < 3 {
		r.first = append(r.first, o.String())
	}
}
