package community

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Invitations by email reach people who have no account yet: a moderator
// types an address, and its owner gets a link that proves they hold it,
// signs them in (making an account with the address if none holds it)
// and lets them into the group, or into the group and to one of its
// events, whose pages are for its members. Each is one document in
// email_invitations whose _id derives from what it invites to and the
// address, so an address has one pending invitation per group or event
// and sending again refreshes it. The link carries that _id and a secret
// of which only the hash is stored: opening it is two lookups by _id.

// EmailInviteLifetime is how long an invitation by email may be accepted.
const EmailInviteLifetime = 7 * 24 * time.Hour

// maxEmailInvitesShown bounds the pending invitations the members page lists.
const maxEmailInvitesShown = 100

// EmailInvitation is an invitation mailed to an address and not accepted yet.
type EmailInvitation struct {
	ID         string
	Group      GroupID
	Event      EventID // "" for an invitation to the group only
	EventTitle string
	Email      string
	ByName     string
	ExpiresAt  time.Time
	CreatedAt  time.Time
}

type emailInviteDoc struct {
	ID         string         `bson:"_id"` // emailInviteID(group, event, email)
	TokenHash  string         `bson:"tokenHash"`
	Group      GroupID        `bson:"group"`
	Event      EventID        `bson:"event,omitempty"`
	EventTitle string         `bson:"eventTitle,omitempty"`
	Email      string         `bson:"email"`
	By         auth.AccountID `bson:"by"`
	ByName     string         `bson:"byName"`
	ExpiresAt  time.Time      `bson:"expiresAt"`
	CreatedAt  time.Time      `bson:"createdAt"`
}

func (d emailInviteDoc) invitation() EmailInvitation {
	return EmailInvitation{ID: d.ID, Group: d.Group, Event: d.Event, EventTitle: d.EventTitle, Email: d.Email,
		ByName: d.ByName, ExpiresAt: d.ExpiresAt, CreatedAt: d.CreatedAt}
}

// emailInviteID is the one pending invitation of an address to a group,
// or to an event of it: 24 hex digits, the shape of every other id here.
func emailInviteID(g GroupID, e EventID, email string) string {
	sum := sha256.Sum256([]byte("email-invite:" + string(g) + ":" + string(e) + ":" + email))
	return hex.EncodeToString(sum[:12])
}

// EmailInvite is an invitation by email as a moderator sent it.
type EmailInvite struct {
	Slug   string
	Event  EventID // "" to invite to the group
	Emails []string
	Locale string // the language of the mail: the inviter's
}

// field is the form field an invitation's errors belong to.
func (in EmailInvite) field() string {
	if in.Event != "" {
		return "people"
	}
	return "email"
}

// InviteByEmail mails each address a link into the group, or to one of
// its events, and returns how many it mailed. Only the group's
// moderators may; each mail counts against the inviter's daily limit,
// and past it the rest are refused with a ValidationError that says so.
func (s *Service) InviteByEmail(ctx context.Context, a Actor, in EmailInvite) (int, error) {
	var st Standing
	var e Event
	var err error
	if in.Event == "" {
		st, err = s.standingAs(ctx, a, in.Slug, Standing.requireModerate)
	} else {
		e, st, err = s.invitingTo(ctx, a, in.Slug, in.Event)
	}
	if err != nil {
		return 0, err
	}
	emails := make([]string, 0, len(in.Emails))
	for _, raw := range in.Emails {
		email, err := auth.NormaliseEmail(raw)
		if err != nil {
			return 0, ValidationError{in.field(): "invite.error.email_invalid"}
		}
		if !slices.Contains(emails, email) { // an address typed twice is mailed once
			emails = append(emails, email)
		}
	}
	sent := 0
	for _, email := range emails {
		// Counted in the database even on the embedded store: a restart
		// must not hand a spammer a fresh day.
		ok, err := s.inviteLimiter.Allow(ctx, "invite-mail:"+string(a.ID()), s.limits.InvitesPerDay)
		if err != nil {
			return sent, err
		}
		if !ok {
			return sent, ValidationError{in.field(): "invite.error.daily_limit"}
		}
		token, err := s.saveEmailInvite(ctx, a, st.Group, e, email)
		if err != nil {
			return sent, err
		}
		link := s.delivery.BaseURL + "/invitations/" + token
		if err := s.delivery.Mail.Send(ctx, invitationMail(in.Locale, email, a.Account.Name, st.Group, e, link)); err != nil {
			return sent, wrap(err, "mail invitation")
		}
		s.record(ctx, a, st.Group.ID, AuditInvite, "email", emailInviteID(st.Group.ID, e.ID, email), email, string(e.ID))
		sent++
	}
	return sent, nil
}

// saveEmailInvite writes the invitation of email with a fresh secret, in
// place of any pending one, and returns the link's token.
func (s *Service) saveEmailInvite(ctx context.Context, a Actor, g Group, e Event, email string) (string, error) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.now()
	d := emailInviteDoc{ID: emailInviteID(g.ID, e.ID, email), TokenHash: hashToken(secret), Group: g.ID, Event: e.ID,
		EventTitle: e.Title, Email: email, By: a.ID(), ByName: a.Account.Name, ExpiresAt: now.Add(EmailInviteLifetime), CreatedAt: now}
	if _, err := s.emailInvites.ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true)); err != nil {
		return "", wrap(err, "save email invitation")
	}
	return d.ID + "." + secret, nil
}

// EmailInvitations lists the group's invitations by email not accepted
// yet, newest first, for its moderators. Served by index
// "email_invitations_group".
func (s *Service) EmailInvitations(ctx context.Context, st Standing) ([]EmailInvitation, error) {
	if !st.CanModerate() {
		return nil, nil
	}
	var docs []emailInviteDoc
	if err := s.findAll(ctx, s.emailInvites, bson.M{"group": st.Group.ID}, bson.D{{Key: "createdAt", Value: -1}},
		maxEmailInvitesShown, &docs, "list email invitations"); err != nil {
		return nil, err
	}
	out := make([]EmailInvitation, len(docs))
	for i, d := range docs {
		out[i] = d.invitation()
	}
	return out, nil
}

// RevokeEmailInvitation takes back a pending invitation: its link stops
// working.
func (s *Service) RevokeEmailInvitation(ctx context.Context, a Actor, slug, id string) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return err
	}
	var d emailInviteDoc
	err = s.emailInvites.FindOneAndDelete(ctx, bson.M{"_id": id, "group": st.Group.ID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return ErrNotFound
	}
	if err != nil {
		return wrap(err, "revoke email invitation")
	}
	s.record(ctx, a, st.Group.ID, AuditRevokeInvitation, "email", id, d.Email, string(d.Event))
	return nil
}

// InvitationPreview is what an invitation link shows before it is used.
type InvitationPreview struct {
	Invitation EmailInvitation
	Group      Group
}

// EmailInvitationByToken returns the live invitation a link's token
// opens, without using it: for the page that asks to accept it, since
// mail scanners open links too. Anything else is ErrInviteInvalid.
func (s *Service) EmailInvitationByToken(ctx context.Context, token string) (InvitationPreview, error) {
	d, err := s.liveEmailInvite(ctx, token)
	if err != nil {
		return InvitationPreview{}, err
	}
	g, err := s.findGroup(ctx, d.Group)
	if errors.Is(err, ErrNotFound) {
		return InvitationPreview{}, ErrInviteInvalid
	}
	return InvitationPreview{Invitation: d.invitation(), Group: g}, err
}

// liveEmailInvite finds the invitation a token names, if the token's
// secret is its own and it has not expired.
func (s *Service) liveEmailInvite(ctx context.Context, token string) (emailInviteDoc, error) {
	id, secret, ok := strings.Cut(token, ".")
	if !ok || !validID(id) || secret == "" || len(secret) > 100 {
		return emailInviteDoc{}, ErrInviteInvalid
	}
	var d emailInviteDoc
	err := s.emailInvites.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, ErrInviteInvalid
	}
	if err != nil {
		return d, wrap(err, "find email invitation")
	}
	if subtle.ConstantTimeCompare([]byte(hashToken(secret)), []byte(d.TokenHash)) != 1 || !s.now().Before(d.ExpiresAt) {
		return emailInviteDoc{}, ErrInviteInvalid
	}
	return d, nil
}

// Admission is where an accepted invitation let someone in.
type Admission struct {
	Account auth.Account
	Group   Group
	Event   EventID // "" for an invitation to the group, or to an event that is over
	// EventOver: the invitation was to an event cancelled or ended since;
	// it let them into the group only.
	EventOver bool
}

// Path is the page the invited person lands on.
func (ad Admission) Path() string {
	if ad.Event != "" {
		return "/groups/" + ad.Group.Slug + "/events/" + string(ad.Event)
	}
	return "/groups/" + ad.Group.Slug
}

// SignInByEmail returns the account a proven address signs into,
// creating one if none holds it: auth.Service.SignInVerifiedEmail.
type SignInByEmail func(ctx context.Context, email string) (auth.Account, error)

// AcceptEmailInvitation signs the invited address in with signIn, since
// the token proves its holder reads it; lets the account into the group
// as an active member, with the event's invitation when it was to an
// event still to come; and last uses the token up. Every step before
// that one may run twice harmlessly, so an error midway leaves the link
// working for another try, and of two clicks at once the one that does
// not use the token gets ErrInviteInvalid after repeating them. A used,
// revoked, expired or forged token is ErrInviteInvalid and creates
// nothing. A person banned from the group stays out (ErrNotFound), as
// everywhere else.
func (s *Service) AcceptEmailInvitation(ctx context.Context, token string, signIn SignInByEmail) (Admission, error) {
	d, err := s.liveEmailInvite(ctx, token)
	if err != nil {
		return Admission{}, err
	}
	g, err := s.findGroup(ctx, d.Group)
	if errors.Is(err, ErrNotFound) {
		return Admission{}, ErrInviteInvalid
	} else if err != nil {
		return Admission{}, err
	}
	acc, err := signIn(ctx, d.Email)
	if err != nil {
		return Admission{}, err
	}
	if err := s.admit(ctx, g, acc); err != nil {
		return Admission{}, err
	}
	ad := Admission{Account: acc, Group: g}
	if d.Event != "" {
		if ad, err = s.admitToEvent(ctx, ad, d); err != nil {
			return ad, err
		}
	}
	// Deleting on the secret's hash makes the token single-use: a second
	// click, or a resend that changed the secret meanwhile, finds nothing.
	res, err := s.emailInvites.DeleteOne(ctx, bson.M{"_id": d.ID, "tokenHash": d.TokenHash})
	if err != nil {
		return Admission{}, wrap(err, "use email invitation")
	}
	if res.DeletedCount == 0 {
		return Admission{}, ErrInviteInvalid
	}
	return ad, nil
}

// admitToEvent records the invitation d's event gave ad's account, if
// the event is still to come; one cancelled or ended since is marked
// over, and one deleted leaves the group theirs all the same.
func (s *Service) admitToEvent(ctx context.Context, ad Admission, d emailInviteDoc) (Admission, error) {
	e, err := s.findEvent(ctx, d.Event)
	switch {
	case errors.Is(err, ErrNotFound) || (err == nil && e.Group != ad.Group.ID):
		return ad, nil
	case err != nil:
		return ad, err
	case e.Cancelled || e.Over(s.now()):
		ad.EventOver = true
		return ad, nil
	}
	inviter := Actor{Account: auth.Account{ID: d.By, Name: d.ByName}}
	if _, err := s.invite(ctx, inviter, e, []auth.AccountID{ad.Account.ID}); err != nil {
		return ad, err
	}
	ad.Event = e.ID
	return ad, nil
}

// admit makes acc an active member of g by invitation, whatever the
// group's policy, unless it is banned there.
func (s *Service) admit(ctx context.Context, g Group, acc auth.Account) error {
	m, err := s.findMember(ctx, g.ID, acc.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	switch m.State {
	case StateBanned:
		return ErrNotFound
	case StateActive:
		return nil
	case StatePending, StateInvited:
		err = s.setMemberState(ctx, g.ID, acc.ID, m.State, StateActive)
	default:
		err = s.addMember(ctx, g.ID, Actor{Account: acc}, RoleMember, StateActive, "")
	}
	if errors.Is(err, errDuplicate) || errors.Is(err, ErrConflict) {
		return nil // a second tab got there first
	}
	return err
}

// deleteExpiredEmailInvites is the sweep's part for invitations by email.
// Served by index "email_invitations_expires".
func (s *Service) deleteExpiredEmailInvites(ctx context.Context) error {
	_, err := s.emailInvites.DeleteMany(ctx, bson.M{"expiresAt": bson.M{"$lt": s.now()}})
	return wrap(err, "sweep email invitations")
}
