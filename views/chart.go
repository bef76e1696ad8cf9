package views

import (
	"context"
	"math"
	"strconv"
	"strings"
)

// Charts are drawn on the server as SVG, so they need no script, and each
// is followed by a table of the same numbers for screen readers (the SVG
// is one image to them, named by its title and described by its last
// values). Colours come from the stylesheet's variables (assets/css,
// "Charts"), so they follow the light and dark schemes; the drawing here
// only places shapes.

// Chart is a small trend chart: lines, or bars for a single series.
type Chart struct {
	ID      string   // unique on the page; the ids of its title and table derive from it
	Title   string   // translated
	RowHead string   // the table's first column heading ("Week")
	XLabels []string // short labels under the axis, one per point, oldest first
	Rows    []string // the same points' long labels, for the table
	Series  []Series
	Bars    bool
	Unit    Unit
	// Currency is the amounts' currency when Unit is UnitMoney.
	Currency string
}

// Series is one line of a chart: a name and a value per point.
type Series struct {
	Name   string
	Values []float64
	// Known says which values exist (nil: all do); an unknown one is
	// left out of the line and shown as a dash in the table.
	Known []bool
}

func (s Series) known(i int) bool { return s.Known == nil || (i < len(s.Known) && s.Known[i]) }

// Unit is what a chart's values count.
type Unit int

const (
	UnitCount Unit = iota // people or things
	UnitShare             // a share from 0 to 1, shown as a percentage
	UnitMoney             // amounts in a currency's smallest unit
)

// The chart's drawing area, in SVG units: about a phone's width, so its
// text reads at its own size there.
const (
	chartW, chartH     = 360, 190
	chartL, chartR     = 48, 8 // room for the values on the left
	chartT, chartB     = 10, 26
	chartPlotW         = chartW - chartL - chartR
	chartPlotH         = chartH - chartT - chartB
	chartMaxXLabels    = 6
	chartBarShare      = 0.6 // of a point's width
	chartDotRadius     = 2.5
	chartGridIntervals = 4
)

// chartGeom is a chart placed on its drawing area.
type chartGeom struct {
	Grid   []chartTick // horizontal lines with their values
	XTicks []chartTick // labels under the axis
	Lines  []chartLine
	Bars   []chartBar
}

type chartTick struct {
	At    string // y for a grid line, x for a label
	Label string
}

type chartLine struct {
	Class  string
	Points string // the polyline's points
	Dots   []chartDot
}

type chartDot struct{ X, Y string }

type chartBar struct{ X, Y, W, H string }

// svgNum writes a coordinate with one decimal at most.
func svgNum(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// niceStep is the smallest 1, 2 or 5 × 10ⁿ at least v.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// scale returns the step between grid lines and the top of the axis: a
// round step, whole for counts, and the top the first step at or above
// the largest value.
func (c Chart) scale() (step, top float64) {
	hi := 0.0
	for _, s := range c.Series {
		for i, v := range s.Values {
			if s.known(i) && v > hi {
				hi = v
			}
		}
	}
	step = niceStep(hi / chartGridIntervals)
	switch c.Unit {
	case UnitShare:
		step = max(step, 0.05)
	case UnitCount:
		step = max(step, 1)
	case UnitMoney:
		step = max(step, 100)
	}
	top = step * math.Max(1, math.Ceil(hi/step-1e-9))
	return step, top
}

func (c Chart) points() int {
	n := len(c.XLabels)
	for _, s := range c.Series {
		n = max(n, len(s.Values))
	}
	return n
}

// geometry places the chart's grid, labels, lines or bars.
func (c Chart) geometry(ctx context.Context) chartGeom {
	var g chartGeom
	n := c.points()
	if n == 0 {
		return g
	}
	step, top := c.scale()
	band := float64(chartPlotW) / float64(n)
	x := func(i int) float64 { return chartL + (float64(i)+0.5)*band }
	y := func(v float64) float64 { return chartT + chartPlotH*(1-v/top) }
	for v := 0.0; v <= top+step/2; v += step {
		g.Grid = append(g.Grid, chartTick{At: svgNum(y(v)), Label: c.axisText(ctx, v)})
	}
	every := (n + chartMaxXLabels - 1) / chartMaxXLabels
	for i := n - 1; i >= 0; i -= every { // the latest point always has its label
		if i < len(c.XLabels) {
			g.XTicks = append(g.XTicks, chartTick{At: svgNum(x(i)), Label: c.XLabels[i]})
		}
	}
	for k, s := range c.Series {
		class := "series-" + strconv.Itoa(k%3+1)
		if c.Bars {
			w := band * chartBarShare
			for i, v := range s.Values {
				if s.known(i) {
					g.Bars = append(g.Bars, chartBar{X: svgNum(x(i) - w/2), Y: svgNum(y(v)), W: svgNum(w), H: svgNum(y(0) - y(v))})
				}
			}
			continue
		}
		l := chartLine{Class: class}
		var pts []string
		for i, v := range s.Values {
			if !s.known(i) {
				continue
			}
			d := chartDot{X: svgNum(x(i)), Y: svgNum(y(v))}
			pts = append(pts, d.X+","+d.Y)
			l.Dots = append(l.Dots, d)
		}
		l.Points = strings.Join(pts, " ")
		g.Lines = append(g.Lines, l)
	}
	return g
}

// axisText is a grid line's value: short, as it sits in a narrow margin.
func (c Chart) axisText(ctx context.Context, v float64) string {
	switch c.Unit {
	case UnitShare:
		return strconv.Itoa(int(math.Round(v*100))) + "%"
	case UnitMoney:
		return shortMoney(LocaleOf(ctx), v, c.Currency)
	}
	if v >= 10_000 {
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	}
	return groupThousands(int64(v))
}

// valueText is a value in the chart's unit, in full, for the table.
func (c Chart) valueText(ctx context.Context, s Series, i int) string {
	if i >= len(s.Values) || !s.known(i) {
		return "–"
	}
	return unitText(ctx, c.Unit, c.Currency, s.Values[i])
}

// unitText writes v as its unit is written in the page's language.
func unitText(ctx context.Context, u Unit, currency string, v float64) string {
	switch u {
	case UnitShare:
		return Percent(v)
	case UnitMoney:
		return Money(LocaleOf(ctx), int64(math.Round(v)), currency)
	}
	return groupThousands(int64(math.Round(v)))
}

// summary describes the chart in a sentence for its SVG's description:
// each series' latest value.
func (c Chart) summary(ctx context.Context) string {
	n := c.points()
	if n == 0 {
		return T(ctx, "insights.chart.empty")
	}
	parts := make([]string, 0, len(c.Series))
	for _, s := range c.Series {
		parts = append(parts, s.Name+" "+c.valueText(ctx, s, n-1))
	}
	last := ""
	if n-1 < len(c.Rows) {
		last = c.Rows[n-1]
	}
	return T(ctx, "insights.chart.latest", "when", last, "values", strings.Join(parts, ", "))
}

// Percent writes a share (0–1) as a whole percentage, or with one
// decimal under 10% so a small share does not read as none.
func Percent(v float64) string {
	p := v * 100
	if p != 0 && math.Abs(p) < 10 {
		return strconv.FormatFloat(math.Round(p*10)/10, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(int(math.Round(p))) + "%"
}

// shortMoney is an axis amount: whole units, thousands as "k" (만 in
// Korean won).
func shortMoney(locale string, v float64, currency string) string {
	units := v
	if !zeroDecimal[strings.ToLower(currency)] {
		units = v / 100
	}
	if strings.ToLower(currency) == "krw" && locale == "ko" && units >= 10_000 {
		return strconv.FormatFloat(units/10_000, 'f', -1, 64) + "만"
	}
	if units >= 10_000 {
		return strconv.FormatFloat(units/1000, 'f', -1, 64) + "k"
	}
	return groupThousands(int64(units))
}

// Heatmap is a grid of shares coloured by size: the cohort table.
type Heatmap struct {
	ID       string
	Title    string
	RowHead  string   // the table's first column heading ("Joined")
	SizeHead string   // the heading of the rows' sizes ("Members")
	Columns  []string // short, over the grid ("3")
	Heads    []string // the same in full, for the table ("Week 3")
	Rows     []HeatRow
	// Mark is the column outlined to draw the eye (week 3), -1 for none.
	Mark int
}

// HeatRow is one row of a heatmap: its label, its size and a share per
// column that has begun (fewer than the columns for a recent row).
type HeatRow struct {
	Label string // short, beside the grid
	Long  string // in full, for the table
	Size  int
	Cells []float64
}

// The heatmap's drawing area, in SVG units.
const (
	heatLabelW = 66
	heatCellW  = 24
	heatCellH  = 20
	heatGap    = 2
	heatHeadH  = 18
)

// heatBuckets are where each colour starts, from the palette's lightest:
// shares under 10%, 20%, 35%, 50%, 70%, and from 70%.
var heatBuckets = []float64{0.10, 0.20, 0.35, 0.50, 0.70}

// heatClass is the colour class of a share.
func heatClass(v float64) string {
	b := 0
	for b < len(heatBuckets) && v >= heatBuckets[b] {
		b++
	}
	return "heat-" + strconv.Itoa(b)
}

// heatLegend is the palette's steps with their ranges, for the legend.
func heatLegend() []chartTick {
	out := make([]chartTick, 0, len(heatBuckets)+1)
	lo := 0.0
	for i, hi := range heatBuckets {
		out = append(out, chartTick{At: "heat-" + strconv.Itoa(i), Label: Percent(lo) + "–" + Percent(hi)})
		lo = hi
	}
	return append(out, chartTick{At: "heat-" + strconv.Itoa(len(heatBuckets)), Label: Percent(lo) + "+"})
}

type heatCell struct {
	X, Y, TX, TY string
	Class, Text  string
}

type heatGeom struct {
	W, H       string
	Heads      []chartTick // the columns' labels (x)
	RowLabels  []chartDot  // Y of each row's label, with its text in X's place
	Cells      []heatCell
	MarkX      string
	MarkY      string
	MarkW      string
	MarkH      string
	HeadY      string
	LabelX     string
	ShowMarker bool
}

func (h Heatmap) geometry() heatGeom {
	cols := len(h.Columns)
	w := heatLabelW + cols*(heatCellW+heatGap)
	ht := heatHeadH + len(h.Rows)*(heatCellH+heatGap)
	g := heatGeom{W: strconv.Itoa(w), H: strconv.Itoa(ht), HeadY: strconv.Itoa(heatHeadH - 5), LabelX: strconv.Itoa(heatLabelW - 4)}
	cx := func(c int) int { return heatLabelW + c*(heatCellW+heatGap) }
	ry := func(r int) int { return heatHeadH + r*(heatCellH+heatGap) }
	for c, label := range h.Columns {
		g.Heads = append(g.Heads, chartTick{At: strconv.Itoa(cx(c) + heatCellW/2), Label: label})
	}
	for r, row := range h.Rows {
		g.RowLabels = append(g.RowLabels, chartDot{X: row.Label, Y: strconv.Itoa(ry(r) + heatCellH/2 + 4)})
		for c, v := range row.Cells {
			if c >= cols {
				break
			}
			g.Cells = append(g.Cells, heatCell{X: strconv.Itoa(cx(c)), Y: strconv.Itoa(ry(r)),
				TX: strconv.Itoa(cx(c) + heatCellW/2), TY: strconv.Itoa(ry(r) + heatCellH/2 + 4),
				Class: heatClass(v), Text: strconv.Itoa(int(math.Round(v * 100)))})
		}
	}
	if h.Mark >= 0 && h.Mark < cols && len(h.Rows) > 0 {
		g.ShowMarker = true
		g.MarkX, g.MarkY = strconv.Itoa(cx(h.Mark)-1), strconv.Itoa(heatHeadH-1)
		g.MarkW, g.MarkH = strconv.Itoa(heatCellW+2), strconv.Itoa(len(h.Rows)*(heatCellH+heatGap))
	}
	return g
}

// cellText is a row's share in column c for the table, a dash for a
// week not yet begun.
func (r HeatRow) cellText(c int) string {
	if c >= len(r.Cells) {
		return "–"
	}
	return Percent(r.Cells[c])
}

// heatmapSummary describes the heatmap for its SVG: the marked
// column's average share beside the one before it.
func heatmapSummary(ctx context.Context, h Heatmap) string {
	if len(h.Rows) == 0 {
		return T(ctx, "insights.chart.empty")
	}
	if h.Mark < 1 {
		return T(ctx, "insights.cohort.summary_short", "n", strconv.Itoa(len(h.Rows)))
	}
	before, okBefore := h.average(h.Mark - 1)
	at, okAt := h.average(h.Mark)
	if !okBefore || !okAt {
		return T(ctx, "insights.cohort.summary_short", "n", strconv.Itoa(len(h.Rows)))
	}
	return T(ctx, "insights.cohort.summary", "n", strconv.Itoa(len(h.Rows)), "week", strconv.Itoa(h.Mark),
		"share", Percent(at), "before", Percent(before))
}

// average is the column's share over every row that reached it,
// weighted by the rows' sizes; false when none did.
func (h Heatmap) average(col int) (float64, bool) {
	var members, active float64
	for _, r := range h.Rows {
		if col >= 0 && col < len(r.Cells) && r.Size > 0 {
			members += float64(r.Size)
			active += r.Cells[col] * float64(r.Size)
		}
	}
	if members == 0 {
		return 0, false
	}
	return active / members, true
}
