package views

import (
	"context"
	"time"

	"fanclub/auth"
)

// Referrals: the landing page a member's link opens, and the admin's
// review. The web layer maps the loyalty package's values into these,
// as views knows only the domain types of auth, community and
// membership.

// ReferralPath is where a member's referral link points, for the code.
func ReferralPath(code string) string { return "/r/" + code }

// ReferralLanding is /r/<code>: who invited the visitor, and the ways
// to sign up; for a signed-in visitor, that the link is for newcomers.
type ReferralLanding struct {
	Chrome       Chrome
	ReferrerName string
	Own          bool // the signed-in viewer's own link
	Providers    []auth.ProviderInfo
}

// AdminReferrals is /admin/loyalty/referrals.
type AdminReferrals struct {
	Chrome  Chrome
	Waiting []ReferralRow // flagged, oldest first
	Recent  []ReferralRow // newest first
}

// ReferralRow is one referral as the admin reads it.
type ReferralRow struct {
	Friend       string // the friend's account id: the referral's id
	FriendName   string
	ReferrerName string
	At           time.Time // in the admin's zone
	Network      string
	Status       string // one of ReferralStatuses
	Flags        []ReferralFlag
}

// ReferralFlag is one reason to look at a referral: a message key and
// its parameters, name then value.
type ReferralFlag struct {
	Key  string
	Args []string
}

// ReferralStatuses are the statuses a referral shows.
var ReferralStatuses = []string{"pending", "qualified", "flagged", "approved", "cancelled", "expired"}

// referralStatusKey is the message key of a referral's status.
func referralStatusKey(status string) string {
	switch status {
	case "pending":
		return "referrals.status.pending"
	case "qualified":
		return "referrals.status.qualified"
	case "flagged":
		return "referrals.status.flagged"
	case "approved":
		return "referrals.status.approved"
	case "cancelled":
		return "referrals.status.cancelled"
	case "expired":
		return "referrals.status.expired"
	}
	return "referrals.status.pending"
}

// approvePath and cancelPath are the review's actions on a referral.
func approvePath(friend string) string { return "/admin/loyalty/referrals/" + friend + "/approve" }
func cancelPath(friend string) string  { return "/admin/loyalty/referrals/" + friend + "/cancel" }

// referralName is a member's name, or a word for a deleted account.
func referralName(ctx context.Context, name string) string {
	if name == "" {
		return T(ctx, "referrals.admin.gone")
	}
	return name
}
