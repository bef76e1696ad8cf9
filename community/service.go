package community

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson/primitive"

	"fanclub/internal/mongodb"
	"fanclub/internal/ratelimit"
)

// Limits bound how fast one account may write. Zero values take the
// defaults.
type Limits struct {
	PostsPerMinute ratelimit.Rule // posts and comments together
	PostsPerDay    ratelimit.Rule
	VotesPerMinute ratelimit.Rule // votes on ideas and taking them back, together
	VotesPerDay    ratelimit.Rule
	// InvitesPerDay bounds the invitations by email one account sends, so
	// the site cannot be made to spam strangers.
	InvitesPerDay ratelimit.Rule
}

// DefaultLimits let a lively member talk and stop a script.
var DefaultLimits = Limits{
	PostsPerMinute: ratelimit.Rule{Max: 6, Window: time.Minute},
	PostsPerDay:    ratelimit.Rule{Max: 200, Window: 24 * time.Hour},
	// A person voting down a board clicks far less than once a second.
	VotesPerMinute: ratelimit.Rule{Max: 60, Window: time.Minute},
	VotesPerDay:    ratelimit.Rule{Max: 1000, Window: 24 * time.Hour},
	InvitesPerDay:  ratelimit.Rule{Max: 50, Window: 24 * time.Hour},
}

// Service holds the groups, feed and moderation of one site.
type Service struct {
	groups        *mongodb.Collection
	members       *mongodb.Collection // group_members
	invites       *mongodb.Collection // group_invites: invitation links
	posts         *mongodb.Collection
	comments      *mongodb.Collection
	reactions     *mongodb.Collection
	reactionSets  *mongodb.Collection // reaction_sets: each account's reactions to a target, together
	reports       *mongodb.Collection
	audit         *mongodb.Collection // audit_log
	notifications *mongodb.Collection
	unread        *mongodb.Collection // notification_counts: unread per account
	ideas         *mongodb.Collection
	votes         *mongodb.Collection
	ballots       *mongodb.Collection // idea_ballots: the ideas each account voted for, by group
	unsubscribes  *mongodb.Collection // idea_unsubscribes: ideas an account hears no more of
	shipments     *mongodb.Collection // idea_shipments: who had voted for each idea when it shipped
	events        *mongodb.Collection
	rsvps         *mongodb.Collection
	invitations   *mongodb.Collection
	emailInvites  *mongodb.Collection // email_invitations: invitations mailed to an address
	calendars     *mongodb.Collection // calendar_feeds: each account's private feed token
	limiter       *ratelimit.Limiter
	inviteLimiter *ratelimit.Limiter // invitations by email, counted in the database
	feed          *versionCache[[]Post]
	slugs         sync.Map // group slug → GroupID, for those found once
	board         *versionCache[[]Idea]
	boardIdx      *boardIndex   // the boards in memory, when this process alone writes the database
	feedIdx       *contentIndex // the feeds' order in memory, likewise
	threadIdx     *contentIndex // and the comments' order on each post and idea
	memberIdx     *memberIndex  // every account's groups, likewise, for the home page
	eventIdx      *eventIndex   // and every event's dates
	stats         *versionCache[ResponseStats]
	limits        Limits
	delivery      Delivery
	now           func() time.Time
	log           *slog.Logger
}

// New returns the service over db.
func New(db *mongodb.DB, limits Limits, now func() time.Time, log *slog.Logger) *Service {
	if limits.PostsPerMinute.Max == 0 {
		limits.PostsPerMinute = DefaultLimits.PostsPerMinute
	}
	if limits.PostsPerDay.Max == 0 {
		limits.PostsPerDay = DefaultLimits.PostsPerDay
	}
	if limits.VotesPerMinute.Max == 0 {
		limits.VotesPerMinute = DefaultLimits.VotesPerMinute
	}
	if limits.VotesPerDay.Max == 0 {
		limits.VotesPerDay = DefaultLimits.VotesPerDay
	}
	if limits.InvitesPerDay.Max == 0 {
		limits.InvitesPerDay = DefaultLimits.InvitesPerDay
	}
	return &Service{
		groups:        db.Collection("groups"),
		members:       db.Collection("group_members"),
		invites:       db.Collection("group_invites"),
		posts:         db.Collection("posts"),
		comments:      db.Collection("comments"),
		reactions:     db.Collection("reactions"),
		reactionSets:  db.Collection("reaction_sets"),
		reports:       db.Collection("reports"),
		audit:         db.Collection("audit_log"),
		notifications: db.Collection("notifications"),
		unread:        db.Collection("notification_counts"),
		ideas:         db.Collection("ideas"),
		votes:         db.Collection("votes"),
		ballots:       db.Collection("idea_ballots"),
		unsubscribes:  db.Collection("idea_unsubscribes"),
		shipments:     db.Collection("idea_shipments"),
		events:        db.Collection("events"),
		rsvps:         db.Collection("rsvps"),
		invitations:   db.Collection("invitations"),
		emailInvites:  db.Collection("email_invitations"),
		calendars:     db.Collection("calendar_feeds"),
		limiter:       limiter(db, now),
		inviteLimiter: ratelimit.New(db, now),
		feed:          newVersionCache[[]Post](),
		board:         newVersionCache[[]Idea](),
		boardIdx:      soleWriter(db, newBoardIndex),
		feedIdx:       soleWriter(db, func() *contentIndex { return newContentIndex(db.Collection("posts"), feedKey) }),
		threadIdx:     soleWriter(db, func() *contentIndex { return newContentIndex(db.Collection("comments"), threadKey) }),
		memberIdx:     soleWriter(db, func() *memberIndex { return &memberIndex{} }),
		eventIdx:      soleWriter(db, func() *eventIndex { return &eventIndex{} }),
		stats:         newVersionCache[ResponseStats](),
		limits:        limits,
		now:           now,
		log:           log,
	}
}

// Warm reads into memory what this process keeps there of the database
// (on the embedded store: every board, the order of every feed and
// thread, every membership and the dates of every event, read side by side), so that the first pages after start-up do
// not wait for it. Pages asked for while it reads wait for the same read.
func (s *Service) Warm(ctx context.Context) error {
	if s.boardIdx == nil {
		return nil
	}
	loads := []func() error{
		func() error { _, err := s.boardIdx.load(ctx, s); return err },
		func() error { _, err := s.feedIdx.load(ctx); return err },
		func() error { _, err := s.threadIdx.load(ctx); return err },
		func() error { _, err := s.memberIdx.load(ctx, s); return err },
		func() error { _, err := s.eventIdx.load(ctx, s); return err },
	}
	errs := make([]error, len(loads))
	var wg sync.WaitGroup
	for i, load := range loads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = load()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// soleWriter returns what make makes if this process alone writes db,
// else nil: what it keeps in memory is trusted only then.
func soleWriter[T any](db *mongodb.DB, make func() *T) *T {
	if !db.SoleWriter() {
		return nil
	}
	return make()
}

// newID returns a fresh document id: an ObjectID in hex, as auth uses.
func newID() string { return primitive.NewObjectID().Hex() }

// validID reports whether s looks like an id newID made, so a malformed
// id in a URL is refused before it reaches the database.
func validID(s string) bool {
	_, err := primitive.ObjectIDFromHex(s)
	return err == nil
}

// limiter counts members' posts and votes in the database, so limits hold
// across instances; in memory when this process alone writes it, as a
// count there would add a write to every vote, waiting on the embedded
// store's one write lock.
func limiter(db *mongodb.DB, now func() time.Time) *ratelimit.Limiter {
	if db.SoleWriter() {
		return ratelimit.NewInMemory(now)
	}
	return ratelimit.New(db, now)
}
