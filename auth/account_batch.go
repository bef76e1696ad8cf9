package auth

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
)

// AccountsByID returns the live accounts among ids, by id, in one query:
// for jobs that write to many people at once.
func (s *Service) AccountsByID(ctx context.Context, ids []AccountID) (map[AccountID]Account, error) {
	out := map[AccountID]Account{}
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := s.accounts.Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil {
		return out, fmt.Errorf("auth: find accounts: %w", err)
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return out, fmt.Errorf("auth: find accounts: %w", err)
	}
	for _, d := range docs {
		if d.DeletedAt.IsZero() {
			out[d.ID] = d.account()
		}
	}
	return out, nil
}
