package membership

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// MaxPassDays is the most days one reward may give.
const MaxPassDays = 3660

// ErrPassDays means a reward pass asked for no days or too many.
var ErrPassDays = errors.New("membership: reward days out of range")

// passDoc is an account's reward pass: the days of tiers it redeemed
// with loyalty points, as one end per tier. It is another source of the
// one entitlement, read by _id beside the comp. Grants holds the ids of
// the redemptions applied, so each adds its days once; it grows with
// one member's premium redemptions only.
type passDoc struct {
	Account auth.AccountID       `bson:"_id"`
	Seq     int64                `bson:"seq"` // the condition of every replace
	Tiers   map[string]time.Time `bson:"tiers"`
	Grants  []string             `bson:"grants"`
	// Grade is the tier the member's loyalty grade includes, held while
	// they keep the grade (no end: loyalty clears it when they move
	// down); "" for none.
	Grade string `bson:"grade,omitempty"`
}

func (s *Service) findPass(ctx context.Context, id auth.AccountID) (passDoc, error) {
	var d passDoc
	err := s.passes.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return passDoc{Account: id}, nil
	}
	return d, err
}

// entitle raises e to the pass's highest tier still running, or its
// grade's, if that ranks above it: at equal rank what e holds (paid,
// comp) stands.
func (d passDoc) entitle(now time.Time, all []Tier, e Entitlement) Entitlement {
	if t, ok := tierByKey(all, d.Grade); ok && t.Rank > e.Tier.Rank {
		e.Tier, e.Source, e.Until, e.Renews = t, SourceGrade, time.Time{}, false
	}
	for key, until := range d.Tiers {
		t, ok := tierByKey(all, key)
		if !ok || !until.After(now) || t.Rank <= e.Tier.Rank {
			continue
		}
		e.Tier, e.Source, e.Until, e.Renews = t, SourceReward, until, false
	}
	return e
}

// GrantRewardPass gives account days more of tier, for the redemption
// grant, once however often it is called with that grant: days stack
// on a pass still running, else start now. It returns the pass's new
// end for the tier. The caller (loyalty) took the points; the tier must
// exist.
func (s *Service) GrantRewardPass(ctx context.Context, account auth.AccountID, grant, tier string, days int) (time.Time, error) {
	if days < 1 || days > MaxPassDays {
		return time.Time{}, ErrPassDays
	}
	if _, err := s.Tier(ctx, tier); err != nil {
		return time.Time{}, err
	}
	for range 10 {
		d, err := s.findPass(ctx, account)
		if err != nil {
			return time.Time{}, err
		}
		if slices.Contains(d.Grants, grant) {
			return d.Tiers[tier], nil
		}
		next := passDoc{Account: account, Seq: d.Seq + 1, Tiers: map[string]time.Time{}, Grants: append(slices.Clone(d.Grants), grant)}
		for k, v := range d.Tiers {
			next.Tiers[k] = v
		}
		from := s.now()
		if next.Tiers[tier].After(from) {
			from = next.Tiers[tier]
		}
		next.Tiers[tier] = from.AddDate(0, 0, days)
		// A conditional replace on seq: two grants at once each add
		// their days, one after the other.
		if d.Seq == 0 {
			if _, err := s.passes.InsertOne(ctx, next); mongodb.IsDuplicateKey(err) {
				continue
			} else if err != nil {
				return time.Time{}, fmt.Errorf("membership: insert pass: %w", err)
			}
		} else if res, err := s.passes.ReplaceOne(ctx, bson.M{"_id": account, "seq": d.Seq}, next); err != nil {
			return time.Time{}, fmt.Errorf("membership: replace pass: %w", err)
		} else if res.MatchedCount == 0 {
			continue
		}
		s.forgetBadge(account)
		return next.Tiers[tier], nil
	}
	return time.Time{}, fmt.Errorf("membership: pass kept changing")
}

// SetGradeTier records the tier account's loyalty grade includes ("" for
// none): the entitlement's source "grade" while it lasts. loyalty calls
// it when the member moves up or down a grade; a tier no longer defined
// gives nothing. Set to what it holds, it writes nothing.
func (s *Service) SetGradeTier(ctx context.Context, account auth.AccountID, tier string) error {
	for range 10 {
		d, err := s.findPass(ctx, account)
		if err != nil {
			return err
		}
		if d.Grade == tier {
			return nil
		}
		next := d
		next.Seq, next.Grade = d.Seq+1, tier
		if next.Tiers == nil {
			next.Tiers = map[string]time.Time{}
		}
		if next.Grants == nil {
			next.Grants = []string{}
		}
		if d.Seq == 0 {
			if _, err := s.passes.InsertOne(ctx, next); mongodb.IsDuplicateKey(err) {
				continue
			} else if err != nil {
				return fmt.Errorf("membership: insert pass: %w", err)
			}
		} else if res, err := s.passes.ReplaceOne(ctx, bson.M{"_id": account, "seq": d.Seq}, next); err != nil {
			return fmt.Errorf("membership: replace pass: %w", err)
		} else if res.MatchedCount == 0 {
			continue
		}
		s.forgetBadge(account)
		return nil
	}
	return fmt.Errorf("membership: pass kept changing")
}
