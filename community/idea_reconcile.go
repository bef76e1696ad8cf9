package community

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// reconcileIdeas recounts each idea's votes and published comments from
// the documents, with its score, and rebuilds each voter's ballot; it
// sets what drifted and returns how many ideas and ballots it set.
func (s *Service) reconcileIdeas(ctx context.Context, g GroupID) (ideas, ballots int, err error) {
	votes := map[IdeaID]int{}
	voted := map[auth.AccountID][]IdeaID{}
	if err := each(ctx, s.votes, bson.M{"group": g}, func(v voteDoc) {
		votes[v.Idea]++
		voted[v.Account] = append(voted[v.Account], v.Idea)
	}); err != nil {
		return 0, 0, err
	}
	comments := map[IdeaID]int{}
	if err := each(ctx, s.comments, bson.M{"group": g, "idea": bson.M{"$exists": true}, "state": Published}, func(c commentDoc) {
		comments[c.Idea]++
	}); err != nil {
		return 0, 0, err
	}
	var fixes []ideaDoc
	if err := each(ctx, s.ideas, bson.M{"group": g}, func(d ideaDoc) {
		if d.Votes != votes[d.ID] || d.Comments != comments[d.ID] || d.Score != trendingScore(votes[d.ID], d.CreatedAt) {
			fixes = append(fixes, d)
		}
	}); err != nil {
		return 0, 0, err
	}
	for _, d := range fixes {
		n := votes[d.ID]
		if _, err := s.ideas.UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$set": bson.M{"votes": n,
			"comments": comments[d.ID], "score": trendingScore(n, d.CreatedAt)}}); err != nil {
			return len(fixes), 0, wrap(err, "repair idea")
		}
	}
	ballots, err = s.reconcileBallots(ctx, g, voted)
	return len(fixes), ballots, err
}

// reconcileBallots sets every ballot of the group that lists other ideas
// than the account's votes.
func (s *Service) reconcileBallots(ctx context.Context, g GroupID, voted map[auth.AccountID][]IdeaID) (int, error) {
	want := map[string][]IdeaID{}
	for a, ids := range voted {
		slices.Sort(ids)
		want[ballotID(g, a)] = ids
	}
	have := map[string][]IdeaID{}
	prefix := string(g) + ":"
	if err := each(ctx, s.ballots, bson.M{"_id": bson.M{"$regex": "^" + prefix}}, func(d ballotDoc) {
		slices.Sort(d.Ideas)
		have[d.ID] = d.Ideas
		if _, ok := want[d.ID]; !ok {
			want[d.ID] = []IdeaID{}
		}
	}); err != nil {
		return 0, err
	}
	fixed := 0
	for id, ideas := range want {
		if slices.Equal(have[id], ideas) {
			continue
		}
		if _, err := s.ballots.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"ideas": ideas}},
			options.Update().SetUpsert(true)); err != nil {
			return fixed, wrap(err, "repair ballot")
		}
		fixed++
	}
	return fixed, nil
}
