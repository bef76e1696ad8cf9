package loyalty

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mongodb"
)

// rewardDoc is a reward (collection "rewards") with its counters: Taken
// is moved only by conditional $inc (never a replace), so redemptions
// racing an edit keep their count.
type rewardDoc struct {
	ID          string            `bson:"_id"`
	Name        string            `bson:"name"`
	Description string            `bson:"description"`
	Price       int64             `bson:"price"`
	Kind        Kind              `bson:"kind"`
	Stock       int               `bson:"stock"` // -1: no limit
	Limit       int               `bson:"limit"`
	Archived    bool              `bson:"archived"`
	Tier        string            `bson:"tier,omitempty"`
	Days        int               `bson:"days,omitempty"`
	Event       community.EventID `bson:"event,omitempty"`
	Codes       int               `bson:"codes"` // code slots filled: codes are _id "<reward>:<slot>", slot < codes
	Taken       int               `bson:"taken"`
	Redeemed    int               `bson:"redeemed"`
	// LockUntil holds off a second code upload while one runs.
	LockUntil time.Time      `bson:"lockUntil"`
	CreatedAt time.Time      `bson:"createdAt"`
	UpdatedAt time.Time      `bson:"updatedAt"`
	By        auth.AccountID `bson:"by"`
}

func (d rewardDoc) reward() Reward {
	r := Reward{ID: d.ID, Name: d.Name, Description: d.Description, Price: d.Price, Kind: d.Kind, Stock: d.Stock,
		Limit: d.Limit, Archived: d.Archived, Tier: d.Tier, Days: d.Days, Event: d.Event, Codes: d.Codes,
		Taken: d.Taken, Redeemed: d.Redeemed}
	r.Left = r.left()
	return r
}

// maxRewards bounds the catalogue a page lists.
const maxRewards = 200

func (s *Service) insertReward(ctx context.Context, r Reward, by auth.AccountID) error {
	now := s.now()
	_, err := s.rewards.InsertOne(ctx, rewardDoc{ID: r.ID, Name: r.Name, Description: r.Description, Price: r.Price,
		Kind: r.Kind, Stock: r.Stock, Limit: r.Limit, Tier: r.Tier, Days: r.Days, Event: r.Event,
		CreatedAt: now, UpdatedAt: now, By: by})
	return wrap(err, "insert reward")
}

// updateReward sets what the form edits, never the counters.
func (s *Service) updateReward(ctx context.Context, r Reward, by auth.AccountID) error {
	_, err := s.rewards.UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$set": bson.M{"name": r.Name,
		"description": r.Description, "price": r.Price, "stock": r.Stock, "limit": r.Limit, "tier": r.Tier,
		"days": r.Days, "event": r.Event, "updatedAt": s.now(), "by": by}})
	return wrap(err, "update reward")
}

func (s *Service) setArchived(ctx context.Context, id string, archived bool) error {
	if !validID(id) {
		return ErrNotFound
	}
	res, err := s.rewards.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"archived": archived, "updatedAt": s.now()}})
	if err == nil && res.MatchedCount == 0 {
		return ErrNotFound
	}
	return wrap(err, "archive reward")
}

func (s *Service) findRewardDoc(ctx context.Context, id string) (rewardDoc, error) {
	var d rewardDoc
	err := s.rewards.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, ErrNotFound
	}
	return d, wrap(err, "find reward")
}

func (s *Service) findReward(ctx context.Context, id string) (Reward, error) {
	d, err := s.findRewardDoc(ctx, id)
	return d.reward(), err
}

// rewardList reads the catalogue, cheapest first: a small collection
// (a brand offers tens of rewards), served by index "archived_price".
func (s *Service) rewardList(ctx context.Context, archived bool) ([]Reward, error) {
	filter := bson.M{"archived": false}
	if archived {
		filter = bson.M{}
	}
	cur, err := s.rewards.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "archived", Value: 1},
		{Key: "price", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(maxRewards))
	if err != nil {
		return nil, wrap(err, "list rewards")
	}
	var docs []rewardDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrap(err, "list rewards")
	}
	out := make([]Reward, len(docs))
	for i, d := range docs {
		out[i] = d.reward()
	}
	return out, nil
}

// rewardColls are the collections of rewards and their redemptions.
type rewardColls struct {
	rewards     *mongodb.Collection // rewards: _id = the reward
	codes       *mongodb.Collection // reward_codes: _id = "<reward>:<slot>"
	codeValues  *mongodb.Collection // reward_code_values: _id = a code (codeKey), in one pool only
	claims      *mongodb.Collection // reward_claims: redemptions per member, _id = "<reward>:<account>"
	redemptions *mongodb.Collection // redemptions: _id = the form's token
	redeemers   *mongodb.Collection // redeemers: a member's latest redemptions, _id = the account
}

func newRewardColls(db *mongodb.DB) rewardColls {
	return rewardColls{rewards: db.Collection("rewards"), codes: db.Collection("reward_codes"),
		codeValues: db.Collection("reward_code_values"),
		claims:     db.Collection("reward_claims"), redemptions: db.Collection("redemptions"),
		redeemers: db.Collection("redeemers")}
}

// ensureRewardIndexes creates the indexes the rewards' queries rely on;
// claims and redeemers are read by _id only.
func (s *Service) ensureRewardIndexes(ctx context.Context) error {
	asc := func(k string) bson.E { return bson.E{Key: k, Value: 1} }
	newest := bson.E{Key: "at", Value: -1}
	for c, m := range map[*mongodb.Collection][]mongo.IndexModel{
		s.rewards:    {{Keys: bson.D{asc("archived"), asc("price"), asc("_id")}, Options: options.Index().SetName("archived_price")}},
		s.codes:      {{Keys: bson.D{asc("reward"), asc("slot")}, Options: options.Index().SetName("reward_slot")}},
		s.claims:     nil,
		s.codeValues: {{Keys: bson.D{asc("reward"), asc("slot")}, Options: options.Index().SetName("reward_slot")}},
		s.redemptions: {
			{Keys: bson.D{asc("account"), newest}, Options: options.Index().SetName("account_at")},
			{Keys: bson.D{asc("kind"), asc("state"), asc("sent"), newest}, Options: options.Index().SetName("kind_sent_at")},
			{Keys: bson.D{asc("state"), asc("at")}, Options: options.Index().SetName("state_at")},
		},
	} {
		if err := mongodb.EnsureIndexes(ctx, c, m...); err != nil {
			return err
		}
	}
	return nil
}

func wrap(err error, what string) error {
	if err == nil || errors.Is(err, ErrNotFound) {
		return err
	}
	return fmt.Errorf("loyalty: %s: %w", what, err)
}
