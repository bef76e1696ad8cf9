package views

import (
	"context"
	"strconv"
	"time"

	"fanclub/auth"
	"fanclub/membership"
)

// The loyalty programme's pages: /rewards for members and
// /admin/loyalty for staff. The web layer maps the loyalty package's
// values into these, as views knows only the domain types of auth,
// community and membership.

// Earnings are the kinds of taking part that can earn, in the order the
// pages list them (loyalty.Earnings).
var Earnings = []string{"post", "comment", "idea", "vote", "shipped", "shipped_vote", "checkin", "first_post", "referral",
	"birthday", "anniversary"}

// PointsEntry is one line of a ledger.
type PointsEntry struct {
	At     time.Time // in the viewer's zone
	Reason string    // an earning, or undo, adjust, redeem, refund, expire
	// Of is, for an undo, the earning it took back.
	Of     string
	Points int64
	Note   string // an adjustment's reason
	ByName string // the admin who adjusted, on the admin's page
}

// PointsExpiring is points that can be spent until LastDay (a calendar
// day at midnight UTC).
type PointsExpiring struct {
	Points  int64
	LastDay time.Time
}

// EarnRule is one earning's rule: points, and awards a day (0: no cap).
type EarnRule struct {
	Earning string
	Points  int
	Cap     int
}

// RewardsPage is /rewards.
type RewardsPage struct {
	Chrome   Chrome
	On       bool
	Balance  int64
	Expiring []PointsExpiring
	Rules    []EarnRule // those that earn
	History  []PointsEntry
	// The member's grade, if the programme has grades.
	Grade GradeView
	// ReferralURL is the member's referral link; Joined and Qualified how
	// many friends signed up through it and took part in time.
	ReferralURL       string
	Joined, Qualified int
	// Offers are the rewards to redeem, cheapest first.
	Offers []RewardOffer
}

// RewardOffer is a reward in the member's catalogue.
type RewardOffer struct {
	ID          string
	Name        string
	Description string
	Kind        string
	Price       int64
	Left        int // -1: no limit
}

// GradeView is a member's grade and the way to the next.
type GradeView struct {
	Has      bool   // the programme has grades
	Name     string // the grade held, "" for none
	Perks    string
	TierName string // the tier it includes, if any
	Next     string // the grade above, "" at the top
	ToNext   int64  // points still to earn in twelve months
	Earned12 int64
	Review   time.Time // the next review day, at midnight UTC
}

// LoyaltyAdmin is /admin/loyalty: the totals and the rules form.
type LoyaltyAdmin struct {
	Chrome Chrome
	Totals LoyaltyTotals
	Rules  RulesForm
	Grades GradesForm
	Tiers  []membership.Tier
	// Find is the email typed to look a member up, and its error.
	Find      string
	FindError string
}

// LoyaltyTotals are the programme's figures.
type LoyaltyTotals struct {
	Members     int
	Issued      int64
	Redeemed    int64
	Expired     int64
	Removed     int64
	Outstanding int64
}

// RulesForm is the rules as typed (or stored), with each field's error.
type RulesForm struct {
	On           bool
	ExpiryMonths string
	Points       map[string]string
	Caps         map[string]string
	BirthdayGift string        // the reward's id, or ""
	Gifts        []RewardOffer // the rewards it may be
	Errors       map[string]string
}

// MaxGrades is how many grade rows the form offers (loyalty.MaxGrades).
const MaxGrades = 5

// GradesForm is the grades as typed (or stored), row by row.
type GradesForm struct {
	Names, Thresholds, Entries, Tiers, Perks [MaxGrades]string
	Review                                   string
	Errors                                   map[string]string
}

// gradeRows are the form's row numbers.
func gradeRows() []int { return []int{0, 1, 2, 3, 4} }

// MemberLedger is /admin/loyalty/members/:id: one member's ledger and
// the adjustment form.
type MemberLedger struct {
	Chrome  Chrome
	Account auth.Account
	Balance int64
	Entries []PointsEntry
	Next    string // the cursor of the next page, or ""
	// Token makes one submit of the adjustment form one adjustment.
	Token  string
	Points string
	Note   string
	Errors map[string]string
}

// MemberLedgerPath is a member's ledger page.
func MemberLedgerPath(id auth.AccountID) string { return "/admin/loyalty/members/" + string(id) }

// pointsText is a signed number of points: "+10", "−5".
func pointsText(n int64) string {
	if n > 0 {
		return "+" + groupThousands(n)
	}
	if n < 0 {
		return "−" + groupThousands(-n)
	}
	return "0"
}

// entryText says what a ledger line was for, in the reader's language.
func entryText(ctx context.Context, e PointsEntry) string {
	switch e.Reason {
	case "undo", "redo":
		return T(ctx, key("loyalty.reason.", e.Reason), "what", T(ctx, key("loyalty.earning.", e.Of)))
	case "adjust", "redeem", "refund", "expire", "grade":
		return T(ctx, key("loyalty.reason.", e.Reason))
	}
	return T(ctx, key("loyalty.earning.", e.Reason))
}

// capText says how often an earning earns a day.
func capText(ctx context.Context, r EarnRule) string {
	if r.Cap == 0 {
		return T(ctx, "loyalty.cap_none")
	}
	return T(ctx, "loyalty.cap", "n", strconv.Itoa(r.Cap))
}

// progressMax and progressValue draw the way to the next grade: the
// points earned in twelve months out of the next grade's threshold.
func progressMax(g GradeView) string { return strconv.FormatInt(g.Earned12+g.ToNext, 10) }

func progressValue(g GradeView) string { return strconv.FormatInt(g.Earned12, 10) }
