package main

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// checked is what the consistency check found. Mismatches fail the run;
// warnings (counters the brief does not require) only show.
type checked struct {
	mismatches []string
	warnings   []string
	summary    string
	took       time.Duration
}

func (c *checked) bad(format string, a ...any) {
	c.mismatches = append(c.mismatches, fmt.Sprintf(format, a...))
}

func (c *checked) warn(format string, a ...any) {
	c.warnings = append(c.warnings, fmt.Sprintf(format, a...))
}

// tally is the group's documents as read, one pass per collection.
type tally struct {
	votes     map[string]int      // idea → vote documents
	byAccount map[string][]string // account → ideas it has vote documents for
	ideas     map[string]bool
	published map[string]int // author → published posts
	posts     int            // published posts in the group
	nVotes    int
	members   int // the group's members counter

	// With -social: published comments by parent, post reactions by
	// post and reaction, the totals, and the posts read (for orphans).
	social                bool
	postComments          map[string]int
	ideaComments          map[string]int
	reactions             map[string]map[string]int
	nComments, nReactions int
	postIDs               map[string]bool
}

// check reopens the store after the server stopped and verifies that
// every idea's votes counter equals its vote documents, every ballot
// lists exactly its account's votes, and the group's posts counter equals
// its published posts; with -social, that each post's and idea's comments
// counter equals its published comments and each post's reactions its
// reaction documents. It reads each collection once.
func check(ctx context.Context, dir string, st *seedState) (*checked, error) {
	t := time.Now()
	db, err := openStore(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("reopen the store: %w", err)
	}
	defer db.close()
	c := &checked{}
	tl, err := readTally(ctx, db, st.Group, st.Social)
	if err != nil {
		return nil, err
	}
	for _, step := range []func(context.Context, store, string, *tally) error{
		c.posts, c.ideas, c.ballots, c.group, c.members, c.orphans,
	} {
		if err := step(ctx, db, st.Group, tl); err != nil {
			return nil, err
		}
	}
	c.took = time.Since(t)
	c.summary = fmt.Sprintf("%d ideas, %d votes, %d ballots' accounts, %d published posts", len(tl.ideas), tl.nVotes,
		len(tl.byAccount), tl.posts)
	if tl.social {
		c.summary += fmt.Sprintf(", %d published comments, %d post reactions", tl.nComments, tl.nReactions)
	}
	return c, nil
}

// readTally reads what the counters count: the votes, and with -social
// the comments and reactions, so that each document holding counters is
// compared as it is read.
func readTally(ctx context.Context, db store, group string, social bool) (*tally, error) {
	tl := &tally{votes: map[string]int{}, byAccount: map[string][]string{}, ideas: map[string]bool{}, published: map[string]int{},
		social: social, postComments: map[string]int{}, ideaComments: map[string]int{},
		reactions: map[string]map[string]int{}, postIDs: map[string]bool{}}
	err := each(ctx, db, collVotes, bson.M{}, func(v voteDoc) {
		if v.Group == group {
			tl.votes[v.Idea]++
			tl.byAccount[v.Account] = append(tl.byAccount[v.Account], v.Idea)
			tl.nVotes++
		}
	})
	if err != nil || !social {
		return tl, err
	}
	if err := tl.readComments(ctx, db, group); err != nil {
		return nil, err
	}
	return tl, tl.readReactions(ctx, db, group)
}

// readComments counts the published comments on each post and idea.
func (tl *tally) readComments(ctx context.Context, db store, group string) error {
	return each(ctx, db, collComments, bson.M{}, func(d commentDoc) {
		if d.Group != group || d.State != postPublished {
			return
		}
		tl.nComments++
		if d.Idea != "" {
			tl.ideaComments[d.Idea]++
		} else {
			tl.postComments[d.Post]++
		}
	})
}

// readReactions counts the reactions on each post, by reaction;
// reactions on comments are left out.
func (tl *tally) readReactions(ctx context.Context, db store, group string) error {
	return each(ctx, db, collReactions, bson.M{}, func(d reactionDoc) {
		post, ok := strings.CutPrefix(d.Target, "post:")
		if d.Group != group || !ok {
			return
		}
		tl.nReactions++
		if tl.reactions[post] == nil {
			tl.reactions[post] = map[string]int{}
		}
		tl.reactions[post][d.Reaction]++
	})
}

// posts counts the published posts, by author too, and with -social
// compares each post's comments and reactions counters with the
// documents.
func (c *checked) posts(ctx context.Context, db store, group string, tl *tally) error {
	return each(ctx, db, collPosts, bson.M{}, func(p postDoc) {
		if p.Group != group {
			return
		}
		if p.State == postPublished {
			tl.posts++
			tl.published[p.Author]++
		}
		if !tl.social {
			return
		}
		tl.postIDs[p.ID] = true
		if n := tl.postComments[p.ID]; p.Comments != n {
			c.bad("post %s: comments counter %d, published comments %d", p.ID, p.Comments, n)
		}
		if have, want := nonZero(p.Reactions), tl.reactions[p.ID]; !maps.Equal(have, want) {
			c.bad("post %s: reactions counters %v, reaction documents %v", p.ID, have, want)
		}
	})
}

// nonZero drops the zero counters a reaction given and taken back
// leaves in a post's map.
func nonZero(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// orphans reports, with -social, comments and reactions whose post or
// idea is not there (the parents were read by posts and ideas).
func (c *checked) orphans(_ context.Context, _ store, _ string, tl *tally) error {
	if !tl.social {
		return nil
	}
	for id, n := range tl.postComments {
		if !tl.postIDs[id] {
			c.bad("%d comments on post %s, which is not in posts", n, id)
		}
	}
	for id, n := range tl.ideaComments {
		if !tl.ideas[id] {
			c.bad("%d comments on idea %s, which is not in ideas", n, id)
		}
	}
	for id := range tl.reactions {
		if !tl.postIDs[id] {
			c.bad("reactions on post %s, which is not in posts", id)
		}
	}
	return nil
}

// ideas compares each idea's counter with its votes, and with -social
// its comments counter with its published comments; a score that does
// not follow the counter is a warning.
func (c *checked) ideas(ctx context.Context, db store, group string, tl *tally) error {
	err := each(ctx, db, collIdeas, bson.M{}, func(d ideaDoc) {
		if d.Group != group {
			return
		}
		tl.ideas[d.ID] = true
		if n := tl.votes[d.ID]; d.Votes != n {
			c.bad("idea %s: votes counter %d, vote documents %d", d.ID, d.Votes, n)
		}
		if n := tl.ideaComments[d.ID]; tl.social && d.Comments != n {
			c.bad("idea %s: comments counter %d, published comments %d", d.ID, d.Comments, n)
		}
		if want := trendingScore(d.Votes, d.CreatedAt); math.Abs(d.Score-want) > 1e-9 {
			c.warn("idea %s: score %.6f, want %.6f for its %d votes", d.ID, d.Score, want, d.Votes)
		}
	})
	for id, n := range tl.votes {
		if !tl.ideas[id] {
			c.bad("%d vote documents for idea %s, which is not in ideas", n, id)
		}
	}
	return err
}

// ballots compares each ballot with its account's vote documents.
func (c *checked) ballots(ctx context.Context, db store, group string, tl *tally) error {
	seen := map[string]bool{}
	err := each(ctx, db, collBallots, bson.M{}, func(b ballotDoc) {
		account, ok := strings.CutPrefix(b.ID, group+":")
		if !ok {
			return
		}
		seen[account] = true
		if have, want := sorted(b.Ideas), sorted(tl.byAccount[account]); !slices.Equal(have, want) {
			c.bad("ballot %s: lists %d ideas, %d vote documents (%s)", b.ID, len(have), len(want), diff(have, want))
		}
	})
	for account, ideas := range tl.byAccount {
		if !seen[account] {
			c.bad("account %s: %d vote documents and no ballot", account, len(ideas))
		}
	}
	return err
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// diff names the first idea on one list and not the other.
func diff(have, want []string) string {
	for _, id := range have {
		if _, found := slices.BinarySearch(want, id); !found {
			return "listed, not voted: " + id
		}
	}
	for _, id := range want {
		if _, found := slices.BinarySearch(have, id); !found {
			return "voted, not listed: " + id
		}
	}
	return "duplicates"
}

// group compares the group's posts counter with its published posts.
func (c *checked) group(ctx context.Context, db store, group string, tl *tally) error {
	found := false
	err := each(ctx, db, collGroups, bson.M{}, func(g groupDoc) {
		if g.ID != group {
			return
		}
		found = true
		tl.members = g.Members
		if g.Posts != tl.posts {
			c.bad("group %s: posts counter %d, published posts %d", g.Slug, g.Posts, tl.posts)
		}
	})
	if err == nil && !found {
		c.bad("group %s is missing", group)
	}
	return err
}

// members checks, as warnings, the group's members counter (read by
// group) and each member's published posts.
func (c *checked) members(ctx context.Context, db store, group string, tl *tally) error {
	active := 0
	err := each(ctx, db, collMembers, bson.M{}, func(m memberDoc) {
		if m.Group != group {
			return
		}
		if m.State == stateActive {
			active++
		}
		if m.Published != tl.published[m.Account] {
			c.warn("member %s: published counter %d, published posts %d", m.ID, m.Published, tl.published[m.Account])
		}
	})
	if err == nil && tl.members != active {
		c.warn("group: members counter %d, active members %d", tl.members, active)
	}
	return err
}

// print shows the first mismatches and warnings and the verdict line.
func (c *checked) print() {
	for _, l := range []struct {
		what  string
		items []string
	}{{"mismatch", c.mismatches}, {"warning", c.warnings}} {
		for i, m := range l.items {
			if i == 10 {
				fmt.Printf("  … and %d more %ss\n", len(l.items)-10, l.what)
				break
			}
			fmt.Printf("  %s: %s\n", l.what, m)
		}
	}
	fmt.Println(c.verdict())
}

func (c *checked) verdict() string {
	v := "CHECK OK"
	if len(c.mismatches) > 0 {
		v = fmt.Sprintf("CHECK FAIL: %d mismatches", len(c.mismatches))
	}
	return fmt.Sprintf("%s (%s; %d warnings; read in %s)", v, c.summary, len(c.warnings), ms(c.took))
}
