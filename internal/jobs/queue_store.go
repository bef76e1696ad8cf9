package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// A job's states. A queued job is due when its runAt and its leaseUntil
// have both passed; done and failed are final.
const (
	stateQueued = "queued"
	stateDone   = "done"
	stateFailed = "failed"
)

type jobDoc struct {
	ID         string    `bson:"_id"`
	Kind       string    `bson:"kind"`
	Payload    bson.Raw  `bson:"payload"`
	State      string    `bson:"state"`
	RunAt      time.Time `bson:"runAt"`
	LeaseUntil time.Time `bson:"leaseUntil"`
	LeasedBy   string    `bson:"leasedBy,omitempty"`
	Attempts   int       `bson:"attempts"`
	LastError  string    `bson:"lastError,omitempty"`
	CreatedAt  time.Time `bson:"createdAt"`
	DoneAt     time.Time `bson:"doneAt,omitempty"`
}

func (q *Queue) insertJob(ctx context.Context, d jobDoc) error {
	if _, err := q.coll.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", d.Kind, err)
	}
	return nil
}

// claimJob leases the due job that has waited longest to this queue, in
// one conditional update: of two instances asking at once, MongoDB gives
// it to one. Served by index "jobs_due" {state:1, runAt:1}.
func (q *Queue) claimJob(ctx context.Context) (jobDoc, bool, error) {
	now := q.now()
	var d jobDoc
	err := q.coll.FindOneAndUpdate(ctx,
		bson.M{"state": stateQueued, "runAt": bson.M{"$lte": now}, "leaseUntil": bson.M{"$lte": now}},
		bson.M{"$set": bson.M{"leaseUntil": now.Add(lease), "leasedBy": q.owner}, "$inc": bson.M{"attempts": 1}},
		options.FindOneAndUpdate().SetSort(bson.D{{Key: "runAt", Value: 1}}).SetReturnDocument(options.After),
	).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return jobDoc{}, false, nil
	}
	if err != nil {
		return jobDoc{}, false, fmt.Errorf("jobs: claim: %w", err)
	}
	return d, true, nil
}

// underLease is the filter for a write about claim d: it matches only
// while the job is still queued under this very claim. Matching the owner
// alone would not do: this queue may have claimed the job again since.
func (q *Queue) underLease(d jobDoc) bson.M {
	return bson.M{"_id": d.ID, "state": stateQueued, "leasedBy": q.owner, "attempts": d.Attempts}
}

// endJob moves claim d to a final state; cause, if any, is kept as the
// job's last error.
func (q *Queue) endJob(ctx context.Context, d jobDoc, state string, cause error) error {
	set := bson.M{"state": state, "doneAt": q.now()}
	if cause != nil {
		set["lastError"] = cause.Error()
	}
	return q.lostLease(ctx, d, q.updateUnderLease(ctx, d, set))
}

// retryJob releases claim d and makes the job due again at runAt.
func (q *Queue) retryJob(ctx context.Context, d jobDoc, cause error, runAt time.Time) error {
	q.log.WarnContext(ctx, "job will retry", "job", d.ID, "kind", d.Kind, "attempts", d.Attempts, "at", runAt, "err", cause)
	set := bson.M{"runAt": runAt, "leaseUntil": q.now(), "lastError": cause.Error()}
	return q.lostLease(ctx, d, q.updateUnderLease(ctx, d, set))
}

func (q *Queue) updateUnderLease(ctx context.Context, d jobDoc, set bson.M) error {
	res, err := q.coll.UpdateOne(ctx, q.underLease(d), bson.M{"$set": set})
	if err != nil {
		return fmt.Errorf("jobs: update %s: %w", d.ID, err)
	}
	if res.MatchedCount == 0 {
		return errLeaseLost
	}
	return nil
}

// deleteFinished deletes done and failed jobs that finished before cutoff.
// Served by index "jobs_finished" {state:1, doneAt:1}.
func (q *Queue) deleteFinished(ctx context.Context, cutoff time.Time) error {
	_, err := q.coll.DeleteMany(ctx, bson.M{
		"state":  bson.M{"$in": []string{stateDone, stateFailed}},
		"doneAt": bson.M{"$lt": cutoff},
	})
	if err != nil {
		return fmt.Errorf("jobs: sweep: %w", err)
	}
	return nil
}
