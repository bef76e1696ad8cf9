package web_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// brAccessible is the role and name the browser's accessibility tree
// gives the first element matching css: what a screen reader announces.
func brAccessible(b *brTab, step, css string) (role, name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, brStep)
	defer cancel()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(css)))
	if err != nil || len(nodes) == 0 {
		b.t.Fatalf("%s: no %s: %v\n%s", step, css, err, b.describe())
	}
	var ax []*accessibility.Node
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		no := false
		res, err := cdp.Call(ctx, tg, accessibility.GetPartialAXTree,
			accessibility.GetPartialAXTreeParams{BackendNodeID: nodes[0].BackendNodeID, FetchRelatives: &no})
		ax = res.Nodes
		return err
	}))
	if err != nil || len(ax) == 0 {
		b.t.Fatalf("%s: accessibility tree of %s: %v", step, css, err)
	}
	text := func(v *accessibility.Value) string {
		var s string
		if v != nil {
			_ = json.Unmarshal(v.Value, &s)
		}
		return s
	}
	return text(ax[0].Role), text(ax[0].Name)
}

// TestBrowserInsightsOnPhone: the owner reads the insight page on a
// phone in Korean: every section's heading is there, the page does not
// scroll sideways (the tables scroll in their own boxes), and the
// charts are images a screen reader names by their titles.
func TestBrowserInsightsOnPhone(t *testing.T) {
	brChromium(t)
	s, owner, _, _ := insightClub(t)
	b := brOpen(t, 1)
	b.brSignIn(s, owner.Email)
	b.do("open the insight page in Korean",
		chromedp.Navigate(s.URL+"/admin/insights?lang=ko"),
		brPage("ko"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="chart-cohorts"] svg`)),
	)
	if h1 := b.text("read the title", "main h1"); h1 != brT(t, "ko", "insights.title") {
		t.Errorf("the page's title reads %q, want %q", h1, brT(t, "ko", "insights.title"))
	}
	for _, key := range []string{"insights.members.heading", "insights.cohort.heading", "insights.repeat.heading",
		"insights.at_risk.heading", "insights.segments.heading", "insights.premium.heading", "insights.heard.heading",
		"insights.events.heading"} {
		b.do("find the heading "+key, brShowsText(brT(t, "ko", key)))
	}
	b.noSideScroll("/admin/insights in Korean")

	for css, key := range map[string]string{
		`[data-testid="chart-members"] svg`: "insights.members.chart_members",
		`[data-testid="chart-cohorts"] svg`: "insights.cohort.chart",
		`[data-testid="chart-repeat"] svg`:  "insights.repeat.chart",
	} {
		role, name := brAccessible(b, "name of "+css, css)
		if want := brT(t, "ko", key); role != "image" || name != want {
			t.Errorf("%s is announced as %s %q, want image %q", css, role, name, want)
		}
	}
}
