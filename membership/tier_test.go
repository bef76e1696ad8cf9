package membership_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/membership"
)

// goldInput is a valid new tier; each case below spoils one field.
func goldInput() membership.TierInput {
	return membership.TierInput{Key: "gold", Name: "Gold", Description: "For regulars", Perks: "Early access\nTasting nights",
		Rank: "5", MonthlyPrice: "price_gold_month", YearlyPrice: "price_gold_year", TrialDays: "7"}
}

// TestSaveTierRefuses: each input is wrong in one field, and the answer
// names that field alone, with its message key. Stripe is asked about
// prices only once everything else is right. (stripe-mock knows every
// price id and calls each one recurring, so "unknown" and "not
// recurring" prices cannot be produced here without faking Stripe.)
func TestSaveTierRefuses(t *testing.T) {
	r := newRig(t) // premium: rank 1, price_premium_month and price_premium_year
	cases := []struct {
		name  string
		edit  func(*membership.TierInput)
		field string
		msg   string
	}{
		{"no key", func(in *membership.TierInput) { in.Key = "" }, "key", "tier.error.key"},
		{"a key with a space", func(in *membership.TierInput) { in.Key = "gold club" }, "key", "tier.error.key"},
		{"a key starting with a dash", func(in *membership.TierInput) { in.Key = "-gold" }, "key", "tier.error.key"},
		{"a key with a slash", func(in *membership.TierInput) { in.Key = "gold/x" }, "key", "tier.error.key"},
		{"a key of 41 characters", func(in *membership.TierInput) { in.Key = strings.Repeat("g", 41) }, "key", "tier.error.key"},
		{"a Korean key", func(in *membership.TierInput) { in.Key = "골드" }, "key", "tier.error.key"},
		{"the key free", func(in *membership.TierInput) { in.Key = "free" }, "key", "tier.error.key"},
		{"the key FREE", func(in *membership.TierInput) { in.Key = " FREE " }, "key", "tier.error.key"},
		{"another tier's key", func(in *membership.TierInput) { in.Key = "premium" }, "key", "tier.error.key_taken"},
		{"no name", func(in *membership.TierInput) { in.Name = "  " }, "name", "tier.error.name"},
		{"a name of 61 characters", func(in *membership.TierInput) { in.Name = strings.Repeat("골", 61) }, "name", "tier.error.name"},
		{"a description of 1001 characters", func(in *membership.TierInput) { in.Description = strings.Repeat("d", 1001) },
			"description", "tier.error.description"},
		{"rank 0", func(in *membership.TierInput) { in.Rank = "0" }, "rank", "tier.error.rank"},
		{"rank 101", func(in *membership.TierInput) { in.Rank = "101" }, "rank", "tier.error.rank"},
		{"rank -1", func(in *membership.TierInput) { in.Rank = "-1" }, "rank", "tier.error.rank"},
		{"no rank", func(in *membership.TierInput) { in.Rank = "" }, "rank", "tier.error.rank"},
		{"a rank in words", func(in *membership.TierInput) { in.Rank = "two" }, "rank", "tier.error.rank"},
		{"another tier's rank", func(in *membership.TierInput) { in.Rank = "1" }, "rank", "tier.error.rank_taken"},
		{"another tier's monthly price as monthly", func(in *membership.TierInput) { in.MonthlyPrice = "price_premium_month" },
			"monthlyPrice", "tier.error.price_taken"},
		{"another tier's yearly price as monthly", func(in *membership.TierInput) { in.MonthlyPrice = "price_premium_year" },
			"monthlyPrice", "tier.error.price_taken"},
		{"another tier's monthly price as yearly", func(in *membership.TierInput) { in.YearlyPrice = "price_premium_month" },
			"yearlyPrice", "tier.error.price_taken"},
		{"one price twice", func(in *membership.TierInput) { in.YearlyPrice = in.MonthlyPrice }, "yearlyPrice", "tier.error.price_twice"},
		{"a price id with a space", func(in *membership.TierInput) { in.MonthlyPrice = "price gold" }, "monthlyPrice", "tier.error.price_unknown"},
		{"a price id with a slash", func(in *membership.TierInput) { in.YearlyPrice = "../customers" }, "yearlyPrice", "tier.error.price_unknown"},
		{"a trial of -1 days", func(in *membership.TierInput) { in.TrialDays = "-1" }, "trialDays", "tier.error.trial"},
		{"a trial of 366 days", func(in *membership.TierInput) { in.TrialDays = "366" }, "trialDays", "tier.error.trial"},
		{"a trial in words", func(in *membership.TierInput) { in.TrialDays = "a week" }, "trialDays", "tier.error.trial"},
		{"13 perks", func(in *membership.TierInput) { in.Perks = strings.Repeat("perk\n", 13) }, "perks", "tier.error.perks"},
		{"a perk of 121 characters", func(in *membership.TierInput) { in.Perks = "ok\n" + strings.Repeat("p", 121) },
			"perks", "tier.error.perks"},
	}
	for _, c := range cases {
		in := goldInput()
		c.edit(&in)
		saved, err := r.m.SaveTier(r.ctx, r.admin, "", in)
		var v membership.ValidationError
		if !errors.As(err, &v) {
			t.Errorf("%s: %v, want a ValidationError", c.name, err)
			if err == nil { // take it back, so the next cases meet the same tiers
				if _, err := r.db.Collection("tiers").DeleteOne(r.ctx, bson.M{"_id": saved.Key}); err != nil {
					t.Fatal(err)
				}
				r.clock.Add(time.Minute) // past the tiers' cache
			}
			continue
		}
		if len(v) != 1 || v[c.field] != c.msg {
			t.Errorf("%s: %v, want only %s: %s", c.name, map[string]string(v), c.field, c.msg)
		}
	}
	if keys := tierKeys(r); keys != "premium" {
		t.Errorf("tiers after refusals: %s", keys)
	}
	if n := len(r.rec.Requests("GET", "/v1/prices/price_gold")); n != 0 {
		t.Errorf("Stripe was asked about %d prices of refused tiers", n)
	}
}

func tierKeys(r *rig) string {
	r.t.Helper()
	all, err := r.m.Tiers(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	var keys []string
	for _, t := range all {
		keys = append(keys, t.Key)
	}
	return strings.Join(keys, " ")
}

func TestSaveTierAtTheLimits(t *testing.T) {
	r := newRig(t)
	cases := []func(*membership.TierInput){
		func(in *membership.TierInput) { in.Key, in.Rank, in.Name = "g", "100", strings.Repeat("골", 60) },
		func(in *membership.TierInput) {
			in.Key, in.Rank, in.TrialDays = strings.Repeat("g", 40), "2", "365"
			in.MonthlyPrice, in.YearlyPrice = "price_g40", ""
		},
		func(in *membership.TierInput) {
			in.Key, in.Rank, in.TrialDays, in.Perks = "gold-2", "3", "0", strings.Repeat("perk\n\n", 12)
			in.MonthlyPrice, in.YearlyPrice = "", ""
		},
		func(in *membership.TierInput) {
			in.Key, in.Rank, in.Perks = " Gold-3 ", "4", strings.Repeat("p", 120)
			in.MonthlyPrice, in.YearlyPrice = " price_g3_month ", "price_g3_year"
		},
	}
	for i, edit := range cases {
		in := goldInput()
		edit(&in)
		if _, err := r.m.SaveTier(r.ctx, r.admin, "", in); err != nil {
			t.Errorf("case %d: %v", i, err)
		}
	}
	if keys := tierKeys(r); keys != "premium "+strings.Repeat("g", 40)+" gold-2 gold-3 g" {
		t.Errorf("tiers by rank: %s", keys)
	}
	g3, err := r.m.Tier(r.ctx, "gold-3")
	if err != nil {
		t.Fatal(err)
	}
	// Stripe's answer fills in the price: stripe-mock calls every price
	// 2000 usd a month.
	if g3.Monthly.ID != "price_g3_month" || g3.Monthly.Amount != 2000 || g3.Monthly.Currency != "usd" || g3.Monthly.Interval != "month" {
		t.Errorf("monthly price %+v", g3.Monthly)
	}
	if reqs := r.rec.Requests("GET", "/v1/prices/price_g3_month"); len(reqs) != 1 || reqs[0].Status != 200 {
		t.Errorf("price lookups %+v", reqs)
	}
}

func TestSaveTierEditing(t *testing.T) {
	r := newRig(t)
	r.tier(goldInput())
	premium, err := r.m.Tier(r.ctx, "premium")
	if err != nil {
		t.Fatal(err)
	}
	// The form of a tier saves as it is: its own rank and prices are not
	// "taken".
	in := membership.TierInputOf(premium)
	in.Name, in.Key = "Premium+", "renamed"
	saved, err := r.m.SaveTier(r.ctx, r.admin, "premium", in)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Key != "premium" || saved.Name != "Premium+" {
		t.Errorf("saved %q %q, want the key kept and the name changed", saved.Key, saved.Name)
	}
	if keys := tierKeys(r); keys != "premium gold" {
		t.Errorf("tiers after the edit: %s", keys)
	}
	if got, _ := r.m.Tier(r.ctx, "premium"); got.Name != "Premium+" || !slices.Equal(got.Perks, premium.Perks) {
		t.Errorf("read back %q, perks %v", got.Name, got.Perks)
	}

	in.Rank = "5"
	_, err = r.m.SaveTier(r.ctx, r.admin, "premium", in)
	var v membership.ValidationError
	if !errors.As(err, &v) || v["rank"] != "tier.error.rank_taken" {
		t.Errorf("taking gold's rank: %v", err)
	}
	if _, err := r.m.SaveTier(r.ctx, r.admin, "platinum", goldInput()); !errors.Is(err, membership.ErrNotFound) {
		t.Errorf("editing a tier that does not exist: %v, want ErrNotFound", err)
	}

	m := r.member("minji@example.com")
	before := tierKeys(r)
	if _, err := r.m.SaveTier(r.ctx, m, "", membership.TierInput{Key: "mine", Name: "Mine", Rank: "9"}); !errors.Is(err, membership.ErrForbidden) {
		t.Errorf("a member creating a tier: %v, want ErrForbidden", err)
	}
	if _, err := r.m.SaveTier(r.ctx, m, "premium", membership.TierInputOf(saved)); !errors.Is(err, membership.ErrForbidden) {
		t.Errorf("a member editing a tier: %v, want ErrForbidden", err)
	}
	if after := tierKeys(r); after != before {
		t.Errorf("tiers %s after refusals, were %s", after, before)
	}
}
