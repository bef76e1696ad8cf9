package loyalty_test

import (
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/loyalty"
)

// TestBirthdaysAndAnniversaries runs the hourly job through a member's
// year: nothing while the programme is off; on a Seoul member's birthday
// the points and one notice however often it runs, while a member in Los
// Angeles with the same birthday waits for their own day; and a year
// after joining, the anniversary reward, once.
func TestBirthdaysAndAnniversaries(t *testing.T) {
	r := newRig(t)
	seoul, _ := auth.LoadZone("Asia/Seoul")
	la, _ := auth.LoadZone("America/Los_Angeles")
	mina, sam := r.member("mina@example.com"), r.member("sam@example.com")
	for a, zone := range map[auth.AccountID]string{mina.ID: "Asia/Seoul", sam.ID: "America/Los_Angeles"} {
		if err := r.au.UpdateProfile(r.ctx, a, auth.ProfileInput{Name: "Member", TimeZone: zone, BirthMonth: "1", BirthDay: "20"}); err != nil {
			t.Fatal(err)
		}
	}
	// Joe enters the same birthday ten days before it: next year, then.
	joe := r.member("joe@example.com")
	r.clock.Set(time.Date(2027, 1, 10, 10, 0, 0, 0, seoul))
	if err := r.au.UpdateProfile(r.ctx, joe.ID, auth.ProfileInput{Name: "Joe", BirthMonth: "1", BirthDay: "20"}); err != nil {
		t.Fatal(err)
	}
	celebrate := func(want int) {
		t.Helper()
		n, err := r.l.Celebrate(r.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("at %v: celebrated %d, want %d", r.clock.Now(), n, want)
		}
	}
	notices := func(a auth.Account, kind community.NoticeKind) []community.Notice {
		t.Helper()
		cur, err := r.db.Collection("notifications").Find(r.ctx, bson.M{"account": a.ID, "kind": kind})
		if err != nil {
			t.Fatal(err)
		}
		var ns []community.Notice
		if err := cur.All(r.ctx, &ns); err != nil {
			t.Fatal(err)
		}
		return ns
	}
	expect := func(a auth.Account, balance int64, birthdays, anniversaries int) {
		t.Helper()
		if st := r.statement(a); st.Balance != balance || r.ledgerSum(a) != balance {
			t.Errorf("at %v: %s has %d points (ledger %d), want %d", r.clock.Now(), a.Email, st.Balance, r.ledgerSum(a), balance)
		}
		if n := len(notices(a, community.NoticeBirthday)); n != birthdays {
			t.Errorf("at %v: %s has %d birthday notices, want %d", r.clock.Now(), a.Email, n, birthdays)
		}
		if n := len(notices(a, community.NoticeAnniversary)); n != anniversaries {
			t.Errorf("at %v: %s has %d anniversary notices, want %d", r.clock.Now(), a.Email, n, anniversaries)
		}
	}

	// 10:00 on 20 January in Seoul is 17:00 on the 19th in Los Angeles.
	r.clock.Set(time.Date(2027, 1, 20, 10, 0, 0, 0, seoul))
	celebrate(0) // the programme is off
	expect(mina, 0, 0, 0)
	r.rules(0, map[loyalty.Earning][2]int{loyalty.EarnBirthday: {500, 0}, loyalty.EarnAnniversary: {100, 0}})
	celebrate(1)
	celebrate(0) // the next hour's run, or another instance's
	expect(mina, 500, 1, 0)
	expect(sam, 0, 0, 0)
	expect(joe, 0, 0, 0)
	if n := notices(mina, community.NoticeBirthday)[0]; n.Points != 500 {
		t.Errorf("the birthday notice says %d points, want 500", n.Points)
	}

	// Sam's day: Mina's, in Seoul, ended three hours ago.
	r.clock.Set(time.Date(2027, 1, 20, 10, 0, 0, 0, la))
	celebrate(1)
	celebrate(0)
	expect(mina, 500, 1, 0)
	expect(sam, 500, 1, 0)

	// A year after they joined (6 December 2026, at noon in Seoul, which
	// was the evening of the 5th in Los Angeles): the anniversary, in
	// each one's zone. Early on the 5th in Los Angeles, Seoul's 5th is
	// not over.
	r.clock.Set(time.Date(2027, 12, 5, 3, 0, 0, 0, la))
	celebrate(1)
	expect(mina, 500, 1, 0)
	expect(sam, 600, 1, 1)
	r.clock.Set(time.Date(2027, 12, 6, 12, 0, 0, 0, seoul))
	celebrate(3) // Mina, Joe and the owner
	celebrate(0)
	expect(mina, 600, 1, 1)
	expect(sam, 600, 1, 1)
	if n := notices(mina, community.NoticeAnniversary)[0]; n.Points != 100 || n.Years != 1 {
		t.Errorf("the anniversary notice says %d points, %d years; want 100, 1", n.Points, n.Years)
	}
	expect(joe, 100, 0, 1)
	r.clock.Set(time.Date(2028, 1, 20, 10, 0, 0, 0, seoul))
	celebrate(2) // Joe's first birthday here, a year on, and Mina's second; Sam's comes later, in Los Angeles
	expect(joe, 600, 1, 1)
	expect(mina, 1100, 2, 1)
	expect(sam, 600, 1, 1)
}

// TestBirthdayGift: the birthday's reward, a code given free, once a
// year however often the job runs, with a notice leading to My rewards;
// a gift to send cannot be the birthday's, as it needs an address.
func TestBirthdayGift(t *testing.T) {
	r := newRig(t)
	seoul, _ := auth.LoadZone("Asia/Seoul")
	mina := r.member("mina@example.com")
	if err := r.au.UpdateProfile(r.ctx, mina.ID, auth.ProfileInput{Name: "Mina", BirthMonth: "3", BirthDay: "3"}); err != nil {
		t.Fatal(err)
	}
	coupon := r.reward(loyalty.RewardInput{Name: "Birthday cake coupon", Kind: loyalty.KindCode, Price: "500"})
	r.codes(coupon.ID, "CAKE-1\nCAKE-2\n")
	post := r.reward(loyalty.RewardInput{Name: "Mug", Kind: loyalty.KindGift})
	in := loyalty.RulesInput{On: true, BirthdayGift: post.ID}
	var v loyalty.ValidationError
	if _, err := r.l.SaveRules(r.ctx, r.owner, in); !errors.As(err, &v) || v["birthday_gift"] == "" {
		t.Fatalf("a gift to send as the birthday's: %v, want refused", err)
	}
	in.BirthdayGift = coupon.ID
	if _, err := r.l.SaveRules(r.ctx, r.owner, in); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(time.Date(2027, 3, 3, 9, 0, 0, 0, seoul))
	for i := 0; i < 2; i++ {
		if _, err := r.l.Celebrate(r.ctx); err != nil {
			t.Fatal(err)
		}
	}
	mine, err := r.l.MyRedemptions(r.ctx, mina.ID)
	if err != nil || len(mine) != 1 || mine[0].Code != "CAKE-1" {
		t.Fatalf("mina's rewards %+v (%v), want one code", mine, err)
	}
	if b := r.balance(mina); b != 0 {
		t.Fatalf("balance %d: a gift costs no points", b)
	}
	if n := r.count("notifications", bson.M{"account": mina.ID, "kind": community.NoticeBirthdayGift}); n != 1 {
		t.Fatalf("%d birthday gift notices, want 1", n)
	}
}
