package membership

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// Comp is a membership an admin granted: no Stripe object stands behind
// it. An account has at most one; a new grant replaces it.
type Comp struct {
	Account auth.AccountID `bson:"_id"`
	Tier    string         `bson:"tier"`
	Gift    bool           `bson:"gift"`            // a gift rather than a comp: the page says so
	Until   time.Time      `bson:"until,omitempty"` // zero: no end
	Reason  string         `bson:"reason"`
	By      auth.AccountID `bson:"by"`
	At      time.Time      `bson:"at"`
}

// CompInput is a grant as an admin typed it.
type CompInput struct {
	Email  string
	Tier   string
	Gift   bool
	Until  string // YYYY-MM-DD in loc, the last day of access; "" for none
	Reason string
}

const maxReason = 500

// GrantComp gives an account a tier until a date (or for good), for a
// reason. It creates nothing in Stripe. The account is found by its
// email address; loc is the admin's zone, in which the end date ends.
func (s *Service) GrantComp(ctx context.Context, a auth.Account, in CompInput, find func(context.Context, string) (auth.Account, error),
	loc *time.Location) (Comp, auth.Account, error) {
	if err := requireStaff(a); err != nil {
		return Comp{}, auth.Account{}, err
	}
	v := ValidationError{}
	in.Reason = strings.TrimSpace(in.Reason)
	c := Comp{Tier: strings.TrimSpace(in.Tier), Gift: in.Gift, Reason: in.Reason, By: a.ID, At: s.now()}
	if _, err := s.Tier(ctx, c.Tier); err != nil {
		v["tier"] = "comp.error.tier"
	}
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > maxReason {
		v["reason"] = "comp.error.reason"
	}
	if u := strings.TrimSpace(in.Until); u != "" {
		day, err := time.ParseInLocation("2006-01-02", u, loc)
		if err != nil {
			v["until"] = "comp.error.until"
		} else if c.Until = day.AddDate(0, 0, 1); !c.Until.After(s.now()) {
			v["until"] = "comp.error.until_past"
		}
	}
	var who auth.Account
	email := strings.TrimSpace(in.Email)
	if email == "" {
		v["email"] = "comp.error.email"
	} else if acc, err := find(ctx, email); errors.Is(err, auth.ErrNotFound) {
		v["email"] = "comp.error.no_account"
	} else if err != nil {
		return Comp{}, auth.Account{}, err
	} else {
		who = acc
	}
	if err := v.OrNil(); err != nil {
		return Comp{}, auth.Account{}, err
	}
	c.Account = who.ID
	if _, err := s.comps.ReplaceOne(ctx, bson.M{"_id": c.Account}, c, options.Replace().SetUpsert(true)); err != nil {
		return Comp{}, auth.Account{}, err
	}
	s.forgetBadge(c.Account)
	return c, who, nil
}

// RevokeComp ends an account's comp now. It returns the comp that ended,
// or ErrNotFound if there was none (a second tab revoked it first).
func (s *Service) RevokeComp(ctx context.Context, a auth.Account, id auth.AccountID) (Comp, error) {
	if err := requireStaff(a); err != nil {
		return Comp{}, err
	}
	var c Comp
	err := s.comps.FindOneAndDelete(ctx, bson.M{"_id": id}).Decode(&c)
	s.forgetBadge(id)
	if err == mongo.ErrNoDocuments {
		return Comp{}, ErrNotFound
	}
	return c, err
}

// ExtendComp gives an account a tier until until, for reason, unless the
// comp it holds already lasts as long or longer (or has no end), or is of
// a higher tier and has not ended, which it keeps: a campaign's grant
// never shortens or lowers what someone was given. It reports whether it
// granted. The caller has authorised the grant (the
// campaign package, when staff created the campaign); by is who did.
// Run twice with the same end, it grants once.
func (s *Service) ExtendComp(ctx context.Context, id auth.AccountID, tier string, until time.Time, reason string,
	by auth.AccountID) (bool, error) {
	granted, err := s.Tier(ctx, tier)
	if err != nil {
		return false, err
	}
	all, err := s.Tiers(ctx)
	if err != nil {
		return false, err
	}
	higher := bson.A{}
	for _, t := range all {
		if t.Rank > granted.Rank {
			higher = append(higher, t.Key)
		}
	}
	now := s.now()
	c := Comp{Account: id, Tier: tier, Until: until, Reason: reason, By: by, At: now}
	// Both steps are single-document conditions, so two instances granting
	// at once still never shorten or lower a comp: replace one ending
	// sooner that is of this tier or lower, or has ended; or insert where
	// there is none. A comp without an end never matches.
	res, err := s.comps.ReplaceOne(ctx, bson.M{"_id": id, "until": bson.M{"$lt": until},
		"$or": bson.A{bson.M{"tier": bson.M{"$nin": higher}}, bson.M{"until": bson.M{"$lte": now}}}}, c)
	if err != nil {
		return false, err
	}
	if res.MatchedCount == 0 {
		if _, err := s.comps.InsertOne(ctx, c); mongodb.IsDuplicateKey(err) {
			return false, nil // a comp as long or longer, or higher, stands
		} else if err != nil {
			return false, err
		}
	}
	s.forgetBadge(id)
	return true, nil
}
