package community_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"fanclub/community"
)

var nestingTag = regexp.MustCompile(`<(/?)(blockquote|ul|ol)\b[^>]*>`)

// nesting is how deep quotes and lists hold one another in html.
func nesting(html string) int {
	depth, deepest := 0, 0
	for _, m := range nestingTag.FindAllStringSubmatch(html, -1) {
		if m[1] == "/" {
			depth--
		} else {
			depth++
			deepest = max(deepest, depth)
		}
	}
	return deepest
}

// Quotes and lists nest at most eight deep, whatever is written: deeper
// ones are unwrapped, their text kept in order, each list item a
// paragraph. Nesting up to eight is left as written.
func TestMarkdownNestingIsBounded(t *testing.T) {
	list := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%s- item %d\n", strings.Repeat("  ", i), i)
		}
		return b.String()
	}
	for _, c := range []struct {
		name, markdown string
		depth          int
		texts          []string // in this order
	}{
		{"a quote", "> hello", 1, []string{"hello"}},
		{"quotes eight deep", strings.Repeat("> ", 8) + "eight", 8, []string{"<p>eight</p>"}},
		{"quotes nine deep", strings.Repeat("> ", 9) + "nine", 8, []string{"<p>nine</p>"}},
		{"quotes five hundred deep", strings.Repeat(">", 500) + " deep\n\nafter", 8, []string{"<p>deep</p>", "<p>after</p>"}},
		{"a list eight deep", list(8), 8, []string{"item 0", "item 7"}},
		{"a list forty deep", list(40), 8, []string{"item 0", "item 7", "<p>item 8</p>", "<p>item 39</p>"}},
		{"quotes in lists in quotes", strings.Repeat("> - ", 20) + "mixed", 8, []string{"<p>mixed</p>"}},
		{"a deep quote in a loose list", "- one\n\n  " + strings.Repeat("> ", 12) + "quoted\n\n- two", 8,
			[]string{"one", "<p>quoted</p>", "two"}},
		{"an ordered list in deep quotes", strings.Repeat("> ", 10) + "1. first\n" + strings.Repeat("> ", 10) + "2. second", 8,
			[]string{"<p>first</p>", "<p>second</p>"}},
	} {
		html := community.RenderMarkdown(c.markdown)
		if got := nesting(html); got != c.depth {
			t.Errorf("%s: nested %d deep, want %d:\n%s", c.name, got, c.depth, html)
		}
		rest := html
		for _, text := range c.texts {
			i := strings.Index(rest, text)
			if i < 0 {
				t.Errorf("%s: %q missing or out of order:\n%s", c.name, text, html)
				break
			}
			rest = rest[i+len(text):]
		}
	}
}
