package auth_test

import (
	"context"
	"testing"

	"fanclub/auth"
)

func TestSiteNameFallsBackAcrossLanguages(t *testing.T) {
	for _, tc := range []struct {
		site   auth.Site
		locale string
		want   string
	}{
		{auth.Site{}, "ko", "fanclub"},
		{auth.Site{NameKo: "달빛 팬클럽"}, "en", "달빛 팬클럽"},
		{auth.Site{NameKo: "달빛 팬클럽", NameEn: "Moonlight Club"}, "en", "Moonlight Club"},
		{auth.Site{NameKo: "달빛 팬클럽", NameEn: "Moonlight Club"}, "ko", "달빛 팬클럽"},
		{auth.Site{NameEn: "Moonlight Club"}, "ko", "Moonlight Club"},
	} {
		if got := tc.site.Name(tc.locale); got != tc.want {
			t.Errorf("%+v.Name(%q) = %q, want %q", tc.site, tc.locale, got, tc.want)
		}
	}
}

func TestSiteSettingsSavedAreReadBack(t *testing.T) {
	r := newStaffRig(t)
	ctx := context.Background()
	st, err := r.a.Site(ctx)
	if err != nil || st.Named() || st.Location().String() != "Asia/Seoul" || st.Locale() != "ko" {
		t.Fatalf("fresh site = %+v, %v; want unnamed, Seoul, Korean", st, err)
	}
	owner := r.signUp(t, "owner@example.com")
	if err := r.a.SaveSite(ctx, owner.ID, auth.Site{NameKo: "달빛", TimeZone: "Europe/Berlin", DefaultLocale: "en"}); err != nil {
		t.Fatal(err)
	}
	st, err = r.a.Site(ctx)
	if err != nil || st.Name("en") != "달빛" || st.Location().String() != "Europe/Berlin" || st.Locale() != "en" || st.UpdatedBy != owner.ID {
		t.Fatalf("after save = %+v, %v", st, err)
	}
}
