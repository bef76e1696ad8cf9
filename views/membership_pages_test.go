package views

import (
	"context"
	"testing"

	"fanclub/membership"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		locale   string
		amount   int64
		currency string
		want     string
	}{
		{"en", 9900, "krw", "₩9,900"},
		{"ko", 9900, "krw", "9,900원"},
		{"en", 1234567, "KRW", "₩1,234,567"},
		{"en", 2000, "usd", "$20.00"},
		{"ko", 2005, "usd", "$20.05"},
		{"en", 123456789, "usd", "$1,234,567.89"},
		{"en", 5, "usd", "$0.05"},
		{"en", 1250, "chf", "CHF 12.50"},
		{"en", 500, "jpy", "¥500"},
		{"en", 0, "krw", "₩0"},
	} {
		if got := Money(c.locale, c.amount, c.currency); got != c.want {
			t.Errorf("Money(%s, %d, %s) = %q, want %q", c.locale, c.amount, c.currency, got, c.want)
		}
	}
}

func TestPriceText(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	en, ko := cs.WithLocale(context.Background(), "en"), cs.WithLocale(context.Background(), "ko")
	month := membership.Price{ID: "p", Amount: 9900, Currency: "krw", Interval: "month", IntervalCount: 1}
	year := membership.Price{ID: "p", Amount: 20000, Currency: "usd", Interval: "year", IntervalCount: 1}
	quarter := membership.Price{ID: "p", Amount: 25000, Currency: "krw", Interval: "month", IntervalCount: 3}
	for _, c := range []struct {
		ctx  context.Context
		p    membership.Price
		want string
	}{
		{en, month, "₩9,900 per month"},
		{ko, month, "월 9,900원"},
		{en, year, "$200.00 per year"},
		{ko, year, "연 $200.00"},
		{en, quarter, "₩25,000 every 3 months"},
		{ko, quarter, "3개월마다 25,000원"},
	} {
		if got := priceText(c.ctx, c.p); got != c.want {
			t.Errorf("priceText(%s, %+v) = %q, want %q", LocaleOf(c.ctx), c.p, got, c.want)
		}
	}
}

// TestMembershipKeysExist checks the keys the membership pages build
// from values: every status, source and plan.
func TestMembershipKeysExist(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	for _, st := range SubscriberStatuses {
		keys = append(keys, "subscribers.status."+st)
	}
	for _, st := range []membership.Status{membership.StatusIncomplete, membership.StatusIncompleteExpired, membership.StatusTrialing,
		membership.StatusActive, membership.StatusPastDue, membership.StatusUnpaid, membership.StatusCanceled, membership.StatusPaused} {
		keys = append(keys, "subscribers.status."+string(st))
	}
	for _, src := range []membership.Source{membership.SourceNone, membership.SourcePaid, membership.SourceTrial,
		membership.SourceGrace, membership.SourceComp, membership.SourceGift} {
		keys = append(keys, sourceKey(src))
	}
	for _, p := range []string{"comp", "comp_forever", "gift", "gift_forever"} {
		keys = append(keys, "pricing.plan."+p)
	}
	for _, iv := range []string{"day", "week", "month", "year"} {
		keys = append(keys, "pricing.per."+iv, "pricing.every."+iv)
	}
	for _, l := range Locales {
		for _, k := range keys {
			if _, ok := cs[l][k]; !ok {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}
