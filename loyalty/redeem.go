package loyalty

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"fanclub/auth"
	"fanclub/community"
)

// Why a redemption failed; each leaves the member's points as they were.
var (
	// ErrSoldOut means the reward's stock or code pool is used up.
	ErrSoldOut = errors.New("loyalty: sold out")
	// ErrLimitReached means the member redeemed the reward as often as
	// it allows.
	ErrLimitReached = errors.New("loyalty: limit reached")
	// ErrEventFull means the reward's event has no seat left.
	ErrEventFull = errors.New("loyalty: the event is full")
	// ErrAlreadyGoing means the member holds a seat at the event already.
	ErrAlreadyGoing = errors.New("loyalty: already going")
	// ErrEventClosed means the reward's event was cancelled or started.
	ErrEventClosed = errors.New("loyalty: the event takes no more seats")
	// ErrFailed means a redemption failed for a reason of ours; the
	// points were given back.
	ErrFailed = errors.New("loyalty: the redemption failed")
	// ErrAlreadySent means a gift was marked sent before.
	ErrAlreadySent = errors.New("loyalty: already sent")
)

// failures names each failure in a redemption's record, so a form
// submitted twice answers the second time as the first.
var failures = map[string]error{"sold_out": ErrSoldOut, "limit": ErrLimitReached, "short": ErrShortOfPoints,
	"event_full": ErrEventFull, "going": ErrAlreadyGoing, "event_closed": ErrEventClosed, "failed": ErrFailed}

func failureOf(err error) string {
	for name, e := range failures {
		if errors.Is(err, e) {
			return name
		}
	}
	return "failed"
}

// State is where a redemption stands.
type State string

// The states of a redemption.
const (
	StatePending State = "pending" // under way
	StateDone    State = "done"
	StateFailed  State = "failed" // points given back
)

// Redemption is a reward a member redeemed, with what it gave.
type Redemption struct {
	ID      string         `bson:"_id"` // the form's token
	Account auth.AccountID `bson:"account"`
	Member  string         `bson:"member"` // the member's name, then
	Reward  string         `bson:"reward"`
	Name    string         `bson:"name"` // the reward's, then
	Kind    Kind           `bson:"kind"`
	Price   int64          `bson:"price"`
	State   State          `bson:"state"`
	Failure string         `bson:"failure,omitempty"`
	At      time.Time      `bson:"at"`
	// What it gave, by kind.
	Code       string            `bson:"code,omitempty"`
	Tier       string            `bson:"tier,omitempty"`
	Days       int               `bson:"days,omitempty"`
	Until      time.Time         `bson:"until,omitempty"` // the tier's new end
	Event      community.EventID `bson:"event,omitempty"`
	EventTitle string            `bson:"eventTitle,omitempty"`
	Address    Address           `bson:"address"`
	Sent       bool              `bson:"sent"`
	SentAt     time.Time         `bson:"sentAt,omitempty"`
	SentBy     auth.AccountID    `bson:"sentBy,omitempty"`
	SentByName string            `bson:"sentByName,omitempty"`
}

// RedeemInput is the redemption form: its token (one per form shown, so
// a double submit redeems once) and, for a gift, where to send it.
type RedeemInput struct {
	Token   string
	Address Address
}

// NewToken returns a fresh redemption token for a form.
func NewToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails on Linux
	return hex.EncodeToString(b[:])
}

// validToken reports whether t could be a token NewToken made.
func validToken(t string) bool {
	if len(t) != 32 {
		return false
	}
	_, err := hex.DecodeString(t)
	return err == nil
}

// Redeem spends the member's points on a reward and gives it. Each
// step is a conditional single-document update: the points (Spend,
// ledger id "redeem:<token>"), the member's limit, the stock or the
// next code; a step that fails gives back what the ones before took,
// points included, and names why (ErrSoldOut, ErrLimitReached,
// ErrShortOfPoints, ErrEventFull…). The same token redeems once: a
// second submit answers as the first did.
func (s *Service) Redeem(ctx context.Context, member auth.Account, rewardID string, in RedeemInput) (Redemption, error) {
	if !validID(rewardID) {
		return Redemption{}, ErrNotFound
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return Redemption{}, err
	}
	if !rules.On {
		return Redemption{}, ErrOff
	}
	d, err := s.findRewardDoc(ctx, rewardID)
	if err != nil || d.Archived {
		return Redemption{}, orNotFound(err)
	}
	v := ValidationError{}
	if !validToken(in.Token) {
		v["token"] = "loyalty_rewards.error.token"
	}
	if d.Kind == KindGift {
		in.Address = in.Address.clean()
		in.Address.validate(v)
	} else {
		in.Address = Address{}
	}
	if err := v.OrNil(); err != nil {
		return Redemption{}, err
	}
	rd := Redemption{ID: in.Token, Account: member.ID, Member: member.Name, Reward: d.ID, Name: d.Name, Kind: d.Kind, Price: d.Price,
		State: StatePending, At: s.now(), Address: in.Address}
	if fresh, err := s.insertRedemption(ctx, rd); err != nil {
		return Redemption{}, err
	} else if !fresh {
		return s.redeemedBefore(ctx, member.ID, in.Token)
	}
	return s.complete(ctx, member, d, rd)
}

// Grant gives a member a reward free, as the club's gift (a birthday's),
// once for the token: the same steps as Redeem but the points, the
// reward's stock and per-member limit counting as ever. A gift to send
// cannot be granted: it needs the member's address.
func (s *Service) Grant(ctx context.Context, member auth.Account, rewardID, token string) (Redemption, error) {
	d, err := s.findRewardDoc(ctx, rewardID)
	if err != nil || d.Archived || d.Kind == KindGift || !validToken(token) {
		return Redemption{}, orNotFound(err)
	}
	rd := Redemption{ID: token, Account: member.ID, Member: member.Name, Reward: d.ID, Name: d.Name, Kind: d.Kind,
		State: StatePending, At: s.now()}
	if fresh, err := s.insertRedemption(ctx, rd); err != nil {
		return Redemption{}, err
	} else if !fresh {
		return s.redeemedBefore(ctx, member.ID, token)
	}
	return s.complete(ctx, member, d, rd)
}

// complete takes the limit, the points and the stock, then gives the
// reward; on a failure it gives back what it took and records why. Each
// step leaves the redemption's id on what it took (the claim, the
// ledger, the reward's held stock, the code), so giving back is
// conditional on it, and safe to repeat: SettleRedemptions finishes the
// work of a process that died midway.
func (s *Service) complete(ctx context.Context, member auth.Account, d rewardDoc, rd Redemption) (Redemption, error) {
	fail := func(cause error) (Redemption, error) {
		ctx := context.WithoutCancel(ctx) // give back whatever happens to the request
		if err := s.undoRedemption(ctx, rd, failureOf(cause)); err != nil {
			s.log.ErrorContext(ctx, "redemption failed to give back", "redemption", rd.ID, "account", member.ID, "cause", cause, "err", err)
		}
		if failureOf(cause) == "failed" && !errors.Is(cause, ErrFailed) {
			// A step failed for a reason of ours (the store, a tier gone):
			// the member is told their points came back; staff read why.
			s.log.ErrorContext(ctx, "redemption failed", "redemption", rd.ID, "reward", d.ID, "account", member.ID, "err", cause)
			return Redemption{}, ErrFailed
		}
		return Redemption{}, cause
	}
	if d.Limit > 0 {
		if err := s.claim(ctx, d.ID, member.ID, d.Limit, rd.ID); err != nil {
			return fail(err)
		}
	}
	if s.stopsAfter("claim") {
		return Redemption{}, errStopped
	}
	if rd.Price > 0 { // a gift from the club (Grant) costs nothing
		if _, err := s.Spend(ctx, member.ID, spendID(rd.ID), "reward:"+d.ID, rd.Price); err != nil {
			return fail(err)
		}
	}
	if s.stopsAfter("spend") {
		return Redemption{}, errStopped
	}
	slot, err := s.takeStock(ctx, d, rd.ID)
	if err != nil {
		return fail(err)
	}
	if d.Kind == KindCode {
		if err := s.recordSlot(ctx, rd.ID, slot); err != nil {
			return fail(err)
		}
	}
	if s.stopsAfter("stock") {
		return Redemption{}, errStopped
	}
	if err := s.give(ctx, member, d, slot, &rd); err != nil {
		return fail(err)
	}
	if s.stopsAfter("give") {
		return Redemption{}, errStopped
	}
	if err := s.recordGiven(ctx, rd); err != nil {
		return Redemption{}, err // given: the sweep completes it
	}
	if s.stopsAfter("given") {
		return Redemption{}, errStopped
	}
	rd.State = StateDone
	return rd, s.finishRedemption(ctx, rd, d.Limit > 0)
}

// spendID is the ledger id of a redemption's points.
func spendID(redemption string) string { return "redeem:" + redemption }

// undoRedemption gives back what a redemption took, each step only if
// it holds the redemption's id (so once, however often it runs), and
// records the failure.
func (s *Service) undoRedemption(ctx context.Context, rd Redemption, failure string) error {
	errs := []error{s.giveStock(ctx, rd.Reward, rd.ID, rd.Kind)}
	_, err := s.Refund(ctx, rd.Account, spendID(rd.ID))
	errs = append(errs, err, s.unclaim(ctx, rd.Reward, rd.Account, rd.ID))
	if err := errors.Join(errs...); err != nil {
		return err // the next sweep tries again
	}
	return s.failRedemption(ctx, rd.ID, failure)
}

// give hands over what the reward gives, into rd.
func (s *Service) give(ctx context.Context, member auth.Account, d rewardDoc, slot int, rd *Redemption) error {
	switch d.Kind {
	case KindCode:
		code, err := s.handCode(ctx, d.ID, slot, rd.ID)
		rd.Code = code
		return err
	case KindPremium:
		until, err := s.d.Membership.GrantRewardPass(ctx, member.ID, rd.ID, d.Tier, d.Days)
		rd.Tier, rd.Days, rd.Until = d.Tier, d.Days, until
		return err
	case KindSeat:
		e, err := s.d.Community.RewardEvent(ctx, d.Event)
		if err != nil {
			return ErrEventClosed
		}
		rd.Event, rd.EventTitle = e.ID, e.Title
		return seatError(s.d.Community.SeatByReward(ctx, member, d.Event))
	}
	return nil // a gift: staff send it
}

// seatError names community's refusals in the programme's words.
func seatError(err error) error {
	switch {
	case errors.Is(err, community.ErrEventFull):
		return ErrEventFull
	case errors.Is(err, community.ErrAlreadyGoing):
		return ErrAlreadyGoing
	case errors.Is(err, community.ErrEventCancelled), errors.Is(err, community.ErrRSVPClosed),
		errors.Is(err, community.ErrNotFound):
		return ErrEventClosed
	}
	return err
}

// redeemedBefore answers a token submitted again: as the first submit
// ended, waiting a moment for one still under way.
func (s *Service) redeemedBefore(ctx context.Context, account auth.AccountID, token string) (Redemption, error) {
	for range 30 {
		rd, err := s.findRedemption(ctx, token)
		if err != nil {
			return Redemption{}, err
		}
		if rd.Account != account {
			return Redemption{}, ValidationError{"token": "loyalty_rewards.error.token"}
		}
		switch rd.State {
		case StateDone:
			return rd, nil
		case StateFailed:
			return Redemption{}, failures[rd.Failure]
		}
		select {
		case <-ctx.Done():
			return Redemption{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return Redemption{}, ErrBusy
}

// MyRedemptions lists the member's latest redemptions (up to 100),
// newest first.
func (s *Service) MyRedemptions(ctx context.Context, account auth.AccountID) ([]Redemption, error) {
	return s.latestRedemptions(ctx, account)
}

// Gifts lists the gifts redeemed for staff to send: those still to send,
// or (sent) those sent, newest first.
func (s *Service) Gifts(ctx context.Context, a auth.Account, sent bool) ([]Redemption, error) {
	if !isStaff(a) {
		return nil, ErrForbidden
	}
	return s.redemptionPage(ctx, map[string]any{"kind": KindGift, "state": StateDone, "sent": sent})
}

// MarkSent records that staff sent a gift, once: ErrAlreadySent after.
func (s *Service) MarkSent(ctx context.Context, a auth.Account, id string) (Redemption, error) {
	if !isStaff(a) {
		return Redemption{}, ErrForbidden
	}
	if !validToken(id) {
		return Redemption{}, ErrNotFound
	}
	return s.markSent(ctx, id, a)
}

func orNotFound(err error) error {
	if err == nil {
		return ErrNotFound
	}
	return err
}
