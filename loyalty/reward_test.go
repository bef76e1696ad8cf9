package loyalty_test

import (
	"errors"
	"strings"
	"testing"

	"fanclub/auth"
	"fanclub/loyalty"
)

// reward creates a reward as the owner, failing the test on an error.
func (r *rig) reward(in loyalty.RewardInput) loyalty.Reward {
	r.t.Helper()
	if in.Name == "" {
		in.Name = "Reward"
	}
	if in.Price == "" {
		in.Price = "10"
	}
	rw, err := r.l.SaveReward(r.ctx, r.owner, "", in)
	if err != nil {
		r.t.Fatalf("save reward: %v", err)
	}
	return rw
}

// codes uploads a CSV of codes to a reward, failing the test on an error.
func (r *rig) codes(id string, csv string) int {
	r.t.Helper()
	n, err := r.l.UploadCodes(r.ctx, r.owner, id, strings.NewReader(csv))
	if err != nil {
		r.t.Fatalf("upload codes: %v", err)
	}
	return n
}

// give adds points to an account.
func (r *rig) give(a auth.Account, points string) {
	r.t.Helper()
	if _, err := r.l.Adjust(r.ctx, r.owner, a.ID, loyalty.NewToken(), loyalty.AdjustInput{Points: points, Note: "test"}); err != nil {
		r.t.Fatal(err)
	}
}

func TestRewardValidation(t *testing.T) {
	r := newRig(t)
	for _, c := range []struct {
		name  string
		in    loyalty.RewardInput
		field string
	}{
		{"price 0", loyalty.RewardInput{Name: "A", Price: "0", Kind: loyalty.KindGift}, "price"},
		{"negative price", loyalty.RewardInput{Name: "A", Price: "-5", Kind: loyalty.KindGift}, "price"},
		{"price over max", loyalty.RewardInput{Name: "A", Price: "100001", Kind: loyalty.KindGift}, "price"},
		{"no name", loyalty.RewardInput{Price: "5", Kind: loyalty.KindGift}, "name"},
		{"name not UTF-8", loyalty.RewardInput{Name: "a\xffb", Price: "5", Kind: loyalty.KindGift}, "name"},
		{"description not UTF-8", loyalty.RewardInput{Name: "A", Description: "a\xffb", Price: "5", Kind: loyalty.KindGift}, "description"},
		{"no kind", loyalty.RewardInput{Name: "A", Price: "5"}, "kind"},
		{"negative stock", loyalty.RewardInput{Name: "A", Price: "5", Kind: loyalty.KindGift, Stock: "-1"}, "stock"},
		{"unknown tier", loyalty.RewardInput{Name: "A", Price: "5", Kind: loyalty.KindPremium, Tier: "gold", Days: "30"}, "tier"},
		{"no days", loyalty.RewardInput{Name: "A", Price: "5", Kind: loyalty.KindPremium, Days: "0"}, "days"},
		{"unknown event", loyalty.RewardInput{Name: "A", Price: "5", Kind: loyalty.KindSeat, Event: "nope"}, "event"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.l.SaveReward(r.ctx, r.owner, "", c.in)
			var v loyalty.ValidationError
			if !errors.As(err, &v) || v[c.field] == "" {
				t.Fatalf("err = %v, want a fault on %s", err, c.field)
			}
		})
	}
	if _, err := r.l.SaveReward(r.ctx, r.member("m@example.com"), "", loyalty.RewardInput{Name: "A", Price: "5",
		Kind: loyalty.KindGift}); !errors.Is(err, loyalty.ErrForbidden) {
		t.Fatalf("a member saved a reward: %v", err)
	}
	rw := r.reward(loyalty.RewardInput{Name: "Mug", Description: "  <b>as typed</b>", Kind: loyalty.KindGift, Stock: "3"})
	got, err := r.l.Reward(r.ctx, rw.ID)
	if err != nil || got.Description != "  <b>as typed</b>" || got.Left != 3 || got.Price != 10 {
		t.Fatalf("reward = %+v, %v", got, err)
	}
	for _, id := range []string{"", "garbage", "0123456789abcdef01234567", rw.ID + "x"} {
		if _, err := r.l.Reward(r.ctx, id); !errors.Is(err, loyalty.ErrNotFound) {
			t.Errorf("Reward(%q) = %v, want not found", id, err)
		}
	}
}

func TestCodeFile(t *testing.T) {
	r := newRig(t)
	rw := r.reward(loyalty.RewardInput{Kind: loyalty.KindCode})
	for _, c := range []struct {
		name, csv string
		lines     []loyalty.CodeLine
		reason    string
	}{
		{"empty code", "A1\n\nA2\n,x\n", []loyalty.CodeLine{{Line: 4, Reason: "loyalty_rewards.codes.empty"}}, ""},
		{"duplicate in file", "A1\nA2\n A1 \n", []loyalty.CodeLine{{Line: 3, Reason: "loyalty_rewards.codes.duplicate", Code: "A1"}}, ""},
		{"no codes", "", nil, "loyalty_rewards.codes.none"},
		{"too big", strings.Repeat("x", loyalty.MaxCodeFile+1), nil, "loyalty_rewards.codes.too_big"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.l.UploadCodes(r.ctx, r.owner, rw.ID, strings.NewReader(c.csv))
			var fe *loyalty.CodeFileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a refused file", err)
			}
			if fe.Reason != c.reason || (c.lines != nil && (len(fe.Lines) == 0 || fe.Lines[0] != c.lines[0])) {
				t.Fatalf("refusal = %+v, want %s %+v", fe, c.reason, c.lines)
			}
		})
	}
	if n := r.codes(rw.ID, "\xef\xbb\xbfA1,first\nA2\n"); n != 2 {
		t.Fatalf("added %d", n)
	}
	_, err := r.l.UploadCodes(r.ctx, r.owner, rw.ID, strings.NewReader("B1\nA2\n"))
	var fe *loyalty.CodeFileError
	if !errors.As(err, &fe) || len(fe.Lines) != 1 || fe.Lines[0].Reason != "loyalty_rewards.codes.in_pool" || fe.Lines[0].Line != 2 {
		t.Fatalf("a code in the pool: %v %+v", err, fe)
	}
	r.codes(rw.ID, "B1\n")
	if got, _ := r.l.Reward(r.ctx, rw.ID); got.Left != 3 || got.Codes != 3 {
		t.Fatalf("pool = %+v, want 3 codes left", got)
	}
	if _, err := r.l.UploadCodes(r.ctx, r.owner, "0123456789abcdef01234567", strings.NewReader("C\n")); !errors.Is(err, loyalty.ErrNotFound) {
		t.Fatalf("upload to no reward: %v", err)
	}
}

// TestCodeOnceOnTheSite: a code uploaded to one reward is refused in any
// other's file, by line (letters in either case), and the refused file
// adds nothing: uploaded again without the code, each of its codes goes
// in.
func TestCodeOnceOnTheSite(t *testing.T) {
	r := newRig(t)
	a := r.reward(loyalty.RewardInput{Kind: loyalty.KindCode})
	b := r.reward(loyalty.RewardInput{Kind: loyalty.KindCode})
	r.codes(a.ID, "X1\nX2\n")
	_, err := r.l.UploadCodes(r.ctx, r.owner, b.ID, strings.NewReader("Y1\nx2\nY2\nX1\n"))
	var fe *loyalty.CodeFileError
	want := []loyalty.CodeLine{{Line: 2, Reason: "loyalty_rewards.codes.other_reward", Code: "x2"},
		{Line: 4, Reason: "loyalty_rewards.codes.other_reward", Code: "X1"}}
	if !errors.As(err, &fe) || len(fe.Lines) != 2 || fe.Lines[0] != want[0] || fe.Lines[1] != want[1] {
		t.Fatalf("codes of another reward: %v %+v", err, fe)
	}
	if got, _ := r.l.Reward(r.ctx, b.ID); got.Codes != 0 {
		t.Fatalf("the refused file added %d codes", got.Codes)
	}
	if n := r.codes(b.ID, "Y1\nY2\n"); n != 2 {
		t.Fatalf("added %d, want 2", n)
	}
	_, err = r.l.UploadCodes(r.ctx, r.owner, a.ID, strings.NewReader("X3\nY2\nX2\n"))
	want = []loyalty.CodeLine{{Line: 2, Reason: "loyalty_rewards.codes.other_reward", Code: "Y2"},
		{Line: 3, Reason: "loyalty_rewards.codes.in_pool", Code: "X2"}}
	if !errors.As(err, &fe) || len(fe.Lines) != 2 || fe.Lines[0] != want[0] || fe.Lines[1] != want[1] {
		t.Fatalf("codes in both pools: %v %+v", err, fe)
	}
	if n := r.codes(a.ID, "X3\n"); n != 1 {
		t.Fatalf("added %d, want 1", n)
	}
	if got, _ := r.l.Reward(r.ctx, a.ID); got.Codes != 3 {
		t.Fatalf("pool a = %+v, want 3 codes", got)
	}
}
