package community

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// A shipment keeps who had voted for an idea when the brand shipped it,
// for the insight page, which asks the activity record how many of them
// were active in the month after (HeardFigures). Finding them from the
// votes on every view would read the whole votes collection on the
// embedded store, seconds a page; and a list of voters on the idea
// itself would grow with every vote. The job that tells the voters of
// the ship (runAnnouncement) reads the idea's votes anyway, so it keeps
// them here, once per ship: a snapshot that later votes do not change,
// read back by _id.
//
// The voters are cut into parts of shipmentPart, each a document under
// idea:part, so that no document grows past a few tens of kilobytes
// however popular the idea. Part 0 says how many parts there are and is
// written last, so a reader never looks for a part not yet written.
type shipmentDoc struct {
	ID     string           `bson:"_id"` // idea:part
	Idea   IdeaID           `bson:"idea"`
	Part   int              `bson:"part"`
	Parts  int              `bson:"parts"`
	Voters []auth.AccountID `bson:"voters"`
	At     time.Time        `bson:"at"` // when the votes were read
}

// shipmentPart is how many voters one shipment document holds.
const shipmentPart = 1000

func shipmentID(i IdeaID, part int) string { return string(i) + ":" + strconv.Itoa(part) }

// keepShipment stores the voters of an idea just shipped, replacing
// those of an earlier ship of the same idea. Run again, it writes the
// same.
func (s *Service) keepShipment(ctx context.Context, idea IdeaID, voters []auth.AccountID) error {
	voters = slices.Sorted(slices.Values(voters))
	parts := max(1, (len(voters)+shipmentPart-1)/shipmentPart)
	at := s.now()
	for p := parts - 1; p >= 0; p-- {
		d := shipmentDoc{ID: shipmentID(idea, p), Idea: idea, Part: p, Parts: parts, At: at,
			Voters: slices.Clip(voters[p*shipmentPart : min((p+1)*shipmentPart, len(voters))])}
		if d.Voters == nil {
			d.Voters = []auth.AccountID{}
		}
		if _, err := s.shipments.ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true)); err != nil {
			return wrap(err, "keep shipment")
		}
	}
	return nil
}

// shippedVoters returns the voters kept for each of the ideas; an idea
// none were kept for is left out. It reads each idea's part 0 by _id in
// one command, and the other parts of the ideas that have more in one
// more.
func (s *Service) shippedVoters(ctx context.Context, ideas []IdeaID) (map[IdeaID][]auth.AccountID, error) {
	out := map[IdeaID][]auth.AccountID{}
	if len(ideas) == 0 {
		return out, nil
	}
	keys := make([]string, len(ideas))
	for i, id := range ideas {
		keys[i] = shipmentID(id, 0)
	}
	var firsts []shipmentDoc
	if err := s.findAll(ctx, s.shipments, bson.M{"_id": bson.M{"$in": keys}}, nil, len(keys), &firsts, "find shipments"); err != nil {
		return nil, err
	}
	var more []string
	for _, d := range firsts {
		out[d.Idea] = d.Voters
		for p := 1; p < d.Parts; p++ {
			more = append(more, shipmentID(d.Idea, p))
		}
	}
	if len(more) == 0 {
		return out, nil
	}
	var rest []shipmentDoc
	if err := s.findAll(ctx, s.shipments, bson.M{"_id": bson.M{"$in": more}}, nil, len(more), &rest, "find shipments"); err != nil {
		return nil, err
	}
	slices.SortFunc(rest, func(x, y shipmentDoc) int { return cmp.Or(cmp.Compare(x.Idea, y.Idea), cmp.Compare(x.Part, y.Part)) })
	for _, d := range rest {
		out[d.Idea] = append(out[d.Idea], d.Voters...)
	}
	return out, nil
}

// forgetShipmentVoter takes a deleted account out of the voters kept,
// as its votes are taken back. One command, served by
// "idea_shipments_voters" (on the embedded store a read of the
// shipments, a few documents per idea shipped).
func (s *Service) forgetShipmentVoter(ctx context.Context, id auth.AccountID) error {
	_, err := s.shipments.UpdateMany(ctx, bson.M{"voters": id}, bson.M{"$pull": bson.M{"voters": id}})
	return wrap(err, "forget shipment voter")
}

// BackfillShipments keeps the voters of the ideas shipped within
// ShippedWindow before shipments were kept: the migration for databases
// from before. The votes are read as they are now, so a vote given after
// the ship counts here, as it would not have then. It reads the votes
// once (a scan on the embedded store, once); ideas whose voters are
// already kept are left as they are. Running it again changes nothing.
func (s *Service) BackfillShipments(ctx context.Context) error {
	var ids []IdeaID
	if err := each(ctx, s.ideas, bson.M{"status": IdeaShipped, "statusAt": bson.M{"$gte": s.now().Add(-ShippedWindow)}, "removed": false},
		func(d ideaDoc) { ids = append(ids, d.ID) }, options.Find().SetProjection(bson.M{"_id": 1})); err != nil {
		return err
	}
	kept, err := s.shippedVoters(ctx, ids)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id IdeaID) bool { _, ok := kept[id]; return ok })
	if len(ids) == 0 {
		return nil
	}
	voters := map[IdeaID][]auth.AccountID{}
	if err := each(ctx, s.votes, bson.M{"idea": bson.M{"$in": ids}}, func(v voteDoc) { voters[v.Idea] = append(voters[v.Idea], v.Account) }); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.keepShipment(ctx, id, voters[id]); err != nil {
			return err
		}
	}
	return nil
}
