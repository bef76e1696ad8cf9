package community_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/mongotest"
)

// boardViews reads everything the board shows to reader, through svc:
// every page of every sort and filter, the roadmap, the response queue
// and stats, and similar titles, as one comparable text.
func boardViews(t *testing.T, svc *community.Service, reader community.Actor, slug string, tags []string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	ids := func(ideas []community.Idea) string {
		var out []string
		for _, i := range ideas {
			out = append(out, fmt.Sprintf("%s/%d/%s/%d/%s", i.Title, i.Votes, i.Status, i.Comments, i.AuthorName))
		}
		return strings.Join(out, " ")
	}
	var queries []community.BoardQuery
	for _, sort := range community.BoardSorts {
		for _, status := range []string{community.StatusActive, community.StatusAll, string(community.IdeaShipped), string(community.IdeaMerged)} {
			for _, tag := range append([]string{""}, tags...) {
				queries = append(queries, community.BoardQuery{Sort: sort, Status: status, Tag: tag})
			}
			queries = append(queries, community.BoardQuery{Sort: sort, Status: status, Mine: true},
				community.BoardQuery{Sort: sort, Status: status, Voted: true})
		}
	}
	for _, q := range queries {
		fmt.Fprintf(&b, "%+v:", q)
		for page := 0; ; page++ {
			_, p, err := svc.Board(ctx, reader, slug, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			fmt.Fprintf(&b, " [%s]", ids(p.Ideas))
			if p.Next == "" || page > 20 {
				break
			}
			q.After = p.Next
		}
		b.WriteString("\n")
	}
	_, r, err := svc.Roadmap(ctx, reader, slug)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "roadmap: [%s] [%s] [%s]\n", ids(r.Planned), ids(r.InProgress), ids(r.Shipped))
	after := ""
	for {
		_, q, err := svc.Unanswered(ctx, fdStaff, slug, after)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "unanswered: [%s] %d %s\n", ids(q.Ideas), q.Stats.Answered, q.Stats.Median)
		if after = q.Next; after == "" {
			break
		}
	}
	for _, title := range []string{"Oat milk option", "Dark roast beans", "귀리 우유 옵션", "nothing alike"} {
		similar, err := svc.SimilarIdeas(ctx, reader, slug, title)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "similar to %s: [%s]\n", title, ids(similar))
	}
	return b.String()
}

// TestBoardInMemoryAgreesWithQueries: on the embedded store the board is
// worked out in memory (this process alone writes the database); a
// service that does not trust memory (as on MongoDB, which several
// instances share) asks the database. After each kind of write, through
// the first, both must show the same pages of every sort and filter, the
// same roadmap, queue, stats and similar titles.
func TestBoardInMemoryAgreesWithQueries(t *testing.T) {
	db := mongotest.New(t)
	mem := fdService(t, db)
	ctx := context.Background()
	const slug = "agree"
	members := ideaGroup(t, mem, slug, 8)
	var tags []string
	for _, name := range []string{"menu", "app"} {
		tag, err := mem.AddIdeaTag(ctx, fdStaff, slug, name, community.CoverColors[0])
		if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, tag.ID)
	}
	check := func(step string) {
		t.Helper()
		query := fdService(t, db.Shared()) // a fresh one: response stats are cached ten minutes per instance
		for _, reader := range []community.Actor{members[0], members[3]} {
			got, want := boardViews(t, mem, reader, slug, tags), boardViews(t, query, reader, slug, tags)
			if got != want {
				t.Fatalf("after %s, as %s, the board in memory differs from the database:\n%s", step, reader.Account.Name, diffLines(got, want))
			}
		}
	}
	titles := []string{"Oat milk option", "Dark roast beans", "Oat milk for cold brew", "귀리 우유 옵션", "Reusable cups",
		"Dark roast decaf", "Loyalty stamps in the app", "App dark mode", "Seasonal menu", "Cold brew on tap",
		"Smaller cups", "Oat milk latte art class", "Roast dates on bags", "Pastry pairing", "Quiet hours"}
	var ideas []community.Idea
	for k, title := range titles {
		in := community.IdeaInput{Title: title}
		if k%3 == 0 {
			in.Tags = []string{tags[k%2]}
		}
		i, err := mem.CreateIdea(ctx, members[k%5], slug, in)
		if err != nil {
			t.Fatal(err)
		}
		ideas = append(ideas, i)
	}
	check("proposing")
	for k, i := range ideas {
		for v := range k % 7 {
			if _, err := mem.Vote(ctx, members[v], slug, i.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	check("voting")
	if _, err := mem.Vote(ctx, members[0], slug, ideas[6].ID, false); err != nil {
		t.Fatal(err)
	}
	check("taking a vote back")
	for k, status := range []community.IdeaStatus{community.IdeaReview, community.IdeaPlanned, community.IdeaInProgress,
		community.IdeaShipped, community.IdeaDeclined} {
		if _, err := mem.AnswerIdea(ctx, fdStaff, slug, ideas[k+1].ID, community.Answer{Status: status, Response: "Thanks: " + string(status)}); err != nil {
			t.Fatal(err)
		}
	}
	check("answering")
	if _, err := mem.MergeIdea(ctx, fdStaff, slug, ideas[2].ID, ideas[0].ID, "same"); err != nil {
		t.Fatal(err)
	}
	check("merging")
	if _, err := mem.EditIdea(ctx, members[4], slug, ideas[14].ID, community.IdeaInput{Title: "Quiet hours with oat milk", Tags: []string{tags[1]}}); err != nil {
		t.Fatal(err)
	}
	check("editing")
	if _, err := mem.CreateIdea(ctx, members[2], slug, community.IdeaInput{Title: "Oat milk in the app", Tags: []string{tags[0]}}); err != nil {
		t.Fatal(err)
	}
	check("proposing once the board is in memory")
	c, err := mem.CreateComment(ctx, members[1], slug, community.OnIdea(ideas[9].ID), "Yes please", "")
	if err != nil {
		t.Fatal(err)
	}
	check("commenting")
	if err := mem.DeleteComment(ctx, members[1], slug, community.OnIdea(ideas[9].ID), c.ID, ""); err != nil {
		t.Fatal(err)
	}
	check("deleting a comment")
	if err := mem.DeleteIdea(ctx, fdStaff, slug, ideas[10].ID, "off topic"); err != nil {
		t.Fatal(err)
	}
	check("deleting an idea")
	if err := mem.RemoveIdeaTag(ctx, fdStaff, slug, tags[0]); err != nil {
		t.Fatal(err)
	}
	tags = tags[1:] // a filter by the tag removed is refused now
	check("removing a tag")
	renamed := members[4].Account
	renamed.Name = "Renamed member"
	if err := mem.RenameAccount(ctx, members[4].Account, renamed); err != nil {
		t.Fatal(err)
	}
	check("renaming a member")
	if err := mem.ForgetAccount(ctx, members[1].Account); err != nil {
		t.Fatal(err)
	}
	check("a member's account being deleted")
	// A counter drifted (as a crash between a vote and its count leaves
	// it) and read into memory at a restart: reconcile must put both right.
	if _, err := db.Collection("ideas").UpdateOne(ctx, bson.M{"_id": ideas[5].ID}, bson.M{"$inc": bson.M{"votes": 7}}); err != nil {
		t.Fatal(err)
	}
	mem = fdService(t, db)
	if err := mem.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := mem.Reconcile(ctx, ideas[0].Group); err != nil || r.Ideas != 1 {
		t.Fatalf("reconcile repaired %+v (%v), want the drifted idea", r, err)
	}
	check("reconciling")
}

// diffLines shows the lines of got and want that differ.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var out []string
	for i := range max(len(g), len(w)) {
		gl, wl := "", ""
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			out = append(out, "memory:   "+gl, "database: "+wl)
		}
	}
	return strings.Join(slices.Compact(out), "\n")
}
