package membership

import (
	"context"
	"time"

	"fanclub/auth"
)

// badgeTTL is how old a badge may be. Gates ask Entitlement fresh on
// every request; a badge is only a name's decoration, and a page of
// twenty authors would otherwise cost sixty lookups (three each, by _id;
// see bench/README.md). Changes made on this instance show at once.
const badgeTTL = time.Minute

// maxBadges bounds the cache; past it the cache starts again.
const maxBadges = 20000

type badge struct {
	tier string // the tier's name, "" for free
	at   time.Time
}

// Badges returns the name of the tier each premium account among ids
// holds, for the badge by their names; free accounts are absent.
func (s *Service) Badges(ctx context.Context, ids []auth.AccountID) (map[auth.AccountID]string, error) {
	now := s.now()
	out := map[auth.AccountID]string{}
	var missing []auth.AccountID
	s.mu.Lock()
	for _, id := range ids {
		b, ok := s.badges[id]
		switch {
		case !ok || now.Sub(b.at) >= badgeTTL || now.Before(b.at):
			missing = append(missing, id)
		case b.tier != "":
			out[id] = b.tier
		}
	}
	s.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	ents, err := s.Entitlements(ctx, missing)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.badges) > maxBadges {
		s.badges = nil
	}
	if s.badges == nil {
		s.badges = map[auth.AccountID]badge{}
	}
	for id, e := range ents {
		b := badge{at: now}
		if e.Premium() {
			b.tier, out[id] = e.Tier.Name, e.Tier.Name
		}
		s.badges[id] = b
	}
	return out, nil
}

// forgetBadge drops an account's cached badge after a change to its
// subscriptions or comp.
func (s *Service) forgetBadge(id auth.AccountID) {
	s.mu.Lock()
	delete(s.badges, id)
	s.mu.Unlock()
}
