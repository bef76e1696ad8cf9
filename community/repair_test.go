package community_test

import (
	"context"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/mongotest"
)

// TestRepairDriftLeavesWritesInFlightAlone drifts an idea's counter and a
// ballot as a crash would, then runs the live repair while members go on
// voting: a vote that lands between its two surveys, or one caught
// between its document and its counter, is never overwritten or counted
// twice; what stayed wrong is set right, and the board shows it.
func TestRepairDriftLeavesWritesInFlightAlone(t *testing.T) {
	db := mongotest.New(t)
	svc := fdService(t, db)
	ctx := context.Background()
	members := ideaGroup(t, svc, "live", 8)
	idea := newIdea(t, svc, members[0], "live", "Refill stations")
	for _, m := range members[:5] {
		if _, err := svc.Vote(ctx, m, "live", idea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	// A crash after two votes' documents and before their counts; and a
	// ballot that lost its mark.
	if _, err := db.Collection("ideas").UpdateOne(ctx, bson.M{"_id": idea.ID}, bson.M{"$inc": bson.M{"votes": -2}}); err != nil {
		t.Fatal(err)
	}
	ballot := fmt.Sprintf("%s:%s", idea.Group, members[2].ID())
	if _, err := db.Collection("idea_ballots").UpdateOne(ctx, bson.M{"_id": ballot}, bson.M{"$set": bson.M{"ideas": bson.A{}}}); err != nil {
		t.Fatal(err)
	}

	// A member votes between the two surveys: the counter moved, so the
	// repair leaves it for the next run; the ballot, unchanged, is set.
	fixed, _, err := svc.RepairDriftAround(ctx, func(ctx context.Context) error {
		_, err := svc.Vote(ctx, members[5], "live", idea.ID, true)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := fixed[idea.Group]; r.Ideas != 0 || r.Ballots != 1 {
		t.Errorf("repairs with a vote landing between the surveys: %+v, want the ballot only", r)
	}
	if counter, docs := voteState(t, db, idea.ID); counter != 4 || docs != 6 {
		t.Errorf("counter %d, documents %d; want the drifted 3 plus the new vote, 4, of 6", counter, docs)
	}

	// A vote caught between its document and its count: the document is
	// in the second survey only, so nothing is set; then its count lands.
	fixed, _, err = svc.RepairDriftAround(ctx, func(ctx context.Context) error {
		_, err := db.Collection("votes").InsertOne(ctx, bson.M{"_id": string(idea.ID) + ":" + string(members[6].ID()),
			"idea": idea.ID, "group": idea.Group, "account": members[6].ID()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := fixed[idea.Group]; r.Ideas != 0 {
		t.Errorf("repairs with a vote in flight: %+v, want no idea set", r)
	}
	if _, err := db.Collection("ideas").UpdateOne(ctx, bson.M{"_id": idea.ID}, bson.M{"$inc": bson.M{"votes": 1}}); err != nil {
		t.Fatal(err)
	}
	if counter, docs := voteState(t, db, idea.ID); counter > docs {
		t.Errorf("counter %d over %d documents: the vote in flight was counted twice", counter, docs)
	}

	// Quiet now: the run after sets what is still wrong.
	fixed, _, err = svc.RepairDriftAround(ctx, func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if r := fixed[idea.Group]; r.Ideas != 1 || r.Ballots != 1 {
		t.Errorf("repairs on a quiet site: %+v, want the idea and member 6's missing ballot", r)
	}
	if counter, docs := voteState(t, db, idea.ID); counter != docs || docs != 7 {
		t.Errorf("after the repair: counter %d, documents %d; want 7", counter, docs)
	}
	_, page, err := svc.Board(ctx, members[2], "live", community.BoardQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Ideas) != 1 || page.Ideas[0].Votes != 7 || !page.Voted[idea.ID] {
		t.Errorf("board after the repair: %+v, voted %v; want 7 votes and member 2's mark", page.Ideas, page.Voted)
	}
	if fixed, _, err := svc.RepairDriftAround(ctx, func(context.Context) error { return nil }); err != nil || len(fixed) != 0 {
		t.Errorf("a second repair set %+v (%v), want nothing", fixed, err)
	}
}
