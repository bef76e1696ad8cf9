package views

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		share float64
		want  string
	}{{0, "0%"}, {1, "100%"}, {0.684, "68%"}, {0.0456, "4.6%"}, {0.004, "0.4%"}, {0.1, "10%"}, {0.0999, "10%"}} {
		if got := Percent(tc.share); got != tc.want {
			t.Errorf("Percent(%v) = %q, want %q", tc.share, got, tc.want)
		}
	}
}

// TestHeatClass: each share takes its colour step, so a fall from 55%
// in week 2 to 31% in week 3 changes colour by two steps.
func TestHeatClass(t *testing.T) {
	for _, tc := range []struct {
		share float64
		want  string
	}{{0, "heat-0"}, {0.099, "heat-0"}, {0.1, "heat-1"}, {0.2, "heat-2"}, {0.31, "heat-2"}, {0.35, "heat-3"},
		{0.55, "heat-4"}, {0.7, "heat-5"}, {1, "heat-5"}} {
		if got := heatClass(tc.share); got != tc.want {
			t.Errorf("heatClass(%v) = %q, want %q", tc.share, got, tc.want)
		}
	}
}

// TestChartScale: the axis tops at a round step at or above the largest
// value, whole for counts; all zeros still draw.
func TestChartScale(t *testing.T) {
	for _, tc := range []struct {
		name      string
		unit      Unit
		values    []float64
		step, top float64
	}{
		{"no data", UnitCount, []float64{0, 0}, 1, 1},
		{"a few people", UnitCount, []float64{1, 3}, 1, 3},
		{"hundreds", UnitCount, []float64{120, 990}, 500, 1000},
		{"shares", UnitShare, []float64{0.2, 0.68}, 0.2, 0.8},
		{"small shares", UnitShare, []float64{0.01}, 0.05, 0.05},
	} {
		c := Chart{Unit: tc.unit, Series: []Series{{Values: tc.values}}}
		if step, top := c.scale(); step != tc.step || top != tc.top {
			t.Errorf("%s: step %v top %v, want %v %v", tc.name, step, top, tc.step, tc.top)
		}
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{"=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0", "+1": "'+1", "-2": "'-2", "@x": "'@x",
		"\tx": "'\tx", "김민지": "김민지", "a=b": "a=b", "": ""} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestChartsNamedForScreenReaders: each SVG is one image named by its
// title and described by its latest values, and the table under it has a
// caption and headers for its rows and columns.
func TestChartsNamedForScreenReaders(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	ctx := cs.WithLocale(context.Background(), "en")
	mon := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	c := Chart{ID: "chart-x", Title: "Members, last 2 weeks", RowHead: "Week", XLabels: []string{"Nov 23", "Nov 30"},
		Rows: []string{"Week of 23 Nov", "Week of 30 Nov"}, Series: []Series{{Name: "Members", Values: []float64{1200, 1234}}}}
	h := cohortMap(ctx, InsightCohorts{Ready: true, Rows: []Cohort{
		{Week: mon.AddDate(0, 0, -21), Size: 20, Retained: []float64{1, 0.55, 0.5, 0.2}},
		{Week: mon.AddDate(0, 0, -14), Size: 20, Retained: []float64{1, 0.6, 0.55}},
	}})
	var b strings.Builder
	if err := TrendChart(c).Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if err := HeatmapChart(h).Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`role="img" aria-labelledby="chart-x-title" aria-describedby="chart-x-desc"`,
		`<title id="chart-x-title">Members, last 2 weeks</title>`,
		`<desc id="chart-x-desc">Latest (Week of 30 Nov): Members 1,234.</desc>`,
		`<caption id="chart-x-caption">Members, last 2 weeks</caption>`,
		`<th scope="col">Week</th><th scope="col">Members</th>`,
		`<th scope="row">Week of 23 Nov</th><td>1,200</td>`,
		`<title id="chart-cohorts-title">`,
		`On average 20% were active in week 3, against 53% the week before.`,
		`<th scope="row">Week of 9 Nov</th><td>20</td><td>100%</td><td>55%</td><td>50%</td><td>20%</td><td>–</td>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("charts lack %s", want)
		}
	}
	// The week-3 cell of the first cohort is two colour steps below week 2.
	cells := regexp.MustCompile(`<g class="(heat-\d)"><rect[^>]*></rect>\s*<text[^>]*>(\d+)</text></g>`).FindAllStringSubmatch(html, -1)
	if len(cells) < 4 || cells[2][1] != "heat-4" || cells[3][1] != "heat-2" {
		t.Errorf("cohort cells %v: want week 2 heat-4 and week 3 heat-2", cells)
	}
}
