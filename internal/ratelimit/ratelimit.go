// Package ratelimit counts attempts per key in fixed windows, in MongoDB,
// so a limit holds across every app instance sharing the database, or in
// memory for a process that is its database's only writer.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// Limiter counts attempts in the rate_limits collection, or in memory.
type Limiter struct {
	coll *mongodb.Collection
	now  func() time.Time

	mu     sync.Mutex
	counts map[string]count // by _id; nil when counting in coll
	swept  time.Time        // when counts last lost its ended windows
}

type count struct {
	n       int
	expires time.Time
}

// New returns a limiter over db's rate_limits collection.
func New(db *mongodb.DB, now func() time.Time) *Limiter {
	return &Limiter{coll: db.Collection("rate_limits"), now: now}
}

// NewInMemory returns a limiter that counts in memory: for a process that
// is its database's only writer, and for limits checked on every vote or
// post, which on the embedded store would each add a write waiting on its
// one write lock. A restart forgets the counts.
func NewInMemory(now func() time.Time) *Limiter {
	return &Limiter{now: now, counts: map[string]count{}}
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
	if l.counts != nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		if now.Sub(l.swept) > time.Minute {
			for id, c := range l.counts {
				if !c.expires.After(now) {
					delete(l.counts, id)
				}
			}
			l.swept = now
		}
		c := l.counts[id]
		if c.n >= r.Max {
			return false, nil
		}
		l.counts[id] = count{c.n + 1, start.Add(r.Window)}
		return true, nil
	}
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
	if l.coll == nil {
		return nil
	}
	return mongodb.EnsureIndexes(ctx, l.coll, mongo.IndexModel{
		Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("rate_limits_expires")})
}

// Sweep deletes the counters of windows that have ended.
func (l *Limiter) Sweep(ctx context.Context) error {
	if l.coll == nil {
		return nil // Allow drops ended windows as it goes
	}
	if _, err := l.coll.DeleteMany(ctx, bson.M{"expiresAt": bson.M{"$lt": l.now()}}); err != nil {
		return fmt.Errorf("ratelimit: sweep: %w", err)
	}
	return nil
}
