package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/membership"
)

// TestInsightsOnlyForStaff: the insight page and its CSV answer the
// site's owner and admins, and 404 to members, a group's moderator and
// the signed out — no redirect to sign in that would say the page is
// there. The admin hub links to it.
func TestInsightsOnlyForStaff(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	admin := s.signUp(t, "admin@example.com")
	s.makeSiteAdmin(t, admin)
	member := s.signUp(t, "member@example.com")
	moderator := s.signUp(t, "moderator@example.com")
	g := s.newGroup(t, owner, community.GroupInput{Slug: "lounge"})
	acSetMember(t, s, g.ID, moderator, community.RoleModerator, community.StateActive, time.Time{})
	stranger := s.newBrowser()

	for _, path := range []string{"/admin/insights", "/admin/insights/at-risk.csv", "/admin/insights?sort=name"} {
		for _, tc := range []struct {
			name string
			as   *browser
			want int
		}{
			{"owner", owner.browser, http.StatusOK},
			{"admin", admin.browser, http.StatusOK},
			{"member", member.browser, http.StatusNotFound},
			{"group moderator", moderator.browser, http.StatusNotFound},
			{"signed out", stranger, http.StatusNotFound},
		} {
			r := tc.as.get(path)
			if r.Status != tc.want {
				t.Errorf("%s GET %s: %d, want %d", tc.name, path, r.Status, tc.want)
			}
			if tc.want == http.StatusNotFound && strings.Contains(r.Body, "Insights") {
				t.Errorf("%s GET %s: the 404 names the page", tc.name, path)
			}
		}
	}
	mustContain(t, owner.get("/admin").Body, `href="/admin/insights"`)
}

// TestInsightsNewClub: a club with nobody but its owner shows every
// section without an error in both languages, and says it has no
// members yet, and nobody at risk nor any event.
func TestInsightsNewClub(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	T := insightToday(t, s)
	s.keep(t, rollup(owner, T, 0, 0, 0, activity.Visit)) // the owner's own visit makes no member
	for _, lang := range []string{"en", "ko"} {
		r := owner.get("/admin/insights?lang=" + lang)
		if r.Status == http.StatusSeeOther {
			r = owner.get("/admin/insights")
		}
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", lang, r.Status, r.Body)
		}
		for _, id := range []string{"members", "cohorts", "repeat", "at-risk", "segments", "premium", "heard", "events"} {
			mustContain(t, r.Body, `data-testid="section-`+id+`"`)
		}
		mustContain(t, r.Body, `data-testid="insights-empty"`, `data-testid="at-risk-empty"`, `data-testid="events-empty"`)
		mustNotContain(t, r.Body, "⟦missing")
	}
}

// TestTrueFansTarget: the brand sets its true-fans target on the site
// settings; a target out of range comes back with the reason and what
// was typed.
func TestTrueFansTarget(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	mustContain(t, owner.get("/admin/site").Body, `name="true_fans"`, `value="1,000"`)

	form := moonlight()
	form.Set("true_fans", "0")
	r := owner.postMultipart("/admin/site", form, nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("target 0: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, "Enter a whole number from 1 to 10,000,000.", `value="0"`)

	form = moonlight()
	form.Set("true_fans", "2,500")
	if r := owner.postMultipart("/admin/site", form, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("target 2,500: %d\n%s", r.Status, r.Body)
	}
	mustContain(t, owner.get("/admin/site").Body, `value="2,500"`)
}

// insightSection is the HTML of one section of the insight page.
func insightSection(t *testing.T, body, id string) string {
	t.Helper()
	return regexpFind(t, body, `(?s)(<section[^>]*data-testid="section-`+id+`".*?</section>)`)
}

// TestInsightsPremium: two members subscribe this month; the premium
// section shows them paying and the MRR, and this month's row of each
// trend (in Korean, in won).
func TestInsightsPremium(t *testing.T) {
	b := newBilling(t, siteOptions{stripe: true})
	ana, ben := b.signUp(t, "ana@example.com"), b.signUp(t, "ben@example.com")
	b.subscribe(t, "sub_ana", ana.ID)
	b.subscribe(t, "sub_ben", ben.ID)
	b.owner.follow("/admin/insights?lang=ko")
	premium := insightSection(t, b.owner.get("/admin/insights").Body, "premium")
	for id, want := range map[string]string{"premium-paying": "2", "premium-mrr": "19,800원", "premium-arpu": "9,900원"} {
		if got := regexpFind(t, premium, `data-testid="`+id+`">([^<]*)<`); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	month := b.Clock.Now().In(mustZone(t, "Asia/Seoul")).Format("2006년 1월")
	mustContain(t, premium, `<th scope="row">`+month+`</th><td>19,800원</td>`, `<th scope="row">`+month+`</th><td>2</td>`)
	mustNotContain(t, premium, `data-testid="premium-empty"`)

	// Paying and active lately makes a true fan; a comp does not (the
	// brand's gift, or a comp campaign to the at-risk list, would make
	// them by the dozen), nor does premium without activity.
	cara, dan := b.signUp(t, "cara@example.com"), b.signUp(t, "dan@example.com")
	if _, _, err := b.Membership.GrantComp(context.Background(), b.actor(t, b.owner).Account,
		membership.CompInput{Email: cara.Email, Tier: "premium", Reason: "press"}, b.Auth.AccountByEmail, mustZone(t, "Asia/Seoul")); err != nil {
		t.Fatal(err)
	}
	T := insightToday(t, b.site)
	b.keep(t, rollup(ana, T, 60, 5, 0, activity.Visit), rollup(cara, T, 60, 5, 0, activity.Visit),
		rollup(ben, T, 200, 200, 100, activity.Visit), rollup(dan, T, 60, 5, 0, activity.Visit),
		rollup(b.owner, T, 60, 60, 60, activity.Visit))
	row := regexpFind(t, b.owner.get("/admin/insights").Body, `(?s)<tr data-testid="segment-true-fan">(.*?)</tr>`)
	if got := regexpFind(t, row, `data-testid="segment-now">([^<]*)<`); got != "1" {
		t.Errorf("true fans = %s, want 1 (ana pays and came this week; cara's is a comp, ben stopped coming, dan is free)", got)
	}
}

// insightToday is the site's today, as the insight page counts days.
func insightToday(t *testing.T, s *site) activity.Day {
	return activity.DayOf(s.Clock.Now(), mustZone(t, "Asia/Seoul"))
}

// rollup is an account's history: joined on a day, active on every day
// from..to (days counted back from today) in each of kinds.
func rollup(p person, today activity.Day, joined, from, to int, kinds ...activity.Kind) activity.Rollup {
	r := activity.Rollup{Account: string(p.ID), Joined: today - activity.Day(joined)}
	for d := from; d >= to; d-- {
		for _, k := range kinds {
			r.Add(k, today-activity.Day(d))
		}
	}
	return r
}

// keep stores the histories over whatever the accounts recorded so far.
func (s *site) keep(t *testing.T, rows ...activity.Rollup) {
	t.Helper()
	if err := s.Activity.Replace(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
}

// rename gives the person a display name of their choosing.
func (s *site) rename(t *testing.T, p *person, name string) {
	t.Helper()
	if _, err := s.DB.Collection("accounts").UpdateOne(context.Background(), bson.M{"_id": p.ID},
		bson.M{"$set": bson.M{"name": name}}); err != nil {
		t.Fatal(err)
	}
	p.Name = name
}

// insightClub is a club with a hand-built history, today being day T:
//
//	owner  joined T-200, posts and comments every day since: a true fan
//	minji  joined T-20, active that day only, in Coffee lovers: week-3 silence
//	ari    joined T-100, active T-100 to T-21, a premium comp: silent 21 days, a true fan by her weeks
//	doyun  joined T-200, active T-200 to T-100: dormant
//	hana   joined T-3, active every day since: new
//
// minji and hana voted for an idea shipped today; the owner was checked
// in at two events, ari at one.
func insightClub(t *testing.T) (s *site, owner, minji, ari person) {
	s = newSite(t, crowd())
	owner = s.signUp(t, "owner@example.com")
	minji = s.signUp(t, "minji@example.com")
	ari = s.signUp(t, "ari@example.com")
	doyun := s.signUp(t, "doyun@example.com")
	hana := s.signUp(t, "hana@example.com")
	s.newGroup(t, owner, community.GroupInput{Slug: "coffee", Name: "Coffee lovers"})
	s.join(t, "coffee", minji)
	s.saveTier(t, owner, membership.TierInput{Key: "premium", Name: "Premium", Rank: "1"})
	if _, _, err := s.Membership.GrantComp(context.Background(), s.actor(t, owner).Account,
		membership.CompInput{Email: ari.Email, Tier: "premium", Reason: "VIP"}, s.Auth.AccountByEmail, mustZone(t, "Asia/Seoul")); err != nil {
		t.Fatal(err)
	}
	// minji and hana voted for an idea the brand shipped today.
	ctx := context.Background()
	s.join(t, "coffee", hana)
	idea, err := s.Community.CreateIdea(ctx, s.actor(t, owner), "coffee", community.IdeaInput{Title: "Decaf beans"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []person{minji, hana} {
		if _, err := s.Community.Vote(ctx, s.actor(t, p), "coffee", idea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Community.AnswerIdea(ctx, s.actor(t, owner), "coffee", idea.ID, community.Answer{Status: community.IdeaShipped}); err != nil {
		t.Fatal(err)
	}
	s.drain(t) // the announcement keeps who had voted

	T := insightToday(t, s)
	fan := rollup(owner, T, 200, 200, 0, activity.Post, activity.Comment)
	fan.Add(activity.CheckIn, T-10)
	fan.Add(activity.CheckIn, T-40)
	once := rollup(ari, T, 100, 100, 21, activity.Visit, activity.Post)
	once.Add(activity.CheckIn, T-50)
	s.keep(t, fan, once,
		rollup(minji, T, 20, 20, 20, activity.Visit, activity.Post),
		rollup(doyun, T, 200, 200, 100, activity.Visit),
		rollup(hana, T, 3, 3, 0, activity.Visit),
	)
	return s, owner, minji, ari
}

// TestInsightsFigures: the page shows the figures of a hand-built
// history: members and actives, the cohorts, the repeat rate, who is at
// risk with their groups and tier (and in which order), the segments
// against the target, each with its link to act on it.
func TestInsightsFigures(t *testing.T) {
	_, owner, minji, ari := insightClub(t)
	r := owner.get("/admin/insights")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /admin/insights: %d\n%s", r.Status, r.Body)
	}
	figure := func(id string) string { return regexpFind(t, r.Body, `data-testid="`+id+`">([^<]*)<`) }
	for id, want := range map[string]string{"members-total": "5", "members-new-month": "2", "members-active7": "2",
		"members-active30": "4", "members-daumau": "39%", "repeat-rate": "67%", "heard-shipped": "1", "heard-voters": "1 of 2",
		"events-regulars": "1"} {
		if got := figure(id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	mustNotContain(t, r.Body, `data-testid="not-available"`)
	mustNotContain(t, r.Body, `data-testid="insights-empty"`, `data-testid="cohorts-empty"`)
	mustContain(t, r.Body, `role="img" aria-labelledby="chart-cohorts-title"`, `<title id="chart-members-title">Members and active members, last 12 weeks</title>`)

	// At risk: minji (week 3, in Coffee lovers) was active a day after
	// ari (silent 21 days, premium), so comes first; by name, ari does.
	rows := regexp.MustCompile(`(?s)<tr data-testid="at-risk-row">.*?</tr>`).FindAllString(r.Body, -1)
	if len(rows) != 2 || !strings.Contains(rows[0], minji.Name) || !strings.Contains(rows[1], ari.Name) {
		t.Fatalf("at-risk rows %q, want minji then ari", rows)
	}
	mustContain(t, rows[0], "Quiet 7+ days in their first weeks (week 3)", "Coffee lovers")
	mustContain(t, rows[1], "Silent 21+ days", "Premium")
	mustContain(t, r.Body, `href="/admin/campaigns/new?segment=at-risk"`)
	byName := regexp.MustCompile(`(?s)<tr data-testid="at-risk-row">.*?</tr>`).FindAllString(owner.get("/admin/insights?sort=name").Body, -1)
	if len(byName) != 2 || !strings.Contains(byName[0], ari.Name) {
		t.Errorf("at-risk rows by name %q, want ari first", byName)
	}

	// Segments now and a month ago: new 1 (0), active 1 (2: ari was),
	// at risk 2 (0), dormant 1 (1), true fans 2 (2) — ari by her weeks
	// and kinds (posts, a check-in), not her comp.
	for seg, want := range map[string][2]string{"new": {"1", "+1"}, "active": {"1", "−1"}, "at-risk": {"2", "+2"},
		"dormant": {"1", "±0"}, "true-fan": {"2", "±0"}} {
		row := regexpFind(t, r.Body, `(?s)<tr data-testid="segment-`+seg+`">(.*?)</tr>`)
		now := regexpFind(t, row, `data-testid="segment-now">([^<]*)<`)
		change := strings.TrimSpace(regexpFind(t, row, `(?s)data-testid="segment-change">([^<]*)<`))
		if now != want[0] || change != want[1] {
			t.Errorf("segment %s: %s, %s; want %s, %s", seg, now, change, want[0], want[1])
		}
		mustContain(t, row, `href="/admin/campaigns/new?segment=`+seg+`"`)
	}
	mustContain(t, r.Body, "2 of 1,000 true fans", "active in 8 or more of the last 12 weeks")

	// The brand's own target.
	form := moonlight()
	form.Set("true_fans", "50")
	if r := owner.postMultipart("/admin/site", form, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save target: %d", r.Status)
	}
	mustContain(t, owner.get("/admin/insights").Body, "2 of 50 true fans")
}

// TestInsightsAtRiskCSV: the at-risk list downloads as a UTF-8 CSV with
// a BOM, for staff only, and a display name a spreadsheet would run as a
// formula arrives as text.
func TestInsightsAtRiskCSV(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	T := insightToday(t, s)
	rows := []activity.Rollup{rollup(owner, T, 200, 200, 0, activity.Post, activity.Comment)}
	names := []string{"=cmd|' /C calc'!A0", "+1", "-2", "@x", "김민지"}
	for i, name := range names {
		p := s.signUp(t, fmt.Sprintf("m%d@example.com", i))
		s.rename(t, &p, name)
		rows = append(rows, rollup(p, T, 20, 20, 20, activity.Visit, activity.Post))
	}
	s.keep(t, rows...)

	r := owner.get("/admin/insights/at-risk.csv")
	if r.Status != http.StatusOK {
		t.Fatalf("CSV: %d\n%s", r.Status, r.Body)
	}
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(cd, `attachment; filename="at-risk-`) {
		t.Errorf("headers: %q, %q", ct, cd)
	}
	if !strings.HasPrefix(r.Body, "\uFEFFMember,Why,Joined,Last active,Groups,Tier\r\n") {
		t.Errorf("CSV starts %q, want the BOM and the header", r.Body[:min(len(r.Body), 80)])
	}
	joined := (T - 20).Start(mustZone(t, "Asia/Seoul")).Format("2006-01-02")
	for _, want := range []string{"'=cmd|' /C calc'!A0,", "'+1,", "'-2,", "'@x,", "김민지,"} {
		line := want + "Quiet 7+ days in their first weeks (week 3)," + joined + "," + joined + ",,\r\n"
		if !strings.Contains(r.Body, line) {
			t.Errorf("CSV lacks the line %q:\n%s", line, r.Body)
		}
	}
	for _, bad := range []string{"\n=", "\n\"=", "\n+", "\n-", "\n@"} {
		if strings.Contains(r.Body, bad) {
			t.Errorf("CSV has a cell starting %q", bad[1:])
		}
	}
}
