package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/loyalty"
	"fanclub/membership"
)

// TestSettleRedemptions: a redemption whose process died after each step
// stays under way until the sweep, which completes the ones that gave
// their reward and gives back exactly what the others took; run twice,
// or over one half given back, it moves nothing more.
func TestSettleRedemptions(t *testing.T) {
	gift := loyalty.Address{Name: "Kim", Line1: "1 Seongsu-ro", Postal: "04780", Phone: "010-1234-5678"}
	for _, c := range []struct {
		step string
		kind loyalty.Kind
		done bool // the reward was given
	}{
		{"claim", loyalty.KindGift, false},
		{"spend", loyalty.KindGift, false},
		{"stock", loyalty.KindGift, false},
		{"stock", loyalty.KindCode, false},
		{"give", loyalty.KindCode, true}, // the code handed, not recorded
		{"given", loyalty.KindGift, true},
		{"spend", loyalty.KindPremium, false},
		{"stock", loyalty.KindPremium, true}, // the pass given by the sweep
		{"give", loyalty.KindPremium, true},  // the pass given, not recorded
	} {
		t.Run(c.step+"/"+string(c.kind), func(t *testing.T) {
			r := newRig(t)
			r.rules(0, nil)
			m := r.member("m@example.com")
			r.give(m, "100")
			if err := r.ms.SeedTier(r.ctx, membership.Tier{Key: "premium", Name: "Premium", Rank: 1}); err != nil {
				t.Fatal(err)
			}
			in := loyalty.RewardInput{Kind: c.kind, Price: "30", Stock: "5", Limit: "1", Tier: "premium", Days: "30"}
			rw := r.reward(in)
			if c.kind == loyalty.KindCode {
				r.codes(rw.ID, "A\nB\n")
			}
			start := r.clock.Now()
			token := loyalty.NewToken()
			redeem := func(l *loyalty.Service, token string) (loyalty.Redemption, error) {
				return l.Redeem(r.ctx, m, rw.ID, loyalty.RedeemInput{Token: token, Address: gift})
			}
			loyalty.StopAfter(r.l, c.step)
			if _, err := redeem(r.l, token); err == nil {
				t.Fatal("the redemption did not stop")
			}
			after := r.second() // the process restarted
			settle := func() int {
				t.Helper()
				n, err := after.SettleRedemptions(r.ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := settle(); n != 0 {
				t.Fatalf("settled %d redemptions under way for less than the wait", n)
			}
			r.clock.Add(11 * time.Minute)
			if c.step == "stock" {
				start = r.clock.Now() // the pass given by the sweep starts then
			}
			if n := settle(); n != 1 {
				t.Fatalf("settled %d, want 1", n)
			}
			check := func(when string) {
				t.Helper()
				got, _ := after.Reward(r.ctx, rw.ID)
				rd, err := redeem(after, token) // the token submitted again
				mine, _ := after.MyRedemptions(r.ctx, m.ID)
				claims := r.count("reward_claims", bson.M{"_id": rw.ID + ":" + string(m.ID), "n": 1})
				if c.done {
					wantTaken := 1
					if err != nil || r.balance(m) != 70 || r.ledgerSum(m) != 70 || got.Taken != wantTaken ||
						got.Redeemed != 1 || claims != 1 || len(mine) != 1 || (c.kind == loyalty.KindCode && rd.Code != "A") {
						t.Fatalf("%s: %+v %v, balance %d, reward %+v, claims %d, mine %d; want it done", when, rd, err,
							r.balance(m), got, claims, len(mine))
					}
					if c.kind == loyalty.KindPremium {
						e, err := r.ms.Entitlement(r.ctx, m.ID)
						if until := start.AddDate(0, 0, 30); err != nil || !e.Until.Equal(until) || !rd.Until.Equal(until) {
							t.Fatalf("%s: entitlement %+v, redemption until %v (%v); want one pass of 30 days", when, e, rd.Until, err)
						}
					}
					return
				}
				wantTaken := 0
				if c.kind == loyalty.KindCode && c.step == "stock" {
					wantTaken = 1 // a code slot is not given back
				}
				if !errors.Is(err, loyalty.ErrFailed) || r.balance(m) != 100 || r.ledgerSum(m) != 100 ||
					got.Taken != wantTaken || got.Redeemed != 0 || claims != 0 || len(mine) != 0 {
					t.Fatalf("%s: %v, balance %d, reward %+v, claims %d, mine %d; want all given back", when, err,
						r.balance(m), got, claims, len(mine))
				}
			}
			check("settled")
			if n := settle(); n != 0 {
				t.Fatalf("settled %d again", n)
			}
			check("settled twice")
			if !c.done {
				// A sweep that died after giving back, before recording it.
				if _, err := r.db.Collection("redemptions").UpdateOne(r.ctx, bson.M{"_id": token},
					bson.M{"$set": bson.M{"state": loyalty.StatePending}}); err != nil {
					t.Fatal(err)
				}
				if n := settle(); n != 1 {
					t.Fatalf("settled %d, want 1", n)
				}
				check("given back twice")
				// The limit of one is free again.
				if _, err := redeem(after, loyalty.NewToken()); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
