package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/membership"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }

// TestSeedFillsAnEmptyDatabaseOnce runs `fanclub seed` on an empty
// database (MONGODB_URI pointed at the test server) and checks the club it
// makes; a second run refuses and changes nothing.
func TestSeedFillsAnEmptyDatabaseOnce(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	u, err := url.Parse(mongotest.Conn(t).URI)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db.Name()
	env := map[string]string{"MONGODB_URI": u.String()}
	getenv := func(k string) string { return env[k] }

	log := &syncBuffer{}
	start := time.Now()
	if err := run(ctx, []string{"seed"}, getenv, log); err != nil {
		t.Fatalf("seed: %v\n%s", err, log)
	}
	for _, want := range []string{`msg="demo club seeded" accounts=311 groups=12`, " events=10 ", " cancelled=1 ", " activity_records=311 ",
		"sign in as admin@example.com", "/signin"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}

	count := func(coll string, filter bson.M) int64 {
		t.Helper()
		n, err := db.Collection(coll).CountDocuments(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	atLeast := func(what string, got, want int64) {
		t.Helper()
		if got < want {
			t.Errorf("%s: %d, want at least %d", what, got, want)
		}
	}
	if n := count("accounts", bson.M{}); n != 311 {
		t.Errorf("accounts: %d, want 311", n)
	}
	if n := count("groups", bson.M{}); n != 12 {
		t.Errorf("groups: %d, want 12", n)
	}
	for _, p := range []community.JoinPolicy{community.JoinOpen, community.JoinApproval, community.JoinInvite, community.JoinTier} {
		if n := count("groups", bson.M{"policy": p}); n != 3 {
			t.Errorf("%s groups: %d, want 3", p, n)
		}
	}
	atLeast("unlisted groups", count("groups", bson.M{"visibility": community.Unlisted}), 1)
	atLeast("posts", count("posts", bson.M{}), 51)
	atLeast("pinned posts", count("posts", bson.M{"pinned": true}), 1)
	atLeast("posts with a mention", count("posts", bson.M{"mentions.0": bson.M{"$exists": true}}), 1)
	atLeast("comments", count("comments", bson.M{}), 51)
	atLeast("replies", count("comments", bson.M{"replyTo": bson.M{"$exists": true}}), 1)
	atLeast("reactions", count("reactions", bson.M{}), 51)
	atLeast("pending requests", count("group_members", bson.M{"state": community.StatePending}), 1)
	atLeast("open invitations", count("group_members", bson.M{"state": community.StateInvited}), 1)
	atLeast("moderators", count("group_members", bson.M{"role": community.RoleModerator}), 1)
	if n := count("reports", bson.M{"resolved": false}); n != 2 {
		t.Errorf("open reports: %d, want 2", n)
	}
	checkIdeaBoards(t, db, start)
	checkEvents(t, db, start)
	checkMemberships(t, db)
	checkHistory(t, db, start)
	checkPremiumHistory(t, db, start)
	checkHeardAndTurnout(t, db, start)
	// Dated over the last three weeks, none in the future.
	for coll, field := range map[string]string{"posts": "createdAt", "comments": "createdAt", "reactions": "createdAt",
		"ideas": "createdAt", "votes": "createdAt", "events": "createdAt", "rsvps": "at", "invitations": "at"} {
		if n := count(coll, bson.M{"$or": bson.A{
			bson.M{field: bson.M{"$lt": start.Add(-22 * 24 * time.Hour)}},
			bson.M{field: bson.M{"$gt": time.Now()}}}}); n != 0 {
			t.Errorf("%s: %d dated outside the last three weeks", coll, n)
		}
	}
	// Every job due was done; only the reminders of events to come wait,
	// each for the day before its event.
	if n := count("jobs", bson.M{"state": bson.M{"$ne": "done"}, "$or": bson.A{
		bson.M{"kind": bson.M{"$ne": "event.remind"}}, bson.M{"runAt": bson.M{"$lte": time.Now()}}}}); n != 0 {
		t.Errorf("%d jobs left undone after the seed", n)
	}
	atLeast("reminders waiting for events to come", count("jobs", bson.M{"state": "queued", "kind": "event.remind"}), 1)
	checkCounters(t, db)
	checkAdminSignsIn(t, db)
	checkPoints(t, db)

	before := snapshot(t, db)
	err = run(ctx, []string{"seed"}, getenv, log)
	if !errors.Is(err, errNotEmpty) {
		t.Fatalf("second seed: %v, want errNotEmpty", err)
	}
	if after := snapshot(t, db); !maps.Equal(before, after) {
		t.Errorf("second seed changed the database:\nbefore %v\nafter  %v", before, after)
	}
}

// checkIdeaBoards checks the seeded idea boards: each with its tags and
// ideas in every status, voted for, commented on and answered by the
// owner or a moderator; merged duplicates whose votes moved; ideas
// waiting past a day for a response; and the news of it all in notices
// dated when it happened.
func checkIdeaBoards(t *testing.T, db *mongodb.DB, start time.Time) {
	t.Helper()
	ctx := context.Background()
	count := func(coll string, filter bson.M) int64 {
		t.Helper()
		n, err := db.Collection(coll).CountDocuments(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	atLeast := func(what string, got, want int64) {
		t.Helper()
		if got < want {
			t.Errorf("%s: %d, want at least %d", what, got, want)
		}
	}
	for _, b := range demoBoards {
		var g struct {
			ID   community.GroupID   `bson:"_id"`
			Tags []community.IdeaTag `bson:"ideaTags"`
		}
		if err := db.Collection("groups").FindOne(ctx, bson.M{"slug": b.slug}).Decode(&g); err != nil {
			t.Fatalf("group %s: %v", b.slug, err)
		}
		if len(g.Tags) < 3 || len(g.Tags) > 5 {
			t.Errorf("%s: %d tags, want 3 to 5", b.slug, len(g.Tags))
		}
		for _, tag := range g.Tags {
			if !slices.Contains(community.CoverColors, tag.Color) {
				t.Errorf("%s: tag %q coloured %q", b.slug, tag.Name, tag.Color)
			}
		}
		atLeast(b.slug+" ideas", count("ideas", bson.M{"group": g.ID}), 10)
		for _, st := range community.IdeaStatuses {
			atLeast(b.slug+" ideas "+string(st), count("ideas", bson.M{"group": g.ID, "status": st}), 1)
		}
		atLeast(b.slug+" tagged ideas", count("ideas", bson.M{"group": g.ID, "tags.0": bson.M{"$exists": true}}), 10)
	}
	atLeast("votes", count("votes", bson.M{}), 100)
	atLeast("ideas with ten votes or more", count("ideas", bson.M{"votes": bson.M{"$gte": 10}}), 1)
	atLeast("answered ideas", count("ideas", bson.M{"response.body": bson.M{"$ne": ""}}), 10)
	atLeast("ideas answered and still open", count("ideas", bson.M{"status": community.IdeaOpen, "response.body": bson.M{"$ne": ""}}), 1)
	atLeast("shipped ideas with the whole timeline", count("ideas", bson.M{"status": community.IdeaShipped, "history.4": bson.M{"$exists": true}}), 1)
	var owner struct {
		ID string `bson:"_id"`
	}
	if err := db.Collection("accounts").FindOne(ctx, bson.M{"email": demoAdminEmail}).Decode(&owner); err != nil {
		t.Fatal(err)
	}
	atLeast("ideas answered by the owner", count("ideas", bson.M{"response.by": owner.ID}), 1)
	atLeast("ideas answered by a moderator", count("ideas", bson.M{"response.body": bson.M{"$ne": ""}, "response.by": bson.M{"$ne": owner.ID}}), 1)
	atLeast("unanswered ideas past a day", count("ideas", bson.M{"firstResponseAt": bson.M{"$exists": false},
		"status": community.IdeaOpen, "createdAt": bson.M{"$lt": start.Add(-24 * time.Hour)}}), 1)
	atLeast("unanswered ideas under a day old", count("ideas", bson.M{"firstResponseAt": bson.M{"$exists": false},
		"status": community.IdeaOpen, "createdAt": bson.M{"$gt": start.Add(-24 * time.Hour)}}), 1)
	atLeast("idea comments", count("comments", bson.M{"idea": bson.M{"$exists": true}}), 10)
	if n := count("votes", bson.M{"idea": bson.M{"$in": ids(t, db, bson.M{"status": community.IdeaMerged})}}); n != 0 {
		t.Errorf("merged ideas keep %d votes, want them moved", n)
	}
	checkMergesMovedVotes(t, db)
	for kind, want := range map[community.NoticeKind]int64{community.NoticeIdeaStatus: 10, community.NoticeIdeaResponse: 1,
		community.NoticeIdeaMerged: 1, community.NoticeIdeaComment: 1} {
		atLeast("notices "+string(kind), count("notifications", bson.M{"kind": kind}), want)
	}
	// Each notice is dated with its news, not with the end of the seed.
	atLeast("notices of idea news a week old", count("notifications", bson.M{"idea": bson.M{"$exists": true},
		"createdAt": bson.M{"$lt": start.Add(-7 * 24 * time.Hour)}}), 1)
}

// checkMergesMovedVotes checks each merged duplicate is listed on its
// original, and that everyone told their vote moved, the duplicate's
// author aside, now votes for the original.
func checkMergesMovedVotes(t *testing.T, db *mongodb.DB) {
	t.Helper()
	ctx := context.Background()
	var dups []struct {
		ID     string `bson:"_id"`
		Author string `bson:"author"`
		Into   struct {
			ID string `bson:"id"`
		} `bson:"mergedInto"`
	}
	cur, err := db.Collection("ideas").Find(ctx, bson.M{"status": community.IdeaMerged})
	if err != nil || cur.All(ctx, &dups) != nil {
		t.Fatalf("find merged ideas: %v", err)
	}
	for _, d := range dups {
		if n, err := db.Collection("ideas").CountDocuments(ctx, bson.M{"_id": d.Into.ID, "duplicates.id": d.ID}); err != nil || n != 1 {
			t.Errorf("merged idea %s: its original %q does not list it (%v)", d.ID, d.Into.ID, err)
		}
		var told []struct {
			Account string `bson:"account"`
		}
		cur, err := db.Collection("notifications").Find(ctx, bson.M{"kind": community.NoticeIdeaMerged, "idea": d.ID})
		if err != nil || cur.All(ctx, &told) != nil {
			t.Fatalf("find merge notices: %v", err)
		}
		moved := 0
		for _, n := range told {
			if n.Account == d.Author {
				continue
			}
			moved++
			if err := db.Collection("votes").FindOne(ctx, bson.M{"_id": d.Into.ID + ":" + n.Account}).Err(); err != nil {
				t.Errorf("merged idea %s: voter %s was told, but has no vote on the original: %v", d.ID, n.Account, err)
			}
		}
		if moved == 0 {
			t.Errorf("merged idea %s: no voter was told their vote moved", d.ID)
		}
	}
}

// checkCounters asks community to recount every group, with its ideas
// and events: the seed went through the same calls as people do, so
// nothing needs repair.
func checkCounters(t *testing.T, db *mongodb.DB) {
	t.Helper()
	ctx := context.Background()
	cm := community.New(db, community.Limits{}, time.Now, discardLog())
	var groups []struct {
		ID community.GroupID `bson:"_id"`
	}
	cur, err := db.Collection("groups").Find(ctx, bson.M{})
	if err != nil || cur.All(ctx, &groups) != nil {
		t.Fatalf("list groups: %v", err)
	}
	for _, g := range groups {
		if r, err := cm.Reconcile(ctx, g.ID); err != nil || r != (community.Repairs{}) {
			t.Errorf("group %s: reconcile repaired %+v, %v; want nothing to repair", g.ID, r, err)
		}
	}
}

// checkAdminSignsIn checks the demo admin owns the site and that an email
// link for the address opens that account.
func checkAdminSignsIn(t *testing.T, db *mongodb.DB) {
	t.Helper()
	ctx := context.Background()
	au, err := auth.New(db, auth.Config{BaseURL: "http://club.test"}, mail.Log{Logger: discardLog()}, time.Now, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	admin, err := au.AccountByEmail(ctx, demoAdminEmail)
	if err != nil || admin.Role != auth.RoleOwner || admin.Name != demoAdminName {
		t.Fatalf("admin: %+v, %v; want the site owner", admin, err)
	}
	got, err := au.SignIn(ctx, auth.External{Provider: "email", Subject: demoAdminEmail, Email: demoAdminEmail, EmailVerified: true})
	if err != nil || got.ID != admin.ID {
		t.Errorf("email link for the admin: %+v, %v; want the admin's account", got, err)
	}
	member, err := au.AccountByEmail(ctx, "minji.kim@example.com")
	if err != nil || member.Name != "김민지" || member.Role != auth.RoleMember {
		t.Errorf("minji.kim: %+v, %v", member, err)
	}
}

// snapshot counts the documents of every collection in db.
func snapshot(t *testing.T, db *mongodb.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	names, err := db.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, name := range names {
		n, err := db.Collection(name).CountDocuments(ctx, bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

// ids are the _ids of the ideas matching filter.
func ids(t *testing.T, db *mongodb.DB, filter bson.M) bson.A {
	t.Helper()
	var docs []struct {
		ID string `bson:"_id"`
	}
	cur, err := db.Collection("ideas").Find(context.Background(), filter)
	if err != nil || cur.All(context.Background(), &docs) != nil {
		t.Fatalf("find ideas: %v", err)
	}
	out := bson.A{}
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

// checkPoints: the demo's three weeks earned points under the rules the
// seed turned on; every balance is its ledger's sum, and some members
// reached a grade.
func checkPoints(t *testing.T, db *mongodb.DB) {
	t.Helper()
	ctx := context.Background()
	sums := map[string]int64{}
	cur, err := db.Collection("points_ledger").Find(ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	for cur.Next(ctx) {
		var e struct {
			Account string `bson:"account"`
			Points  int64  `bson:"points"`
		}
		if err := cur.Decode(&e); err != nil {
			t.Fatal(err)
		}
		sums[e.Account] += e.Points
	}
	var balances []struct {
		ID      string `bson:"_id"`
		Balance int64  `bson:"balance"`
		Grade   string `bson:"grade"`
	}
	cur, err = db.Collection("points").Find(ctx, bson.M{})
	if err != nil || cur.All(ctx, &balances) != nil {
		t.Fatalf("read balances: %v", err)
	}
	graded := 0
	for _, b := range balances {
		if b.Balance != sums[b.ID] {
			t.Errorf("account %s: balance %d, ledger %d", b.ID, b.Balance, sums[b.ID])
		}
		if b.Grade != "" {
			graded++
		}
	}
	if len(balances) < 20 || len(balances) != len(sums) || graded == 0 {
		t.Errorf("%d balances for %d accounts in the ledger, %d graded; want many, the same, some", len(balances), len(sums), graded)
	}
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestReconcileRepairsDrift seeds a club, drifts three counters by hand,
// and has `fanclub reconcile` put them right.
func TestReconcileRepairsDrift(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	u, err := url.Parse(mongotest.Conn(t).URI)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db.Name()
	getenv := func(k string) string { return map[string]string{"MONGODB_URI": u.String()}[k] }
	log := &syncBuffer{}
	if err := run(ctx, []string{"seed"}, getenv, log); err != nil {
		t.Fatalf("seed: %v", err)
	}
	var g struct {
		ID      string `bson:"_id"`
		Members int
	}
	if err := db.Collection("groups").FindOne(ctx, bson.M{"slug": "new-releases"}).Decode(&g); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("groups").UpdateOne(ctx, bson.M{"_id": g.ID}, bson.M{"$inc": bson.M{"members": 5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("posts").UpdateOne(ctx, bson.M{"group": g.ID}, bson.M{"$inc": bson.M{"comments": 3}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("ideas").UpdateOne(ctx, bson.M{"group": g.ID}, bson.M{"$inc": bson.M{"votes": 7}}); err != nil {
		t.Fatal(err)
	}
	var points struct {
		ID      string `bson:"_id"`
		Balance int64
	}
	if err := db.Collection("points").FindOne(ctx, bson.M{}).Decode(&points); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("points").UpdateOne(ctx, bson.M{"_id": points.ID}, bson.M{"$inc": bson.M{"balance": 40}}); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"reconcile"}, getenv, log); err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	for _, want := range []string{"groups_repaired=1", "groups=1 posts=1", "ideas=1 ballots=0", "points_balances_repaired=1"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("reconcile log lacks %q:\n%s", want, log)
		}
	}
	var after struct{ Members int }
	_ = db.Collection("groups").FindOne(ctx, bson.M{"_id": g.ID}).Decode(&after)
	if after.Members != g.Members {
		t.Errorf("members %d after reconcile, want %d", after.Members, g.Members)
	}
	var mended struct{ Balance int64 }
	_ = db.Collection("points").FindOne(ctx, bson.M{"_id": points.ID}).Decode(&mended)
	if mended.Balance != points.Balance {
		t.Errorf("points balance %d after reconcile, want %d", mended.Balance, points.Balance)
	}
}

// checkMemberships: every member of a premium group holds premium now,
// through a paid, trial, grace, comp, gift or higher tier, and the
// billing history has each kind.
func checkMemberships(t *testing.T, db *mongodb.DB) {
	t.Helper()
	ctx := context.Background()
	ms := membership.New(db, membership.Config{}, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var groups []struct {
		ID string `bson:"_id"`
	}
	cur, err := db.Collection("groups").Find(ctx, bson.M{"policy": community.JoinTier})
	if err != nil || cur.All(ctx, &groups) != nil {
		t.Fatal(err)
	}
	var gids bson.A
	for _, g := range groups {
		gids = append(gids, g.ID)
	}
	var rows []struct {
		Account auth.AccountID `bson:"account"`
	}
	cur, err = db.Collection("group_members").Find(ctx, bson.M{"group": bson.M{"$in": gids}, "state": community.StateActive,
		"role": community.RoleMember})
	if err != nil || cur.All(ctx, &rows) != nil {
		t.Fatal(err)
	}
	var ids []auth.AccountID
	for _, r := range rows {
		ids = append(ids, r.Account)
	}
	if len(ids) == 0 {
		t.Fatal("nobody in the premium groups")
	}
	ents, err := ms.Entitlements(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	all, err := ms.Tiers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sources := map[membership.Source]int{}
	for _, id := range ids {
		e := ents[id]
		if !e.Covers(all, "premium") {
			t.Errorf("%s is in a premium group without premium: %+v", id, e)
		}
		sources[e.Source]++
	}
	t.Logf("premium group members by source: %v", sources)
	// Ten premium demo people and ten of the crowd pay; thirteen ended:
	// four free demo people's, six of the crowd's, three trials lapsed.
	for _, c := range []struct {
		status membership.Status
		want   int64
	}{{membership.StatusActive, 20}, {membership.StatusTrialing, 2}, {membership.StatusPastDue, 1}, {membership.StatusCanceled, 13}} {
		n, err := db.Collection("subscriptions").CountDocuments(ctx, bson.M{"status": c.status})
		if err != nil || n != c.want {
			t.Errorf("%s subscriptions: %d (%v), want %d", c.status, n, err, c.want)
		}
	}
	if n, _ := db.Collection("comps").CountDocuments(ctx, bson.M{}); n != 4 {
		t.Errorf("comps: %d, want 4", n)
	}
}
