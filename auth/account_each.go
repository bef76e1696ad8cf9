package auth

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
)

// EachAccount calls fn with every live account, one at a time from a
// cursor, and stops at fn's first error. It reads the whole collection
// (on the embedded store any filter does): for jobs, never a request.
func (s *Service) EachAccount(ctx context.Context, fn func(Account) error) error {
	cur, err := s.accounts.Find(ctx, bson.M{"deletedAt": bson.M{"$exists": false}})
	if err != nil {
		return fmt.Errorf("auth: read accounts: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d accountDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("auth: read accounts: %w", err)
		}
		if err := fn(d.account()); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("auth: read accounts: %w", err)
	}
	return nil
}
