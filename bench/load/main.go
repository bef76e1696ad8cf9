// Command load drives the real fanclub binary with many signed-in members
// at once, on the embedded store, and checks afterwards that no vote or
// post was miscounted.
//
//	go run ./bench/load [-size S|M] [-social] [-dir /tmp/fanclub-load-S] [-duration 15s]
//	                    [-clients 8] [-run board,vote,...] [-out results.md] [-bin ./fanclub]
//	                    [-seed-only]
//
// It seeds the data directory once per size, straight into the
// collections (seed.go holds every document shape; they must follow the
// stores in auth and community):
//
//	S: one group "club" with  5,000 members,  1,000 ideas,    50,000 votes,  10,000 posts
//	M: one group "club" with 10,000 members, 10,000 ideas, 1,000,000 votes, 100,000 posts
//
// and 400 signed-in sessions whose tokens it keeps in load-state.json in
// the directory, so a rerun reuses them. Then it builds ./cmd/fanclub
// (unless -bin names a binary), starts it on the directory and a free
// loopback port, and measures the start-up: exec to the first 200 from
// /readyz, then the first board page and the first feed page (and, with
// -social, how many reactions that page marks as the member's).
//
// With -social it also seeds comments and reactions, so the pages that
// show them can be measured: on average 3 comments per published post
// (skewed: most get 0 to 2, a few 20 or more), 2 per idea, and 5
// reactions per published post, each post's and idea's counters equal to
// them. The sessions' members have reacted to some of the newest 200
// posts, so feed pages mark reactions as theirs. Such a directory is
// seeded as size "S+social" (or "M+social"), /tmp/fanclub-load-S-social
// by default, and is never taken for a plain one.
//
// Each scenario runs for -duration with N = -clients members at once:
//
//	board        N read the idea board's first page flat out: the cached case
//	feed         N read the group feed's first page flat out: cached too
//	vote         N members vote flat out for random ideas (on, or off if they
//	             had voted it): the write path under contention
//	board+vote1  N read the board while one member votes 5 times a second:
//	             every vote makes the cached board stale
//	board+voteN  N read the board while N members vote flat out
//	home         N read their home page flat out (their groups, events,
//	             ideas awaiting their vote)
//	home+voteN   N read their home page while N members vote flat out
//	feed-deep    N read feed pages at random depths (?before=<cursor>):
//	             pages mostly not in the cache
//	feed+post    N read feed page 1 and deep pages while one member posts
//	             once a second (posters rotate within six posts a minute)
//	thread       N read random commented posts' pages (-social; skipped
//	             without): each must show its oldest comment
//	idea-page    N read random ideas' pages; with -social a commented
//	             idea's page must show its oldest comment
//	insights     the site owner reads /admin/insights over and over, one
//	             request at a time: the page's own latency, warm
//	insights+voteN  the same while N members vote flat out
//	vote+earn    vote with the loyalty programme on: each vote an award
//	rewards+voteN  the owner turns the loyalty programme on (votes earn 2
//	             points, posts 10), then N members read their /rewards
//	             while N others vote flat out, every vote an award, and
//	             one member posts once a second; the programme is turned
//	             off again at the end
//	mixed        N members each doing 60% reads (board 15%, feed 15%,
//	             deep feed 10%, idea page 15%, thread 5%: deep feed
//	             without -social), 30% votes, 10% posts
//	shutdown     N vote flat out; after 3 s the server gets SIGTERM: how
//	             long it takes to exit, and which votes got through
//
// Every answer is checked: anything but 2xx/3xx (or a vote's JSON not
// saying what was asked) is an error, and the first few are printed.
// Each scenario prints requests, errors (of which with no answer at all),
// successful requests a second over the scenario's wall time (until its
// last request finished) and the p50, p90, p99 and max latency of the
// answered requests. Requests time out after 60 s, and a scenario is cut
// off 75 s after its duration.
//
// Then it stops the server, reopens the store and checks that every
// idea's votes counter equals its vote documents, every ballot lists its
// account's votes, and the group's posts counter equals its published
// posts; with -social also that each post's and idea's comments counter
// equals its published comments and each post's reactions its reaction
// documents; and prints a Markdown table of everything with the machine it
// ran on (appended to -out if given). It exits 1 if the check fails.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// sizeSpec is how much data a size seeds.
type sizeSpec struct {
	name                         string
	members, ideas, votes, posts int
}

var sizes = map[string]sizeSpec{
	"S": {"S", 5_000, 1_000, 50_000, 10_000},
	"M": {"M", 10_000, 10_000, 1_000_000, 100_000},
}

type config struct {
	size     sizeSpec
	dir      string
	duration time.Duration
	clients  int
	run      []string
	out      string
	bin      string
	seedOnly bool
	social   bool
}

// seedName names what a directory is seeded with: the size, and
// "+social" with comments and reactions.
func seedName(spec sizeSpec, social bool) string {
	if social {
		return spec.name + "+social"
	}
	return spec.name
}

func (c config) seedName() string { return seedName(c.size, c.social) }

func parseFlags() (config, error) {
	var c config
	size := flag.String("size", "S", "data size: S or M")
	flag.StringVar(&c.dir, "dir", "", "data directory (default /tmp/fanclub-load-<size>, -social: /tmp/fanclub-load-<size>-social)")
	flag.DurationVar(&c.duration, "duration", 15*time.Second, "how long each scenario runs")
	flag.IntVar(&c.clients, "clients", 8, "members acting at once (N)")
	run := flag.String("run", "", "comma-separated scenarios (default all): "+strings.Join(scenarioNames(), ","))
	flag.StringVar(&c.out, "out", "", "append the result table, in Markdown, to this file")
	flag.StringVar(&c.bin, "bin", "", "a prebuilt fanclub binary (default: go build ./cmd/fanclub)")
	flag.BoolVar(&c.seedOnly, "seed-only", false, "seed the directory (if need be) and stop")
	flag.BoolVar(&c.social, "social", false, "seed comments and reactions too (a directory of its own)")
	flag.Parse()
	spec, ok := sizes[strings.ToUpper(*size)]
	if !ok {
		return c, fmt.Errorf("-size %q: want S or M", *size)
	}
	c.size = spec
	if c.dir == "" {
		c.dir = "/tmp/fanclub-load-" + spec.name
		if c.social {
			c.dir += "-social"
		}
	}
	if c.clients < 1 || 2*c.clients+1 > sessionsKept {
		return c, fmt.Errorf("-clients %d: want 1 to %d", c.clients, (sessionsKept-1)/2)
	}
	c.run = scenarioNames()
	if *run != "" {
		c.run = nil
		for _, n := range strings.Split(*run, ",") {
			c.run = append(c.run, strings.TrimSpace(n))
		}
	}
	for _, n := range c.run {
		if !slices.Contains(scenarioNames(), n) {
			return c, fmt.Errorf("-run: unknown scenario %q (have %s)", n, strings.Join(scenarioNames(), ", "))
		}
	}
	return c, nil
}

func scenarioNames() []string {
	var out []string
	for _, s := range scenarios {
		out = append(out, s.name)
	}
	return out
}

func main() {
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	killOnSignal()
	ok, err := run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

// running is the server subprocess, if any, for the signal handler.
var running atomic.Pointer[server]

// killOnSignal stops the server if the driver is interrupted.
func killOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Fprintln(os.Stderr, "load: interrupted, stopping the server")
		running.Load().kill()
		os.Exit(130)
	}()
}

// run does the whole job and reports whether the check passed.
func run(ctx context.Context, cfg config) (bool, error) {
	rp := &report{machine: machine(cfg.seedName(), cfg.clients, cfg.duration)}
	fmt.Println("machine:", rp.machine)
	bin := cfg.bin
	if bin == "" {
		b, cleanup, err := buildBinary()
		if err != nil {
			return false, err
		}
		defer cleanup()
		bin = b
	}
	st, line, err := ensureSeeded(ctx, cfg, bin)
	if err != nil {
		return false, err
	}
	rp.lines = append(rp.lines, line)
	if err := ensureInsightData(ctx, cfg.dir, st); err != nil {
		return false, fmt.Errorf("insight data: %w", err)
	}
	if cfg.seedOnly {
		return true, nil
	}
	members, err := loadMembers(ctx, cfg.dir, st)
	if err != nil {
		return false, err
	}
	e, line, err := start(bin, cfg, st, members)
	if err != nil {
		return false, err
	}
	defer e.srv.kill()
	rp.lines = append(rp.lines, line)
	rp.results = runScenarios(e, cfg.run)
	if took, how := e.srv.stop(2 * time.Minute); how != "already stopped" {
		rp.lines = append(rp.lines, fmt.Sprintf("stop after the scenarios: SIGTERM to exit %s, %s", ms(took), how))
	}
	return finish(ctx, cfg, st, rp)
}

// ensureSeeded seeds the directory unless it holds a seed of this size,
// and returns the state and a line on how long seeding took.
func ensureSeeded(ctx context.Context, cfg config, bin string) (*seedState, string, error) {
	st, need, err := prepareDir(cfg.dir, cfg.seedName())
	if err != nil {
		return nil, "", err
	}
	if !need {
		line := fmt.Sprintf("seed: %s was seeded %s (took %s; first server start, building indexes: %s)",
			cfg.dir, st.SeededAt.Format("2006-01-02 15:04"), st.SeedTook, st.FirstStart)
		fmt.Println(line)
		return st, line, nil
	}
	s := cfg.size
	social := ""
	if cfg.social {
		social = ", comments and reactions"
	}
	fmt.Printf("seeding %s: %d members, %d ideas, %d votes, %d posts%s\n", cfg.dir, s.members, s.ideas, s.votes, s.posts, social)
	t := time.Now()
	if st, err = seed(ctx, cfg.dir, s, cfg.social); err != nil {
		return nil, "", err
	}
	st.SeededAt, st.SeedTook = time.Now(), time.Since(t).Round(time.Millisecond).String()
	fmt.Printf("seeded in %s; first server start (it builds the indexes)…\n", st.SeedTook)
	first, err := firstStart(ctx, bin, cfg.dir)
	if err != nil {
		return nil, "", fmt.Errorf("first start: %w", err)
	}
	st.FirstStart = first.Round(time.Millisecond).String()
	if err := saveState(cfg.dir, st); err != nil {
		return nil, "", err
	}
	if err := os.Remove(filepath.Join(cfg.dir, seedingFile)); err != nil {
		return nil, "", err
	}
	line := fmt.Sprintf("seed: seeded %s in %s this run; first server start, building indexes: %s", cfg.dir, st.SeedTook, st.FirstStart)
	fmt.Println(line)
	return st, line, nil
}

// loadMembers refreshes the driver's sessions in the store and reads
// their ballots, so the clients know which ideas each one voted for.
func loadMembers(ctx context.Context, dir string, st *seedState) ([]*member, error) {
	db, err := openStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer db.close()
	if err := refreshSessions(ctx, db, st.Sessions); err != nil {
		return nil, fmt.Errorf("refresh sessions: %w", err)
	}
	var ids []string
	for _, c := range st.Sessions {
		ids = append(ids, c.Account)
	}
	ballots, err := ballotsOf(ctx, db, st.Group, ids)
	if err != nil {
		return nil, err
	}
	members := make([]*member, len(st.Sessions))
	for i, c := range st.Sessions {
		members[i] = &member{credential: c, voted: map[string]bool{}}
		for _, idea := range ballots[c.Account] {
			members[i].voted[idea] = true
		}
	}
	return members, nil
}

// start runs the server and measures its start-up: exec to ready, then
// the first board page and the first feed page, which also prove that
// the seeded sessions sign the clients in.
func start(bin string, cfg config, st *seedState, members []*member) (*env, string, error) {
	srv, err := startServer(bin, cfg.dir)
	if err != nil {
		return nil, "", err
	}
	running.Store(srv)
	ready, err := srv.waitReady(10 * time.Minute)
	if err != nil {
		srv.kill()
		return nil, "", err
	}
	e := &env{site: newSite(srv.base, st.Slug, 4*cfg.clients+8, st), srv: srv, members: members,
		posters: newPosterPool(members), clients: cfg.clients, d: cfg.duration, staff: &member{credential: st.Staff}}
	ctx := context.Background()
	// The insight page first: from cold, as the issue measures it, while
	// the server may still be reading the activity into memory.
	insights := e.site.insights(ctx, e.staff)
	board := e.site.send(ctx, members[0], "GET", e.site.boardPath(), nil, "", true)
	feed := e.site.send(ctx, members[0], "GET", e.site.feedPath(), nil, "", true)
	line := fmt.Sprintf("start-up: exec to /readyz 200 in %s; then the first insight page in %s (%d), the first board page in %s (%d), the first feed page in %s (%d)",
		ms(ready), ms(insights.took), insights.status, ms(board.took), board.status, ms(feed.took), feed.status)
	if st.Social {
		// The seed gave each session's member reactions on the newest
		// pages; a page with none marked would not exercise the reader's
		// reactions.
		line += fmt.Sprintf(", marking %d reactions as the member's", strings.Count(feed.page, "reaction-mine"))
	}
	fmt.Println(line)
	switch {
	case !board.ok() || !feed.ok():
		// The insight page is not required: binaries before issue 16
		// answer it 404, and the A/B runs compare with them.
		err = fmt.Errorf("the first pages failed: board %s; feed %s", board, feed)
	case !strings.Contains(board.page, `action="/signout"`): // pages carry the CSRF token masked: look for signing out
		err = errors.New("the board page offers no sign-out: the seeded session did not sign in")
	}
	if err != nil {
		srv.kill()
		return nil, "", err
	}
	return e, line, nil
}

func runScenarios(e *env, names []string) []result {
	var out []result
	for _, s := range scenarios {
		if !slices.Contains(names, s.name) {
			continue
		}
		if e.srv.exited() {
			fmt.Printf("%s: skipped, the server is not running\n", s.name)
			continue
		}
		fmt.Printf("%s (%s, %d clients)…\n", s.name, e.d, e.clients)
		for _, r := range s.run(e) {
			r.print()
			out = append(out, r)
		}
	}
	return out
}

// finish checks the store and prints (and appends) the report.
func finish(ctx context.Context, cfg config, st *seedState, rp *report) (bool, error) {
	fmt.Println("checking the store…")
	c, err := check(ctx, cfg.dir, st)
	if err != nil {
		return false, err
	}
	c.print()
	rp.lines = append(rp.lines, c.verdict())
	for i, m := range c.mismatches {
		if i == 10 {
			break
		}
		rp.lines = append(rp.lines, "mismatch: "+m)
	}
	rp.markdown(os.Stdout)
	if cfg.out != "" {
		if err := rp.appendTo(cfg.out); err != nil {
			return false, err
		}
	}
	return len(c.mismatches) == 0, nil
}
