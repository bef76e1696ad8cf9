package membership

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// premiumIndex holds in memory the few fields of every subscription that
// the premium figures use, for a site whose database this process alone
// writes (the embedded store: mongodb.DB.SoleWriter). The figures need
// every subscription ever stored, and the embedded server answers that
// read by decoding the whole collection: BenchmarkPremiumFigures measured
// 190–230 ms of CPU a call (370–630 ms on the clock, on the two shared
// cores) for 1,000 subscriptions, against an insight page's budget of
// 300 ms for all eight of its sections. From memory the same figures
// cost 0.6–0.8 ms of CPU. On MongoDB, which several instances share and
// which reads the projected documents quickly, PremiumFigures reads them
// each time. Each stored webhook change costs one more lookup by _id.
//
// It is loaded whole, in one read, on first use or by WarmFigures. It
// follows the database exactly: applyChange, the only writer of the
// subscriptions, ends each stored change with refresh, which reads the
// subscription back by _id. The load and every read-back hold mu, so a
// read-back waits for a load under way (which may have read the
// collection before the write landed) and reads the newest state after
// it; before any load it does nothing, since the load will read the
// write. A read-back that fails forgets everything, and the next use
// loads again.
//
// It survives a clean restart as a snapshot (mongodb.Snapshot: saved by
// SuspendFigures when serve stops, taken by ResumeFigures at the next
// start), which applyChange marks stale before it writes.
type premiumIndex struct {
	snap *mongodb.Snapshot
	// writing is held shared by each applyChange, from marking the
	// snapshot stale to reading its write back, and alone by
	// SuspendFigures: a save never lands between a write and its copy.
	writing sync.RWMutex
	mu      sync.Mutex
	loaded  bool
	partial bool // the load met maxFigureSubs
	subs    map[string]Subscription
	// list is subs as a slice, made on the first use after a change and
	// shared by every reader until the next: callers only read it.
	list []Subscription
}

// snapshot returns every subscription, loading them on first use. The
// slice is shared: the caller must not change it.
func (x *premiumIndex) snapshot(ctx context.Context, s *Service) ([]Subscription, bool, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded {
		subs, partial, err := s.figureSubs(ctx)
		if err != nil {
			return nil, false, err
		}
		x.subs = make(map[string]Subscription, len(subs))
		for _, sub := range subs {
			x.subs[sub.ID] = sub
		}
		x.loaded, x.partial, x.list = true, partial, subs
	}
	if x.list == nil {
		x.list = slices.Collect(maps.Values(x.subs))
	}
	return x.list, x.partial, nil
}

// refresh reads subscription id back after a write to it.
func (x *premiumIndex) refresh(ctx context.Context, s *Service, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded {
		return
	}
	x.list = nil
	var sub Subscription
	err := s.subs.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(figureFields)).Decode(&sub)
	switch {
	case err == nil:
		x.subs[id] = sub
	case errors.Is(err, mongo.ErrNoDocuments):
		delete(x.subs, id)
	default:
		s.log.WarnContext(ctx, "premium figures will read the subscriptions again", "sub", id, "err", err)
		x.loaded, x.subs, x.list = false, nil, nil
	}
}

// figureFields are the fields of a subscription the figures and
// PremiumTiers read.
var figureFields = bson.M{"account": 1, "tier": 1, "status": 1, "monthlyAmount": 1, "currency": 1, "periodEnd": 1, "trialEnd": 1,
	"cancelAtPeriodEnd": 1, "pastDueSince": 1, "startedAt": 1, "canceledAt": 1, "updatedAt": 1}

// maxFigureSubs bounds the one read of the subscriptions: the figures
// need every subscription ever stored.
const maxFigureSubs = 100_000

// figureSubs reads every subscription, with only the fields the figures
// use.
func (s *Service) figureSubs(ctx context.Context) ([]Subscription, bool, error) {
	cur, err := s.subs.Find(ctx, bson.M{}, options.Find().SetProjection(figureFields).SetLimit(maxFigureSubs+1))
	if err != nil {
		return nil, false, fmt.Errorf("membership: read subscriptions for figures: %w", err)
	}
	var subs []Subscription
	if err := cur.All(ctx, &subs); err != nil {
		return nil, false, fmt.Errorf("membership: read subscriptions for figures: %w", err)
	}
	if len(subs) > maxFigureSubs {
		return subs[:maxFigureSubs], true, nil
	}
	return subs, false, nil
}

// premiumSubs is every subscription, from memory when this process alone
// writes the database.
func (s *Service) premiumSubs(ctx context.Context) ([]Subscription, bool, error) {
	if s.figures == nil {
		return s.figureSubs(ctx)
	}
	return s.figures.snapshot(ctx, s)
}

// WarmFigures reads the subscriptions into memory for the premium
// figures, when this process alone writes the database, so the first
// insight page does not wait for it. Elsewhere it does nothing.
func (s *Service) WarmFigures(ctx context.Context) error {
	if s.figures == nil {
		return nil
	}
	_, _, err := s.figures.snapshot(ctx, s)
	return err
}

// ResumeFigures takes the subscriptions' copy in memory from the
// snapshot the last clean stop saved, if nothing wrote them since: a few
// lookups where reading 1,000 subscriptions costs about 0.2 s of CPU on
// the embedded store. serve calls it before any webhook can arrive.
func (s *Service) ResumeFigures(ctx context.Context) error {
	if s.figures == nil {
		return nil
	}
	x := s.figures
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.loaded {
		return nil
	}
	var saved struct {
		Subs    []Subscription
		Partial bool
	}
	ok, err := x.snap.Take(ctx, &saved)
	if err != nil || !ok {
		return err
	}
	x.subs = make(map[string]Subscription, len(saved.Subs))
	for _, sub := range saved.Subs {
		x.subs[sub.ID] = sub
	}
	x.loaded, x.partial, x.list = true, saved.Partial, nil
	return nil
}

// SuspendFigures saves the copy in memory for the next start; serve
// calls it when it stops, after the last request and job.
func (s *Service) SuspendFigures(ctx context.Context) error {
	if s.figures == nil {
		return nil
	}
	x := s.figures
	x.writing.Lock()
	defer x.writing.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded {
		return nil
	}
	return x.snap.Save(ctx, struct {
		Subs    []Subscription
		Partial bool
	}{slices.Collect(maps.Values(x.subs)), x.partial})
}

// writingSubscriptions holds off SuspendFigures until the returned
// function is called: applyChange's write and its read-back.
func (s *Service) writingSubscriptions() (release func()) {
	if s.figures == nil {
		return func() {}
	}
	s.figures.writing.RLock()
	return s.figures.writing.RUnlock
}

// subscriptionsStale marks the snapshot of the copy in memory stale
// before a write to the subscriptions (once a process).
func (s *Service) subscriptionsStale(ctx context.Context) error {
	if s.figures == nil {
		return nil
	}
	return s.figures.snap.Stale(ctx)
}

// subscriptionChanged keeps the figures' memory up to date after a write
// to subscription id.
func (s *Service) subscriptionChanged(ctx context.Context, id string) {
	if s.figures != nil {
		s.figures.refresh(ctx, s, id)
	}
}

// PremiumTiers is the entitlement of every account above Free now, by
// the same rule as Entitlement: its tier and its source (paid, trial,
// grace, comp or gift). The subscriptions come from the figures' memory
// on the embedded store, so only the comps are read. Staff only.
func (s *Service) PremiumTiers(ctx context.Context, a auth.Account) (map[auth.AccountID]Entitlement, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	subs, _, err := s.premiumSubs(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.comps.Find(ctx, bson.M{})
	if err != nil {
		return nil, fmt.Errorf("membership: read comps: %w", err)
	}
	var comps []Comp
	if err := cur.All(ctx, &comps); err != nil {
		return nil, fmt.Errorf("membership: read comps: %w", err)
	}
	all, err := s.Tiers(ctx)
	if err != nil {
		return nil, err
	}
	byAccount := map[auth.AccountID][]Subscription{}
	for _, sub := range subs {
		byAccount[sub.Account] = append(byAccount[sub.Account], sub)
	}
	compOf := make(map[auth.AccountID]*Comp, len(comps))
	for i := range comps {
		compOf[comps[i].Account] = &comps[i]
		if _, ok := byAccount[comps[i].Account]; !ok {
			byAccount[comps[i].Account] = nil
		}
	}
	now := s.now()
	out := map[auth.AccountID]Entitlement{}
	for id, list := range byAccount {
		if e := entitle(now, s.cfg.Grace, all, list, compOf[id]); e.Premium() {
			out[id] = e
		}
	}
	return out, nil
}
