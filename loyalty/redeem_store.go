package loyalty

import (
	"context"
	"errors"
	"strconv"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// insertRedemption records a redemption under way; false if its token
// was used before.
func (s *Service) insertRedemption(ctx context.Context, rd Redemption) (bool, error) {
	_, err := s.redemptions.InsertOne(ctx, rd)
	if mongodb.IsDuplicateKey(err) {
		return false, nil
	}
	return err == nil, wrap(err, "insert redemption")
}

func (s *Service) findRedemption(ctx context.Context, id string) (Redemption, error) {
	var rd Redemption
	err := s.redemptions.FindOne(ctx, bson.M{"_id": id}).Decode(&rd)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return rd, ErrNotFound
	}
	return rd, wrap(err, "find redemption")
}

func (s *Service) failRedemption(ctx context.Context, id, failure string) error {
	_, err := s.redemptions.UpdateOne(ctx, bson.M{"_id": id, "state": StatePending},
		bson.M{"$set": bson.M{"state": StateFailed, "failure": failure}})
	return wrap(err, "fail redemption")
}

// progressDoc is a redemption as stored, with what its own record must
// tell of its progress: the code slot it took, and whether it gave the
// reward. The other steps leave its id on what they took.
type progressDoc struct {
	Redemption `bson:",inline"`
	Slot       *int `bson:"slot,omitempty"`
	Given      bool `bson:"given"`
}

// recordSlot records the code slot a redemption took.
func (s *Service) recordSlot(ctx context.Context, id string, slot int) error {
	_, err := s.redemptions.UpdateOne(ctx, bson.M{"_id": id, "state": StatePending}, bson.M{"$set": bson.M{"slot": slot}})
	return wrap(err, "record slot")
}

// recordGiven records what a redemption gave, before it is counted.
func (s *Service) recordGiven(ctx context.Context, rd Redemption) error {
	_, err := s.redemptions.UpdateOne(ctx, bson.M{"_id": rd.ID, "state": StatePending}, bson.M{"$set": bson.M{
		"given": true, "code": rd.Code, "tier": rd.Tier, "days": rd.Days, "until": rd.Until, "event": rd.Event,
		"eventTitle": rd.EventTitle}})
	return wrap(err, "record redemption given")
}

// finishRedemption counts a redemption that gave its reward and marks it
// done: the reward's count and the member's claim move only if they
// still hold the redemption's id, so a second run counts nothing more.
func (s *Service) finishRedemption(ctx context.Context, rd Redemption, claimed bool) error {
	_, err := s.rewards.UpdateOne(ctx, bson.M{"_id": rd.Reward, "held": rd.ID},
		bson.M{"$inc": bson.M{"redeemed": 1}, "$pull": bson.M{"held": rd.ID}})
	if err != nil {
		return wrap(err, "count redemption")
	}
	if claimed {
		if _, err := s.claims.UpdateOne(ctx, bson.M{"_id": claimID(rd.Reward, rd.Account), "held": rd.ID},
			bson.M{"$pull": bson.M{"held": rd.ID}}); err != nil {
			return wrap(err, "settle claim")
		}
	}
	if err := s.remember(ctx, rd.Account, rd.ID); err != nil {
		return err
	}
	_, err = s.redemptions.UpdateOne(ctx, bson.M{"_id": rd.ID, "state": StatePending}, bson.M{"$set": bson.M{"state": StateDone}})
	return wrap(err, "finish redemption")
}

// maxRemembered is how many of a member's latest redemptions their page
// lists.
const maxRemembered = 100

// redeemerDoc keeps a member's latest redemptions (collection
// "redeemers", _id = the account), oldest first, so their page reads
// them by _id.
type redeemerDoc struct {
	Account auth.AccountID `bson:"_id"`
	IDs     []string       `bson:"ids"`
}

// remember adds a redemption to the member's latest, once; the oldest
// beyond maxRemembered drop off.
func (s *Service) remember(ctx context.Context, account auth.AccountID, id string) error {
	for range 2 {
		var d redeemerDoc
		err := s.redeemers.FindOneAndUpdate(ctx, bson.M{"_id": account, "ids": bson.M{"$ne": id}},
			bson.M{"$push": bson.M{"ids": id}}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
		if err == nil {
			return s.forgetOldest(ctx, d)
		} else if !errors.Is(err, mongo.ErrNoDocuments) {
			return wrap(err, "remember redemption")
		}
		_, err = s.redeemers.InsertOne(ctx, redeemerDoc{Account: account, IDs: []string{id}})
		if !mongodb.IsDuplicateKey(err) {
			return wrap(err, "remember redemption")
		}
	}
	return nil // remembered already
}

// forgetOldest drops the oldest of a member's latest beyond
// maxRemembered: the embedded store takes no $slice.
func (s *Service) forgetOldest(ctx context.Context, d redeemerDoc) error {
	for range len(d.IDs) - maxRemembered {
		if _, err := s.redeemers.UpdateOne(ctx, bson.M{"_id": d.Account, "ids." + strconv.Itoa(maxRemembered): bson.M{"$exists": true}},
			bson.M{"$pop": bson.M{"ids": -1}}); err != nil {
			return wrap(err, "forget oldest redemption")
		}
	}
	return nil
}

// latestRedemptions reads the member's latest redemptions, newest first:
// lookups by _id.
func (s *Service) latestRedemptions(ctx context.Context, account auth.AccountID) ([]Redemption, error) {
	var d redeemerDoc
	err := s.redeemers.FindOne(ctx, bson.M{"_id": account}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && len(d.IDs) == 0) {
		return nil, nil
	} else if err != nil {
		return nil, wrap(err, "find redeemer")
	}
	return s.redemptionPage(ctx, bson.M{"_id": bson.M{"$in": d.IDs}, "state": StateDone})
}

// maxRedemptions bounds a list of redemptions.
const maxRedemptions = 200

// redemptionPage reads up to maxRedemptions matching filter, newest
// first: by _id, or served by "account_at" or "kind_sent_at".
func (s *Service) redemptionPage(ctx context.Context, filter bson.M) ([]Redemption, error) {
	cur, err := s.redemptions.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(maxRedemptions))
	if err != nil {
		return nil, wrap(err, "list redemptions")
	}
	var out []Redemption
	return out, wrap(cur.All(ctx, &out), "list redemptions")
}

func (s *Service) markSent(ctx context.Context, id string, a auth.Account) (Redemption, error) {
	var rd Redemption
	err := s.redemptions.FindOneAndUpdate(ctx, bson.M{"_id": id, "kind": KindGift, "state": StateDone, "sent": false},
		bson.M{"$set": bson.M{"sent": true, "sentAt": s.now(), "sentBy": a.ID, "sentByName": a.Name}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&rd)
	if errors.Is(err, mongo.ErrNoDocuments) {
		was, ferr := s.findRedemption(ctx, id)
		if ferr != nil || was.Kind != KindGift || was.State != StateDone {
			return Redemption{}, ErrNotFound
		}
		return Redemption{}, ErrAlreadySent
	}
	return rd, wrap(err, "mark sent")
}

func claimID(reward string, account auth.AccountID) string { return reward + ":" + string(account) }

// claim counts one more redemption of the reward by the member, if it
// stays within limit: a conditional $inc, or the first claim's insert.
// The claim holds the redemption's id until it is done or given back.
func (s *Service) claim(ctx context.Context, reward string, account auth.AccountID, limit int, redemption string) error {
	id := claimID(reward, account)
	for range 2 {
		res, err := s.claims.UpdateOne(ctx, bson.M{"_id": id, "n": bson.M{"$lt": limit}},
			bson.M{"$inc": bson.M{"n": 1}, "$push": bson.M{"held": redemption}})
		if err != nil {
			return wrap(err, "claim")
		}
		if res.MatchedCount == 1 {
			return nil
		}
		_, err = s.claims.InsertOne(ctx, bson.M{"_id": id, "n": 1, "held": bson.A{redemption}})
		if err == nil {
			return nil
		} else if !mongodb.IsDuplicateKey(err) {
			return wrap(err, "claim")
		}
	}
	return ErrLimitReached
}

// unclaim gives back the claim a redemption holds, if it holds one.
func (s *Service) unclaim(ctx context.Context, reward string, account auth.AccountID, redemption string) error {
	_, err := s.claims.UpdateOne(ctx, bson.M{"_id": claimID(reward, account), "held": redemption},
		bson.M{"$inc": bson.M{"n": -1}, "$pull": bson.M{"held": redemption}})
	return wrap(err, "unclaim")
}

// takeStock takes one of the reward's stock, or for a code reward the
// next slot of its pool, with a conditional $inc on the reward: never
// more than the stock or the codes filled, under any concurrency. The
// condition repeats what was read (the stock an edit may change, the
// codes an upload adds to), so a change meanwhile means read and try
// again. The reward holds the redemption's id until it is done or given
// back. It returns the slot taken.
func (s *Service) takeStock(ctx context.Context, d rewardDoc, redemption string) (int, error) {
	for range 5 {
		filter := bson.M{"_id": d.ID, "archived": false}
		switch {
		case d.Kind == KindCode:
			filter["taken"] = bson.M{"$lt": d.Codes}
		case d.Stock >= 0:
			filter["stock"], filter["taken"] = d.Stock, bson.M{"$lt": d.Stock}
		default:
			filter["stock"] = -1
		}
		var after rewardDoc
		err := s.rewards.FindOneAndUpdate(ctx, filter, bson.M{"$inc": bson.M{"taken": 1}, "$push": bson.M{"held": redemption}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&after)
		if err == nil {
			return after.Taken - 1, nil
		} else if !errors.Is(err, mongo.ErrNoDocuments) {
			return 0, wrap(err, "take stock")
		}
		was := d
		if d, err = s.findRewardDoc(ctx, d.ID); err != nil {
			return 0, err
		}
		if d.Archived || (d.Kind == KindCode && d.Codes == was.Codes) || (d.Kind != KindCode && d.Stock == was.Stock) {
			return 0, ErrSoldOut
		}
	}
	return 0, ErrSoldOut
}

// giveStock gives back the stock a redemption that failed holds, if it
// holds one; a code slot is not given back (slots are taken in turn),
// the redemption only lets go of it.
func (s *Service) giveStock(ctx context.Context, reward, redemption string, kind Kind) error {
	update := bson.M{"$pull": bson.M{"held": redemption}}
	if kind != KindCode {
		update["$inc"] = bson.M{"taken": -1}
	}
	_, err := s.rewards.UpdateOne(ctx, bson.M{"_id": reward, "held": redemption}, update)
	return wrap(err, "give stock back")
}

// handCode marks the code in slot as the redemption's and returns it: a
// slot is taken once, so the condition only guards a replay.
func (s *Service) handCode(ctx context.Context, reward string, slot int, redemption string) (string, error) {
	var c codeDoc
	err := s.codes.FindOneAndUpdate(ctx, bson.M{"_id": codeID(reward, slot), "redemption": ""},
		bson.M{"$set": bson.M{"redemption": redemption, "handedAt": s.now()}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", ErrFailed
	}
	return c.Code, wrap(err, "hand code")
}

// forgetRedemptions erases what a deleted account's redemptions kept
// about the person: the delivery address and the name. What was
// redeemed stays, anonymous; a gift not sent yet cannot be sent.
func (s *Service) forgetRedemptions(ctx context.Context, account auth.AccountID) error {
	_, err := s.redemptions.UpdateMany(ctx, bson.M{"account": account},
		bson.M{"$set": bson.M{"address": Address{}, "member": ""}})
	if err != nil {
		return wrap(err, "forget redemptions")
	}
	_, err = s.redeemers.DeleteOne(ctx, bson.M{"_id": account})
	return wrap(err, "forget redeemer")
}
