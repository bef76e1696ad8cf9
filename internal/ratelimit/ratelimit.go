// Package ratelimit counts attempts per key in fixed windows, in MongoDB,
// so a limit holds across every app instance sharing the database.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// Limiter counts attempts in the rate_limits collection.
type Limiter struct {
	coll *mongodb.Collection
	now  func() time.Time
}

// New returns a limiter over db's rate_limits collection.
func New(db *mongodb.DB, now func() time.Time) *Limiter {
	return &Limiter{coll: db.Collection("rate_limits"), now: now}
}

// Rule is at most Max attempts per Window.
type Rule struct {
	Max    int
	Window time.Duration
}

// Allow counts one attempt for key and reports whether it is within the
// rule. The counter is one document per key and window, bumped with an
// upserted $inc, which MongoDB applies atomically. Once the window's
// limit is spent an attempt is refused after a read by _id, and writes
// nothing: a script hammering a refused action costs no writes.
func (l *Limiter) Allow(ctx context.Context, key string, r Rule) (bool, error) {
	now := l.now()
	start := now.Truncate(r.Window)
	id := key + "@" + strconv.FormatInt(start.Unix(), 10)
	var doc struct {
		Count int `bson:"count"`
	}
	err := l.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if err == nil && doc.Count >= r.Max {
		return false, nil
	} else if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return false, fmt.Errorf("ratelimit: read %s: %w", key, err)
	}
	err = l.coll.FindOneAndUpdate(ctx,
		bson.M{"_id": id},
		bson.M{"$inc": bson.M{"count": 1}, "$setOnInsert": bson.M{"expiresAt": start.Add(r.Window)}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&doc)
	if err != nil {
		return false, fmt.Errorf("ratelimit: count %s: %w", key, err)
	}
	return doc.Count <= r.Max, nil
}

// EnsureIndexes creates the index the sweep uses.
func (l *Limiter) EnsureIndexes(ctx context.Context) error {
	return mongodb.EnsureIndexes(ctx, l.coll, mongo.IndexModel{
		Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("rate_limits_expires")})
}

// Sweep deletes the counters of windows that have ended.
func (l *Limiter) Sweep(ctx context.Context) error {
	if _, err := l.coll.DeleteMany(ctx, bson.M{"expiresAt": bson.M{"$lt": l.now()}}); err != nil {
		return fmt.Errorf("ratelimit: sweep: %w", err)
	}
	return nil
}
