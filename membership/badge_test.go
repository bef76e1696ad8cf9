package membership_test

import (
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/membership"
)

// Badges are cached a minute, but a change made on this instance (a
// webhook, a comp granted or revoked) shows at once, and a lapse shows
// once the minute is over.
func TestBadgesFollowChanges(t *testing.T) {
	r := newRig(t)
	minji, jun := r.member("minji@example.com"), r.member("jun@example.com")
	badges := func() map[auth.AccountID]string {
		t.Helper()
		b, err := r.m.Badges(r.ctx, []auth.AccountID{minji.ID, jun.ID})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := badges(); len(b) != 0 {
		t.Fatalf("free members have badges %v", b)
	}
	now := r.clock.Now()
	r.mustDeliver("evt_1", "customer.subscription.created", now, r.premiumSub("sub_1", minji.ID).Object())
	r.grant(membership.CompInput{Email: "jun@example.com", Tier: "premium", Reason: "Ambassador",
		Until: now.AddDate(0, 0, 2).Format("2006-01-02")}, time.UTC)
	if b := badges(); b[minji.ID] != "Premium" || b[jun.ID] != "Premium" {
		t.Fatalf("after a subscription and a comp: %v", b)
	}
	if _, err := r.m.RevokeComp(r.ctx, r.admin, jun.ID); err != nil {
		t.Fatal(err)
	}
	if b := badges(); b[jun.ID] != "" || b[minji.ID] != "Premium" {
		t.Fatalf("after revoking the comp: %v", b)
	}
	r.grant(membership.CompInput{Email: "jun@example.com", Tier: "premium", Reason: "Ambassador",
		Until: now.Format("2006-01-02")}, time.UTC) // ends tonight
	_ = badges()
	r.clock.Add(36 * time.Hour)
	if b := badges(); b[jun.ID] != "" {
		t.Fatalf("a comp ended a day ago still shows: %v", b)
	}
}
