package loyalty_test

import (
	"testing"
	"time"

	"fanclub/community"
	"fanclub/loyalty"
)

// TestPostingEarnsOnceAndDeletingTakesItBack: the programme's basic
// promise through community's own calls: a post earns, the first post in
// a group earns once more, the daily cap holds, and deleting a post
// takes its points back, once.
func TestPostingEarnsOnceAndDeletingTakesItBack(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.group("tea", ann)
	me := community.Actor{Account: ann}
	post := func() community.Post {
		t.Helper()
		p, err := r.cm.CreatePost(r.ctx, me, "tea", "Hello, tea friends")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	post() // off: earns nothing
	if st := r.statement(ann); st.Balance != 0 {
		t.Fatalf("balance with the programme off = %d, want 0", st.Balance)
	}
	r.rules(12, map[loyalty.Earning][2]int{loyalty.EarnPost: {10, 2}, loyalty.EarnFirstPost: {25, 0}})
	p1 := post()
	if st := r.statement(ann); st.Balance != 10 {
		t.Fatalf("balance after a post = %d, want 10 (the first post in the group came before the programme)", st.Balance)
	}
	post()
	post() // over the cap of two a day
	st := r.statement(ann)
	if st.Balance != 20 || st.Today[loyalty.EarnPost] != 2 {
		t.Fatalf("after three posts with a cap of two: balance %d, today %v; want 20, 2", st.Balance, st.Today)
	}
	if err := r.cm.DeletePost(r.ctx, me, "tea", p1.ID, ""); err != nil {
		t.Fatal(err)
	}
	if st := r.statement(ann); st.Balance != 10 {
		t.Fatalf("after deleting a post that earned: %d, want 10", st.Balance)
	}
	if got := r.ledgerSum(ann); got != 10 {
		t.Fatalf("ledger sums to %d, want the balance 10", got)
	}

	// The next day the cap starts again; a new group's first post earns.
	r.clock.Add(24 * time.Hour)
	r.group("coffee", ann)
	if _, err := r.cm.CreatePost(r.ctx, me, "coffee", "Coffee too"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.cm.CreatePost(r.ctx, me, "coffee", "Coffee again"); err != nil {
		t.Fatal(err)
	}
	if st := r.statement(ann); st.Balance != 10+10+25+10 {
		t.Fatalf("next day, two posts and a first post: %d, want 55", st.Balance)
	}
	if got := r.ledgerSum(ann); got != 55 {
		t.Fatalf("ledger sums to %d, want 55", got)
	}
}

// TestVotingTwiceEarnsOnce: vote, unvote, vote again earns one vote's
// points and then none; the ledger keeps each movement.
func TestVotingTwiceEarnsOnce(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.group("ideas", ann)
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnVote: {3, 0}})
	bob := r.member("bob@example.com")
	if _, err := r.cm.Join(r.ctx, community.Actor{Account: bob}, "ideas", ""); err != nil {
		t.Fatal(err)
	}
	idea, err := r.cm.CreateIdea(r.ctx, community.Actor{Account: bob}, "ideas", community.IdeaInput{Title: "Oolong tasting night", Body: "Please"})
	if err != nil {
		t.Fatal(err)
	}
	me := community.Actor{Account: ann}
	for i, want := range []int64{3, 0, 0, 0} {
		if _, err := r.cm.Vote(r.ctx, me, "ideas", idea.ID, i%2 == 0); err != nil {
			t.Fatal(err)
		}
		if st := r.statement(ann); st.Balance != want {
			t.Fatalf("after step %d: balance %d, want %d", i, st.Balance, want)
		}
	}
	if got := r.ledgerSum(ann); got != 0 {
		t.Fatalf("ledger sums to %d, want 0", got)
	}
}

// TestShippingRewardsTheAuthorAndTheVoters: when the brand ships an
// idea, its author and each voter earn once, however often the
// announcement job runs.
func TestShippingRewardsTheAuthorAndTheVoters(t *testing.T) {
	r := newRig(t)
	ann, bob, cy := r.member("ann@example.com"), r.member("bob@example.com"), r.member("cy@example.com")
	r.group("ideas", ann, bob, cy)
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnShipped: {100, 0}, loyalty.EarnShippedVote: {20, 0}})
	idea, err := r.cm.CreateIdea(r.ctx, community.Actor{Account: ann}, "ideas", community.IdeaInput{Title: "Matcha kits", Body: "Please"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []community.Actor{{Account: bob}, {Account: cy}} {
		if _, err := r.cm.Vote(r.ctx, v, "ideas", idea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.cm.AnswerIdea(r.ctx, r.staff, "ideas", idea.ID, community.Answer{Status: community.IdeaShipped}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := r.queue.RunDue(r.ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		who  string
		a    int64
		want int64
	}{{"author", r.statement(ann).Balance, 100}, {"bob", r.statement(bob).Balance, 20}, {"cy", r.statement(cy).Balance, 20}} {
		if tc.a != tc.want {
			t.Errorf("%s: %d points after the ship, want %d", tc.who, tc.a, tc.want)
		}
	}
}

// TestFirstPostBonusGoesWithThatPost: deleting the post that was the
// member's first in a group takes the first-post bonus back; deleting
// a later one does not.
func TestFirstPostBonusGoesWithThatPost(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.group("tea", ann)
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnPost: {10, 0}, loyalty.EarnFirstPost: {50, 0}})
	me := community.Actor{Account: ann}
	first, err := r.cm.CreatePost(r.ctx, me, "tea", "First!")
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.cm.CreatePost(r.ctx, me, "tea", "Second")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cm.DeletePost(r.ctx, me, "tea", second.ID, ""); err != nil {
		t.Fatal(err)
	}
	if st := r.statement(ann); st.Balance != 60 {
		t.Fatalf("after deleting the second post: %d, want 60", st.Balance)
	}
	if err := r.cm.DeletePost(r.ctx, me, "tea", first.ID, ""); err != nil {
		t.Fatal(err)
	}
	if st := r.statement(ann); st.Balance != 0 || r.ledgerSum(ann) != 0 {
		t.Fatalf("after deleting the first post: %d, ledger %d; want 0", st.Balance, r.ledgerSum(ann))
	}
}

// TestRestoredPostEarnsAgain: a post a moderator hides gives its points
// back, and gets them again when restored, each time once however
// often asked; a vote withdrawn and given again does not.
func TestRestoredPostEarnsAgain(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.group("tea", ann)
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnPost: {10, 0}})
	p, err := r.cm.CreatePost(r.ctx, community.Actor{Account: ann}, "tea", "Hello")
	if err != nil {
		t.Fatal(err)
	}
	for i, step := range []struct {
		action community.ModAction
		want   int64
	}{{community.ModHide, 0}, {community.ModRestore, 10}, {community.ModHide, 0}, {community.ModRestore, 10}} {
		if err := r.cm.ModeratePost(r.ctx, r.staff, "tea", p.ID, step.action, "review"); err != nil {
			t.Fatal(err)
		}
		// Told twice, as a retried job would tell it: once.
		again := r.l.Reaward
		if step.action == community.ModHide {
			again = r.l.Unaward
		}
		if ok, err := again(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: string(p.ID)}); err != nil || ok {
			t.Fatalf("step %d told again: moved %v (%v), want nothing", i, ok, err)
		}
		if st := r.statement(ann); st.Balance != step.want || r.ledgerSum(ann) != step.want {
			t.Fatalf("step %d (%s): balance %d, ledger %d; want %d", i, step.action, st.Balance, r.ledgerSum(ann), step.want)
		}
	}
}
