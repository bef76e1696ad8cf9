package membership_test

import (
	"testing"
	"time"

	"fanclub/internal/stripemock"
	"fanclub/membership"
)

func TestSubscriptionCreatedGivesTheTier(t *testing.T) {
	r := newRig(t)
	m := r.member("minji@example.com")
	now := r.clock.Now()
	sub := stripemock.Sub{ID: "sub_1", Customer: "cus_1", Account: string(m.ID), Price: "price_premium_month",
		PeriodEnd: now.AddDate(0, 1, 0), Start: now}
	r.mustDeliver("evt_1", "customer.subscription.created", now, sub.Object())
	e := r.entitlement(m.ID)
	if e.Tier.Key != "premium" || e.Source != membership.SourcePaid || !e.Renews {
		t.Fatalf("entitlement = %+v", e)
	}
	for range 4 {
		if res := r.mustDeliver("evt_1", "customer.subscription.created", now, sub.Object()); !res.Replay {
			t.Fatalf("replay not seen: %+v", res)
		}
	}
	del := sub
	del.Status = "canceled"
	r.mustDeliver("evt_3", "customer.subscription.deleted", now.Add(2*time.Hour), del.Object())
	late := sub
	late.CancelAtPeriodEnd = true
	if res := r.mustDeliver("evt_2", "customer.subscription.updated", now.Add(time.Hour), late.Object()); res.Ignored == "" {
		t.Fatalf("late update applied: %+v", res)
	}
	if e := r.entitlement(m.ID); e.Premium() {
		t.Fatalf("after deleted + late updated: %+v", e)
	}
}
