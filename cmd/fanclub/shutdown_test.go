package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
)

// TestShutdownFinishesVotesInFlight stops the server (as SIGTERM does)
// while members vote flat out, then opens the data directory again: every
// vote was counted whole or not at all, so each idea's counter equals its
// vote documents and each ballot lists its account's votes.
func TestShutdownFinishesVotesInFlight(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	base := "http://" + addr
	env := map[string]string{"FANCLUB_ADDR": addr, "FANCLUB_BASE_URL": base, "FANCLUB_DATA_DIR": dir}
	sessions, ideas := shutdownClub(t, dir, base)
	stop := startServe(t, addr, func(k string) string { return env[k] }, io.Discard)

	var answered, refused atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second}
	for w, sess := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				form := url.Values{"on": {fmt.Sprint((k / len(ideas)) % 2)}, "_csrf": {sess.CSRF}}
				req, _ := http.NewRequest(http.MethodPost, base+"/groups/club/ideas/"+string(ideas[(k+w)%len(ideas)])+"/vote",
					strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Accept", "application/json")
				req.Header.Set("Origin", base)
				req.Header.Set("Cookie", "fanclub_session="+sess.token)
				res, err := client.Do(req)
				if err != nil {
					refused.Add(1)
					return // the server has gone
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Errorf("vote: %d", res.StatusCode)
					return
				}
				answered.Add(1)
			}
		}()
	}
	for answered.Load() < 100 {
		time.Sleep(10 * time.Millisecond)
	}
	stop() // mid-storm
	wg.Wait()
	t.Logf("%d votes answered, then %d voters found the server gone", answered.Load(), refused.Load())

	ctx := context.Background()
	conn, err := mongodb.StartEmbedded(ctx, dir, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	counted := map[community.IdeaID]int{}
	for _, d := range all[struct {
		ID    community.IdeaID `bson:"_id"`
		Votes int              `bson:"votes"`
	}](t, conn.DB, "ideas") {
		counted[d.ID] = d.Votes
	}
	stored, voted := map[community.IdeaID]int{}, map[string]int{}
	for _, v := range all[struct {
		Idea    community.IdeaID `bson:"idea"`
		Account string           `bson:"account"`
	}](t, conn.DB, "votes") {
		stored[v.Idea]++
		voted[v.Account]++
	}
	for _, id := range ideas {
		if counted[id] != stored[id] {
			t.Errorf("idea %s counts %d votes, %d are stored", id, counted[id], stored[id])
		}
	}
	for _, b := range all[struct {
		ID    string   `bson:"_id"`
		Ideas []string `bson:"ideas"`
	}](t, conn.DB, "idea_ballots") {
		_, account, _ := strings.Cut(b.ID, ":")
		if len(b.Ideas) != voted[account] {
			t.Errorf("ballot of %s lists %d ideas, %d votes are stored", account, len(b.Ideas), voted[account])
		}
	}
}

// all reads every document of a collection.
func all[T any](t *testing.T, db *mongodb.DB, coll string) []T {
	t.Helper()
	cur, err := db.Collection(coll).Find(context.Background(), bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []T
	if err := cur.All(context.Background(), &docs); err != nil {
		t.Fatal(err)
	}
	return docs
}

type shutdownSession struct {
	token string
	auth.Session
}

// shutdownClub makes, in the data directory, an open group "club" with
// six ideas and eight members signed in, and returns their sessions and
// the ideas.
func shutdownClub(t *testing.T, dir, base string) ([]shutdownSession, []community.IdeaID) {
	t.Helper()
	ctx := context.Background()
	conn, err := mongodb.StartEmbedded(ctx, dir, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	log := discardLog()
	au, err := auth.New(conn.DB, auth.Config{BaseURL: base}, mail.Log{Logger: log}, time.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	cm := community.New(conn.DB, community.DefaultLimits, time.Now, log)
	for _, ensure := range []func(context.Context) error{au.EnsureIndexes, cm.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var sessions []shutdownSession
	var owner community.Actor
	for i := range 9 {
		email := fmt.Sprintf("m%d@example.com", i)
		a, err := au.SignIn(ctx, auth.External{Provider: "email", Subject: email, Email: email, EmailVerified: true, Name: email})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			owner = community.Actor{Account: a}
			if _, err := cm.CreateGroup(ctx, owner, community.GroupInput{Slug: "club", Name: "Club",
				Visibility: community.Listed, Policy: community.JoinOpen}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := cm.Join(ctx, community.Actor{Account: a}, "club", ""); err != nil {
			t.Fatal(err)
		}
		token, sess, err := au.StartSignedIn(ctx, "", a.ID)
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, shutdownSession{token: token, Session: sess})
	}
	var ideas []community.IdeaID
	for i := range 6 { // the posting limit's minute
		idea, err := cm.CreateIdea(ctx, owner, "club", community.IdeaInput{Title: fmt.Sprintf("Idea %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ideas = append(ideas, idea.ID)
	}
	return sessions, ideas
}
