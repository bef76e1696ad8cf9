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
		{"code: `@minji` stays", nil, "<p>code: <code>@minji</code> stays</p>"},
		{"```\n@minji\n```", nil, "<pre><code>@minji\n</code></pre>"},
		{"youtube.com/@minji, https://x.example/@minji", nil,
			`<p>youtube.com/@minji, <a href="https://x.example/@minji" rel="nofollow noopener" target="_blank">https://x.example/@minji</a></p>`},
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
// text is rendered again with every member it mentioned still marked;
// other names and text stay as they were. Only what the page shows as a
// mention changes (not code, addresses or images), and a new name is
// never read as Markdown.
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
		{"code: `@zz` @zz", "zz", "", "code: `@zz` @…", "<p>code: <code>@zz</code> @…</p>"},
		{"@jun only", "zz", "minji", "@jun only", `<p><span class="mention">@jun</span> only</p>`},
		// Only what the page shows as a mention changes: not addresses,
		// not code, not an image's description.
		{"see https://www.youtube.com/@zz or youtube.com/@zz", "zz", "Kim Minji",
			"see https://www.youtube.com/@zz or youtube.com/@zz",
			`<p>see <a href="https://www.youtube.com/@zz" rel="nofollow noopener" target="_blank">https://www.youtube.com/@zz</a> or youtube.com/@zz</p>`},
		{"a:@zz b@zz", "zz", "Kim Minji", "a:@zz b@zz", "<p>a:@zz b@zz</p>"},
		{"`@zz` and @zz", "zz", "Kim Minji", "`@zz` and @[Kim Minji]",
			`<p><code>@zz</code> and <span class="mention">@[Kim Minji]</span></p>`},
		{"```\n@zz\n```\n@zz", "zz", "Kim Minji", "```\n@zz\n```\n@[Kim Minji]",
			"<pre><code>@zz\n</code></pre>\n<p><span class=\"mention\">@[Kim Minji]</span></p>"},
		{"    @zz in code", "zz", "Kim Minji", "    @zz in code", "<pre><code>@zz in code\n</code></pre>"},
		{"![@zz](https://img.example/a.png)", "zz", "Kim Minji", "![@zz](https://img.example/a.png)",
			`<p><img src="https://img.example/a.png"></p>`},
		// A new name is never read as Markdown: where the bracketed form
		// would make a link, bold text or a tag, the mention becomes "@…".
		{"@zz(https://evil.example)", "zz", "Kim Minji", "@…(https://evil.example)", `<p>@…(<a href="https://evil.example" rel="nofollow noopener" target="_blank">https://evil.example</a>)</p>`},
		{"hi @zz and @jun", "zz", "x](https://phish.example/login) [y", "hi @… and @jun",
			`<p>hi @… and <span class="mention">@jun</span></p>`},
		{"hi @zz", "zz", "**Boss**", "hi @…", "<p>hi @…</p>"},
		{"hi @zz", "zz", "<b>x</b>", "hi @…", "<p>hi @…</p>"},
		{"hi @zz", "zz", `a\*b`, "hi @…", "<p>hi @…</p>"},
		{"hi @zz", "zz", "a &copy; b", "hi @…", "<p>hi @…</p>"},
		{"hi @zz", "zz", "`x`", "hi @…", "<p>hi @…</p>"},
		{"hi @zz", "zz", "Kim (Minji) ★", "hi @[Kim (Minji) ★]", `<p>hi <span class="mention">@[Kim (Minji) ★]</span></p>`},
		{"hi @zz", "zz", "_Kim_", "hi @…", "<p>hi @…</p>"},
		{"hi @zz", "zz", "Kim_", "hi @Kim_", `<p>hi <span class="mention">@Kim_</span></p>`},
	} {
		rendered := highlightMentions(RenderMarkdown(tc.body), members)
		body, html := renameMentions(tc.body, rendered, tc.old, tc.name)
		if body != tc.wantBody || strings.TrimSpace(html) != tc.wantHTML {
			t.Errorf("renameMentions(%q, %q → %q) = %q, %q; want %q, %q", tc.body, tc.old, tc.name, body, html, tc.wantBody, tc.wantHTML)
		}
	}
}
