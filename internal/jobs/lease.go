package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// ErrLeaseLost ends the context of work run by Exclusive when its lease
// could not be renewed: another instance may be doing the work now.
var ErrLeaseLost = errors.New("jobs: lease lost")

// Exclusive runs fn under the lease called name, so that of the instances
// sharing the database one at a time runs it; it returns false without
// running fn while another holds the lease. The lease is renewed while fn
// runs, however long it takes (unlike a job's), and fn's context ends
// with ErrLeaseLost as its cause should a renewal fail. A lease of a
// process that died runs out after two minutes; when this process is the
// database's only writer, any lease it finds is such a one.
func (q *Queue) Exclusive(ctx context.Context, name string, fn func(context.Context) error) (bool, error) {
	now := q.now()
	held := bson.M{"_id": name, "until": bson.M{"$lte": now}}
	if q.sole {
		held = bson.M{"_id": name}
	}
	_, err := q.leases.UpdateOne(ctx, held, bson.M{"$set": bson.M{"holder": q.owner, "until": now.Add(lease)}},
		options.Update().SetUpsert(true))
	if mongodb.IsDuplicateKey(err) { // it exists and is not out: another holds it
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("jobs: take lease %s: %w", name, err)
	}
	mine := bson.M{"_id": name, "holder": q.owner}
	fctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(lease / 4)
		defer t.Stop()
		for {
			select {
			case <-fctx.Done():
				return
			case <-t.C:
				res, err := q.leases.UpdateOne(fctx, mine, bson.M{"$set": bson.M{"until": q.now().Add(lease)}})
				if err == nil && res.MatchedCount == 0 {
					err = ErrLeaseLost
				}
				if err != nil && fctx.Err() == nil {
					q.log.WarnContext(ctx, "jobs: lease not renewed; stopping its work", "lease", name, "err", err)
					cancel(ErrLeaseLost)
					return
				}
			}
		}
	}()
	err = fn(fctx)
	cancel(nil)
	<-renewed
	// Given back at once, so the next holder need not wait it out.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	if _, rerr := q.leases.UpdateOne(rctx, mine, bson.M{"$set": bson.M{"until": q.now()}}); rerr != nil && err == nil {
		err = fmt.Errorf("jobs: give back lease %s: %w", name, rerr)
	}
	return true, err
}
