package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"fanclub/loyalty"
	"fanclub/membership"
)

// grades are Bronze at 100 points a year, Silver at 300 (with 50 entry
// points) and Gold at 1,000 (including the premium tier), reviewed on 1
// January.
func (r *rig) grades() {
	r.t.Helper()
	in := loyalty.GradeInput{Names: [5]string{"Bronze", "Silver", "Gold"}, Thresholds: [5]string{"100", "300", "1000"},
		Entries: [5]string{"", "50", ""}, Tiers: [5]string{"", "", ""}, Review: "01-01"}
	if _, err := r.l.SaveGrades(r.ctx, r.owner, in, func(string) bool { return true }); err != nil {
		r.t.Fatal(err)
	}
}

// TestGradesGoUpAtOnceAndDownOnlyAtTheReview: earning moves a member up
// the moment the last twelve months reach a grade, with its entry reward
// once; the points leaving the twelve months move them down only on the
// review day.
func TestGradesGoUpAtOnceAndDownOnlyAtTheReview(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnPost: {100, 0}})
	r.grades()
	award := func(thing string) {
		t.Helper()
		if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: thing}); err != nil {
			t.Fatal(err)
		}
	}
	grade := func() string {
		t.Helper()
		st := r.statement(ann)
		if st.Grade == nil {
			return ""
		}
		return st.Grade.Name
	}
	award("p1")
	if g := grade(); g != "Bronze" {
		t.Fatalf("at 100 points: %q, want Bronze", g)
	}
	award("p2")
	award("p3") // 300: Silver, and its 50 entry points
	if g, b := grade(), r.statement(ann).Balance; g != "Silver" || b != 350 {
		t.Fatalf("at 300 points: %q with %d, want Silver with 350", g, b)
	}
	st := r.statement(ann)
	// Silver's entry points are points to spend, not towards Gold.
	if st.Next == nil || st.Next.Name != "Gold" || st.ToNext != 1000-300 {
		t.Fatalf("next grade %+v, %d to go; want Gold, 700", st.Next, st.ToNext)
	}
	// Spending does not move a grade: it is what was earned.
	if _, err := r.l.Spend(r.ctx, ann.ID, "redeem:1", "x", 300); err != nil {
		t.Fatal(err)
	}
	if g := grade(); g != "Silver" {
		t.Fatalf("after spending: %q, want Silver", g)
	}
	// December 2027: the points have left the twelve months, but the
	// review of 1 January 2027 (run late, as of its day) found them in.
	r.clock.Set(time.Date(2027, 12, 20, 3, 0, 0, 0, time.UTC))
	if n, err := r.l.Review(r.ctx); err != nil || n != 0 {
		t.Fatalf("review in December 2027 moved %d (%v): the 2027 review day found her within her year", n, err)
	}
	if g := grade(); g != "Silver" {
		t.Fatalf("a year on, before the review day: %q, want still Silver", g)
	}
	r.clock.Set(time.Date(2027, 12, 31, 16, 0, 0, 0, time.UTC)) // 1 January 2028 in Seoul
	for i := 0; i < 2; i++ {
		if _, err := r.l.Review(r.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if g := grade(); g != "" {
		t.Fatalf("after the 2028 review: %q, want no grade", g)
	}
}

// TestGradeFormRefusesBadInput: thresholds must rise, a tier must
// exist, a review day must be a day.
func TestGradeFormRefusesBadInput(t *testing.T) {
	r := newRig(t)
	for _, in := range []loyalty.GradeInput{
		{Names: [5]string{"Bronze", "Silver"}, Thresholds: [5]string{"300", "100"}, Review: "01-01"},
		{Names: [5]string{"Gold"}, Thresholds: [5]string{"-1"}, Review: "01-01"},
		{Names: [5]string{"Gold"}, Thresholds: [5]string{"100"}, Tiers: [5]string{"platinum"}, Review: "01-01"},
		{Names: [5]string{"Gold"}, Thresholds: [5]string{"100"}, Review: "13-40"},
		{Names: [5]string{"Gold"}, Thresholds: [5]string{"100"}, Review: "02-29"},
	} {
		var v loyalty.ValidationError
		if _, err := r.l.SaveGrades(r.ctx, r.owner, in, func(k string) bool { return k == "premium" }); !errors.As(err, &v) {
			t.Errorf("grades %+v: %v, want refused", in, err)
		}
	}
}

// TestGradeIncludesATier: "Gold includes Premium": reaching Gold gives
// the premium tier with the source "grade", and the review that moves
// the member down takes it away.
func TestGradeIncludesATier(t *testing.T) {
	r := newRig(t)
	if err := r.ms.SeedTier(r.ctx, membership.Tier{Key: "premium", Name: "Premium", Rank: 1}); err != nil {
		t.Fatal(err)
	}
	ann := r.member("ann@example.com")
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnPost: {100, 0}})
	in := loyalty.GradeInput{Names: [5]string{"Silver", "Gold"}, Thresholds: [5]string{"100", "200"},
		Tiers: [5]string{"", "premium"}, Review: "01-01"}
	if _, err := r.l.SaveGrades(r.ctx, r.owner, in, func(k string) bool { return k == "premium" }); err != nil {
		t.Fatal(err)
	}
	entitled := func() membership.Entitlement {
		t.Helper()
		e, err := r.ms.Entitlement(r.ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, thing := range []string{"p1", "p2"} {
		if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: thing}); err != nil {
			t.Fatal(err)
		}
	}
	if e := entitled(); e.Tier.Key != "premium" || e.Source != membership.SourceGrade {
		t.Fatalf("at Gold: %+v, want premium from the grade", e)
	}
	r.clock.Set(time.Date(2028, 1, 1, 3, 0, 0, 0, time.UTC))
	if _, err := r.l.Review(r.ctx); err != nil {
		t.Fatal(err)
	}
	if e := entitled(); e.Premium() {
		t.Fatalf("after the review moved her down: %+v, want free", e)
	}
}

// TestEntryRewardsDoNotLiftTheGrade: a grade's entry points are points
// to spend, not points towards the next grade: one post cannot cascade
// a member up, and taking the post back leaves them no grade at the
// review.
func TestEntryRewardsDoNotLiftTheGrade(t *testing.T) {
	r := newRig(t)
	ann := r.member("ann@example.com")
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnPost: {100, 0}})
	in := loyalty.GradeInput{Names: [5]string{"Bronze", "Silver"}, Thresholds: [5]string{"100", "500"},
		Entries: [5]string{"500", "500"}, Review: "01-01"}
	if _, err := r.l.SaveGrades(r.ctx, r.owner, in, func(string) bool { return true }); err != nil {
		t.Fatal(err)
	}
	for _, thing := range []string{"p1", "p2"} {
		if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: thing}); err != nil {
			t.Fatal(err)
		}
	}
	st := r.statement(ann)
	if st.Grade == nil || st.Grade.Name != "Bronze" || st.Earned12 != 200 || st.Balance != 700 {
		t.Fatalf("grade %+v, earned %d, balance %d; want Bronze on 200, 700 to spend", st.Grade, st.Earned12, st.Balance)
	}
	for _, thing := range []string{"p1", "p2"} {
		if _, err := r.l.Unaward(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnPost, Thing: thing}); err != nil {
			t.Fatal(err)
		}
	}
	r.clock.Set(time.Date(2027, 1, 1, 3, 0, 0, 0, time.UTC))
	if _, err := r.l.Review(r.ctx); err != nil {
		t.Fatal(err)
	}
	if st := r.statement(ann); st.Grade != nil {
		t.Fatalf("after the posts were taken back and the review: %+v, want no grade", st.Grade)
	}
}
