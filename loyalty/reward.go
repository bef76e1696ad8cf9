package loyalty

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson/primitive"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/membership"
)

// Kind is what a reward gives.
type Kind string

// The kinds of reward.
const (
	KindCode    Kind = "code"    // a code from a pool the brand uploaded, each handed out once
	KindPremium Kind = "premium" // days of a tier
	KindSeat    Kind = "seat"    // a confirmed seat at an event
	KindGift    Kind = "gift"    // something the brand sends to an address
)

// Kinds lists every kind, in the order the form offers them.
var Kinds = []Kind{KindCode, KindPremium, KindSeat, KindGift}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Reward is something members redeem points for.
type Reward struct {
	ID          string
	Name        string
	Description string // the brand's text, as typed
	Price       int64
	Kind        Kind
	// Stock is how many may be redeemed in all, -1 for no limit; a code
	// reward's stock is its pool.
	Stock int
	Limit int // per member; 0 for none
	// Archived rewards are not offered any more.
	Archived bool
	Tier     string            // KindPremium: the tier
	Days     int               // KindPremium: how many days
	Event    community.EventID // KindSeat: the event
	Codes    int               // KindCode: codes uploaded
	Taken    int               // stock (or code slots) taken
	Redeemed int               // redemptions completed
	// Left is what remains to redeem, -1 for no limit.
	Left int
}

// left works out Left from the counters.
func (r Reward) left() int {
	switch {
	case r.Kind == KindCode:
		return max(r.Codes-r.Taken, 0)
	case r.Stock < 0:
		return -1
	}
	return max(r.Stock-r.Taken, 0)
}

// RewardInput is the reward form as an admin typed it.
type RewardInput struct {
	Name        string
	Description string
	Price       string
	Kind        Kind
	Stock       string // blank: no limit
	Limit       string // blank: none
	Tier        string
	Days        string
	Event       string
}

// Limits of a reward's texts.
const (
	MaxRewardName = 100
	MaxRewardText = 2000
	MaxStock      = 1000000
)

// validate checks the parts of a reward form that need no lookups.
func (in RewardInput) validate() (Reward, ValidationError) {
	v := ValidationError{}
	r := Reward{Name: strings.TrimSpace(in.Name), Description: in.Description, Kind: in.Kind, Stock: -1,
		Tier: strings.TrimSpace(in.Tier), Event: community.EventID(strings.TrimSpace(in.Event))}
	if r.Name == "" || utf8.RuneCountInString(r.Name) > MaxRewardName || !utf8.ValidString(r.Name) ||
		strings.ContainsFunc(r.Name, unicode.IsControl) {
		v["name"] = "loyalty_rewards.error.name"
	}
	if utf8.RuneCountInString(r.Description) > MaxRewardText || !utf8.ValidString(r.Description) {
		v["description"] = "loyalty_rewards.error.description"
	}
	if p, ok := wholeNumber(in.Price, MaxPoints); !ok || p < 1 {
		v["price"] = "loyalty_rewards.error.price"
	} else {
		r.Price = int64(p)
	}
	if !r.Kind.Valid() {
		v["kind"] = "loyalty_rewards.error.kind"
	}
	var ok bool
	if strings.TrimSpace(in.Stock) != "" && r.Kind != KindCode {
		if r.Stock, ok = wholeNumber(in.Stock, MaxStock); !ok {
			v["stock"] = "loyalty_rewards.error.stock"
		}
	}
	if r.Limit, ok = wholeNumber(in.Limit, MaxStock); !ok {
		v["limit"] = "loyalty_rewards.error.limit"
	}
	if r.Kind == KindPremium {
		if r.Days, ok = wholeNumber(in.Days, membership.MaxPassDays); !ok || r.Days < 1 {
			v["days"] = "loyalty_rewards.error.days"
		}
	}
	return r, v
}

// SaveReward creates a reward (id "") or edits one, as staff typed it.
// An edit keeps the kind and the counters.
func (s *Service) SaveReward(ctx context.Context, a auth.Account, id string, in RewardInput) (Reward, error) {
	if !isStaff(a) {
		return Reward{}, ErrForbidden
	}
	var was Reward
	if id != "" {
		var err error
		if was, err = s.Reward(ctx, id); err != nil {
			return Reward{}, err
		}
		in.Kind = was.Kind
	}
	r, v := in.validate()
	if r.Kind == KindPremium {
		if _, err := s.d.Membership.Tier(ctx, r.Tier); err != nil {
			v["tier"] = "loyalty_rewards.error.tier"
		}
	}
	if r.Kind == KindSeat {
		if _, err := s.d.Community.RewardEvent(ctx, r.Event); err != nil {
			v["event"] = "loyalty_rewards.error.event"
		}
	}
	if err := v.OrNil(); err != nil {
		return Reward{}, err
	}
	if id == "" {
		r.ID = primitive.NewObjectID().Hex()
		return r, s.insertReward(ctx, r, a.ID)
	}
	r.ID = was.ID
	return r, s.updateReward(ctx, r, a.ID)
}

// ArchiveReward stops offering a reward (or offers it again): what was
// redeemed stays.
func (s *Service) ArchiveReward(ctx context.Context, a auth.Account, id string, archived bool) error {
	if !isStaff(a) {
		return ErrForbidden
	}
	return s.setArchived(ctx, id, archived)
}

// Reward returns one reward, archived or not.
func (s *Service) Reward(ctx context.Context, id string) (Reward, error) {
	if !validID(id) {
		return Reward{}, ErrNotFound
	}
	return s.findReward(ctx, id)
}

// Rewards returns the rewards members may redeem now, cheapest first,
// each with what is left.
func (s *Service) Rewards(ctx context.Context) ([]Reward, error) {
	return s.rewardList(ctx, false)
}

// AllRewards returns every reward, archived ones too, for staff.
func (s *Service) AllRewards(ctx context.Context, a auth.Account) ([]Reward, error) {
	if !isStaff(a) {
		return nil, ErrForbidden
	}
	return s.rewardList(ctx, true)
}

// validID reports whether id could be a reward's: 24 hex digits.
func validID(id string) bool {
	_, err := primitive.ObjectIDFromHex(id)
	return err == nil
}
