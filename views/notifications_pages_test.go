package views

import (
	"context"
	"strings"
	"testing"

	"fanclub/community"
)

// TestCelebrationNotices: birthday and anniversary notices say what they
// brought in the reader's language, and lead to the rewards page.
func TestCelebrationNotices(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	en, ko := cs.WithLocale(context.Background(), "en"), cs.WithLocale(context.Background(), "ko")
	for _, c := range []struct {
		n      community.Notice
		en, ko string
	}{
		{community.Notice{Kind: community.NoticeBirthday, Points: 1500}, "Happy birthday — 1,500 points", "1,500포인트"},
		{community.Notice{Kind: community.NoticeAnniversary, Points: 300, Years: 1}, "a year in", "가입 1주년"},
		{community.Notice{Kind: community.NoticeAnniversary, Points: 300, Years: 3}, "3 years in", "가입 3주년"},
	} {
		if got := noticeText(en, c.n); !strings.Contains(got, c.en) || strings.Contains(got, Missing) {
			t.Errorf("%s in English: %q, want %q", c.n.Kind, got, c.en)
		}
		if got := noticeText(ko, c.n); !strings.Contains(got, c.ko) || strings.Contains(got, Missing) {
			t.Errorf("%s in Korean: %q, want %q", c.n.Kind, got, c.ko)
		}
		if got := NoticeLink(c.n); got != "/rewards" {
			t.Errorf("%s links to %q, want /rewards", c.n.Kind, got)
		}
	}
}
