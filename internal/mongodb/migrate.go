package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Migration is a change to data already stored that a new version of the
// code needs made once per database: a backfill, a rename. Run must be
// safe to run again, since a run cut short is run again whole.
type Migration struct {
	ID  string // never reused: the date and what it does
	Run func(context.Context) error
}

// migrationStale is how long a migration claimed and not done may be
// running elsewhere before another start takes it over.
const migrationStale = 15 * time.Minute

type migrationDoc struct {
	ID        string    `bson:"_id"`
	ClaimedAt time.Time `bson:"claimedAt"`
	DoneAt    time.Time `bson:"doneAt,omitempty"`
}

// Migrate runs, in order, each migration not yet done on db. A migration
// is claimed by inserting its id into the migrations collection, so of
// two instances starting at once one runs it; the other leaves it and
// the ones after it to the first, and goes on. A claim left undone for
// migrationStale (its instance stopped) is taken over. A migration that
// fails is released for the next start, and its error returned. Each run
// is logged, with how long it took: a backfill of a large site can take
// a minute, once.
func Migrate(ctx context.Context, db *DB, ms []Migration, now func() time.Time, log *slog.Logger) error {
	coll := db.Collection("migrations")
	if err := EnsureIndexes(ctx, coll); err != nil {
		return err
	}
	for _, m := range ms {
		claim, err := claimMigration(ctx, coll, m.ID, now(), db.SoleWriter())
		switch {
		case err != nil:
			return err
		case claim == migrationDone:
			continue
		case claim == migrationBusy:
			log.Info("another instance is migrating stored data; going on without waiting", "migration", m.ID)
			return nil
		}
		log.Info("migrating stored data", "migration", m.ID)
		start := time.Now()
		if err := m.Run(ctx); err != nil {
			_, _ = coll.DeleteOne(ctx, bson.M{"_id": m.ID})
			return fmt.Errorf("mongodb: migration %s: %w", m.ID, err)
		}
		log.Info("migrated", "migration", m.ID, "took", time.Since(start).Round(time.Millisecond))
		if _, err := coll.UpdateOne(ctx, bson.M{"_id": m.ID}, bson.M{"$set": bson.M{"doneAt": now()}}); err != nil {
			return fmt.Errorf("mongodb: migration %s done: %w", m.ID, err)
		}
	}
	return nil
}

// A migration's claim, as a start finds it.
const (
	migrationMine = iota // this start runs it
	migrationDone        // done already
	migrationBusy        // another instance is running it
)

// claimMigration claims migration id for this start if nobody has, or if
// a claim went stale. When this process is the database's only writer,
// any claim not done is stale: its process stopped.
func claimMigration(ctx context.Context, coll *Collection, id string, now time.Time, sole bool) (int, error) {
	_, err := coll.InsertOne(ctx, migrationDoc{ID: id, ClaimedAt: now})
	if err == nil {
		return migrationMine, nil
	}
	if !IsDuplicateKey(err) {
		return 0, fmt.Errorf("mongodb: claim migration %s: %w", id, err)
	}
	var d migrationDoc
	if err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&d); errors.Is(err, mongo.ErrNoDocuments) {
		return claimMigration(ctx, coll, id, now, sole) // a failed run released it meanwhile
	} else if err != nil {
		return 0, fmt.Errorf("mongodb: migration %s: %w", id, err)
	}
	switch {
	case !d.DoneAt.IsZero():
		return migrationDone, nil
	case !sole && now.Sub(d.ClaimedAt) < migrationStale:
		return migrationBusy, nil
	}
	res, err := coll.UpdateOne(ctx, bson.M{"_id": id, "claimedAt": d.ClaimedAt, "doneAt": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"claimedAt": now}})
	if err != nil {
		return 0, fmt.Errorf("mongodb: take over migration %s: %w", id, err)
	}
	if res.ModifiedCount == 0 {
		return migrationBusy, nil // another start took it over first
	}
	return migrationMine, nil
}
