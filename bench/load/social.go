package main

// Comments and reactions, seeded with -social. They are written as their
// parents are, so each post's and idea's counters are set from them before
// the parent is inserted, and nothing is updated afterwards.

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"
)

// What -social seeds, on average.
const (
	commentsPerPost  = 3.0 // per published post
	commentsPerIdea  = 2.0
	reactionsPerPost = 5.0 // per published post, the sessions' own included
)

// The sessions' members react to the newest posts, so that the feed's
// first pages show each of them some reactions as theirs: session k
// reacts to the d-th newest post when (d+k) % sessionReactEvery is 0,
// for d below sessionReactPosts. Each member gets two a page, each of
// those posts 40 from the sessions.
const (
	sessionReactPosts = 200 // the feed's first ten pages, as seeded
	sessionReactEvery = 10
)

// threadsKept bounds the sample of commented posts kept in the state for
// the thread scenario.
const threadsKept = 4000

// social is what -social seeds as it goes: the batches and the counts.
type social struct {
	comments, reactions *batcher
	onPosts, onIdeas    int // comments written on each
	commentedPosts      int // posts with comments, for sampling the threads kept
}

func newSocial(ctx context.Context, db store) *social {
	return &social{comments: newBatcher(ctx, db, collComments, 100_000),
		reactions: newBatcher(ctx, db, collReactions, 100_000)}
}

func (so *social) flush() error { return errors.Join(so.comments.flush(), so.reactions.flush()) }

// print shows what was seeded against the averages asked for.
func (so *social) print(published, ideas int) {
	per := func(n, of int) float64 { return float64(n) / float64(max(of, 1)) }
	fmt.Printf("  social: %d comments on posts (%.2f per published post), %d on ideas (%.2f per idea), %d reactions (%.2f per published post)\n",
		so.onPosts, per(so.onPosts, published), so.onIdeas, per(so.onIdeas, ideas),
		so.reactions.total, per(so.reactions.total, published))
}

// skewed draws a count averaging mean, skewed as threads are: (mean/2)·E²
// with E exponential, rounded at random so that the average stays mean.
// At mean 3, three posts in four get 0 to 2 and one in forty 20 or more.
func skewed(r *mrand.Rand, mean float64) int {
	e := r.ExpFloat64()
	return int(mean/2*e*e + r.Float64())
}

// after is a time after created, mostly soon after (within two weeks)
// and not later than now but by a millisecond.
func (s *seeder) after(created time.Time) time.Time {
	span := min(s.now.Sub(created), 14*24*time.Hour)
	u := s.r.Float64()
	return created.Add(max(time.Duration(float64(span)*u*u), time.Millisecond)).Truncate(time.Millisecond)
}

var commentBodies = []string{
	"Same here: the **{p}** works well for me. ({m})",
	"Did you try it with the {q}? Mine arrived last week. ({m})",
	"저도 {p} 정말 좋아요! ({m})",
	"> {p}\n\nThis. The {q} is worth a look too. ({m})",
	"Thanks for sharing! More tips at https://example.com/tips/{n} ({m})",
}

// commentBody returns the n-th comment's text and its marker, a word
// found in no other comment, which a page showing it must contain.
func commentBody(n int, r *mrand.Rand) (body, mark string) {
	mark = fmt.Sprintf("c%07d", n)
	return strings.NewReplacer("{p}", products[r.IntN(len(products))], "{q}", products[r.IntN(len(products))],
		"{n}", fmt.Sprint(n), "{m}", mark).Replace(commentBodies[n%len(commentBodies)]), mark
}

// parent is what comments are written on: a post or an idea.
type parent struct {
	post, idea string
	created    time.Time
}

// writeComments writes n published comments by random members on p, and
// returns the marker of the oldest (which the parent's page shows first)
// and the newest one's time.
func (s *seeder) writeComments(p parent, n int) (oldest string, last time.Time, err error) {
	var first time.Time
	for range n {
		seq := s.soc.onPosts + s.soc.onIdeas
		at := s.after(p.created)
		a := s.r.IntN(len(s.ids))
		body, mark := commentBody(seq, s.r)
		if oldest == "" || at.Before(first) {
			oldest, first = mark, at
		}
		if at.After(last) {
			last = at
		}
		if p.post != "" {
			s.soc.onPosts++
		} else {
			s.soc.onIdeas++
		}
		if err = s.soc.comments.add(commentDoc{ID: newID(at), Post: p.post, Idea: p.idea, Group: s.group,
			Author: s.ids[a], AuthorName: s.names[a], Body: body, HTML: renderMarkdown(body), State: postPublished,
			Reactions: map[string]int{}, CreatedAt: at}); err != nil {
			return "", last, err
		}
	}
	return oldest, last, nil
}

// ideaComments writes the ideas' comments and sets their counters; the
// ideas are not written yet. Every commented idea is kept in the state.
func (s *seeder) ideaComments(ideas []ideaDoc) error {
	for i := range ideas {
		d := &ideas[i]
		n := skewed(s.r, commentsPerIdea)
		oldest, last, err := s.writeComments(parent{idea: d.ID, created: d.CreatedAt}, n)
		if err != nil {
			return err
		}
		d.Comments = n
		if n > 0 {
			if last.After(d.UpdatedAt) {
				d.UpdatedAt = last // as a comment sets it on the site
			}
			s.st.IdeaThreads = append(s.st.IdeaThreads, threadMark{ID: d.ID, Comment: oldest})
		}
	}
	return s.soc.comments.flush()
}

// postSocial writes the comments and reactions of p, a published post and
// the d-th newest, and sets its counters; p is not written yet.
func (s *seeder) postSocial(p *postDoc, d int) error {
	n := skewed(s.r, commentsPerPost)
	oldest, _, err := s.writeComments(parent{post: p.ID, created: p.CreatedAt}, n)
	if err != nil {
		return err
	}
	p.Comments = n
	if n > 0 {
		s.keepThread(threadMark{ID: p.ID, Comment: oldest})
	}
	p.Reactions, err = s.postReactions(p, d)
	return err
}

// keepThread samples the commented posts evenly (a reservoir), so the
// thread scenario reads old and new threads alike.
func (s *seeder) keepThread(t threadMark) {
	s.soc.commentedPosts++
	if len(s.st.Threads) < threadsKept {
		s.st.Threads = append(s.st.Threads, t)
	} else if j := s.r.IntN(s.soc.commentedPosts); j < threadsKept {
		s.st.Threads[j] = t
	}
}

// postReactions writes the reactions on p, the d-th newest post: the
// sessions' (see sessionReactEvery) and random members', one document
// per account and reaction, and returns the counts by reaction.
func (s *seeder) postReactions(p *postDoc, d int) (map[string]int, error) {
	counts := map[string]int{}
	given := map[string]bool{} // account:reaction
	react := func(a int) error {
		r := pickReaction(s.r)
		key := s.ids[a] + ":" + r
		if given[key] {
			return nil
		}
		given[key] = true
		counts[r]++
		return s.soc.reactions.add(reactionDoc{ID: postTarget(p.ID) + ":" + key, Target: postTarget(p.ID),
			Group: s.group, Account: s.ids[a], Reaction: r, CreatedAt: s.after(p.CreatedAt)})
	}
	if d < sessionReactPosts {
		for k := range s.st.Sessions {
			if (d+k)%sessionReactEvery == 0 {
				if err := react(k + 1); err != nil { // session k is account k+1
					return nil, err
				}
			}
		}
	}
	for range skewed(s.r, s.randomReactions()) {
		if err := react(s.r.IntN(len(s.ids))); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

// randomReactions is the random members' average per published post:
// what is left of reactionsPerPost once the sessions' are spread over
// all the published posts (197 in 200 are: see post).
func (s *seeder) randomReactions() float64 {
	sessions := float64(sessionReactPosts*len(s.st.Sessions)) / sessionReactEvery
	return max(0, reactionsPerPost-sessions/(0.985*float64(s.spec.posts)))
}

// reactionWeights skews the reactions as people give them: mostly likes.
var reactionWeights = []int{45, 20, 10, 8, 5, 12} // like, love, laugh, wow, sad, thanks

func pickReaction(r *mrand.Rand) string {
	x := r.IntN(100)
	for i, w := range reactionWeights {
		if x < w {
			return reactions[i]
		}
		x -= w
	}
	return reactions[0]
}
