package membership_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mongotest"
	"fanclub/membership"
)

// BenchmarkEntitlement asks one account's entitlement, as every signed-in
// request does, on the embedded store holding 2,000 subscriptions and
// 500 comps.
//
//	go test ./membership -run '^$' -bench Entitlement -benchmem
func BenchmarkEntitlement(b *testing.B) {
	ctx := context.Background()
	db := mongotest.New(b)
	m := membership.New(db, membership.Config{}, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := m.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	if err := m.SeedTier(ctx, membership.Tier{Key: "premium", Name: "Premium", Rank: 1,
		Monthly: membership.Price{ID: "price_m", Amount: 9900, Currency: "krw", Interval: "month"}}); err != nil {
		b.Fatal(err)
	}
	var subs, comps []any
	for i := range 2000 {
		subs = append(subs, bson.M{"_id": fmt.Sprintf("sub_%d", i), "account": fmt.Sprintf("acc_%d", i), "tier": "premium",
			"status": "active", "periodEnd": time.Now().AddDate(0, 1, 0), "lastEvent": 1, "lastEventId": "evt"})
	}
	for i := range 500 {
		comps = append(comps, bson.M{"_id": fmt.Sprintf("acc_c%d", i), "tier": "premium", "reason": "bench"})
	}
	if _, err := db.Collection("subscriptions").InsertMany(ctx, subs); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Collection("comps").InsertMany(ctx, comps); err != nil {
		b.Fatal(err)
	}
	var holders []any
	for i := range 2000 {
		holders = append(holders, bson.M{"_id": fmt.Sprintf("acc_%d", i), "subs": bson.A{fmt.Sprintf("sub_%d", i)}})
	}
	if _, err := db.Collection("billing_accounts").InsertMany(ctx, holders); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		e, err := m.Entitlement(ctx, auth.AccountID(fmt.Sprintf("acc_%d", i%2000)))
		if err != nil || !e.Premium() {
			b.Fatalf("%+v %v", e, err)
		}
	}
}
