package loyalty

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Earning is a kind of taking part that earns points.
type Earning string

// The earnings, in the order the rules page lists them.
const (
	EarnPost        Earning = "post"
	EarnComment     Earning = "comment"
	EarnIdea        Earning = "idea"
	EarnVote        Earning = "vote"
	EarnShipped     Earning = "shipped"      // an idea of yours shipped
	EarnShippedVote Earning = "shipped_vote" // an idea you voted for shipped
	EarnCheckIn     Earning = "checkin"      // checked in at an event
	EarnFirstPost   Earning = "first_post"   // your first post in a group
	EarnReferral    Earning = "referral"
	EarnBirthday    Earning = "birthday"
	EarnAnniversary Earning = "anniversary" // of joining the club
)

// Earnings lists every earning.
var Earnings = []Earning{EarnPost, EarnComment, EarnIdea, EarnVote, EarnShipped, EarnShippedVote,
	EarnCheckIn, EarnFirstPost, EarnReferral, EarnBirthday, EarnAnniversary}

// Valid reports whether e is one of Earnings.
func (e Earning) Valid() bool {
	for _, x := range Earnings {
		if x == e {
			return true
		}
	}
	return false
}

// Rule is what one earning gives: points per award, and at most Cap
// awards a day (in the site's zone); 0 points earns nothing, a Cap of 0
// has no limit.
type Rule struct {
	Points int `bson:"points"`
	Cap    int `bson:"cap"`
}

// Rules are the programme's settings. The zero value is off.
type Rules struct {
	On bool
	// ExpiryMonths: points expire at the end of the month that many
	// months after the month they were earned in; 0 never.
	ExpiryMonths int
	Earn         map[Earning]Rule
	// Grades are the VIP grades, lowest first (grade.go); none: the
	// programme has no grades.
	Grades Grades
	// BirthdayGift is a reward given free on a member's birthday, with
	// the birthday's points (or instead of them); "" for none.
	BirthdayGift string
	UpdatedAt    time.Time
	By           auth.AccountID
}

// Rule returns the rule for e; a programme that is off earns nothing.
func (r Rules) Rule(e Earning) Rule {
	if !r.On {
		return Rule{}
	}
	return r.Earn[e]
}

// Limits of what an admin types.
const (
	MaxPoints       = 100000 // per award, per price, per adjustment
	MaxCap          = 1000
	MaxExpiryMonths = 120
)

// RulesInput is the rules form as an admin typed it: each earning's
// points and cap as text, keyed by the earning.
type RulesInput struct {
	On           bool
	ExpiryMonths string
	Points       map[Earning]string
	Caps         map[Earning]string
	// BirthdayGift is the id of a reward given on birthdays, or "".
	BirthdayGift string
}

type rulesDoc struct {
	ID           string           `bson:"_id"`
	On           bool             `bson:"on"`
	ExpiryMonths int              `bson:"expiryMonths"`
	Earn         map[Earning]Rule `bson:"earn"`
	Grades       Grades           `bson:"grades"`
	BirthdayGift string           `bson:"birthdayGift,omitempty"`
	UpdatedAt    time.Time        `bson:"updatedAt"`
	By           auth.AccountID   `bson:"by"`
}

const rulesID = "rules"

// Rules returns the programme's rules: one lookup by _id.
func (s *Service) Rules(ctx context.Context) (Rules, error) {
	var d rulesDoc
	err := s.settings.FindOne(ctx, bson.M{"_id": rulesID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Rules{Earn: map[Earning]Rule{}}, nil
	} else if err != nil {
		return Rules{}, err
	}
	if d.Earn == nil {
		d.Earn = map[Earning]Rule{}
	}
	return Rules{On: d.On, ExpiryMonths: d.ExpiryMonths, Earn: d.Earn, Grades: d.Grades, BirthdayGift: d.BirthdayGift,
		UpdatedAt: d.UpdatedAt, By: d.By}, nil
}

// SaveRules replaces the rules with what an admin typed.
func (s *Service) SaveRules(ctx context.Context, a auth.Account, in RulesInput) (Rules, error) {
	if !isStaff(a) {
		return Rules{}, ErrForbidden
	}
	r, err := parseRules(in)
	var v ValidationError
	if err != nil && !errors.As(err, &v) {
		return Rules{}, err
	}
	if r.BirthdayGift = strings.TrimSpace(in.BirthdayGift); r.BirthdayGift != "" {
		d, ferr := s.findRewardDoc(ctx, r.BirthdayGift)
		if ferr != nil || d.Archived || d.Kind == KindGift { // a gift to send needs the address the member types
			if v == nil {
				v = ValidationError{}
			}
			v["birthday_gift"] = "loyalty.error.birthday_gift"
		}
	}
	if err := v.OrNil(); err != nil {
		return Rules{}, err
	}
	r.UpdatedAt, r.By = s.now(), a.ID
	// $set, not a replace: the grades live in the same document, so that
	// an award reads everything it needs in one lookup.
	_, err = s.settings.UpdateOne(ctx, bson.M{"_id": rulesID}, bson.M{"$set": bson.M{"on": r.On, "expiryMonths": r.ExpiryMonths,
		"earn": r.Earn, "birthdayGift": r.BirthdayGift, "updatedAt": r.UpdatedAt, "by": r.By}}, options.Update().SetUpsert(true))
	return r, err
}

// parseRules checks a rules form: whole numbers, none negative, within
// the limits; a blank is 0.
func parseRules(in RulesInput) (Rules, error) {
	v := ValidationError{}
	r := Rules{On: in.On, Earn: map[Earning]Rule{}}
	var ok bool
	if r.ExpiryMonths, ok = wholeNumber(in.ExpiryMonths, MaxExpiryMonths); !ok {
		v["expiry"] = "loyalty.error.expiry"
	}
	for _, e := range Earnings {
		points, ok := wholeNumber(in.Points[e], MaxPoints)
		if !ok {
			v["points_"+string(e)] = "loyalty.error.points"
		}
		limit, ok := wholeNumber(in.Caps[e], MaxCap)
		if !ok {
			v["cap_"+string(e)] = "loyalty.error.cap"
		}
		if points > 0 {
			r.Earn[e] = Rule{Points: points, Cap: limit}
		}
	}
	return r, v.OrNil()
}

// wholeNumber reads a number from 0 to most; blank is 0.
func wholeNumber(s string, most int) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > most {
		return 0, false
	}
	return n, true
}

func isStaff(a auth.Account) bool { return a.Role == auth.RoleOwner || a.Role == auth.RoleAdmin }
