package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
)

// The accessibility check's report: the findings of TestAccessibility as a
// table a developer can act on, merged across languages.

// a11yAxeWhy says what axe found wrong with one element: its own words
// for that element (a contrast ratio, the name it heard), or else the
// rule's, and the element's HTML.
func a11yAxeWhy(help, summary, html string) string {
	why := help
	if _, s, ok := strings.Cut(summary, "following:"); ok && strings.TrimSpace(s) != "" {
		why = s
	}
	return a11yShort(why, 110) + " · " + a11yShort(html, 80)
}

// a11yShort puts s on one line and cuts it to n runes.
func a11yShort(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// a11yRow is a finding seen in one or more languages.
type a11yRow struct {
	a11yFinding
	locales []string
}

// a11yRows merges the findings that differ only in language, in the
// order of pages and rules.
func a11yRows(found []a11yFinding) []a11yRow {
	var rows []a11yRow
	at, order := map[string]int{}, map[string]int{}
	for _, f := range found {
		if _, ok := order[f.page]; !ok {
			order[f.page] = len(order)
		}
		key := f.page + "\x00" + f.judge + "\x00" + f.rule + "\x00" + f.element
		if i, ok := at[key]; ok {
			if !slices.Contains(rows[i].locales, f.locale) {
				rows[i].locales = append(rows[i].locales, f.locale)
			}
			continue
		}
		at[key] = len(rows)
		rows = append(rows, a11yRow{f, []string{f.locale}})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.page != b.page {
			return order[a.page] < order[b.page]
		}
		return a.judge+"\x00"+a.rule < b.judge+"\x00"+b.rule
	})
	return rows
}

// a11yTable is the findings as a table, at most per elements of one rule on
// one page, then a count of the rest.
func a11yTable(found []a11yFinding, per int) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "PAGE\tLOCALE\tJUDGE\tRULE\tELEMENT\tWHY")
	rows := a11yRows(found)
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].page == rows[i].page && rows[j].judge == rows[i].judge && rows[j].rule == rows[i].rule {
			j++
		}
		for k := i; k < j && k < i+per; k++ {
			r := rows[k]
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.page, strings.Join(r.locales, ","), r.judge, r.rule,
				a11yShort(r.element, 60), a11yShort(r.detail, 160))
		}
		if j-i > per {
			var locales []string
			for _, r := range rows[i+per : j] {
				for _, l := range r.locales {
					if !slices.Contains(locales, l) {
						locales = append(locales, l)
					}
				}
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t… and %d more elements\t\n", rows[i].page, strings.Join(locales, ","),
				rows[i].judge, rows[i].rule, j-i-per)
		}
		i = j
	}
	w.Flush()
	return b.String()
}

// a11yTSV is every finding, one a line, for FANCLUB_A11Y_REPORT.
func a11yTSV(found []a11yFinding) string {
	var b strings.Builder
	b.WriteString("page\tlocale\tjudge\trule\telement\twhy\n")
	for _, r := range a11yRows(found) {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\n", r.page, strings.Join(r.locales, ","), r.judge, r.rule,
			a11yShort(r.element, 200), a11yShort(r.detail, 300))
	}
	return b.String()
}

// TestAccessibilityReport checks the failure table: a finding seen in both
// languages is one row, pages keep their order, and past the cap a row
// counts the rest and says in which languages they are.
func TestAccessibilityReport(t *testing.T) {
	f := func(page, locale, rule, element string) a11yFinding {
		return a11yFinding{page: page, locale: locale, judge: "axe", rule: rule, element: element, detail: "why"}
	}
	got := a11yTable([]a11yFinding{
		f("home /", "en", "color-contrast", ".badge"),
		f("ideas /ideas", "en", "label-content-name-mismatch", "button.vote-1"),
		f("ideas /ideas", "en", "label-content-name-mismatch", "button.vote-2"),
		f("home /", "ko", "color-contrast", ".badge"),
		f("ideas /ideas", "ko", "label-content-name-mismatch", "button.vote-3"),
		f("ideas /ideas", "en", "heading-order", "h3"),
	}, 1)
	want := []string{
		"PAGE          LOCALE  JUDGE  RULE                         ELEMENT                WHY",
		"home /        en,ko   axe    color-contrast               .badge                 why",
		"ideas /ideas  en      axe    heading-order                h3                     why",
		"ideas /ideas  en      axe    label-content-name-mismatch  button.vote-1          why",
		"ideas /ideas  en,ko   axe    label-content-name-mismatch  … and 2 more elements",
	}
	if lines := strings.Split(strings.TrimSpace(got), "\n"); !slices.Equal(trimAll(lines), want) {
		t.Errorf("table:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func trimAll(lines []string) []string {
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}
