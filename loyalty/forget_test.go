package loyalty_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/loyalty"
)

// TestForgetAccount: a deleted account's points, ledger and referral
// link are gone, twice over without an error; another member's stay.
func TestForgetAccount(t *testing.T) {
	r := newRig(t)
	ann, bob := r.member("ann@example.com"), r.member("bob@example.com")
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnPost: {10, 0}})
	for _, a := range []string{string(ann.ID), string(bob.ID)} {
		if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: a}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.l.Award(r.ctx, bob.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: "b"}); err != nil {
		t.Fatal(err)
	}
	link, err := r.l.Referral(r.ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := r.l.ForgetAccount(r.ctx, ann.ID); err != nil {
			t.Fatal(err)
		}
	}
	for coll, filter := range map[string]bson.M{"points": {"_id": ann.ID}, "points_ledger": {"account": ann.ID},
		"referrers": {"_id": ann.ID}, "referral_codes": {"_id": link.Code}} {
		if n := r.count(coll, filter); n != 0 {
			t.Errorf("%s keeps %d of the deleted account's", coll, n)
		}
	}
	if st := r.statement(bob); st.Balance != 10 || r.ledgerSum(bob) != 10 {
		t.Fatalf("bob's points after ann left: %d, ledger %d; want 10", st.Balance, r.ledgerSum(bob))
	}
}
