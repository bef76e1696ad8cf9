package community

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

type ideaDoc struct {
	ID              IdeaID         `bson:"_id"`
	Group           GroupID        `bson:"group"`
	Author          auth.AccountID `bson:"author"`
	AuthorName      string         `bson:"authorName"`
	Title           string         `bson:"title"`
	Body            string         `bson:"body"`
	HTML            string         `bson:"html"`
	Tags            []string       `bson:"tags"`
	Status          IdeaStatus     `bson:"status"`
	StatusAt        time.Time      `bson:"statusAt"`
	History         []StatusChange `bson:"history"`
	Response        Response       `bson:"response"`
	FirstResponseAt time.Time      `bson:"firstResponseAt,omitempty"`
	MergedInto      IdeaRef        `bson:"mergedInto,omitempty"`
	Duplicates      []IdeaRef      `bson:"duplicates,omitempty"`
	Votes           int            `bson:"votes"`
	Score           float64        `bson:"score"`
	Comments        int            `bson:"comments"`
	Removed         bool           `bson:"removed"`
	Words           []string       `bson:"words"`
	CreatedAt       time.Time      `bson:"createdAt"`
	UpdatedAt       time.Time      `bson:"updatedAt"`
}

func (d ideaDoc) idea() Idea { return Idea(d) }

// trendingEpoch and trendingHalfLife set the trending score:
//
//	score = log2(1 + votes) + hours(createdAt − trendingEpoch) / 72
//
// Every three days of youth weigh as much as doubling the votes, so an
// idea's standing decays with age against newer ones, yet the score
// changes only when its votes do: it is stored, indexed and read in
// order, with no job rescoring the board as time passes.
var trendingEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

const trendingHalfLife = 72 * time.Hour

func trendingScore(votes int, created time.Time) float64 {
	return math.Log2(1+float64(max(votes, 0))) + float64(created.Sub(trendingEpoch))/float64(trendingHalfLife)
}

func (s *Service) insertIdea(ctx context.Context, i Idea) error {
	_, err := s.ideas.InsertOne(ctx, ideaDoc(i))
	return s.ideasLost(wrap(err, "insert idea"))
}

func (s *Service) findIdea(ctx context.Context, id IdeaID) (Idea, error) {
	var d ideaDoc
	err := s.ideas.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Idea{}, ErrNotFound
	}
	return d.idea(), wrap(err, "find idea")
}

// findIdeas returns up to n ideas matching filter in sort order.
func (s *Service) findIdeas(ctx context.Context, filter bson.M, sort bson.D, n int) ([]Idea, error) {
	var docs []ideaDoc
	if err := s.findAll(ctx, s.ideas, filter, sort, n, &docs, "list ideas"); err != nil {
		return nil, err
	}
	out := make([]Idea, len(docs))
	for i, d := range docs {
		out[i] = d.idea()
	}
	return out, nil
}

// findIdeasSharingWords returns open ideas of the group whose titles share
// a word with words, most voted first, then oldest. Served by index
// "ideas_group_words".
func (s *Service) findIdeasSharingWords(ctx context.Context, g GroupID, words []string) ([]Idea, error) {
	shares := func(i Idea) bool {
		return !i.Removed && i.Status != IdeaMerged && slices.ContainsFunc(i.Words, func(w string) bool { return slices.Contains(words, w) })
	}
	return s.groupIdeas(ctx, g, bson.M{"group": g, "words": bson.M{"$in": words}, "removed": false,
		"status": bson.M{"$ne": IdeaMerged}}, shares, bson.D{{Key: "votes", Value: -1}, {Key: "_id", Value: 1}}, 50)
}

func (s *Service) updateIdeaText(ctx context.Context, i Idea) error {
	_, err := s.ideas.UpdateOne(ctx, bson.M{"_id": i.ID, "removed": false}, bson.M{"$set": bson.M{
		"title": i.Title, "body": i.Body, "html": i.HTML, "tags": i.Tags, "words": i.Words, "updatedAt": i.UpdatedAt}})
	return s.ideasLost(wrap(err, "edit idea"))
}

func (s *Service) removeIdea(ctx context.Context, id IdeaID) error {
	res, err := s.ideas.UpdateOne(ctx, bson.M{"_id": id, "removed": false}, bson.M{"$set": bson.M{"removed": true}})
	if err != nil {
		return s.ideasLost(wrap(err, "remove idea"))
	}
	if res.ModifiedCount == 0 {
		return ErrConflict
	}
	return nil
}

// incIdea moves an idea's counter and returns the idea as it is after.
func (s *Service) incIdea(ctx context.Context, id IdeaID, field string, delta int) (Idea, error) {
	var d ideaDoc
	err := s.ideas.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{field: delta}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Idea{}, ErrNotFound
	}
	return d.idea(), s.ideasLost(wrap(err, "count idea "+field))
}

// rescore stores the trending score for the votes counted in i. It holds
// only while the count is still i.Votes, so of two voters racing, the
// one who moved the counter last writes the score.
func (s *Service) rescore(ctx context.Context, i Idea) error {
	_, err := s.ideas.UpdateOne(ctx, bson.M{"_id": i.ID, "votes": i.Votes},
		bson.M{"$set": bson.M{"score": trendingScore(i.Votes, i.CreatedAt)}})
	return s.ideasLost(wrap(err, "score idea"))
}

// ideasLost follows a write to ideas that failed (err), perhaps after
// changing some: the boards in memory, if any, are read again at next
// use, and err is returned.
func (s *Service) ideasLost(err error) error {
	if err != nil && s.boardIdx != nil {
		s.boardIdx.lost()
	}
	return err
}

// boardChanged brings the board in memory up to date with the ideas
// named (all of them, if none is named), or, where there is none, tells
// every instance that the group's cached board pages are stale.
func (s *Service) boardChanged(ctx context.Context, g GroupID, ideas ...IdeaID) error {
	if s.boardIdx != nil {
		return s.boardIdx.changed(ctx, s, g, ideas)
	}
	return s.incGroup(ctx, g, "boardVersion", 1)
}
