package loyalty_test

import (
	"fmt"
	"testing"

	"fanclub/internal/mongotest"
	"fanclub/loyalty"
)

// BenchmarkAward is one vote's award on the embedded store, for a member
// with a long history: the rules and the balance read, the entry
// inserted, the balance replaced.
func BenchmarkAward(b *testing.B) {
	r := benchRig(b)
	for i := 0; b.Loop(); i++ {
		if _, err := r.l.Award(r.ctx, r.owner.ID, loyalty.Deed{Earning: loyalty.EarnVote, Thing: fmt.Sprint("b", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatement is what /rewards reads of a member's points: the
// balance, the rules and the latest 50 entries by _id.
func BenchmarkStatement(b *testing.B) {
	r := benchRig(b)
	for b.Loop() {
		if _, err := r.l.Statement(r.ctx, r.owner.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRig is a rig whose owner earned 500 times.
func benchRig(b *testing.B) *rig {
	r := newRigOn(b, mongotest.New(b))
	r.rules(12, map[loyalty.Earning][2]int{loyalty.EarnVote: {2, 0}, loyalty.EarnPost: {10, 0}})
	for i := 0; i < 500; i++ {
		if _, err := r.l.Award(r.ctx, r.owner.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: fmt.Sprint("p", i)}); err != nil {
			b.Fatal(err)
		}
	}
	return r
}
