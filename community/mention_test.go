package community

import (
	"slices"
	"strings"
	"testing"
)

// TestMentions is the mention rule as a table: which names a text
// mentions, and how the rendered text marks the members among them.
func TestMentions(t *testing.T) {
	members := []GroupMember{{Name: "minji"}, {Name: "김민지"}, {Name: "Emma Lee"}}
	for _, tc := range []struct {
		body   string
		names  []string
		marked string
	}{
		{"hi @minji.", []string{"minji"}, `<p>hi <span class="mention">@minji</span>.</p>`},
		{"@김민지 님 안녕하세요", []string{"김민지"}, `<p><span class="mention">@김민지</span> 님 안녕하세요</p>`},
		{"thanks @[Emma Lee]!", []string{"Emma Lee"}, `<p>thanks <span class="mention">@[Emma Lee]</span>!</p>`},
		{"mail me at jun@example.com", nil, `<p>mail me at <a href="mailto:jun@example.com" rel="nofollow">jun@example.com</a></p>`},
		{"@stranger and **@minji**", []string{"stranger", "minji"}, `<p>@stranger and <strong><span class="mention">@minji</span></strong></p>`},
		{"code: `@minji` stays", []string{"minji"}, "<p>code: <code>@minji</code> stays</p>"},
		{"@[no closing", nil, "<p>@[no closing</p>"},
		{"@minjis is not @minji", []string{"minjis", "minji"}, `<p>@minjis is not <span class="mention">@minji</span></p>`},
	} {
		if got := mentionedNames(tc.body); !slices.Equal(got, tc.names) {
			t.Errorf("mentionedNames(%q) = %q, want %q", tc.body, got, tc.names)
		}
		if got := strings.TrimSpace(highlightMentions(RenderMarkdown(tc.body), members)); got != tc.marked {
			t.Errorf("highlightMentions(%q) = %q, want %q", tc.body, got, tc.marked)
		}
	}
	many := ""
	for i := range 15 {
		many += " @m" + string(rune('a'+i))
	}
	if n := len(mentionedNames(many)); n != maxMentions {
		t.Errorf("%d names from 15 mentions, want at most %d", n, maxMentions)
	}
}
