package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/membership"
	"fanclub/views"
	"fanclub/web"
)

// BenchmarkBoardPage serves GET /groups/<slug>/ideas through the whole app
// (session, account, bell, group, membership, the page, the reader's
// ballot, the response stats, the template) to a signed-in member, on the
// embedded store holding 1,000 ideas and 50,000 votes, and reports the
// database commands per page. bench/README.md has the figures.
//
//	go test ./web -run '^$' -bench Board -benchmem -benchtime 20x
func BenchmarkBoardPage(b *testing.B) {
	var counting atomic.Bool
	var commands atomic.Int64
	mon := func(op mongodb.Op) {
		if counting.Load() {
			commands.Add(1)
		}
	}
	db := mongotest.NewObserved(b, mon)
	app, cookie, group := benchBoardSite(b, db)
	get := func(path string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", cookie)
		res, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
	}
	bump := func() {
		if _, err := db.Collection("groups").UpdateOne(context.Background(), bson.M{"_id": group}, bson.M{"$inc": bson.M{"boardVersion": 1}}); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name, path string
		stale      bool // the board changed since the last read: no cache
	}{
		{"trending/cached", "/groups/big/ideas", false},
		{"trending/changed", "/groups/big/ideas", true},
		{"top/changed", "/groups/big/ideas?sort=top", true},
		{"voted", "/groups/big/ideas?voted=1", false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			get(bc.path) // warm the cache, the templates and the connection
			b.ReportAllocs()
			commands.Store(0)
			b.ResetTimer()
			for b.Loop() {
				if bc.stale {
					b.StopTimer()
					bump()
					b.StartTimer()
				}
				counting.Store(true)
				get(bc.path)
				counting.Store(false)
			}
			b.ReportMetric(float64(commands.Load())/float64(b.N), "roundtrips/op")
		})
	}
}

// Board benchmark data: benchIdeas ideas, idea i getting 1 + (37i mod 99)
// votes from benchVoters accounts, about 50,000 in all; the reader voted
// for every 33rd idea.
const (
	benchIdeas  = 1000
	benchVoters = 99
)

// benchBoardSite builds the app on db with a group "big" holding the
// board data, and returns it with a signed-in member's session cookie.
func benchBoardSite(b *testing.B, db *mongodb.DB) (*fiber.App, string, community.GroupID) {
	b.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	queue := jobs.New(db, time.Now, log)
	au, err := auth.New(db, auth.Config{BaseURL: "http://fanclub.test"}, mail.Log{Logger: log}, time.Now, log)
	if err != nil {
		b.Fatal(err)
	}
	cm := community.New(db, community.Limits{}, time.Now, log)
	for _, ensure := range []func(context.Context) error{queue.EnsureIndexes, au.EnsureIndexes, cm.EnsureIndexes} {
		if err := ensure(ctx); err != nil {
			b.Fatal(err)
		}
	}
	rec := activity.New(db, au.Zone, time.Now, log) // a vote's record costs what it does on the site
	if err := rec.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	au.ReportTo(rec)
	cm.Deliver(community.Delivery{Jobs: queue, Accounts: au, Mail: mail.Log{Logger: log}, BaseURL: "http://fanclub.test", Activity: rec})
	catalogs, err := views.LoadCatalogs()
	if err != nil {
		b.Fatal(err)
	}
	ms := membership.New(db, membership.Config{BaseURL: "http://fanclub.test"}, time.Now, log)
	app, err := web.New(web.Config{BaseURL: "http://fanclub.test"}, web.Deps{Auth: au, Community: cm, Membership: ms, Catalogs: catalogs, Log: log,
		Ready: func(ctx context.Context) error { return db.Ping(ctx) }, Activity: rec})
	if err != nil {
		b.Fatal(err)
	}
	signIn := func(email string) (community.Actor, string) {
		a, err := au.SignIn(ctx, auth.External{Provider: "email", Subject: email, Email: email, EmailVerified: true, Name: email})
		if err != nil {
			b.Fatal(err)
		}
		token, _, err := au.StartSignedIn(ctx, "", a.ID)
		if err != nil {
			b.Fatal(err)
		}
		return community.Actor{Account: a}, token
	}
	owner, _ := signIn("owner@example.com") // the site's first account: its owner
	reader, token := signIn("reader@example.com")
	g, err := cm.CreateGroup(ctx, owner, community.GroupInput{Slug: "big", Name: "Big board", Visibility: community.Listed, Policy: community.JoinOpen})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := cm.Join(ctx, reader, "big", ""); err != nil {
		b.Fatal(err)
	}
	benchBoardData(b, db, g.ID, reader.ID())
	return app, "fanclub_session=" + token, g.ID
}

// benchBoardData writes the ideas, votes and ballots straight into the
// collections, in the shapes community writes them: 50,000 votes through
// the domain would take far longer than the measurement.
func benchBoardData(b *testing.B, db *mongodb.DB, g community.GroupID, reader auth.AccountID) {
	b.Helper()
	ctx := context.Background()
	start := time.Now().Add(-60 * 24 * time.Hour)
	epoch := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []community.IdeaStatus{community.IdeaOpen, community.IdeaOpen, community.IdeaReview, community.IdeaPlanned,
		community.IdeaInProgress, community.IdeaShipped, community.IdeaDeclined}
	var ideas, votes []any
	ballots := map[string][]string{}
	total := 0
	for i := range benchIdeas {
		id := primitive.NewObjectID().Hex()
		created := start.Add(time.Duration(i) * time.Hour)
		n := 1 + (37*i)%benchVoters
		status := statuses[i%len(statuses)]
		ideas = append(ideas, bson.M{"_id": id, "group": g, "author": "5f0000000000000000000009", "authorName": "Author",
			"title": fmt.Sprintf("Idea %d: a better way to order", i), "body": "", "html": "", "tags": bson.A{},
			"status": status, "statusAt": created, "history": bson.A{bson.M{"status": community.IdeaOpen, "by": "5f0000000000000000000009", "byName": "Author", "at": created}},
			"response": bson.M{"body": ""}, "votes": n,
			"score":    math.Log2(1+float64(n)) + float64(created.Sub(epoch))/float64(72*time.Hour),
			"comments": 0, "removed": false, "words": bson.A{"better", "way", "order"}, "createdAt": created, "updatedAt": created})
		for v := range n {
			account := fmt.Sprintf("%024x", v+1)
			votes = append(votes, bson.M{"_id": id + ":" + account, "idea": id, "group": g, "account": account, "createdAt": created})
			ballots[account] = append(ballots[account], id)
		}
		if i%33 == 0 {
			votes = append(votes, bson.M{"_id": id + ":" + string(reader), "idea": id, "group": g, "account": reader, "createdAt": created})
			ballots[string(reader)] = append(ballots[string(reader)], id)
			n++
		}
		total += n
	}
	insert := func(coll string, docs []any) {
		for len(docs) > 0 {
			batch := docs[:min(len(docs), 1000)]
			docs = docs[len(batch):]
			if _, err := db.Collection(coll).InsertMany(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	insert("ideas", ideas)
	insert("votes", votes)
	var docs []any
	for account, ids := range ballots {
		docs = append(docs, bson.M{"_id": string(g) + ":" + account, "ideas": ids})
	}
	insert("idea_ballots", docs)
	b.Logf("board: %d ideas, %d votes", benchIdeas, total)
}
