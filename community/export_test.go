package community

import "context"

// RepairDriftAround is RepairDrift with between run in place of the wait
// between its two surveys.
func (s *Service) RepairDriftAround(ctx context.Context, between func(context.Context) error) (map[GroupID]Repairs, int, error) {
	return s.repairDrift(ctx, between)
}
