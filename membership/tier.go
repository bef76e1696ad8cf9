package membership

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stripe/stripe-go/v76"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Tier is a level of membership. Free is rank 0 and is not stored: an
// account with no entitlement has it.
type Tier struct {
	Key         string    `bson:"_id"`  // what groups and events name, e.g. "premium"
	Name        string    `bson:"name"` // what members read
	Description string    `bson:"description"`
	Perks       []string  `bson:"perks"`
	Rank        int       `bson:"rank"` // 1 and up; a higher rank includes every lower one
	Monthly     Price     `bson:"monthly"`
	Yearly      Price     `bson:"yearly"`
	TrialDays   int       `bson:"trialDays"`
	UpdatedAt   time.Time `bson:"updatedAt"`
}

// Price is a Stripe price as Stripe described it when the tier was saved.
type Price struct {
	ID            string `bson:"id,omitempty"`
	Amount        int64  `bson:"amount,omitempty"` // in the currency's smallest unit
	Currency      string `bson:"currency,omitempty"`
	Interval      string `bson:"interval,omitempty"` // day, week, month or year
	IntervalCount int64  `bson:"intervalCount,omitempty"`
}

// Set reports whether the price exists.
func (p Price) Set() bool { return p.ID != "" }

// MonthlyAmount is the price spread over a month, in the smallest unit.
func (p Price) MonthlyAmount() int64 { return monthly(p.Amount, p.Interval, p.IntervalCount) }

// monthly turns an amount per interval into an amount per month.
func monthly(amount int64, interval string, count int64) int64 {
	if count <= 0 {
		count = 1
	}
	switch interval {
	case "year":
		return amount / (12 * count)
	case "week":
		return amount * 52 / (12 * count)
	case "day":
		return amount * 365 / (12 * count)
	default:
		return amount / count
	}
}

// Free is the tier of everyone without an entitlement.
var Free = Tier{Key: "", Rank: 0}

// ForSale reports whether the tier can be bought.
func (t Tier) ForSale() bool { return t.Monthly.Set() || t.Yearly.Set() }

// Price returns the tier's price for an interval ("month" or "year").
func (t Tier) Price(interval string) (Price, bool) {
	switch interval {
	case "month":
		return t.Monthly, t.Monthly.Set()
	case "year":
		return t.Yearly, t.Yearly.Set()
	}
	return Price{}, false
}

// TierInput is a tier as an admin typed it.
type TierInput struct {
	Key          string
	Name         string
	Description  string
	Perks        string // one per line
	Rank         string
	MonthlyPrice string // Stripe price ids
	YearlyPrice  string
	TrialDays    string
}

// Limits of a tier's text.
const (
	maxTierName = 60
	maxTierDesc = 1000
	maxPerks    = 12
	maxPerk     = 120
)

var tierKey = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// parse checks what does not need Stripe and returns the tier without
// its prices' details.
func (in TierInput) parse() (Tier, ValidationError) {
	v := ValidationError{}
	t := Tier{Key: strings.ToLower(strings.TrimSpace(in.Key)), Name: strings.TrimSpace(in.Name),
		Description: strings.TrimSpace(in.Description)}
	if !tierKey.MatchString(t.Key) || t.Key == "free" {
		v["key"] = "tier.error.key"
	}
	if t.Name == "" || utf8.RuneCountInString(t.Name) > maxTierName {
		v["name"] = "tier.error.name"
	}
	if utf8.RuneCountInString(t.Description) > maxTierDesc {
		v["description"] = "tier.error.description"
	}
	for _, line := range strings.Split(in.Perks, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			t.Perks = append(t.Perks, line)
			if utf8.RuneCountInString(line) > maxPerk {
				v["perks"] = "tier.error.perks"
			}
		}
	}
	if len(t.Perks) > maxPerks {
		v["perks"] = "tier.error.perks"
	}
	rank, err := strconv.Atoi(strings.TrimSpace(in.Rank))
	if err != nil || rank < 1 || rank > 100 {
		v["rank"] = "tier.error.rank"
	}
	t.Rank = rank
	trial := 0
	if s := strings.TrimSpace(in.TrialDays); s != "" {
		trial, err = strconv.Atoi(s)
		if err != nil || trial < 0 || trial > 365 {
			v["trialDays"] = "tier.error.trial"
		}
	}
	t.TrialDays = trial
	t.Monthly.ID, t.Yearly.ID = strings.TrimSpace(in.MonthlyPrice), strings.TrimSpace(in.YearlyPrice)
	for field, id := range map[string]string{"monthlyPrice": t.Monthly.ID, "yearlyPrice": t.Yearly.ID} {
		if len(id) > 100 || strings.ContainsAny(id, " /?#") {
			v[field] = "tier.error.price_unknown"
		}
	}
	if t.Monthly.ID != "" && t.Monthly.ID == t.Yearly.ID {
		v["yearlyPrice"] = "tier.error.price_twice"
	}
	return t, v
}

// SaveTier creates a tier (key "" in the URL) or replaces the one named
// key. Each price id is checked against Stripe: it must exist and be
// recurring. A tier's key never changes once made, since groups and
// events name it.
func (s *Service) SaveTier(ctx context.Context, a auth.Account, key string, in TierInput) (Tier, error) {
	if err := requireStaff(a); err != nil {
		return Tier{}, err
	}
	if key != "" {
		in.Key = key
	}
	t, v := in.parse()
	all, err := s.Tiers(ctx)
	if err != nil {
		return Tier{}, err
	}
	var old *Tier
	for i := range all {
		o := all[i]
		if o.Key == t.Key {
			old = &all[i]
			continue
		}
		if o.Rank == t.Rank {
			v["rank"] = "tier.error.rank_taken"
		}
		for field, id := range map[string]string{"monthlyPrice": t.Monthly.ID, "yearlyPrice": t.Yearly.ID} {
			if id != "" && (o.Monthly.ID == id || o.Yearly.ID == id) {
				v[field] = "tier.error.price_taken"
			}
		}
	}
	if key == "" && old != nil {
		v["key"] = "tier.error.key_taken"
	}
	if key != "" && old == nil {
		return Tier{}, ErrNotFound
	}
	if len(v) == 0 {
		s.checkPrice(ctx, &t.Monthly, "monthlyPrice", v)
		s.checkPrice(ctx, &t.Yearly, "yearlyPrice", v)
	}
	if err := v.OrNil(); err != nil {
		return t, err
	}
	t.UpdatedAt = s.now()
	if key == "" {
		_, err = s.tiers.InsertOne(ctx, t)
		if mongo.IsDuplicateKeyError(err) {
			return t, ValidationError{"key": "tier.error.key_taken"}
		}
	} else {
		_, err = s.tiers.ReplaceOne(ctx, bson.M{"_id": t.Key}, t)
	}
	if err != nil {
		return Tier{}, err
	}
	s.dropTierCache()
	return t, nil
}

// checkPrice asks Stripe about a price id and fills in what it says. A
// price Stripe does not know, or one that is not recurring, is refused.
func (s *Service) checkPrice(ctx context.Context, p *Price, field string, v ValidationError) {
	if p.ID == "" {
		return
	}
	if s.stripe == nil {
		v[field] = "tier.error.billing_off"
		return
	}
	params := &stripe.PriceParams{}
	params.Context = ctx
	sp, err := s.stripe.Prices.Get(p.ID, params)
	var se *stripe.Error
	switch {
	case errors.As(err, &se) && (se.HTTPStatusCode == 404 || se.Code == stripe.ErrorCodeResourceMissing):
		v[field] = "tier.error.price_unknown"
		return
	case err != nil:
		s.log.WarnContext(ctx, "stripe: price lookup failed", "price", p.ID, "err", err)
		v[field] = "tier.error.stripe"
		return
	}
	if sp.Type != stripe.PriceTypeRecurring || sp.Recurring == nil {
		v[field] = "tier.error.price_not_recurring"
		return
	}
	p.Amount, p.Currency = sp.UnitAmount, string(sp.Currency)
	p.Interval, p.IntervalCount = string(sp.Recurring.Interval), sp.Recurring.IntervalCount
}

// tierCache keeps the tiers a minute: every request asks for them (the
// entitlement's rank), and they change when an admin saves one. Another
// instance sees a save within the minute.
type tierCache struct {
	list []Tier
	at   time.Time
}

const tierCacheTTL = time.Minute

// Tiers returns every tier, lowest rank first.
func (s *Service) Tiers(ctx context.Context) ([]Tier, error) {
	now := s.now()
	s.mu.Lock()
	c := s.tierCache
	s.mu.Unlock()
	if c.list != nil && now.Sub(c.at) < tierCacheTTL && !now.Before(c.at) {
		return c.list, nil
	}
	cur, err := s.tiers.Find(ctx, bson.M{}, options.Find().SetLimit(200))
	if err != nil {
		return nil, err
	}
	list := []Tier{}
	if err := cur.All(ctx, &list); err != nil {
		return nil, err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Rank < list[j].Rank })
	s.mu.Lock()
	s.tierCache = tierCache{list: list, at: now}
	s.mu.Unlock()
	return list, nil
}

func (s *Service) dropTierCache() {
	s.mu.Lock()
	s.tierCache, s.badges = tierCache{}, nil // badges carry tier names
	s.mu.Unlock()
}

// Tier returns the tier named key.
func (s *Service) Tier(ctx context.Context, key string) (Tier, error) {
	all, err := s.Tiers(ctx)
	if err != nil {
		return Tier{}, err
	}
	if t, ok := tierByKey(all, key); ok {
		return t, nil
	}
	return Tier{}, ErrNotFound
}

// highestTier finds, among a Stripe object's prices (a subscription's
// items, an invoice's lines), the one of this site's highest tier: its
// index, or -1 when none is ours.
func highestTier(all []Tier, prices []*stripe.Price) (int, Tier) {
	at, best := -1, Tier{}
	for i, p := range prices {
		if p == nil || p.ID == "" {
			continue
		}
		for _, t := range all {
			if (t.Monthly.ID == p.ID || t.Yearly.ID == p.ID) && (at < 0 || t.Rank > best.Rank) {
				at, best = i, t
			}
		}
	}
	return at, best
}

// monthlyOf is a Stripe price times a quantity, spread over a month.
func monthlyOf(p *stripe.Price, qty int64) int64 {
	if p.Recurring == nil {
		return 0
	}
	return monthly(p.UnitAmount*max(qty, 1), string(p.Recurring.Interval), p.Recurring.IntervalCount)
}

// TierInputOf is the form of an existing tier, for editing.
func TierInputOf(t Tier) TierInput {
	in := TierInput{Key: t.Key, Name: t.Name, Description: t.Description, Perks: strings.Join(t.Perks, "\n"),
		Rank: strconv.Itoa(t.Rank), MonthlyPrice: t.Monthly.ID, YearlyPrice: t.Yearly.ID}
	if t.TrialDays > 0 {
		in.TrialDays = strconv.Itoa(t.TrialDays)
	}
	return in
}
