package auth

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
)

// AccountID identifies an account. It is opaque to everything outside auth.
type AccountID string

// Role is an account's place on the whole site.
type Role string

// Site roles. The first account ever created becomes the owner.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Account is one person, however many ways they sign in.
type Account struct {
	ID            AccountID
	Name          string
	Email         string // primary email, lower-cased; may be empty
	EmailVerified bool
	AvatarURL     string // from a provider, or empty for none
	Locale        string // "ko", "en" or "" for the browser's choice
	TimeZone      string // an IANA name ("Asia/Seoul"), or "" for the browser's
	Birthday      Birthday
	// BirthdaySetAt is when a birthday was last entered or changed (see
	// BirthdayChangeGap); zero if never, or before this was recorded.
	BirthdaySetAt time.Time
	Mail          MailPreference // never empty: MailNone unless chosen
	Role          Role
	CreatedAt     time.Time
	LastSeenAt    time.Time

	// MailJoinRequests: mail when someone asks to join a group it moderates.
	MailJoinRequests bool
	// News: agreed to promotional mail from the brand (campaigns), off
	// until the person turns it on, as Korean law asks; NewsSince is when
	// they agreed, the consent record.
	News      bool
	NewsSince time.Time
}

// Birthday is an optional month and day; zero means not given.
type Birthday struct {
	Month int
	Day   int
}

// IsZero reports whether no birthday was given.
func (b Birthday) IsZero() bool { return b.Month == 0 && b.Day == 0 }

// MailPreference is which emails an account gets about the ideas its
// person wrote or voted for.
type MailPreference string

// The mail preferences. Nobody is mailed without asking, so MailNone is
// the default, also for accounts stored before the choice existed.
const (
	MailNone   MailPreference = "none"
	MailStatus MailPreference = "status" // status changes and official responses
	MailAll    MailPreference = "all"    // those, and every new comment
)

// valid reports whether p is one of the preferences above.
func (p MailPreference) valid() bool {
	return p == MailNone || p == MailStatus || p == MailAll
}

// maxNameRunes bounds a display name.
const maxNameRunes = 60

// AccountByID returns a live account.
func (s *Service) AccountByID(ctx context.Context, id AccountID) (Account, error) {
	d, err := s.findAccount(ctx, id)
	return d.account(), err
}

// AccountByEmail returns the live account whose verified email is email,
// so a moderator can invite someone they know by address.
func (s *Service) AccountByEmail(ctx context.Context, email string) (Account, error) {
	d, err := s.findAccountByVerifiedEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	return d.account(), err
}

// ProfileInput is the profile form as typed.
type ProfileInput struct {
	Name       string
	AvatarURL  string // "" for none, or one a linked provider reported
	Locale     string // "", "ko" or "en"
	TimeZone   string // "" (the browser's) or an IANA name; see LoadZone
	BirthMonth string // "" or 1–12
	BirthDay   string // "" or a day of that month
}

// Validate checks the input and returns the cleaned name and birthday.
func (in ProfileInput) Validate() (string, Birthday, error) {
	v := ValidationError{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		v["name"] = "validation.name.required"
	case utf8.RuneCountInString(name) > maxNameRunes:
		v["name"] = "validation.name.too_long"
	case checkName(name) != "":
		v["name"] = checkName(name)
	}
	name = trimInvisible(name)
	if in.Locale != "" && in.Locale != "ko" && in.Locale != "en" {
		v["locale"] = "validation.locale.invalid"
	}
	if _, ok := LoadZone(in.TimeZone); !ok && in.TimeZone != "" {
		v["time_zone"] = "validation.time_zone.invalid"
	}
	b, ok := parseBirthday(in.BirthMonth, in.BirthDay)
	if !ok {
		v["birthday"] = "validation.birthday.invalid"
	}
	return name, b, v.OrNil()
}

// parseBirthday accepts both empty (no birthday) or a real month and day;
// 29 February is allowed.
func parseBirthday(month, day string) (Birthday, bool) {
	month, day = strings.TrimSpace(month), strings.TrimSpace(day)
	if month == "" && day == "" {
		return Birthday{}, true
	}
	m, err1 := strconv.Atoi(month)
	d, err2 := strconv.Atoi(day)
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 {
		return Birthday{}, false
	}
	// 2024 is a leap year, so this is the longest each month gets.
	if d > time.Date(2024, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return Birthday{}, false
	}
	return Birthday{Month: m, Day: d}, true
}

// UpdateProfile saves account a's profile. The avatar must be none or one
// that a linked provider reported, so no arbitrary URL reaches a page. A
// birthday changed too soon after the last change (birthdayChange) is a
// ValidationError on field "birthday".
func (s *Service) UpdateProfile(ctx context.Context, a AccountID, in ProfileInput) error {
	name, b, err := in.Validate()
	if err != nil {
		return err
	}
	if in.AvatarURL != "" {
		choices, err := s.avatarChoices(ctx, a)
		if err != nil {
			return err
		}
		if !slices.Contains(choices, in.AvatarURL) {
			return ValidationError{"avatar": "validation.avatar.invalid"}
		}
	}
	set := bson.M{"name": name, "avatarUrl": in.AvatarURL, "locale": in.Locale, "timeZone": in.TimeZone}
	return s.saveBirthday(ctx, a, b, set)
}

// SetMailPreference saves which emails about ideas account a gets. A value
// not offered (a forged form) is a ValidationError on field "mail".
func (s *Service) SetMailPreference(ctx context.Context, a AccountID, p MailPreference) error {
	if !p.valid() {
		return ValidationError{"mail": "validation.mail.invalid"}
	}
	return s.updateAccount(ctx, a, bson.M{"mail": p})
}

// SetMailChoices saves which emails account a gets: about ideas and
// events (p, as SetMailPreference), and about requests to join the
// groups it moderates.
func (s *Service) SetMailChoices(ctx context.Context, a AccountID, p MailPreference, joinRequests bool) error {
	if !p.valid() {
		return ValidationError{"mail": "validation.mail.invalid"}
	}
	return s.updateAccount(ctx, a, bson.M{"mail": p, "mailJoin": joinRequests})
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// avatarChoices lists the avatars account a's identities reported.
func (s *Service) avatarChoices(ctx context.Context, a AccountID) ([]string, error) {
	m, err := s.Methods(ctx, a)
	return m.Avatars, err
}

// Export is everything stored about an account, for "Download my data".
type Export struct {
	Account    Account         `json:"account"`
	Identities []Identity      `json:"identities"`
	Sessions   []SessionExport `json:"sessions"`
	ExportedAt time.Time       `json:"exportedAt"`
}

// SessionExport describes a session without its secrets.
type SessionExport struct {
	CreatedAt time.Time `json:"createdAt"`
	SeenAt    time.Time `json:"seenAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// ExportAccount gathers everything auth stores about account a.
func (s *Service) ExportAccount(ctx context.Context, a AccountID) (Export, error) {
	acc, err := s.AccountByID(ctx, a)
	if err != nil {
		return Export{}, err
	}
	ids, err := s.Identities(ctx, a)
	if err != nil {
		return Export{}, err
	}
	sess, err := s.accountSessions(ctx, a)
	if err != nil {
		return Export{}, err
	}
	x := Export{Account: acc, Identities: ids, ExportedAt: s.now()}
	for _, d := range sess {
		x.Sessions = append(x.Sessions, SessionExport{CreatedAt: d.CreatedAt, SeenAt: d.SeenAt, ExpiresAt: d.ExpiresAt})
	}
	return x, nil
}

// maxEraseTries bounds how often DeleteAccount takes the account off the
// staff again when its role was given back before it was erased.
const maxEraseTries = 3

// DeleteAccount removes account a's personal data and identities and ends
// all its sessions. The emptied account document stays as a tombstone. It
// is marked deleted first, so a failure half-way leaves an account nobody
// can use rather than a live one missing its sign-in methods, and running
// it again finishes the job. The site's last owner is refused
// (ErrLastOwner).
func (s *Service) DeleteAccount(ctx context.Context, a AccountID) error {
	// Leaving the staff first refuses the last owner even when two
	// owners delete their accounts at the same moment. A role given back
	// meanwhile (an owner's appointment, fanclub owner) stops the erasure,
	// and the account leaves the staff again.
	for try := 0; ; try++ {
		if err := s.LeaveStaff(ctx, a); err != nil {
			return err
		}
		erased, err := s.eraseAccount(ctx, a)
		if err != nil {
			return err
		}
		if erased {
			break
		}
		if try == maxEraseTries {
			return fmt.Errorf("auth: erase account %s: its role keeps changing", a)
		}
	}
	if err := s.deleteAccountSessions(ctx, a); err != nil {
		return err
	}
	if err := s.deleteAccountIdentities(ctx, a); err != nil {
		return err
	}
	if err := s.dropAccountEmails(ctx, a); err != nil {
		return err
	}
	if err := s.deleteAccountEmailLinks(ctx, a); err != nil {
		return err
	}
	if s.activity != nil {
		if err := s.activity.Forget(ctx, string(a)); err != nil {
			return err
		}
	}
	s.log.InfoContext(ctx, "account deleted", "account", a)
	return nil
}
