package views

import (
	"cmp"
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"time"
)

// SortAtRisk orders the at-risk rows by one of AtRiskSorts: the most
// recently active first ("last", as activity.AtRisk orders them; one
// never active by their join day), by name, newest to join first
// ("joined"), or premium first by tier name ("tier"); ties go to the
// most recently active, then the account id, so the order is the same
// on every load.
func SortAtRisk(rows []AtRiskRow, by string) {
	seen := func(r AtRiskRow) time.Time {
		if r.Last.After(r.Joined) {
			return r.Last
		}
		return r.Joined
	}
	recent := func(x, y AtRiskRow) int {
		return cmp.Or(seen(y).Compare(seen(x)), cmp.Compare(x.Account, y.Account))
	}
	free := func(r AtRiskRow) int { // premium first
		if r.Tier == "" {
			return 1
		}
		return 0
	}
	slices.SortFunc(rows, func(x, y AtRiskRow) int {
		switch by {
		case "name":
			return cmp.Or(cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), recent(x, y))
		case "joined":
			return cmp.Or(y.Joined.Compare(x.Joined), recent(x, y))
		case "tier":
			return cmp.Or(cmp.Compare(free(x), free(y)), cmp.Compare(x.Tier, y.Tier), recent(x, y))
		}
		return recent(x, y)
	})
}

// utf8BOM starts the CSV so that Excel reads it as UTF-8: without it,
// Korean names come out garbled.
const utf8BOM = "\uFEFF"

// AtRiskCSV writes the at-risk rows as CSV, headed in the page's
// language, dates as YYYY-MM-DD. A cell a spreadsheet would take for a
// formula (starting =, +, -, @, or a tab or carriage return) is written
// with a leading apostrophe, so a member cannot name themselves
// "=HYPERLINK(…)" and have it run on the brand's computer.
func AtRiskCSV(ctx context.Context, w io.Writer, rows []AtRiskRow) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // as Excel writes it
	head := []string{T(ctx, "insights.at_risk.name"), T(ctx, "insights.at_risk.why"), T(ctx, "insights.at_risk.joined"),
		T(ctx, "insights.at_risk.last"), T(ctx, "insights.at_risk.groups"), T(ctx, "insights.at_risk.tier")}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{shownName(ctx, r.Name), riskText(ctx, r), csvDate(r.Joined), csvDate(r.Last),
			strings.Join(r.Groups, "; "), r.Tier}
		for i := range rec {
			rec[i] = CSVCell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSVCell neutralises a cell a spreadsheet would run as a formula
// (OWASP's "CSV injection").
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func csvDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
