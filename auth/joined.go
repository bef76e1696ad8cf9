package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/activity"
)

// ReportTo has the service note in r the day each account it creates
// joined the club, in the call that creates it.
func (s *Service) ReportTo(r *activity.Recorder) { s.activity = r }

// joined notes in the activity record that account a was created at.
func (s *Service) joined(ctx context.Context, a AccountID, at time.Time) {
	if s.activity != nil {
		s.activity.Joined(ctx, string(a), at)
	}
}

// backfillBatch is how many accounts BackfillJoined notes before it
// checks that their notes landed.
const backfillBatch = 500

// BackfillJoined notes the day every live account joined the club, from
// its creation time: the migration for accounts created before the
// activity record was kept (those created since are noted as they are
// made). The record keeps the earliest day, so it is idempotent. A note
// that did not land fails the migration, which the next start runs again.
func (s *Service) BackfillJoined(ctx context.Context) error {
	if s.activity == nil {
		return errors.New("auth: backfill join days: no activity record to write to")
	}
	cur, err := s.accounts.Find(ctx, bson.M{"deletedAt": bson.M{"$exists": false}},
		options.Find().SetProjection(bson.M{"createdAt": 1}))
	if err != nil {
		return fmt.Errorf("auth: read accounts: %w", err)
	}
	defer cur.Close(ctx)
	var batch []string
	for cur.Next(ctx) {
		var d struct {
			ID        AccountID `bson:"_id"`
			CreatedAt time.Time `bson:"createdAt"`
		}
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("auth: read accounts: %w", err)
		}
		if d.CreatedAt.IsZero() {
			continue // no creation time to go by: the record reads its first active day instead
		}
		s.activity.Joined(ctx, string(d.ID), d.CreatedAt)
		if batch = append(batch, string(d.ID)); len(batch) == backfillBatch {
			if err := s.checkJoined(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("auth: read accounts: %w", err)
	}
	return s.checkJoined(ctx, batch)
}

// checkJoined fails unless every account of ids has its join day noted:
// Joined logs a failed write rather than return it.
func (s *Service) checkJoined(ctx context.Context, ids []string) error {
	rows, err := s.activity.Rollups(ctx, ids)
	if err != nil {
		return fmt.Errorf("auth: check join days: %w", err)
	}
	for _, id := range ids {
		if rows[id].Joined == 0 {
			return fmt.Errorf("auth: the join day of account %s was not noted", id)
		}
	}
	return nil
}
