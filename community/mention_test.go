package community

import (
	"slices"
	"testing"
)

// TestMentions is the mention rule as a table: which names a text
// mentions, and how the rendered text marks the members among them.
func TestMentions(t *testing.T) {
	members := []GroupMember{{Name: "minji"}, {Name: "김민지"}, {Name: "Emma Lee"}, {Name: "a_b"}}
	for _, tc := range []struct {
		body   string
		names  []string
		marked string
	}{
		{"hi @minji.", []string{"minji"}, "hi **@minji**."},
		{"@김민지 님 안녕하세요", []string{"김민지"}, "**@김민지** 님 안녕하세요"},
		{"thanks @[Emma Lee]!", []string{"Emma Lee"}, "thanks **@Emma Lee**!"},
		{"mail me at jun@example.com", nil, "mail me at jun@example.com"},
		{"@stranger and @minji and @minji", []string{"stranger", "minji"}, "@stranger and **@minji** and **@minji**"},
		{"@a_b", []string{"a_b"}, `**@a\_b**`},
		{"@[no closing", nil, "@[no closing"},
	} {
		if got := mentionedNames(tc.body); !slices.Equal(got, tc.names) {
			t.Errorf("mentionedNames(%q) = %q, want %q", tc.body, got, tc.names)
		}
		if got := markMentions(tc.body, members); got != tc.marked {
			t.Errorf("markMentions(%q) = %q, want %q", tc.body, got, tc.marked)
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
