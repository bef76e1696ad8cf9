package community

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/activity"
)

// A vote document's _id is idea:account, so a person votes once per idea
// however fast they click: the second insert fails on the key. The
// idea's counter moves only after a document was inserted or deleted.
type voteDoc struct {
	ID        string         `bson:"_id"`
	Idea      IdeaID         `bson:"idea"`
	Group     GroupID        `bson:"group"`
	Account   auth.AccountID `bson:"account"`
	CreatedAt time.Time      `bson:"createdAt"`
}

func voteID(i IdeaID, a auth.AccountID) string { return string(i) + ":" + string(a) }

// A ballot lists the ideas of one group an account voted for, under
// _id group:account: the board marks "you voted" on a whole page with
// one lookup by _id instead of a search of every vote.
type ballotDoc struct {
	ID    string   `bson:"_id"`
	Ideas []IdeaID `bson:"ideas"`
}

// Vote records the actor's vote for an idea (on) or takes it back, and
// returns the idea's count after. Voting twice is one vote; taking back a
// vote never given changes nothing.
func (s *Service) Vote(ctx context.Context, a Actor, slug string, id IdeaID, on bool) (Idea, error) {
	i, st, err := s.IdeaByID(ctx, a, slug, id)
	if err != nil {
		return Idea{}, err
	}
	if err := st.requirePost(); err != nil {
		return i, err
	}
	if !i.Open() {
		return i, ErrIdeaClosed
	}
	if err := s.allowVote(ctx, a); err != nil {
		return i, err
	}
	if on {
		return s.addVote(ctx, i, a.ID())
	}
	return s.removeVote(ctx, i, a.ID())
}

// addVote inserts the vote and counts it. If the idea was merged while
// the vote went in, the vote is taken back: the merge has moved the
// votes it saw, and this one would be left on a closed idea.
func (s *Service) addVote(ctx context.Context, i Idea, account auth.AccountID) (Idea, error) {
	_, err := s.votes.InsertOne(ctx, voteDoc{ID: voteID(i.ID, account), Idea: i.ID, Group: i.Group, Account: account, CreatedAt: s.now()})
	if err = dupOr(err, "insert vote"); errors.Is(err, errDuplicate) {
		return i, nil
	} else if err != nil {
		return i, err
	}
	after, err := s.countVote(ctx, i, account, 1)
	if err != nil || after.Open() {
		s.engaged(ctx, account, activity.Vote) // the vote stands
		s.earn(ctx, account, voteDeed(i.ID, account))
		return after, err
	}
	if _, err := s.removeVote(ctx, after, account); err != nil {
		return after, err
	}
	return after, ErrIdeaClosed
}

// removeVote deletes the vote, if there was one, and counts it.
func (s *Service) removeVote(ctx context.Context, i Idea, account auth.AccountID) (Idea, error) {
	res, err := s.votes.DeleteOne(ctx, bson.M{"_id": voteID(i.ID, account)})
	if err != nil {
		return i, wrap(err, "delete vote")
	}
	if res.DeletedCount == 0 {
		return i, nil
	}
	defer s.unearn(ctx, account, voteDeed(i.ID, account))
	return s.countVote(ctx, i, account, -1)
}

// countVote follows a vote document inserted (+1) or deleted (-1): the
// idea's counter and score, the board's version and the voter's ballot.
func (s *Service) countVote(ctx context.Context, i Idea, account auth.AccountID, delta int) (Idea, error) {
	after, err := s.tally(ctx, i, delta)
	if err != nil {
		return after, err
	}
	return after, s.mark(ctx, i, account, delta > 0)
}

// tally moves the idea's vote counter by delta, then its score, and tells
// the board it changed.
func (s *Service) tally(ctx context.Context, i Idea, delta int) (Idea, error) {
	after, err := s.incIdea(ctx, i.ID, "votes", delta)
	if err != nil {
		return i, err
	}
	if err := s.rescore(ctx, after); err != nil {
		return after, err
	}
	return after, s.boardChanged(ctx, i.Group, i.ID)
}

// mark adds the idea to the voter's ballot (on) or takes it off.
func (s *Service) mark(ctx context.Context, i Idea, account auth.AccountID, on bool) error {
	op := "$addToSet"
	if !on {
		op = "$pull"
	}
	_, err := s.ballots.UpdateOne(ctx, bson.M{"_id": ballotID(i.Group, account)}, bson.M{op: bson.M{"ideas": i.ID}},
		options.Update().SetUpsert(true))
	return wrap(err, "update ballot")
}

func ballotID(g GroupID, a auth.AccountID) string { return string(g) + ":" + string(a) }

// votedFor returns the ideas of the group the actor voted for, from the
// ballot: one lookup by _id.
func (s *Service) votedFor(ctx context.Context, a Actor, g GroupID) (map[IdeaID]bool, error) {
	voted := map[IdeaID]bool{}
	if !a.SignedIn() {
		return voted, nil
	}
	var d ballotDoc
	err := s.ballots.FindOne(ctx, bson.M{"_id": ballotID(g, a.ID())}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return voted, wrap(err, "find ballot")
	}
	for _, id := range d.Ideas {
		voted[id] = true
	}
	return voted, nil
}
