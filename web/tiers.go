package web

import (
	"context"
	"errors"
	"strings"

	"fanclub/community"
	"fanclub/membership"
)

// tierName is the name members read for the tier a tier group needs: the
// tier's, or its key if no tier has it; "" for other groups.
func (s *server) tierName(ctx context.Context, g community.Group) (string, error) {
	if g.Policy != community.JoinTier {
		return "", nil
	}
	t, err := s.membership.Tier(ctx, g.RequiredTier)
	if errors.Is(err, membership.ErrNotFound) {
		return g.RequiredTier, nil
	}
	return t.Name, err
}

// knownTier refuses, as the field's error (message key msg), a tier key
// that no tier defined in membership has, when a tier is needed.
// Community checks only the key's shape; a group or event naming a tier
// nobody can hold would be closed to every member.
func (s *server) knownTier(ctx context.Context, needed bool, key, field, msg string) error {
	if key = strings.TrimSpace(key); !needed || key == "" { // none given: community says one is needed
		return nil
	}
	_, err := s.membership.Tier(ctx, key)
	if errors.Is(err, membership.ErrNotFound) {
		return community.ValidationError{field: msg}
	}
	return err
}
