package views

import (
	"time"

	"fanclub/auth"
	"fanclub/community"
)

// SignIn is the sign-in page: the configured providers and the email form.
type SignIn struct {
	Chrome    Chrome
	Providers []auth.ProviderInfo
	Email     string            // what was typed, kept on error
	Errors    map[string]string // field ("email", "form") → catalog key
}

// SignInSent tells the person to check their email. It reads the same
// whether or not the address is known.
type SignInSent struct {
	Chrome Chrome
	Email  string
}

// EmailLink asks the person to confirm a sign-in from an emailed link. The
// link itself only shows this page, so mail scanners that open links do
// not use it up; the button posts the token.
type EmailLink struct {
	Chrome Chrome
	Token  string
	Email  string // the address the link signs in as
}

// Settings is the account's settings page: profile, email about ideas,
// sign-in methods, data export and deletion.
type Settings struct {
	Chrome    Chrome
	Profile   ProfileForm
	Mail      auth.MailPreference // the saved choice, also after a refused one
	MailJoin  bool                // mail about requests to join the groups one moderates
	News      bool                // agreed to the brand's promotional mail
	NewsSince time.Time           // when they agreed, shown as the consent record
	// BirthdayLockedUntil is when the birthday may next be changed to
	// another date; zero if it may be now.
	BirthdayLockedUntil time.Time
	Errors              map[string]string // field → catalog key
	Identities          []auth.Identity
	Linkable            []auth.ProviderInfo // configured providers not linked yet
	Providers           []auth.ProviderInfo // every configured provider, to name the linked ones
	EmailSent           string              // set after asking for an email sign-in link
}

// ProfileForm is the profile form as typed, kept on error.
type ProfileForm struct {
	Name          string
	AvatarURL     string   // the current avatar, if any
	AvatarChoices []string // avatars the linked providers reported
	Locale        string
	TimeZone      string // an IANA name, or "" for the browser's
	BirthMonth    string
	BirthDay      string
}

// DeleteAccount asks for confirmation before deleting the account.
type DeleteAccount struct {
	Chrome Chrome
	Errors map[string]string
	// Billing says Stripe still bills a membership of the account: it
	// is cancelled in the Portal first, so deleting never leaves a
	// subscription charging nobody.
	Billing bool
	// LastOwner says the account is the site's only owner: ownership is
	// shared on the Team page first, so the site is never left without.
	LastOwner bool
	// OwnedGroups are the groups the account owns: each is handed over on
	// its member page first, as a group always has an owner.
	OwnedGroups []community.Group
}

// Error is an error page: 403, 404, 429, 500 and the sign-in refusals.
type Error struct {
	Chrome Chrome
	Status int
	Key    string // catalog key of the message
	Retry  string // a link to try again, if any
}

// DateOf formats a time for the viewer's locale.
func DateOf(locale string, t time.Time) string {
	if locale == "ko" {
		return t.Format("2006년 1월 2일")
	}
	return t.Format("2 Jan 2006")
}
