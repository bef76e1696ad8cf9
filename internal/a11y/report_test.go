package a11y_test

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

// axeWhy says what axe found wrong with one element: its own words
// for that element (a contrast ratio, the name it heard), or else the
// rule's, and the element's HTML.
func axeWhy(help, summary, html string) string {
	why := help
	if _, s, ok := strings.Cut(summary, "following:"); ok && strings.TrimSpace(s) != "" {
		why = s
	}
	return short(why, 110) + " · " + short(html, 80)
}

// short puts s on one line and cuts it to n runes.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// row is a finding seen in one or more languages.
type row struct {
	finding
	locales []string
}

// mergeRows merges the findings that differ only in language, in the
// order of pages and rules.
func mergeRows(found []finding) []row {
	var rows []row
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
		rows = append(rows, row{f, []string{f.locale}})
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

// table is the findings as a table, at most per elements of one rule on
// one page, then a count of the rest.
func table(found []finding, per int) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "PAGE\tLOCALE\tJUDGE\tRULE\tELEMENT\tWHY")
	rows := mergeRows(found)
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].page == rows[i].page && rows[j].judge == rows[i].judge && rows[j].rule == rows[i].rule {
			j++
		}
		for k := i; k < j && k < i+per; k++ {
			r := rows[k]
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.page, strings.Join(r.locales, ","), r.judge, r.rule,
				short(r.element, 60), short(r.detail, 160))
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

// tsv is every finding, one a line, for FANCLUB_A11Y_REPORT.
func tsv(found []finding) string {
	var b strings.Builder
	b.WriteString("page\tlocale\tjudge\trule\telement\twhy\n")
	for _, r := range mergeRows(found) {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\n", r.page, strings.Join(r.locales, ","), r.judge, r.rule,
			short(r.element, 200), short(r.detail, 300))
	}
	return b.String()
}

// TestAccessibilityReport checks the failure table: a finding seen in both
// languages is one row, pages keep their order, and past the cap a row
// counts the rest and says in which languages they are.
func TestAccessibilityReport(t *testing.T) {
	f := func(page, locale, rule, element string) finding {
		return finding{page: page, locale: locale, judge: "axe", rule: rule, element: element, detail: "why"}
	}
	got := table([]finding{
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
