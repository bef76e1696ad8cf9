package community

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
)

// InviteLink is a link that lets people into a group whatever its join
// policy, a limited number of times (or any number, if MaxUses is 0)
// until it expires or a moderator revokes it. Only the token's hash is
// stored: the link itself is shown once, to the moderator who made it.
type InviteLink struct {
	ID            string
	Group         GroupID
	MaxUses       int // 0: unlimited
	Uses          int
	ExpiresAt     time.Time
	Revoked       bool
	CreatedByName string
	CreatedAt     time.Time
}

// Live reports whether the link still lets people in at now.
func (l InviteLink) Live(now time.Time) bool {
	return !l.Revoked && now.Before(l.ExpiresAt) && (l.MaxUses == 0 || l.Uses < l.MaxUses)
}

type inviteDoc struct {
	ID            string         `bson:"_id"`
	Group         GroupID        `bson:"group"`
	TokenHash     string         `bson:"tokenHash"`
	MaxUses       int            `bson:"maxUses"`
	Left          int            `bson:"left"` // uses left; -1 for unlimited
	Uses          int            `bson:"uses"`
	ExpiresAt     time.Time      `bson:"expiresAt"`
	Revoked       bool           `bson:"revoked"`
	CreatedBy     auth.AccountID `bson:"createdBy"`
	CreatedByName string         `bson:"createdByName"`
	CreatedAt     time.Time      `bson:"createdAt"`
}

func (d inviteDoc) link() InviteLink {
	return InviteLink{ID: d.ID, Group: d.Group, MaxUses: d.MaxUses, Uses: d.Uses, ExpiresAt: d.ExpiresAt,
		Revoked: d.Revoked, CreatedByName: d.CreatedByName, CreatedAt: d.CreatedAt}
}

// Limits on invitation links.
const (
	maxInviteUses = 1000
	maxInviteDays = 30
	maxLinksShown = 20
)

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateInviteLink makes a link for the group's moderators to share and
// returns its token, the only time it is known.
func (s *Service) CreateInviteLink(ctx context.Context, a Actor, slug string, maxUses, days int) (string, error) {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return "", err
	}
	v := ValidationError{}
	if maxUses < 0 || maxUses > maxInviteUses {
		v["uses"] = "invite.error.uses"
	}
	if days < 1 || days > maxInviteDays {
		v["days"] = "invite.error.days"
	}
	if err := v.OrNil(); err != nil {
		return "", err
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	left := maxUses
	if maxUses == 0 {
		left = -1
	}
	d := inviteDoc{ID: newID(), Group: st.Group.ID, TokenHash: hashToken(token), MaxUses: maxUses, Left: left,
		ExpiresAt: s.now().Add(time.Duration(days) * 24 * time.Hour), CreatedBy: a.ID(), CreatedByName: a.Account.Name, CreatedAt: s.now()}
	if _, err := s.invites.InsertOne(ctx, d); err != nil {
		return "", wrap(err, "insert invite")
	}
	s.record(ctx, a, st.Group.ID, AuditInviteLink, "invite", d.ID, "", "")
	return token, nil
}

// InviteLinks lists the group's most recent links, for its moderators.
func (s *Service) InviteLinks(ctx context.Context, st Standing) ([]InviteLink, error) {
	if !st.CanModerate() {
		return nil, nil
	}
	var docs []inviteDoc
	if err := s.findAll(ctx, s.invites, bson.M{"group": st.Group.ID}, bson.D{{Key: "createdAt", Value: -1}}, maxLinksShown, &docs, "list invites"); err != nil {
		return nil, err
	}
	out := make([]InviteLink, len(docs))
	for i, d := range docs {
		out[i] = d.link()
	}
	return out, nil
}

// RevokeInviteLink stops a link from letting anyone else in.
func (s *Service) RevokeInviteLink(ctx context.Context, a Actor, slug, id string) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return err
	}
	if !validID(id) {
		return ErrNotFound
	}
	res, err := s.invites.UpdateOne(ctx, bson.M{"_id": id, "group": st.Group.ID}, bson.M{"$set": bson.M{"revoked": true}})
	if err != nil {
		return wrap(err, "revoke invite")
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	s.record(ctx, a, st.Group.ID, AuditRevokeLink, "invite", id, "", "")
	return nil
}

// InviteByToken returns the group a live link leads to. The group is
// named even if it is unlisted: holding the link is being invited.
func (s *Service) InviteByToken(ctx context.Context, a Actor, token string) (Group, InviteLink, error) {
	var d inviteDoc
	err := s.invites.FindOne(ctx, bson.M{"tokenHash": hashToken(token)}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && !d.link().Live(s.now())) {
		return Group{}, InviteLink{}, ErrInviteInvalid
	}
	if err != nil {
		return Group{}, InviteLink{}, wrap(err, "find invite")
	}
	g, err := s.findGroup(ctx, d.Group)
	if err != nil {
		return Group{}, InviteLink{}, err
	}
	if a.SignedIn() {
		if m, _ := s.findMember(ctx, g.ID, a.ID()); m.State == StateBanned {
			return Group{}, InviteLink{}, ErrNotFound
		}
	}
	return g, d.link(), nil
}

// AcceptInvite lets the actor into the group by a live link and uses it
// up by one. Two people racing for the last use of a link: one wins, the
// other is told the link is used up. A member already in spends nothing.
func (s *Service) AcceptInvite(ctx context.Context, a Actor, token string) (Group, error) {
	if !a.SignedIn() {
		return Group{}, ErrSignInRequired
	}
	g, link, err := s.InviteByToken(ctx, a, token)
	if err != nil {
		return Group{}, err
	}
	m, err := s.findMember(ctx, g.ID, a.ID())
	if err != nil && !errors.Is(err, ErrNotFound) {
		return g, err
	}
	switch m.State {
	case StateActive:
		return g, nil
	case StatePending, StateInvited: // let in already: the link is not spent
		if err := s.setMemberState(ctx, g.ID, a.ID(), m.State, StateActive); err != nil && !errors.Is(err, ErrConflict) {
			return g, err
		}
		return g, nil
	}
	use := bson.M{"_id": link.ID, "revoked": false, "expiresAt": bson.M{"$gt": s.now()}, "left": bson.M{"$gt": 0}}
	if link.MaxUses == 0 {
		use["left"] = -1
	}
	res, err := s.invites.UpdateOne(ctx, use, bson.M{"$inc": bson.M{"uses": 1, "left": map[bool]int{true: 0, false: -1}[link.MaxUses == 0]}})
	if err != nil {
		return g, wrap(err, "use invite")
	}
	if res.MatchedCount == 0 {
		return g, ErrInviteInvalid
	}
	err = s.addMember(ctx, g.ID, a, RoleMember, StateActive, "")
	if errors.Is(err, errDuplicate) {
		err = nil // a second tab got there first
	}
	return g, err
}
