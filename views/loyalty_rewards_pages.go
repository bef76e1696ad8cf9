package views

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"fanclub/membership"
)

// The loyalty programme's rewards: staff define them, upload code pools
// and send gifts; members redeem them and see what they got. The web
// layer maps the loyalty package's values into these, as views knows
// only the domain types of auth, community and membership.

// RewardKinds are the kinds of reward, in the order the form offers them.
var RewardKinds = []string{"code", "premium", "seat", "gift"}

// RewardRow is one reward as the pages show it.
type RewardRow struct {
	ID          string
	Name        string
	Description string
	Price       int64
	Kind        string
	Stock       int // -1: no limit
	Left        int // -1: no limit
	Limit       int // per member, 0: none
	Codes       int
	Redeemed    int
	Archived    bool
	TierName    string
	Days        int
	EventTitle  string
}

// RewardList is /admin/loyalty/rewards.
type RewardList struct {
	Chrome  Chrome
	Rewards []RewardRow
}

// RewardInput is the reward form's fields as typed.
type RewardInput struct {
	Name        string
	Description string
	Price       string
	Kind        string
	Stock       string
	Limit       string
	Tier        string
	Days        string
	Event       string
}

// RewardEvent is an event a seat reward may be for.
type RewardEvent struct {
	ID    string
	Title string
	Group string
	Start time.Time
}

// RewardForm is the new or edit form; editing, it shows the reward's
// counters, its code pool's upload form and the archive button.
type RewardForm struct {
	Chrome Chrome
	Reward RewardRow // the reward edited; ID "" for a new one
	Input  RewardInput
	Errors map[string]string
	Tiers  []membership.Tier
	Events []RewardEvent
	// CodeError and CodeLines refuse an uploaded code file.
	CodeError string
	CodeLines []CodeLine
}

// CodeLine is a refused line of a code file.
type CodeLine struct {
	Line   int
	Reason string
	Code   string
}

// RewardArchive asks to confirm archiving a reward.
type RewardArchive struct {
	Chrome Chrome
	Reward RewardRow
}

// GiftRow is a gift to send (or sent).
type GiftRow struct {
	ID         string
	Reward     string
	Member     string
	At         time.Time
	Address    AddressInput
	Sent       bool
	SentAt     time.Time
	SentByName string
}

// GiftList is /admin/loyalty/fulfilment.
type GiftList struct {
	Chrome Chrome
	ToSend []GiftRow
	Sent   []GiftRow
}

// AddressInput is a delivery address as typed.
type AddressInput struct {
	Name   string
	Line1  string
	Line2  string
	Postal string
	Phone  string
}

// RedeemForm is /rewards/redeem/:id: what the reward costs, the balance
// after, and for a gift where to send it.
type RedeemForm struct {
	Chrome  Chrome
	Reward  RewardRow
	Balance int64
	Token   string
	Address AddressInput
	Errors  map[string]string
	// Problem says why the reward cannot be redeemed now (a message key).
	Problem string
}

// RedemptionRow is one reward the member redeemed.
type RedemptionRow struct {
	Name       string
	Kind       string
	Price      int64
	At         time.Time
	Code       string
	Days       int
	TierName   string
	Until      time.Time
	EventTitle string
	Sent       bool
	SentAt     time.Time
}

// MyRewards is /rewards/mine.
type MyRewards struct {
	Chrome      Chrome
	Redemptions []RedemptionRow
}

// RewardPath is a reward's admin page.
func RewardPath(id string) string { return "/admin/loyalty/rewards/" + url.PathEscape(id) }

// RedeemPath is a reward's redemption page.
func RedeemPath(id string) string { return "/rewards/redeem/" + url.PathEscape(id) }

// kindName is a kind's name in the reader's language.
func kindName(ctx context.Context, kind string) string {
	return T(ctx, key("loyalty_rewards.kind.", kind))
}

// pointsAmount is a number of points.
func pointsAmount(ctx context.Context, n int64) string {
	return T(ctx, "loyalty_rewards.points", "n", groupThousands(n))
}

// leftText says how many are left, or that there is no limit.
func leftText(ctx context.Context, left int) string {
	if left < 0 {
		return T(ctx, "loyalty_rewards.unlimited")
	}
	return countText(left)
}

// rewardWhat says what a reward gives, beyond its name.
func rewardWhat(ctx context.Context, r RewardRow) string {
	switch r.Kind {
	case "premium":
		return T(ctx, "loyalty_rewards.what.premium", "tier", r.TierName, "n", strconv.Itoa(r.Days))
	case "seat":
		return T(ctx, "loyalty_rewards.what.seat", "event", r.EventTitle)
	}
	return T(ctx, key("loyalty_rewards.what.", r.Kind))
}

// balanceAfter is what the balance will be after redeeming.
func balanceAfter(p RedeemForm) int64 { return p.Balance - p.Reward.Price }

// redeemable says whether the form is worth showing: not while the
// programme is off, the reward sold out or the balance short.
func redeemable(p RedeemForm) bool {
	switch p.Problem {
	case "loyalty_rewards.problem.off", "loyalty_rewards.problem.sold_out", "loyalty_rewards.problem.short":
		return false
	}
	return balanceAfter(p) >= 0
}

// kindChecked says whether the kind's radio is chosen; none is a code.
func kindChecked(in RewardInput, kind string) bool {
	if in.Kind == "" {
		return kind == "code"
	}
	return in.Kind == kind
}

// rewardFormAction is where the reward form posts.
func rewardFormAction(p RewardForm) string {
	if p.Reward.ID == "" {
		return "/admin/loyalty/rewards"
	}
	return RewardPath(p.Reward.ID)
}

// hasRewardEvent reports whether id is among the events offered.
func hasRewardEvent(events []RewardEvent, id string) bool {
	for _, e := range events {
		if e.ID == id {
			return true
		}
	}
	return false
}

// eventLabel names the chosen event that is not offered any more (it
// began): by the reward's record of it, else its id.
func eventLabel(p RewardForm) string {
	if p.Reward.EventTitle != "" {
		return p.Reward.EventTitle
	}
	return p.Input.Event
}
