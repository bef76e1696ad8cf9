package campaign

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
)

// JobFanOut is the fan-out's kind, for tests that queue it again as a
// second instance or a retry would.
const JobFanOut = jobFanOut

// DaysLeft is daysLeft, for its table test.
var DaysLeft = daysLeft

// ErrChunkUnfinished is what a delivery job says when its time ran short.
var ErrChunkUnfinished = errChunkUnfinished

// RunSend runs one delivery job's payload, as the queue would.
func (s *Service) RunSend(ctx context.Context, payload bson.Raw) error {
	return s.runSend(ctx, payload)
}
