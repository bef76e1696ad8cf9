package loyalty_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/loyalty"
)

// referRig is a rig with the referral rewards on (50 points each) and a
// referrer, Ann, with her code.
type referRig struct {
	*rig
	ann  auth.Account
	code string
}

func newReferRig(t *testing.T) *referRig {
	r := newRig(t)
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnReferral: {50, 0}})
	ann := r.member("ann@example.com")
	sum, err := r.l.Referral(r.ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Code) < 10 {
		t.Fatalf("code %q: too short to be unguessable", sum.Code)
	}
	r.group("tea", ann)
	return &referRig{rig: r, ann: ann, code: sum.Code}
}

// refer records that friend signed up (new) through Ann's link from ip.
func (r *referRig) refer(friend auth.Account, created bool, ip string) loyalty.Referral {
	r.t.Helper()
	ref, err := r.l.Refer(r.ctx, loyalty.Signup{Code: r.code, Friend: friend.ID, Created: created, IP: ip})
	if err != nil {
		r.t.Fatal(err)
	}
	return ref
}

// post has a joins the tea group and post in it: taking part.
func (r *referRig) post(a auth.Account) {
	r.t.Helper()
	me := community.Actor{Account: a}
	if _, err := r.cm.Join(r.ctx, me, "tea", ""); err != nil && !errors.Is(err, community.ErrConflict) {
		r.t.Fatal(err)
	}
	if _, err := r.cm.CreatePost(r.ctx, me, "tea", "Hello from "+a.Name); err != nil {
		r.t.Fatal(err)
	}
}

func (r *referRig) referral(friend auth.Account) loyalty.Referral {
	r.t.Helper()
	var ref loyalty.Referral
	if err := r.db.Collection("referrals").FindOne(r.ctx, bson.M{"_id": friend.ID}).Decode(&ref); err != nil {
		r.t.Fatal(err)
	}
	return ref
}

func (r *referRig) balances(want map[auth.Account]int64) {
	r.t.Helper()
	for a, n := range want {
		if got := r.statement(a).Balance; got != n {
			r.t.Errorf("%s's balance = %d, want %d", a.Name, got, n)
		}
	}
}

func (r *referRig) summary(joined, qualified int) {
	r.t.Helper()
	sum, err := r.l.Referral(r.ctx, r.ann.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	if sum.Code != r.code || sum.Joined != joined || sum.Qualified != qualified {
		r.t.Errorf("summary %+v, want code %s, %d joined, %d qualified", sum, r.code, joined, qualified)
	}
}

func flagKeys(ref loyalty.Referral) []string {
	var out []string
	for _, f := range ref.Flags {
		out = append(out, f.Key)
	}
	return out
}

// TestReferralRecordedOnce: a newcomer through the link is referred
// once, pending, unflagged; the code stays the member's; a member's own
// link and an unknown code are refused.
func TestReferralRecordedOnce(t *testing.T) {
	r := newReferRig(t)
	bob := r.member("bob@example.com")
	ref := r.refer(bob, true, "203.0.113.7")
	if ref.Status != loyalty.ReferralPending || len(ref.Flags) != 0 || ref.Referrer != r.ann.ID || ref.Network != "203.0.113.0/24" {
		t.Fatalf("referral %+v: want pending, unflagged, Ann's, from 203.0.113.0/24", ref)
	}
	if again := r.refer(bob, false, "198.51.100.1"); again.Status != loyalty.ReferralPending || again.Network != ref.Network {
		t.Fatalf("second referral of Bob changed it: %+v", again)
	}
	r.summary(1, 0)
	if got, err := r.l.Referrer(r.ctx, r.code); err != nil || got.ID != r.ann.ID {
		t.Fatalf("Referrer(code) = %v, %v; want Ann", got.ID, err)
	}

	_, err := r.l.Refer(r.ctx, loyalty.Signup{Code: r.code, Friend: r.ann.ID, Created: false, IP: "203.0.113.8"})
	if !errors.Is(err, loyalty.ErrSelfReferral) {
		t.Fatalf("Ann through her own link: %v, want ErrSelfReferral", err)
	}
	for _, code := range []string{"", "nope", "aaaaaaaaaaaa", r.code + "x"} {
		if _, err := r.l.Refer(r.ctx, loyalty.Signup{Code: code, Friend: bob.ID, Created: true}); !errors.Is(err, loyalty.ErrNotFound) {
			t.Errorf("code %q: %v, want ErrNotFound", code, err)
		}
		if _, err := r.l.Referrer(r.ctx, code); !errors.Is(err, loyalty.ErrNotFound) {
			t.Errorf("Referrer(%q): %v, want ErrNotFound", code, err)
		}
	}
	if n, _ := r.db.Collection("referrals").CountDocuments(r.ctx, bson.M{}); n != 1 {
		t.Fatalf("%d referrals, want 1", n)
	}

	// A member who left: their link leads nowhere.
	if err := r.au.DeleteAccount(r.ctx, r.ann.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.l.Referrer(r.ctx, r.code); !errors.Is(err, loyalty.ErrNotFound) {
		t.Errorf("Referrer of a deleted member: %v, want ErrNotFound", err)
	}
	cid := r.member("cid@example.com")
	if _, err := r.l.Refer(r.ctx, loyalty.Signup{Code: r.code, Friend: cid.ID, Created: true}); !errors.Is(err, loyalty.ErrNotFound) {
		t.Errorf("referred by a deleted member: %v, want ErrNotFound", err)
	}
}

// TestReferralFlags: each fraud check flags the referral with its
// reason; a stranger's is not flagged.
func TestReferralFlags(t *testing.T) {
	r := newReferRig(t)
	link := func(a auth.Account, provider, email string) {
		t.Helper()
		if err := r.au.Link(r.ctx, a.ID, auth.External{Provider: provider, Subject: provider + "-" + string(a.ID), Email: email, EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
	}
	// The same person: a verified email both accounts hold.
	twin := r.member("twin@example.com")
	link(r.ann, "github", "ann.private@example.com")
	link(twin, "oidc", "ann.private@example.com")
	// Addresses that differ by a +tag, or by dots at Gmail.
	lee := r.member("ann.lee@gmail.com")
	tagged := r.member("annlee+2@googlemail.com")
	// A friend who already had an account.
	old := r.member("old@example.com")
	stranger := r.member("stranger@example.com")

	for _, c := range []struct {
		friend   auth.Account
		referrer auth.Account
		created  bool
		want     string
	}{
		{twin, r.ann, true, loyalty.FlagSamePerson},
		{tagged, lee, true, loyalty.FlagAlias},
		{old, r.ann, false, loyalty.FlagHadAnAccount},
		{stranger, lee, true, ""},
	} {
		ref, err := r.l.Refer(r.ctx, loyalty.Signup{Code: mustCode(t, r.rig, c.referrer), Friend: c.friend.ID, Created: c.created, IP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		keys := flagKeys(ref)
		if c.want == "" {
			if ref.Status != loyalty.ReferralPending || len(keys) != 0 {
				t.Errorf("%s: %s %v, want pending and unflagged", c.friend.Email, ref.Status, keys)
			}
			continue
		}
		if ref.Status != loyalty.ReferralFlagged || len(keys) != 1 || keys[0] != c.want {
			t.Errorf("%s: %s %v, want flagged %s", c.friend.Email, ref.Status, keys, c.want)
		}
	}
}

// TestReferralBusyNetwork: ten referrals from one /24 in a week pass,
// the eleventh is flagged, another network is not, and a week later the
// count has moved on.
func TestReferralBusyNetwork(t *testing.T) {
	r := newReferRig(t)
	var refs []loyalty.Referral
	for i := range 11 {
		friend := r.member("friend" + strconv.Itoa(i) + "@example.com")
		refs = append(refs, r.refer(friend, true, "198.51.100."+strconv.Itoa(i+1)))
		if i == 4 {
			r.clock.Add(3 * 24 * time.Hour) // within the week still
		}
	}
	for i, ref := range refs[:10] {
		if ref.Status != loyalty.ReferralPending {
			t.Errorf("referral %d: %s %v, want pending", i+1, ref.Status, flagKeys(ref))
		}
	}
	if keys := flagKeys(refs[10]); refs[10].Status != loyalty.ReferralFlagged || len(keys) != 1 || keys[0] != loyalty.FlagBusyNetwork {
		t.Errorf("the eleventh: %s %v, want flagged %s", refs[10].Status, keys, loyalty.FlagBusyNetwork)
	}
	if ref := r.refer(r.member("elsewhere@example.com"), true, "2001:db8::1"); ref.Status != loyalty.ReferralPending {
		t.Errorf("from another network: %s, want pending", ref.Status)
	}
	r.clock.Add(5 * 24 * time.Hour) // the first five are more than a week old
	if err := r.l.SweepReferralNetworks(r.ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.db.Collection("referral_networks").CountDocuments(r.ctx, bson.M{}); n != 2 {
		t.Errorf("%d network counts after the sweep, want this week's 2", n)
	}
	if ref := r.refer(r.member("later@example.com"), true, "198.51.100.200"); ref.Status != loyalty.ReferralPending {
		t.Errorf("a week on, with 7 in the last week: %s %v, want pending", ref.Status, flagKeys(ref))
	}
}

// TestReferralQualifies: a friend who takes part within 30 days earns
// both rewards, once; the summary counts them.
func TestReferralQualifies(t *testing.T) {
	r := newReferRig(t)
	bob := r.member("bob@example.com")
	r.refer(bob, true, "203.0.113.7")
	r.clock.Add(29 * 24 * time.Hour)
	r.post(bob)
	r.post(bob)
	r.balances(map[auth.Account]int64{bob: 50, r.ann: 50})
	if ref := r.referral(bob); ref.Status != loyalty.ReferralQualified || ref.AwardedAt.IsZero() {
		t.Fatalf("referral %+v: want qualified and awarded", ref)
	}
	r.summary(1, 1)
}

// TestReferralExpires: a friend who first takes part after 30 days earns
// nothing, and the referral has expired.
func TestReferralExpires(t *testing.T) {
	r := newReferRig(t)
	bob := r.member("bob@example.com")
	ref := r.refer(bob, true, "203.0.113.7")
	r.clock.Add(30*24*time.Hour + time.Minute)
	if got := ref.StatusAt(r.clock.Now()); got != loyalty.ReferralExpired {
		t.Fatalf("status after the window: %s, want expired", got)
	}
	r.post(bob)
	r.balances(map[auth.Account]int64{bob: 0, r.ann: 0})
	if ref := r.referral(bob); ref.Status != loyalty.ReferralExpired {
		t.Fatalf("status %s, want expired", ref.Status)
	}
	r.summary(1, 0)
}

// TestFlaggedReferralWaitsForReview: a flagged referral awards nothing
// by itself; approved after the friend took part, both are awarded once;
// approved before, when the friend takes part; cancelled, never.
func TestFlaggedReferralWaitsForReview(t *testing.T) {
	r := newReferRig(t)
	staff := r.owner
	early, late, cancelled := r.member("early@example.com"), r.member("late@example.com"), r.member("cancelled@example.com")
	for _, f := range []auth.Account{early, late, cancelled} {
		if ref := r.refer(f, false, "203.0.113.7"); ref.Status != loyalty.ReferralFlagged {
			t.Fatalf("%s: %s, want flagged (had an account)", f.Email, ref.Status)
		}
	}
	r.post(early)
	r.post(cancelled)
	r.balances(map[auth.Account]int64{early: 0, cancelled: 0, r.ann: 0})

	if err := r.l.ApproveReferral(r.ctx, r.ann, early.ID); !errors.Is(err, loyalty.ErrForbidden) {
		t.Fatalf("a member approving: %v, want ErrForbidden", err)
	}
	if err := r.l.ApproveReferral(r.ctx, staff, early.ID); err != nil {
		t.Fatal(err)
	}
	r.balances(map[auth.Account]int64{early: 50, r.ann: 50})
	if err := r.l.ApproveReferral(r.ctx, staff, early.ID); !errors.Is(err, loyalty.ErrReviewed) {
		t.Fatalf("approving twice: %v, want ErrReviewed", err)
	}
	if err := r.l.CancelReferral(r.ctx, staff, early.ID); !errors.Is(err, loyalty.ErrReviewed) {
		t.Fatalf("cancelling an approved one: %v, want ErrReviewed", err)
	}
	r.post(early)
	r.balances(map[auth.Account]int64{early: 50, r.ann: 50})

	if err := r.l.ApproveReferral(r.ctx, staff, late.ID); err != nil {
		t.Fatal(err)
	}
	r.balances(map[auth.Account]int64{late: 0, r.ann: 50})
	r.clock.Add(10 * 24 * time.Hour)
	r.post(late)
	r.balances(map[auth.Account]int64{late: 50, r.ann: 100})

	if err := r.l.CancelReferral(r.ctx, staff, cancelled.ID); err != nil {
		t.Fatal(err)
	}
	r.post(cancelled)
	if err := r.l.ApproveReferral(r.ctx, staff, cancelled.ID); !errors.Is(err, loyalty.ErrReviewed) {
		t.Fatalf("approving a cancelled one: %v, want ErrReviewed", err)
	}
	r.balances(map[auth.Account]int64{cancelled: 0, r.ann: 100})
	r.summary(3, 2)
	if got := r.ledgerSum(r.ann); got != 100 {
		t.Fatalf("Ann's ledger sums to %d, want 100", got)
	}

	for _, id := range []auth.AccountID{"", "nobody", auth.AccountID(r.ann.ID)} {
		if err := r.l.ApproveReferral(r.ctx, staff, id); !errors.Is(err, loyalty.ErrNotFound) {
			t.Errorf("approve %q: %v, want ErrNotFound", id, err)
		}
		if err := r.l.CancelReferral(r.ctx, staff, id); !errors.Is(err, loyalty.ErrNotFound) {
			t.Errorf("cancel %q: %v, want ErrNotFound", id, err)
		}
	}
	rev, err := r.l.ReviewReferrals(r.ctx, staff)
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.Waiting) != 0 || len(rev.Recent) != 3 || rev.Recent[0].ReferrerName != r.ann.Name {
		t.Fatalf("review: %d waiting, %d recent; want 0 and 3 named", len(rev.Waiting), len(rev.Recent))
	}
}

func mustCode(t *testing.T, r *rig, a auth.Account) string {
	t.Helper()
	sum, err := r.l.Referral(r.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Code
}

// TestReferredFriendWhoComesBackIsFlagged: a referred friend deletes
// their account and signs up again, with the same address, through the
// link: not a new friend, but one who had an account, for an admin to
// review; what is kept of the first account is a hash, not the address.
func TestReferredFriendWhoComesBackIsFlagged(t *testing.T) {
	r := newReferRig(t)
	bob := r.member("bob@example.com")
	if ref := r.refer(bob, true, "198.51.100.7"); ref.Status != loyalty.ReferralPending {
		t.Fatalf("bob's first referral: %+v, want pending", ref)
	}
	if err := r.l.ForgetAccount(r.ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.au.DeleteAccount(r.ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	again := r.member("bob@example.com")
	ref := r.refer(again, true, "198.51.100.7")
	if ref.Status != loyalty.ReferralFlagged || len(ref.Flags) != 1 || ref.Flags[0].Key != loyalty.FlagHadAnAccount {
		t.Fatalf("bob again: %+v, want flagged as having had an account", ref)
	}
	if n := r.count("referred_before", bson.M{"_id": "bob@example.com"}); n != 0 {
		t.Fatal("the address itself was kept")
	}
	carol := r.member("carol@example.com")
	if ref := r.refer(carol, true, "198.51.100.8"); ref.Status != loyalty.ReferralPending {
		t.Fatalf("a new friend: %+v, want pending", ref)
	}
}
