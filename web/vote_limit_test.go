package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/ratelimit"
)

// A script voting and taking its vote back is stopped at the account's
// limit: past it, by form or by script, the vote is refused with 429 and
// a message, and neither the vote nor the idea's count is written.
func TestVotesAreRateLimited(t *testing.T) {
	s := newSite(t, siteOptions{limits: community.Limits{VotesPerMinute: ratelimit.Rule{Max: 5, Window: time.Minute}}})
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "shop"})
	script := s.signUp(t, "script@example.com")
	s.join(t, "shop", script)
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, admin), "shop", community.IdeaInput{Title: "Cold brew on tap"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/groups/shop/ideas/" + string(idea.ID) + "/vote"
	for i := range 5 { // on, off, on, off, on
		on := []string{"1", "0"}[i%2]
		if r := script.post(path, url.Values{"on": {on}}); r.Status != http.StatusSeeOther {
			t.Fatalf("vote %d within the limit: %d %s", i+1, r.Status, r.Body)
		}
	}
	for range 20 {
		r := script.post(path, url.Values{"on": {"0"}})
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("a vote past the limit: %d, want 429", r.Status)
		}
		mustContain(t, r.Body, "You are voting very fast")
	}
	js := script.postRaw(path, url.Values{"on": {"0"}, "_csrf": {script.csrf()}}, map[string]string{"Accept": "application/json"})
	var answer struct{ Error string }
	if err := json.Unmarshal([]byte(js.Body), &answer); err != nil || js.Status != http.StatusTooManyRequests ||
		answer.Error != "You are voting very fast. Wait a minute and try again; the votes you gave are kept." {
		t.Fatalf("a script's vote past the limit: %d %s", js.Status, js.Body)
	}
	votes := func() (stored, counted int) {
		t.Helper()
		var d struct{ Votes int }
		if err := s.DB.Collection("ideas").FindOne(context.Background(), bson.M{"_id": idea.ID}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		return int(s.count("votes", bson.M{"idea": idea.ID})), d.Votes
	}
	if stored, counted := votes(); stored != 1 || counted != 1 {
		t.Fatalf("after refused unvotes: %d votes stored, %d counted; want the fifth vote's 1 and 1", stored, counted)
	}
	// This process alone writes the embedded store: the limit counts in
	// memory, and no vote, allowed or refused, writes a counter.
	if n := s.count("rate_limits", bson.M{"_id": bson.M{"$regex": "^vote-"}}); n != 0 {
		t.Fatalf("%d vote limit counters stored, want none", n)
	}

	// A minute later the member votes again.
	s.Clock.Advance(time.Minute)
	if r := script.post(path, url.Values{"on": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("a vote a minute later: %d", r.Status)
	}
	if stored, counted := votes(); stored != 0 || counted != 0 {
		t.Fatalf("after the unvote a minute later: %d stored, %d counted", stored, counted)
	}
}
