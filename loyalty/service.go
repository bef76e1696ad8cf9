package loyalty

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/jobs"
	"fanclub/internal/mongodb"
	"fanclub/membership"
)

// Deps are the services the programme orchestrates.
type Deps struct {
	Accounts   *auth.Service
	Community  *community.Service
	Membership *membership.Service
	Jobs       *jobs.Queue
	// Zone is the site's time zone, in which days (caps) and months
	// (expiry) are counted.
	Zone func(context.Context) *time.Location
}

// Service runs one site's loyalty programme.
type Service struct {
	settings *mongodb.Collection // loyalty: the rules, _id "rules"
	balances *mongodb.Collection // points: one per account, _id = the account
	ledger   *mongodb.Collection // points_ledger: every movement, _id from what it is for
	ref      referralColls
	rewardColls
	d Deps
	// accountLocks serialise one account's movements within this
	// process, by the account's hash.
	accountLocks [64]sync.Mutex
	now          func() time.Time
	log          *slog.Logger
	// stopAfter, set by tests only, stops each redemption after that
	// step as if its process died there.
	stopAfter string
}

// New returns the programme over db.
func New(db *mongodb.DB, d Deps, now func() time.Time, log *slog.Logger) *Service {
	return &Service{settings: db.Collection("loyalty"), balances: db.Collection("points"),
		ledger: db.Collection("points_ledger"), ref: newReferralColls(db), rewardColls: newRewardColls(db), d: d, now: now, log: log}
}

// EnsureIndexes creates the indexes the queries rely on.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	for _, c := range []*mongodb.Collection{s.settings, s.balances, s.ledger} { // by _id
		if err := mongodb.EnsureIndexes(ctx, c); err != nil {
			return err
		}
	}
	if err := s.ref.ensureIndexes(ctx); err != nil {
		return err
	}
	if err := s.ensureRewardIndexes(ctx); err != nil {
		return err
	}
	// An admin reads one member's whole ledger, newest first; the
	// expiry and reconcile jobs read it by account too.
	return mongodb.EnsureIndexes(ctx, s.ledger, mongo.IndexModel{
		Keys:    bson.D{{Key: "account", Value: 1}, {Key: "at", Value: -1}},
		Options: options.Index().SetName("account_at"),
	})
}

// Use gives the programme membership, which community needs before
// membership exists in cmd's wiring order.
func (s *Service) Use(m *membership.Service) { s.d.Membership = m }

// zone is the site's time zone.
func (s *Service) zone(ctx context.Context) *time.Location {
	if s.d.Zone == nil {
		return time.UTC
	}
	return s.d.Zone(ctx)
}
