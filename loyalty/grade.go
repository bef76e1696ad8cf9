package loyalty

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Grade is a VIP level a member reaches by the points they earned in the
// last twelve months (counting this month), with an entry reward, perks
// the brand describes, and optionally a tier it includes ("Gold includes
// Premium": the entitlement's source "grade").
type Grade struct {
	Key       string `bson:"key"` // "g1", "g2"… by rank, stable while the list keeps its order
	Name      string `bson:"name"`
	Threshold int64  `bson:"threshold"` // points earned in twelve months to reach it
	Entry     int64  `bson:"entry"`     // points given on reaching it, once a review period
	Tier      string `bson:"tier,omitempty"`
	Perks     string `bson:"perks,omitempty"`
}

// Grades are the programme's grades, lowest first, and the yearly day
// (in the site's zone) members who fell short move down: never
// overnight, only then.
type Grades struct {
	List        []Grade `bson:"list,omitempty"`
	ReviewMonth int     `bson:"reviewMonth,omitempty"`
	ReviewDay   int     `bson:"reviewDay,omitempty"`
	// Reviewed is the last review day done ("2006-01-02").
	Reviewed string `bson:"reviewed,omitempty"`
}

// MaxGrades is how many grades a programme may have.
const MaxGrades = 5

// For reached returns the highest grade earned reaches, or nil.
func (g Grades) For(earned int64) *Grade {
	var best *Grade
	for i := range g.List {
		if earned >= g.List[i].Threshold {
			best = &g.List[i]
		}
	}
	return best
}

// rank is the place of the grade key in the list, from 1; 0 for none.
func (g Grades) rank(key string) int {
	for i, x := range g.List {
		if x.Key == key {
			return i + 1
		}
	}
	return 0
}

// Find returns the grade with key, or nil.
func (g Grades) Find(key string) *Grade {
	if r := g.rank(key); r > 0 {
		return &g.List[r-1]
	}
	return nil
}

// lastReview is the latest review day on or before now, in loc.
func (g Grades) lastReview(now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	r := time.Date(t.Year(), time.Month(g.ReviewMonth), g.ReviewDay, 0, 0, 0, 0, loc)
	if r.After(t) {
		r = r.AddDate(-1, 0, 0)
	}
	return r
}

// NextReview is the first review day after now, in loc.
func (g Grades) NextReview(now time.Time, loc *time.Location) time.Time {
	return g.lastReview(now, loc).AddDate(1, 0, 0)
}

// promote moves b up to the grade its last twelve months reach, if that
// is above the one it holds, and returns the entry reward's entry
// (credited to b), or nil: an entry reward once per grade and review
// period (done holds the entries already in the ledger). Only earning
// moves a member up; Review moves them down.
func promote(b *balanceDoc, at moveAt, rules Rules, done map[string]bool) *Entry {
	g := rules.Grades.For(gradePoints(*b, at.month))
	if g == nil || rules.Grades.rank(g.Key) <= rules.Grades.rank(b.Grade) {
		return nil
	}
	b.Grade, b.GradeSince = g.Key, at.now
	if g.Entry <= 0 {
		return nil
	}
	period := rules.Grades.lastReview(at.now, at.loc).Format("2006-01-02")
	id := fmt.Sprintf("grade:%s:%s:%s", b.Account, g.Key, period)
	if done[id] {
		return nil
	}
	expires := b.earn(at, rules, g.Entry)
	b.Bonus[at.month] += g.Entry
	return &Entry{ID: id, Account: b.Account, Reason: ReasonGrade, Thing: g.Key, Points: g.Entry, Month: at.month,
		Expires: expires}
}

// GradeInput is the grades form as an admin typed it: up to MaxGrades
// rows, lowest first; a row with no name is no grade.
type GradeInput struct {
	Names, Thresholds, Entries, Tiers, Perks [MaxGrades]string
	Review                                   string // "MM-DD"
}

// MaxGradeName and MaxPerks bound what an admin types.
const (
	MaxGradeName = 40
	MaxPerks     = 300
)

// SaveGrades replaces the grades. tierExists says whether a tier key is
// one of the club's. A grade change takes effect at the next award
// (moving up) and the next review day (moving down).
func (s *Service) SaveGrades(ctx context.Context, a auth.Account, in GradeInput, tierExists func(string) bool) (Grades, error) {
	if !isStaff(a) {
		return Grades{}, ErrForbidden
	}
	g, err := parseGrades(in, tierExists)
	if err != nil {
		return Grades{}, err
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return Grades{}, err
	}
	g.Reviewed = rules.Grades.Reviewed
	_, err = s.settings.UpdateOne(ctx, bson.M{"_id": rulesID}, bson.M{"$set": bson.M{"grades": g}}, options.Update().SetUpsert(true))
	return g, err
}

// parseGrades checks the grades form: names, rising thresholds, whole
// points, a tier that exists, and a review day.
func parseGrades(in GradeInput, tierExists func(string) bool) (Grades, error) {
	v := ValidationError{}
	var g Grades
	review, err := time.Parse("01-02", strings.TrimSpace(in.Review))
	if err != nil {
		v["review"] = "loyalty.error.review"
	}
	g.ReviewMonth, g.ReviewDay = int(review.Month()), review.Day()
	if g.ReviewMonth == 2 && g.ReviewDay == 29 {
		v["review"] = "loyalty.error.review"
	}
	var last int64
	for i := range MaxGrades {
		name := strings.TrimSpace(in.Names[i])
		if name == "" {
			continue
		}
		field := func(f string) string { return fmt.Sprintf("%s_%d", f, i) }
		if utf8.RuneCountInString(name) > MaxGradeName {
			v[field("name")] = "loyalty.error.grade_name"
		}
		threshold, ok := wholeNumber(in.Thresholds[i], MaxPoints*100)
		if !ok || threshold <= 0 || int64(threshold) <= last {
			v[field("threshold")] = "loyalty.error.threshold"
		}
		last = int64(threshold)
		entry, ok := wholeNumber(in.Entries[i], MaxPoints)
		if !ok {
			v[field("entry")] = "loyalty.error.points"
		}
		tier := strings.TrimSpace(in.Tiers[i])
		if tier != "" && !tierExists(tier) {
			v[field("tier")] = "loyalty.error.tier"
		}
		perks := strings.TrimSpace(in.Perks[i])
		if utf8.RuneCountInString(perks) > MaxPerks {
			v[field("perks")] = "loyalty.error.perks"
		}
		g.List = append(g.List, Grade{Key: fmt.Sprintf("g%d", len(g.List)+1), Name: name, Threshold: int64(threshold),
			Entry: int64(entry), Tier: tier, Perks: perks})
	}
	if len(g.List) == 0 && strings.TrimSpace(in.Review) == "" {
		return Grades{}, nil // no grades: no review day needed
	}
	return g, v.OrNil()
}

// Review moves down, on the review day (or the first run after it),
// every member whose last twelve months no longer reach the grade they
// hold; and up any who reach a higher one without having earned since
// (the thresholds were lowered). The twelve months are those up to the
// review day's month, whenever the run comes.
// It reads every balance, once a year; cmd runs it daily under a lease,
// and it does nothing on other days. Run again, it moves nobody twice.
func (s *Service) Review(ctx context.Context) (moved int, err error) {
	rules, err := s.Rules(ctx)
	if err != nil || len(rules.Grades.List) == 0 {
		return 0, err
	}
	at := s.moment(ctx)
	review := rules.Grades.lastReview(at.now, at.loc)
	day := review.Format("2006-01-02")
	if rules.Grades.Reviewed >= day {
		return 0, nil
	}
	cur, err := s.balances.Find(ctx, bson.M{"grade": bson.M{"$exists": true}})
	if err != nil {
		return 0, err
	}
	var all []balanceDoc
	if err := cur.All(ctx, &all); err != nil {
		return 0, err
	}
	for _, b := range all {
		if b.Grade == "" {
			continue
		}
		var now string // the grade after
		ok, err := s.apply(ctx, b.Account, func(b *balanceDoc, at moveAt, done map[string]bool) ([]*Entry, error) {
			defer func() { now = b.Grade }()
			// As of the review day, though a run may come later.
			g := rules.Grades.For(gradePoints(*b, review.Format("2006-01")))
			key := ""
			if g != nil {
				key = g.Key
			}
			switch held, reached := rules.Grades.rank(b.Grade), rules.Grades.rank(key); {
			case reached > held: // the thresholds came down since
				if e := promote(b, at, rules, done); e != nil {
					return []*Entry{e}, nil
				}
				return []*Entry{}, nil
			case reached < held:
				b.Grade, b.GradeSince = key, at.now
				return []*Entry{}, nil
			}
			return nil, nil
		})
		if err != nil {
			return moved, err
		}
		if ok {
			moved++
			if err := s.gradeTier(ctx, b.Account, rules, now); err != nil {
				return moved, err
			}
		}
	}
	_, err = s.settings.UpdateOne(ctx, bson.M{"_id": rulesID}, bson.M{"$set": bson.M{"grades.reviewed": day}})
	return moved, err
}

// gradeTier tells membership the tier the account's grade (key, "" for
// none) includes now, if any grade includes one: the entitlement's
// source "grade".
func (s *Service) gradeTier(ctx context.Context, account auth.AccountID, rules Rules, key string) error {
	if s.d.Membership == nil || !slices.ContainsFunc(rules.Grades.List, func(g Grade) bool { return g.Tier != "" }) {
		return nil
	}
	tier := ""
	if g := rules.Grades.Find(key); g != nil {
		tier = g.Tier
	}
	return s.d.Membership.SetGradeTier(ctx, account, tier)
}
