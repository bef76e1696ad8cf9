package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// hardStopGrace is how long past its duration a scenario may run to let
// the requests in flight finish; then they are cancelled and counted as
// failed.
const hardStopGrace = 75 * time.Second

// env is what every scenario works with. Readers, voters and the lone
// voter are distinct members; the poster pool spans every member.
type env struct {
	site    *site
	srv     *server
	members []*member
	posters *posterPool
	clients int
	d       time.Duration
	staff   *member // the site owner
}

func (e *env) readers() []*member { return e.members[:e.clients] }
func (e *env) voters() []*member  { return e.members[e.clients : 2*e.clients] }
func (e *env) soloVoter() *member { return e.members[2*e.clients] }

// scenario is one measured load.
type scenario struct {
	name string
	run  func(e *env) []result
}

// scenarios run in this order; shutdown stops the server, so it is last.
var scenarios = []scenario{
	{"board", runBoard},
	{"feed", runFeed},
	{"home", runHome},
	{"home+voteN", runHomeVoteN},
	{"vote", runVote},
	{"board+vote1", runBoardVoteOne},
	{"board+voteN", runBoardVoteN},
	{"feed-deep", runFeedDeep},
	{"feed+post", runFeedPost},
	{"thread", runThread},
	{"idea-page", runIdeaPage},
	{"insights", runInsights},
	{"insights+voteN", runInsightsVoteN},
	{"vote+earn", runVoteEarn},
	{"rewards+voteN", runRewardsVoteN},
	{"mixed", runMixed},
	{"shutdown", runShutdown},
}

// loop is n goroutines each calling op, flat out, or once every `every`
// if set (without catching up when op took longer).
type loop struct {
	n     int
	every time.Duration
	op    func(ctx context.Context, worker int)
}

// drive runs the loops for d, or until done closes, and returns the wall
// time until the last request finished and whether the hard stop cut
// requests off.
func (e *env) drive(d time.Duration, done <-chan struct{}, loops ...loop) (time.Duration, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), d+hardStopGrace)
	defer cancel()
	start := time.Now()
	deadline := start.Add(d)
	over := func() bool {
		select {
		case <-done:
			return true
		default:
		}
		return ctx.Err() != nil || time.Now().After(deadline)
	}
	var wg sync.WaitGroup
	for _, l := range loops {
		for w := range l.n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runLoop(ctx, l, w, over)
			}()
		}
	}
	wg.Wait()
	return time.Since(start), ctx.Err() != nil
}

func runLoop(ctx context.Context, l loop, w int, over func() bool) {
	next := time.Now()
	for !over() {
		if l.every > 0 {
			if wait := time.Until(next); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return
				}
			}
			if over() {
				return
			}
			next = next.Add(l.every)
			if now := time.Now(); next.Before(now) {
				next = now
			}
		}
		l.op(ctx, w)
	}
}

func cutNote(cut bool) string {
	if cut {
		return fmt.Sprintf("hard stop: requests still running %s after the end were cancelled", hardStopGrace)
	}
	return ""
}

// readLoop is the N readers doing one kind of read.
func (e *env) readLoop(rec *recorder, read func(context.Context, *member) outcome) loop {
	return loop{n: e.clients, op: func(ctx context.Context, w int) { rec.add(read(ctx, e.readers()[w])) }}
}

// voteLoop is the N voters voting flat out, as the page's script does.
func (e *env) voteLoop(rec *recorder) loop {
	return loop{n: e.clients, op: func(ctx context.Context, w int) { rec.add(e.site.vote(ctx, e.voters()[w], true)) }}
}

// warm reads once, unrecorded, so the measurement starts from a filled
// cache.
func (e *env) warm(read func(context.Context, *member) outcome) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	read(ctx, e.readers()[0])
}

// board: N members read the board's first page flat out. Nothing
// changes, so after the first read it comes from the board cache.
func runBoard(e *env) []result {
	rec := newRecorder("board")
	e.warm(e.site.board)
	el, cut := e.drive(e.d, nil, e.readLoop(rec, e.site.board))
	return []result{rec.result("board", el, cutNote(cut))}
}

// feed: N members read the group feed's first page flat out (cached).
func runFeed(e *env) []result {
	rec := newRecorder("feed p1")
	e.warm(e.site.feed)
	el, cut := e.drive(e.d, nil, e.readLoop(rec, e.site.feed))
	return []result{rec.result("feed", el, cutNote(cut))}
}

// home: N members read their home page flat out: every idea of the
// board they have not voted for is a candidate, so it reads their
// ballots as well as the feed's and the board's memory.
func runHome(e *env) []result {
	rec := newRecorder("home")
	e.warm(e.site.home)
	el, cut := e.drive(e.d, nil, e.readLoop(rec, e.site.home))
	return []result{rec.result("home", el, cutNote(cut))}
}

// home+voteN: N members read their home page while N others vote flat
// out, so the ideas awaiting each reader's vote keep changing.
func runHomeVoteN(e *env) []result {
	reads, votes := newRecorder("home"), newRecorder("vote")
	e.warm(e.site.home)
	el, cut := e.drive(e.d, nil, e.readLoop(reads, e.site.home), e.voteLoop(votes))
	return []result{reads.result("home+voteN", el, cutNote(cut)), votes.result("home+voteN", el, "")}
}

// vote: N distinct members vote at once, flat out, each for random ideas;
// every vote changes the board and writes to the store.
func runVote(e *env) []result {
	rec := newRecorder("vote")
	el, cut := e.drive(e.d, nil, e.voteLoop(rec))
	return []result{rec.result("vote", el, cutNote(cut))}
}

// insights: the owner reads the insight page, one request at a time (it
// is an admin's page, read by one person, and each read does the whole
// page's arithmetic over every member's year).
func runInsights(e *env) []result {
	rec := newRecorder("insights")
	el, cut := e.drive(e.d, nil, e.insightLoop(rec))
	return []result{rec.result("insights", el, cutNote(cut))}
}

// insights+voteN: the same while N members vote flat out, each vote also
// recording activity.
func runInsightsVoteN(e *env) []result {
	reads, votes := newRecorder("insights"), newRecorder("vote")
	el, cut := e.drive(e.d, nil, e.insightLoop(reads), e.voteLoop(votes))
	return []result{reads.result("insights+voteN", el, cutNote(cut)), votes.result("insights+voteN", el, "")}
}

func (e *env) insightLoop(rec *recorder) loop {
	return loop{n: 1, op: func(ctx context.Context, _ int) { rec.add(e.site.insights(ctx, e.staff)) }}
}

// vote+earn: the vote scenario with the loyalty programme on, every
// vote an award: set beside vote, what awarding costs a vote.
func runVoteEarn(e *env) []result {
	off, ok := e.loyaltyOn()
	if !ok {
		return nil
	}
	defer off()
	rec := newRecorder("vote")
	el, cut := e.drive(e.d, nil, e.voteLoop(rec))
	return []result{rec.result("vote+earn", el, cutNote(cut))}
}

// loyaltyOn has the owner turn the loyalty programme on, and returns
// what turns it off again.
func (e *env) loyaltyOn() (off func(), ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	if o := e.site.loyalty(ctx, e.staff, true); !o.ok() {
		fmt.Printf("  skipped: could not turn the programme on: %d %s %v\n", o.status, o.body, o.err)
		return nil, false
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		if o := e.site.loyalty(ctx, e.staff, false); !o.ok() {
			fmt.Printf("  could not turn the programme off again: %d %s %v\n", o.status, o.body, o.err)
		}
	}, true
}

// rewards+voteN: with the loyalty programme on, N members read their
// /rewards (balance, expiry, history: a constant few lookups) while N
// others vote flat out, every vote awarding points (two more writes),
// and one member posts once a second.
func runRewardsVoteN(e *env) []result {
	off, ok := e.loyaltyOn()
	if !ok {
		return nil
	}
	defer off()
	reads, votes, posts := newRecorder("rewards"), newRecorder("vote"), newRecorder("post")
	el, cut := e.drive(e.d, nil, e.readLoop(reads, e.site.rewards), e.voteLoop(votes),
		loop{n: 1, every: time.Second, op: func(ctx context.Context, _ int) {
			if m, n := e.posters.take(); m != nil {
				posts.add(e.site.post(ctx, m, n))
			}
		}})
	return []result{reads.result("rewards+voteN", el, cutNote(cut)), votes.result("rewards+voteN", el, "each vote earns"),
		posts.result("rewards+voteN", el, "one poster at 1/s, each post earns")}
}

// board+vote1: N readers on the board while one member votes 5 times a
// second: each vote makes the board's cached page stale.
func runBoardVoteOne(e *env) []result {
	reads, votes := newRecorder("board"), newRecorder("vote")
	e.warm(e.site.board)
	el, cut := e.drive(e.d, nil, e.readLoop(reads, e.site.board),
		loop{n: 1, every: 200 * time.Millisecond, op: func(ctx context.Context, _ int) {
			votes.add(e.site.vote(ctx, e.soloVoter(), true))
		}})
	planned := int(e.d / (200 * time.Millisecond))
	return []result{reads.result("board+vote1", el, cutNote(cut)),
		votes.result("board+vote1", el, fmt.Sprintf("one voter at 5/s: %d of %d planned", votes.n, planned))}
}

// board+voteN: N readers on the board while N members vote flat out.
func runBoardVoteN(e *env) []result {
	reads, votes := newRecorder("board"), newRecorder("vote")
	e.warm(e.site.board)
	el, cut := e.drive(e.d, nil, e.readLoop(reads, e.site.board), e.voteLoop(votes))
	return []result{reads.result("board+voteN", el, cutNote(cut)), votes.result("board+voteN", el, "")}
}

// feed-deep: N members read feed pages at random depths, by cursor: few
// of them are in the cache.
func runFeedDeep(e *env) []result {
	rec := newRecorder("feed deep")
	el, cut := e.drive(e.d, nil, e.readLoop(rec, e.site.feedDeep))
	return []result{rec.result("feed-deep", el, cutNote(cut))}
}

// feed+post: N readers on the feed's first page and random deep pages
// while one member posts once a second (posters rotate within the site's
// limit of six a minute): every post makes the cached pages stale.
func runFeedPost(e *env) []result {
	first, deep, posts := newRecorder("feed p1"), newRecorder("feed deep"), newRecorder("post")
	var skipped atomic.Int64
	el, cut := e.drive(e.d, nil,
		loop{n: e.clients, op: func(ctx context.Context, w int) {
			if rand.IntN(2) == 0 {
				first.add(e.site.feed(ctx, e.readers()[w]))
			} else {
				deep.add(e.site.feedDeep(ctx, e.readers()[w]))
			}
		}},
		loop{n: 1, every: time.Second, op: func(ctx context.Context, _ int) {
			m, n := e.posters.take()
			if m == nil {
				skipped.Add(1)
				return
			}
			posts.add(e.site.post(ctx, m, n))
		}})
	note := "one poster at 1/s"
	if s := skipped.Load(); s > 0 {
		note += fmt.Sprintf(", %d skipped (no poster free)", s)
	}
	return []result{first.result("feed+post", el, cutNote(cut)), deep.result("feed+post", el, ""),
		posts.result("feed+post", el, note)}
}

// thread: N members read random commented posts' pages, each with its
// first page of comments and the reader's reactions on them. Only a
// -social seed has comments; without one it is skipped.
func runThread(e *env) []result {
	if len(e.site.threads) == 0 {
		fmt.Println("  skipped: no post has comments (seed with -social)")
		return nil
	}
	rec := newRecorder("thread")
	el, cut := e.drive(e.d, nil, e.readLoop(rec, e.site.thread))
	return []result{rec.result("thread", el, cutNote(cut))}
}

// idea-page: N members read random ideas' pages, with their comments
// when seeded with -social.
func runIdeaPage(e *env) []result {
	rec := newRecorder("idea")
	el, cut := e.drive(e.d, nil, e.readLoop(rec, e.site.idea))
	return []result{rec.result("idea-page", el, cutNote(cut))}
}

// mixed: N members each doing a random mix: 60% reads (board 15%, feed
// page 1 15%, a deep feed page 10%, an idea page 15%, a commented post's
// page 5%: a deep feed page without -social), 30% votes (half as the
// script sends them, half as the plain form), 10% posts (a read when no
// poster is free).
func runMixed(e *env) []result {
	names := []string{"board", "feed p1", "feed deep", "idea", "thread", "vote", "post"}
	recs := map[string]*recorder{}
	for _, n := range names {
		recs[n] = newRecorder(n)
	}
	var skipped atomic.Int64
	noThreads := len(e.site.threads) == 0
	el, cut := e.drive(e.d, nil, loop{n: e.clients, op: func(ctx context.Context, w int) {
		m := e.readers()[w]
		switch x := rand.IntN(100); {
		case x < 15:
			recs["board"].add(e.site.board(ctx, m))
		case x < 30:
			recs["feed p1"].add(e.site.feed(ctx, m))
		case x < 40, x < 45 && noThreads:
			recs["feed deep"].add(e.site.feedDeep(ctx, m))
		case x < 45:
			recs["thread"].add(e.site.thread(ctx, m))
		case x < 60:
			recs["idea"].add(e.site.idea(ctx, m))
		case x < 90:
			recs["vote"].add(e.site.vote(ctx, m, x%2 == 0))
		default:
			if p, n := e.posters.take(); p != nil {
				recs["post"].add(e.site.post(ctx, p, n))
			} else {
				skipped.Add(1)
				recs["feed p1"].add(e.site.feed(ctx, m))
			}
		}
	}})
	var out []result
	for i, n := range names {
		if n == "thread" && noThreads {
			continue // not seeded with -social
		}
		note := ""
		if i == 0 {
			note = cutNote(cut)
		}
		if n == "post" && skipped.Load() > 0 {
			note = fmt.Sprintf("%d posts replaced by a read (no poster free)", skipped.Load())
		}
		out = append(out, recs[n].result("mixed", el, note))
	}
	return out
}

// shutdown: N members vote flat out; after 3 s the server gets SIGTERM.
// It reports how long the server took to exit and what became of the
// votes sent meanwhile.
func runShutdown(e *env) []result {
	rec := newRecorder("vote")
	var mu sync.Mutex
	var sigAt time.Time
	var okBefore, okAfter, refusedAfter, lostAfter atomic.Int64
	go func() {
		time.Sleep(3 * time.Second)
		mu.Lock()
		sigAt = time.Now()
		mu.Unlock()
		e.srv.terminate()
	}()
	el, _ := e.drive(3*time.Second+90*time.Second, e.srv.done, loop{n: e.clients, op: func(ctx context.Context, w int) {
		o := e.site.vote(ctx, e.voters()[w], true)
		rec.add(o)
		mu.Lock()
		after := !sigAt.IsZero() && o.at.After(sigAt)
		mu.Unlock()
		switch {
		case o.ok() && after:
			okAfter.Add(1)
		case o.ok():
			okBefore.Add(1)
		case after && o.err == nil:
			refusedAfter.Add(1)
		case after:
			lostAfter.Add(1)
			time.Sleep(100 * time.Millisecond) // as a browser would, rather than spin on a closed port
		}
	}})
	clean := e.srv.waitExit(60 * time.Second)
	exitedAt, err := e.srv.exit()
	mu.Lock()
	took := exitedAt.Sub(sigAt)
	mu.Unlock()
	how := "cleanly"
	switch {
	case !clean:
		how = "not at all: killed"
	case err != nil:
		how = "with " + err.Error()
	}
	note := fmt.Sprintf("SIGTERM at 3 s; exited %s after %s; votes 2xx: %d before, %d after SIGTERM; after it %d refused, %d no answer",
		how, ms(took), okBefore.Load(), okAfter.Load(), refusedAfter.Load(), lostAfter.Load())
	return []result{rec.result("shutdown", el, note)}
}
