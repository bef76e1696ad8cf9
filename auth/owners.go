package auth

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
)

// LastOwner reports whether account a is the site's only live owner:
// deleting it would leave a site nobody may run, so it is refused until
// ownership is shared.
func (s *Service) LastOwner(ctx context.Context, a AccountID) (bool, error) {
	d, err := s.findAccount(ctx, a)
	if err != nil || d.Role != RoleOwner {
		return false, err
	}
	n, err := s.countOwners(ctx)
	return n <= 1, err
}

// countOwners counts the live accounts with the owner role. The embedded
// server reads every account for it; it is asked only before a deletion.
func (s *Service) countOwners(ctx context.Context) (int64, error) {
	n, err := s.accounts.CountDocuments(ctx, bson.M{"role": RoleOwner, "deletedAt": bson.M{"$exists": false}})
	if err != nil {
		return 0, fmt.Errorf("auth: count owners: %w", err)
	}
	return n, nil
}
