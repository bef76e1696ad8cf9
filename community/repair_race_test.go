package community_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// TestRepairDriftBetweenScans: the live repair's survey reads the votes
// and, a while later (seconds on a busy embedded store), the ideas and
// ballots. A member who votes in that gap in both surveys, and takes the
// vote back between them, leaves the two surveys the same drift (counter
// one over the documents they read), which is no drift at all: the
// repair must set nothing.
func TestRepairDriftBetweenScans(t *testing.T) {
	var armed atomic.Pointer[func()]
	var votesRead atomic.Bool
	db := mongotest.NewObserved(t, func(op mongodb.Op) {
		if op.Name != "find" || !op.Scan || armed.Load() == nil {
			return
		}
		switch op.Collection {
		case "votes":
			votesRead.Store(true)
		case "ideas":
			if votesRead.Swap(false) {
				(*armed.Swap(nil))() // the votes are read; the ideas not yet
			}
		}
	})
	svc := fdService(t, db)
	ctx := context.Background()
	members := ideaGroup(t, svc, "gap", 3)
	idea := newIdea(t, svc, members[0], "gap", "Water fountains")
	for _, m := range members[:2] {
		if _, err := svc.Vote(ctx, m, "gap", idea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	vote := func(on bool) {
		if _, err := svc.Vote(ctx, members[2], "gap", idea.ID, on); err != nil {
			t.Error(err)
		}
	}
	voteInGap := func() { f := func() { vote(true) }; armed.Store(&f) }

	voteInGap() // in the first survey
	fixed, _, err := svc.RepairDriftAround(ctx, func(context.Context) error {
		vote(false) // between the surveys
		voteInGap() // and in the second
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	counter, docs := voteState(t, db, idea.ID)
	t.Logf("repairs %+v; counter %d, documents %d", fixed[idea.Group], counter, docs)
	if counter != docs {
		t.Errorf("after the live repair: votes counter %d, vote documents %d", counter, docs)
	}
	var b struct {
		Ideas []community.IdeaID `bson:"ideas"`
	}
	ballot := fmt.Sprintf("%s:%s", idea.Group, members[2].ID())
	if err := db.Collection("idea_ballots").FindOne(ctx, bson.M{"_id": ballot}).Decode(&b); err != nil {
		t.Fatal(err)
	}
	if len(b.Ideas) != 1 {
		t.Errorf("member 2 has a vote document, but the ballot lists %v", b.Ideas)
	}
}
