package membership

import (
	"context"
	"fmt"
)

// SeedTier stores a tier as given, without asking Stripe about its
// prices: the demo seed's price ids are made up and no Stripe knows them.
// The site itself saves tiers only through SaveTier.
func (s *Service) SeedTier(ctx context.Context, t Tier) error {
	if _, v := TierInputOf(t).parse(); len(v) > 0 {
		return fmt.Errorf("membership: seed tier %s: %v", t.Key, v)
	}
	t.UpdatedAt = s.now()
	if _, err := s.tiers.InsertOne(ctx, t); err != nil {
		return fmt.Errorf("membership: seed tier %s: %w", t.Key, err)
	}
	s.dropTierCache()
	return nil
}
