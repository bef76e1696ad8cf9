package jobs

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// EnsureIndexes creates the jobs collection's indexes, each named after
// the query it serves, and the leases collection (read by _id only).
func (q *Queue) EnsureIndexes(ctx context.Context) error {
	if err := mongodb.EnsureIndexes(ctx, q.leases); err != nil {
		return err
	}
	return mongodb.EnsureIndexes(ctx, q.coll,
		mongo.IndexModel{Keys: bson.D{{Key: "state", Value: 1}, {Key: "runAt", Value: 1}},
			Options: options.Index().SetName("jobs_due")}, // claimJob
		mongo.IndexModel{Keys: bson.D{{Key: "state", Value: 1}, {Key: "doneAt", Value: 1}},
			Options: options.Index().SetName("jobs_finished")}, // Sweep
	)
}
