package loyalty_test

import (
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/internal/mongotest"
	"fanclub/loyalty"
)

// TestMyRedemptionsCostTheSameWhateverTheHistory: a member's redemptions
// page reads the same few documents, by _id, with 2 redemptions or 30,
// however many others redeemed; it lists the latest 100.
func TestMyRedemptionsCostTheSameWhateverTheHistory(t *testing.T) {
	var c opCounter
	r := newRigOn(t, mongotest.NewObserved(t, c.observe))
	r.rules(0, nil)
	ann, bob := r.member("ann@example.com"), r.member("bob@example.com")
	r.give(ann, "1000")
	r.give(bob, "1000")
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindGift, Price: "1"})
	gift := loyalty.Address{Name: "Kim", Line1: "1 Seongsu-ro", Postal: "04780", Phone: "010-1234-5678"}
	var first loyalty.Redemption
	redeem := func(n int) {
		for range n {
			r.clock.Add(time.Minute)
			for _, m := range []auth.Account{ann, bob} {
				rd, err := r.l.Redeem(r.ctx, m, rw.ID, loyalty.RedeemInput{Token: loyalty.NewToken(), Address: gift})
				if err != nil {
					t.Fatal(err)
				}
				if first.ID == "" {
					first = rd
				}
			}
		}
	}
	cost := func(want int) int {
		t.Helper()
		var mine []loyalty.Redemption
		_, reads, scans := c.during(func() {
			var err error
			if mine, err = r.l.MyRedemptions(r.ctx, ann.ID); err != nil {
				t.Fatal(err)
			}
		})
		if len(scans) > 0 {
			t.Errorf("the page scanned: %v", scans)
		}
		if len(mine) != want {
			t.Fatalf("%d redemptions listed, want %d", len(mine), want)
		}
		for i := 1; i < len(mine); i++ {
			if !mine[i].At.Before(mine[i-1].At) || mine[i].Account != ann.ID {
				t.Fatalf("redemption %d out of order or not ann's: %+v", i, mine[i])
			}
		}
		return reads
	}
	redeem(2)
	few := cost(2)
	redeem(28)
	if many := cost(30); many != few {
		t.Fatalf("the page read %d times with 2 redemptions, %d with 30; want the same", few, many)
	}
	redeem(71)
	if mine, _ := r.l.MyRedemptions(r.ctx, ann.ID); len(mine) != 100 || mine[99].ID == first.ID {
		t.Fatalf("%d listed of 101, the first among them; want the latest 100", len(mine))
	}
}
