package a11y_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTapTargetRule holds testdata/tap_targets.js, the measure that
// TestAccessibility runs on every page, to WCAG 2.2 2.5.8 and the site's
// rule for primary actions, on small pages made for each case.
func TestTapTargetRule(t *testing.T) {
	tl := findJudges(t)
	tapJS, err := os.ReadFile("testdata/tap_targets.js")
	if err != nil {
		t.Fatal(err)
	}
	tab := openBrowser(t, tl)
	const small = `display:inline-block;width:20px;height:20px;`
	for _, tc := range []struct {
		name, html string
		want       []string // rule and selector of each finding
	}{
		{"two small links side by side are too close",
			`<a href="/a" style="` + small + `">a</a><a href="/b" style="` + small + `">b</a>`,
			[]string{`target-size a[href="/a"]`, `target-size a[href="/b"]`}},
		{"a small link with room around it passes by spacing",
			`<a href="/a" style="` + small + `margin:20px">a</a><a href="/b" style="` + small + `margin:20px">b</a>`, nil},
		{"a small link under a big button is too close",
			`<a href="/a" style="` + small + `">a</a><br><button style="width:100px;height:48px">Go</button>`,
			[]string{`target-size a[href="/a"]`}},
		{"links in a sentence pass as inline",
			`<p style="line-height:1">Read <a href="/a">the rules</a>, <a href="/b">the terms</a> and <a href="/c">more</a>.</p>`, nil},
		{"links alone on their lines are not inline",
			`<p style="margin:0;line-height:1"><a href="/a">Back</a></p><p style="margin:0;line-height:1"><a href="/b">Next</a></p>`,
			[]string{`target-size a[href="/a"]`, `target-size a[href="/b"]`}},
		{"checkboxes whose labels are big enough pass",
			`<label style="display:block;padding:8px"><input type="checkbox"> One</label>` +
				`<label style="display:block;padding:8px"><input type="checkbox"> Two</label>`, nil},
		{"a form's submit button under 44 px is a short primary action",
			`<form><input name="q" style="height:48px"><button style="height:30px">Search</button></form>`,
			[]string{"primary-action-height button"}},
		{"a one-click form's button is not a primary action",
			`<form><button style="height:30px">Like</button></form>`, nil},
		{"a .button link under 44 px is a short primary action",
			`<a class="button" href="/join" style="display:inline-block;height:30px;padding:0 1em">Join</a>`,
			[]string{`primary-action-height a.button[href="/join"]`}},
		{"hidden, visually hidden and folded targets are not counted",
			`<a href="/a" hidden>a</a><a href="/b" style="position:absolute;left:-9999px">skip</a>` +
				`<details><summary style="display:block;height:48px">More</summary><a href="/c" style="` + small + `">c</a><a href="/d" style="` + small + `">d</a></details>`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html, _ := json.Marshal(tc.html)
			ctx, cancel := context.WithTimeout(tab, stepTime)
			defer cancel()
			err := chromedp.Do(ctx, chromedp.Navigate("about:blank"),
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := chromedp.Evaluate[bool](`document.body.innerHTML = `+string(html)+`; true`)(ctx, tg)
					return err
				}))
			if err != nil {
				t.Fatal(err)
			}
			found, err := chromedp.Run(ctx, chromedp.Evaluate[[]struct{ Rule, Element, Detail string }](string(tapJS)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range found {
				got = append(got, f.Rule+" "+f.Element)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}
