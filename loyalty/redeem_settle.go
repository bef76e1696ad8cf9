package loyalty

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// settleAfter is how long a redemption may stay under way before the
// sweep takes it for one whose process died: far longer than a request.
const settleAfter = 10 * time.Minute

// maxSettled bounds the redemptions one sweep settles; the next takes
// the rest.
const maxSettled = 500

// errStopped is what a redemption a test stopped midway returns, as if
// its process had died there.
var errStopped = errors.New("loyalty: stopped for a test")

// stopsAfter reports whether a test asked redemptions to stop after step.
func (s *Service) stopsAfter(step string) bool { return s.stopAfter != "" && s.stopAfter == step }

// SettleRedemptions settles the redemptions a process left under way (it
// died, or the store failed, midway): one that gave its reward (or, for
// premium days, took its stock: the pass is given once per redemption,
// so it is given now if it was not) is counted and done; any other gives
// back what it took, points included, and fails. Each step is conditional on what the redemption holds, so
// a sweep run twice, or over a redemption half given back, moves nothing
// twice. It returns how many it settled. A daily job: the filter on
// state reads the whole collection on the embedded store.
func (s *Service) SettleRedemptions(ctx context.Context) (int, error) {
	cur, err := s.redemptions.Find(ctx, bson.M{"state": StatePending, "at": bson.M{"$lt": s.now().Add(-settleAfter)}},
		options.Find().SetLimit(maxSettled))
	if err != nil {
		return 0, wrap(err, "find redemptions under way")
	}
	var docs []progressDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, wrap(err, "find redemptions under way")
	}
	var errs []error
	n := 0
	for _, p := range docs {
		if err := s.settle(ctx, p); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// settle completes one redemption under way, or gives back what it took.
func (s *Service) settle(ctx context.Context, p progressDoc) error {
	rd := p.Redemption
	if !p.Given && rd.Kind == KindCode && p.Slot != nil {
		var c codeDoc
		err := s.codes.FindOne(ctx, bson.M{"_id": codeID(rd.Reward, *p.Slot)}).Decode(&c)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return wrap(err, "find code")
		}
		if err == nil && c.Redemption == rd.ID { // handed, not recorded
			rd.Code, p.Given = c.Code, true
			if err := s.recordGiven(ctx, rd); err != nil {
				return err
			}
		}
	}
	if !p.Given && rd.Kind == KindPremium {
		given, err := s.passAgain(ctx, &rd)
		if err != nil {
			return err
		}
		p.Given = given
	}
	if p.Given {
		s.log.InfoContext(ctx, "redemption completed by the sweep", "redemption", rd.ID, "account", rd.Account)
		return s.finishRedemption(ctx, rd, true)
	}
	s.log.WarnContext(ctx, "redemption given back by the sweep", "redemption", rd.ID, "account", rd.Account)
	return s.undoRedemption(ctx, rd, "failed")
}

// passAgain gives a premium redemption that took its stock (and so its
// points) its pass: the grant is once per redemption, so this gives it
// if the crash came before, and changes nothing if after. It reports
// whether the pass is given.
func (s *Service) passAgain(ctx context.Context, rd *Redemption) (bool, error) {
	n, err := s.rewards.CountDocuments(ctx, bson.M{"_id": rd.Reward, "held": rd.ID})
	if err != nil || n == 0 {
		return false, wrap(err, "find held stock")
	}
	d, err := s.findRewardDoc(ctx, rd.Reward)
	if err != nil {
		return false, err
	}
	until, err := s.d.Membership.GrantRewardPass(ctx, rd.Account, rd.ID, d.Tier, d.Days)
	if err != nil {
		s.log.WarnContext(ctx, "the sweep could not give a pass; giving the points back", "redemption", rd.ID, "err", err)
		return false, nil
	}
	rd.Tier, rd.Days, rd.Until = d.Tier, d.Days, until
	return true, s.recordGiven(ctx, *rd)
}
