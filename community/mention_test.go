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

// TestRenameMentions is the rule for a member renamed or deleted: the
// mentions of their old name, as written, mention the new one (in the
// form it needs), or nobody ("@…") once the account is deleted; the
// text is rendered again with every member it mentioned still marked,
// code included; other names and text stay as they were.
func TestRenameMentions(t *testing.T) {
	members := []GroupMember{{Name: "zz"}, {Name: "jun"}, {Name: "Kim & Lee"}}
	for _, tc := range []struct {
		body, old, name string
		wantBody        string
		wantHTML        string
	}{
		{"hi @zz.", "zz", "Minji Kim", "hi @[Minji Kim].", `<p>hi <span class="mention">@[Minji Kim]</span>.</p>`},
		{"@zz, @jun and @zzz", "zz", "minji", "@minji, @jun and @zzz",
			`<p><span class="mention">@minji</span>, <span class="mention">@jun</span> and @zzz</p>`},
		{"thanks @[zz]!", "zz", "minji", "thanks @[minji]!", `<p>thanks <span class="mention">@[minji]</span>!</p>`},
		{"to @[Kim & Lee]", "Kim & Lee", "Lee <3", "to @[Lee <3]", `<p>to <span class="mention">@[Lee &lt;3]</span></p>`},
		{"bye @zz! @jun", "zz", "", "bye @…! @jun", `<p>bye @…! <span class="mention">@jun</span></p>`},
		{"code: `@zz`", "zz", "", "code: `@…`", "<p>code: <code>@…</code></p>"},
		{"@jun only", "zz", "minji", "@jun only", `<p><span class="mention">@jun</span> only</p>`},
	} {
		rendered := highlightMentions(RenderMarkdown(tc.body), members)
		body, html := renameMentions(tc.body, rendered, tc.old, tc.name)
		if body != tc.wantBody || strings.TrimSpace(html) != tc.wantHTML {
			t.Errorf("renameMentions(%q, %q → %q) = %q, %q; want %q, %q", tc.body, tc.old, tc.name, body, html, tc.wantBody, tc.wantHTML)
		}
	}
}
