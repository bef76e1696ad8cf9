package loyalty

import (
	"context"
	"errors"
	"slices"
	"time"

	"fanclub/auth"
)

// Referrals: each member has a link with a code of their own; a friend
// who signs up through it is referred, once (the referral's _id is the
// friend's account). A friend who takes part within ReferralWindow earns
// both the friend and the referrer their EarnReferral award. A referral
// some fraud check flagged waits for an admin: approved, it awards both
// once the friend has taken part in the window; cancelled, nothing.

// ReferralWindow is how long after signing up a friend has to take part.
const ReferralWindow = 30 * 24 * time.Hour

// ReferralStatus is where a referral stands.
type ReferralStatus string

// The statuses.
const (
	ReferralPending   ReferralStatus = "pending"   // waiting for the friend to take part
	ReferralQualified ReferralStatus = "qualified" // the friend took part in time: both awarded
	ReferralFlagged   ReferralStatus = "flagged"   // waiting for an admin
	ReferralApproved  ReferralStatus = "approved"  // an admin cleared it: awarded once the friend takes part in time
	ReferralCancelled ReferralStatus = "cancelled" // an admin turned it down
	ReferralExpired   ReferralStatus = "expired"   // the window passed without the friend taking part
)

// ReferralStatuses lists the statuses, for the pages.
var ReferralStatuses = []ReferralStatus{ReferralPending, ReferralQualified, ReferralFlagged, ReferralApproved,
	ReferralCancelled, ReferralExpired}

var (
	// ErrSelfReferral means a member followed their own link.
	ErrSelfReferral = errors.New("loyalty: one's own referral link")
	// ErrReviewed means the referral was reviewed (or settled) already.
	ErrReviewed = errors.New("loyalty: the referral was reviewed already")
)

// Referral is one friend brought in by one member.
type Referral struct {
	Friend     auth.AccountID `bson:"_id"`
	Referrer   auth.AccountID `bson:"referrer"`
	At         time.Time      `bson:"at"`
	Network    string         `bson:"network,omitempty"` // the friend's /24 or /64 when signing up
	Status     ReferralStatus `bson:"status"`
	Flags      []Flag         `bson:"flags,omitempty"`
	TookPartAt time.Time      `bson:"tookPartAt,omitempty"` // first taking part in the window
	AwardedAt  time.Time      `bson:"awardedAt,omitempty"`
	ReviewedBy auth.AccountID `bson:"reviewedBy,omitempty"`
	ReviewedAt time.Time      `bson:"reviewedAt,omitempty"`
}

// Deadline is when the friend's window to take part closes.
func (r Referral) Deadline() time.Time { return r.At.Add(ReferralWindow) }

// StatusAt is the referral's status at now: a pending one whose window
// closed has expired, whether or not that was written down.
func (r Referral) StatusAt(now time.Time) ReferralStatus {
	if r.Status == ReferralPending && !now.Before(r.Deadline()) {
		return ReferralExpired
	}
	return r.Status
}

// ReferralSummary is what a member sees of their referrals.
type ReferralSummary struct {
	Code      string // their link is <base>/r/<Code>
	Joined    int    // friends who signed up through it
	Qualified int    // friends who took part in time and earned the rewards
}

// Referral returns account's referral code, making it on first ask, and
// how many friends joined and qualified: one read once the code exists.
func (s *Service) Referral(ctx context.Context, account auth.AccountID) (ReferralSummary, error) {
	d, err := s.referrerOf(ctx, account)
	if err != nil {
		return ReferralSummary{}, err
	}
	return ReferralSummary{Code: d.Code, Joined: d.Joined, Qualified: d.Qualified}, nil
}

// Referrer returns the member whose link code is: ErrNotFound for an
// unknown code or a deleted member.
func (s *Service) Referrer(ctx context.Context, code string) (auth.Account, error) {
	id, err := s.codeOwner(ctx, code)
	if err != nil {
		return auth.Account{}, err
	}
	a, err := s.d.Accounts.AccountByID(ctx, id)
	if errors.Is(err, auth.ErrNotFound) {
		return auth.Account{}, ErrNotFound
	}
	return a, err
}

// Signup is a sign-in that came through a referral link.
type Signup struct {
	Code    string         // the link's code
	Friend  auth.AccountID // who signed in
	Created bool           // the sign-in made the account; false: it existed
	IP      string         // the client's address
}

// Refer records that in.Friend came through in.Code's link, flagged by
// whatever fraud check it fails. A member following their own link is
// refused with ErrSelfReferral; an unknown code is ErrNotFound; a friend
// referred before keeps that referral, which is returned.
//
// A friend who already had an account is recorded, flagged, rather than
// ignored: an admin sees the referrer asking members to click their
// link, and nothing is awarded unless they approve.
func (s *Service) Refer(ctx context.Context, in Signup) (Referral, error) {
	referrer, err := s.codeOwner(ctx, in.Code)
	if err != nil {
		return Referral{}, err
	}
	if referrer == in.Friend {
		return Referral{}, ErrSelfReferral
	}
	if r, err := s.findReferral(ctx, in.Friend); err == nil {
		return r, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Referral{}, err
	}
	now := s.now()
	r := Referral{Friend: in.Friend, Referrer: referrer, At: now, Network: networkOf(in.IP), Status: ReferralPending}
	if !in.Created {
		r.Flags = append(r.Flags, Flag{Key: FlagHadAnAccount})
	}
	theirs, err := s.d.Accounts.TracesOf(ctx, referrer)
	if errors.Is(err, auth.ErrNotFound) { // the referrer left
		return Referral{}, ErrNotFound
	} else if err != nil {
		return Referral{}, err
	}
	ours, err := s.d.Accounts.TracesOf(ctx, in.Friend)
	if err != nil {
		return Referral{}, err
	}
	r.Flags = append(r.Flags, samePerson(theirs, ours)...)
	if in.Created && len(r.Flags) == 0 {
		// A referred friend who deleted their account and signs up again
		// is not new: the same mailbox or sign-in was referred before.
		before, err := s.referredBefore(ctx, ours)
		if err != nil {
			return Referral{}, err
		}
		if before {
			r.Flags = append(r.Flags, Flag{Key: FlagHadAnAccount})
		}
	}
	if r.Network != "" {
		n, err := s.countNetwork(ctx, r.Network, now)
		if err != nil {
			return Referral{}, err
		}
		r.Flags = append(r.Flags, busyNetwork(r.Network, n)...)
	}
	if len(r.Flags) > 0 {
		r.Status = ReferralFlagged
	}
	first, err := s.insertReferral(ctx, r)
	if err != nil || !first {
		if err == nil { // referred at the same moment by another request
			return s.findReferral(ctx, in.Friend)
		}
		return Referral{}, err
	}
	s.log.InfoContext(ctx, "referral", "friend", r.Friend, "referrer", r.Referrer, "status", r.Status, "flags", len(r.Flags))
	return r, s.countReferrer(ctx, referrer, "joined")
}

// takesPart are the deeds that count as a friend taking part: each means
// they joined a group and posted, voted or came to an event.
var takesPart = []Earning{EarnPost, EarnFirstPost, EarnComment, EarnIdea, EarnVote, EarnCheckIn}

// tookPart hears that account did deeds: if they were referred and this
// is their taking part in time, it qualifies the referral (once: the
// status moves on a condition) or notes it for an admin's review. One
// read by _id for an account with a referral or without.
func (s *Service) tookPart(ctx context.Context, account auth.AccountID, deeds []Deed) error {
	if !slices.ContainsFunc(deeds, func(d Deed) bool { return slices.Contains(takesPart, d.Earning) }) {
		return nil
	}
	r, err := s.findReferral(ctx, account)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	now := s.now()
	if !now.Before(r.Deadline()) {
		if r.Status == ReferralPending {
			_, err := s.moveReferral(ctx, account, ReferralPending, nil, map[string]any{"status": ReferralExpired})
			return err
		}
		return nil
	}
	switch r.Status {
	case ReferralPending:
		return s.claimRewards(ctx, r, ReferralPending, map[string]any{"status": ReferralQualified, "tookPartAt": now})
	case ReferralApproved:
		return s.claimRewards(ctx, r, ReferralApproved, map[string]any{"tookPartAt": now})
	case ReferralFlagged:
		_, err := s.moveReferral(ctx, account, ReferralFlagged, unset("tookPartAt"), map[string]any{"tookPartAt": now})
		return err
	}
	return nil
}

// claimRewards moves r from status with set, on the condition that it
// was not awarded yet, and awards both: only the caller that moved it
// awards, and Award itself is once per deed.
func (s *Service) claimRewards(ctx context.Context, r Referral, from ReferralStatus, set map[string]any) error {
	at := s.now()
	set["awardedAt"] = at
	moved, err := s.moveReferral(ctx, r.Friend, from, unset("awardedAt"), set)
	if err != nil || !moved {
		return err
	}
	if err := s.awardBoth(ctx, r); err != nil {
		return errors.Join(err, s.unqualify(ctx, r.Friend, from, at))
	}
	return s.countReferrer(ctx, r.Referrer, "qualified")
}

// awardBoth gives the friend and the referrer their rewards: each once,
// whatever retries.
func (s *Service) awardBoth(ctx context.Context, r Referral) error {
	if _, err := s.Award(ctx, r.Friend, Deed{Earning: EarnReferral, Thing: string(r.Friend) + ":friend"}); err != nil {
		return err
	}
	_, err := s.Award(ctx, r.Referrer, Deed{Earning: EarnReferral, Thing: string(r.Friend) + ":referrer"})
	return err
}

// ApproveReferral clears a flagged referral: if the friend has taken
// part in time, both are awarded now, else when they do. ErrNotFound for
// no such referral, ErrReviewed for one not waiting for review.
func (s *Service) ApproveReferral(ctx context.Context, staff auth.Account, friend auth.AccountID) error {
	if !isStaff(staff) {
		return ErrForbidden
	}
	if err := s.review(ctx, staff, friend, ReferralApproved); err != nil {
		return err
	}
	r, err := s.findReferral(ctx, friend)
	if err != nil || r.TookPartAt.IsZero() {
		return err
	}
	return s.claimRewards(ctx, r, ReferralApproved, map[string]any{})
}

// CancelReferral turns a flagged or pending referral down: nothing is
// awarded for it. ErrNotFound for no such referral, ErrReviewed for one
// already settled.
func (s *Service) CancelReferral(ctx context.Context, staff auth.Account, friend auth.AccountID) error {
	if !isStaff(staff) {
		return ErrForbidden
	}
	return s.review(ctx, staff, friend, ReferralCancelled)
}

// review moves a referral waiting for review to status, on a condition,
// so of two admins at once one decides.
func (s *Service) review(ctx context.Context, staff auth.Account, friend auth.AccountID, to ReferralStatus) error {
	from := []ReferralStatus{ReferralFlagged}
	if to == ReferralCancelled {
		from = append(from, ReferralPending)
	}
	moved, err := s.moveReferralFrom(ctx, friend, from, nil,
		map[string]any{"status": to, "reviewedBy": staff.ID, "reviewedAt": s.now()})
	if err != nil || moved {
		return err
	}
	if _, err := s.findReferral(ctx, friend); err != nil {
		return err
	}
	return ErrReviewed
}

// ReferralRow is a referral with its two members' names, for the admin.
type ReferralRow struct {
	Referral
	State        ReferralStatus // its status as of now (StatusAt)
	FriendName   string
	ReferrerName string
}

// ReferralReview is the admin's page: the flagged referrals waiting,
// oldest first, and the latest referrals.
type ReferralReview struct {
	Waiting []ReferralRow
	Recent  []ReferralRow
}

// ReviewReferrals lists the referrals staff need to review: three reads.
func (s *Service) ReviewReferrals(ctx context.Context, staff auth.Account) (ReferralReview, error) {
	if !isStaff(staff) {
		return ReferralReview{}, ErrForbidden
	}
	waiting, err := s.flaggedReferrals(ctx, reviewPage)
	if err != nil {
		return ReferralReview{}, err
	}
	recent, err := s.recentReferrals(ctx, reviewPage)
	if err != nil {
		return ReferralReview{}, err
	}
	var ids []auth.AccountID
	for _, r := range slices.Concat(waiting, recent) {
		ids = append(ids, r.Friend, r.Referrer)
	}
	names, err := s.d.Accounts.AccountsByID(ctx, ids)
	if err != nil {
		return ReferralReview{}, err
	}
	now := s.now()
	rows := func(rs []Referral) []ReferralRow {
		out := make([]ReferralRow, len(rs))
		for i, r := range rs {
			out[i] = ReferralRow{Referral: r, State: r.StatusAt(now), FriendName: names[r.Friend].Name,
				ReferrerName: names[r.Referrer].Name}
		}
		return out
	}
	return ReferralReview{Waiting: rows(waiting), Recent: rows(recent)}, nil
}

// reviewPage is how many referrals each list of the review shows.
const reviewPage = 50
