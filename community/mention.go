package community

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// A mention is "@" and a member's display name: @[Kim Minji] for a name
// with spaces, or @minji for one without. Only active members of the
// group are mentioned; anything else stays plain text. An "@" after a
// letter, a digit, "/" or ":" is part of an address
// (jun@example.com, youtube.com/@minji), not a mention.
var mentionPattern = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_/:])@(?:\[([^\]\n]{1,60})\]|([\p{L}\p{N}_.-]{1,60}))`)

// maxMentions bounds how many people one post or comment notifies.
const maxMentions = 10

// mentionedNames returns the distinct names mentioned in body.
func mentionedNames(body string) []string {
	var names []string
	for _, m := range mentionSpans(body) {
		if !slices.Contains(names, m.name) {
			names = append(names, m.name)
		}
		if len(names) == maxMentions {
			break
		}
	}
	return names
}

// mentionSpan is a mention's place in Markdown: from its "@" to the end
// of the name (a sentence's full stop outside), and the name.
type mentionSpan struct {
	start, end int
	name       string
}

// mentionSpans finds the mentions in the Markdown body that a page shows
// as text, as highlightMentions marks them: an "@" in code, in an
// address, in an image's description or in a tag is no mention.
func mentionSpans(body string) []mentionSpan {
	texts := textRanges([]byte(body))
	var out []mentionSpan
	for _, m := range mentionPattern.FindAllStringSubmatchIndex(body, -1) {
		at := m[0] + strings.IndexByte(body[m[0]:m[1]], '@')
		end, name := m[1], ""
		if m[2] >= 0 {
			name = strings.TrimRight(body[m[2]:m[3]], ".-")
		} else {
			name = strings.TrimRight(body[m[4]:m[5]], ".-") // "@minji." ends a sentence
			end = m[4] + len(name)
		}
		if name != "" && slices.ContainsFunc(texts, func(r [2]int) bool { return r[0] <= at && end <= r[1] }) {
			out = append(out, mentionSpan{at, end, name})
		}
	}
	return out
}

// textRanges returns where in src the Markdown's plain text lies, outside
// code and images, each run of text with nothing between as one range.
func textRanges(src []byte) [][2]int {
	var out [][2]int
	_ = ast.Walk(markdown.Parser().Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if k := n.Kind(); k == ast.KindCodeSpan || k == ast.KindImage {
			return ast.WalkSkipChildren, nil
		}
		t, ok := n.(*ast.Text)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		if last := len(out) - 1; last >= 0 && out[last][1] == t.Segment.Start {
			out[last][1] = t.Segment.Stop
		} else {
			out = append(out, [2]int{t.Segment.Start, t.Segment.Stop})
		}
		return ast.WalkContinue, nil
	})
	return out
}

// resolveMentions finds the group's active members mentioned in body, in
// one query.
func (s *Service) resolveMentions(ctx context.Context, g GroupID, body string) ([]GroupMember, error) {
	names := mentionedNames(body)
	if len(names) == 0 {
		return nil, nil
	}
	var docs []memberDoc
	filter := bson.M{"group": g, "state": StateActive, "name": bson.M{"$in": names}}
	if err := s.findAll(ctx, s.members, filter, nil, maxMentions, &docs, "find mentioned members"); err != nil {
		return nil, err
	}
	out := make([]GroupMember, len(docs))
	for i, d := range docs {
		out[i] = d.member()
	}
	return out, nil
}

// ids returns the members' account ids.
func ids(ms []GroupMember) []auth.AccountID {
	out := make([]auth.AccountID, len(ms))
	for i, m := range ms {
		out[i] = m.Account
	}
	return out
}

// notifyMentions tells each mentioned member, except the author and
// those already told (mentioned in an earlier version of the text).
func (s *Service) notifyMentions(ctx context.Context, st Standing, post PostID, mentioned []GroupMember, told []auth.AccountID) {
	for _, m := range mentioned {
		if m.Account == st.Actor.ID() || slices.Contains(told, m.Account) {
			continue
		}
		s.notify(ctx, Notice{Account: m.Account, Kind: NoticeMention, ActorName: st.Actor.Account.Name, Actor: st.Actor.ID(),
			GroupSlug: st.Group.Slug, GroupName: st.Group.Name, Post: post})
	}
}

// highlightMentions marks the mentions of members in rendered, already
// sanitised HTML with <span class="mention">, outside code; other @words
// stay as written. Only text between tags is touched, so no markup a
// member wrote can come through.
func highlightMentions(rendered string, mentioned []GroupMember) string {
	if len(mentioned) == 0 {
		return rendered
	}
	names := map[string]bool{}
	for _, m := range mentioned {
		names[m.Name] = true
	}
	mark := func(text string) string {
		return eachMention(text, true, func(name, mention string) string {
			if !names[name] {
				return mention
			}
			return `<span class="mention">` + mention + `</span>`
		})
	}
	var b strings.Builder
	inCode := 0
	for rest := rendered; rest != ""; {
		lt := strings.IndexByte(rest, '<')
		if lt < 0 {
			lt = len(rest)
		}
		if inCode == 0 {
			b.WriteString(mark(rest[:lt]))
		} else {
			b.WriteString(rest[:lt])
		}
		rest = rest[lt:]
		gt := strings.IndexByte(rest, '>')
		if gt < 0 {
			b.WriteString(rest)
			break
		}
		tag := rest[:gt+1]
		switch {
		case strings.HasPrefix(tag, "<code"), strings.HasPrefix(tag, "<pre"):
			inCode++
		case strings.HasPrefix(tag, "</code"), strings.HasPrefix(tag, "</pre"):
			inCode = max(inCode-1, 0)
		}
		b.WriteString(tag)
		rest = rest[gt+1:]
	}
	return b.String()
}

// eachMention puts in place of each mention in text what with returns
// for it, given the name it mentions and the mention as written ("@minji"
// or "@[Kim Minji]", without a sentence's full stop). unescape reads the
// names in text that is HTML.
func eachMention(text string, unescape bool, with func(name, mention string) string) string {
	return mentionPattern.ReplaceAllStringFunc(text, func(match string) string {
		sub := mentionPattern.FindStringSubmatch(match)
		name := sub[1] + sub[2]
		if unescape {
			name = html.UnescapeString(name)
		}
		name = strings.TrimRight(name, ".-")
		at := strings.Index(match, "@")
		end := len(match)
		if sub[2] != "" { // a sentence's full stop stays outside
			end -= len(sub[2]) - len(strings.TrimRight(sub[2], ".-"))
		}
		return match[:at] + with(name, match[at:end]) + match[end:]
	})
}

// markedMention is a mention as highlightMentions marked it.
var markedMention = regexp.MustCompile(`<span class="mention">@([^<]*)</span>`)

// plainName is a name that can be mentioned without brackets.
var plainName = regexp.MustCompile(`^[\p{L}\p{N}_.-]*[\p{L}\p{N}_]$`)

// unrendered finds what Markdown shows other than as written even in
// plain text: a backslash escape or a character reference.
var unrendered = regexp.MustCompile(`\\[[:punct:]]|&#?[[:alnum:]]+;`)

// renameMentions rewrites the mentions of the name old in body so that
// they mention name instead, and renders it again with the members it
// mentioned (as rendered, already rendered, marks them) marked under the
// names they go by now: a renamed member stays mentioned. Only mentions
// as mentionSpans finds them change, never code or addresses. A mention
// of a name that Markdown would not show as written where it stands (a
// name with "]", emphasis, an escape, a tag, or followed by "(" that
// would make it a link) becomes "@…", as for a deleted account (name
// ""), which mentions nobody.
func renameMentions(body, rendered, old, name string) (string, string) {
	var spans []mentionSpan
	for _, m := range mentionSpans(body) {
		if m.name == old {
			spans = append(spans, m)
		}
	}
	if len(spans) == 0 {
		return body, rendered
	}
	forms := make([]string, len(spans))
	for i, m := range spans {
		switch {
		case name == "" || unrendered.MatchString(name):
			forms[i] = "@…"
		case plainName.MatchString(name) && body[m.start+1] != '[':
			forms[i] = "@" + name
		default:
			forms[i] = "@[" + name + "]"
		}
	}
	body = rewriteMentions(body, spans, forms)
	var marked []GroupMember
	for _, m := range markedMention.FindAllStringSubmatch(rendered, -1) {
		n := strings.TrimRight(strings.TrimSuffix(strings.TrimPrefix(html.UnescapeString(m[1]), "["), "]"), ".-")
		if n == old {
			n = name
		}
		if n != "" {
			marked = append(marked, GroupMember{Name: n})
		}
	}
	return body, highlightMentions(RenderMarkdown(body), marked)
}

// rewriteMentions puts forms[i] in place of spans[i] in body, then reads
// the result back: a form that is not read as a mention of the same
// name, as plain text, where it now stands, becomes "@…".
func rewriteMentions(old string, spans []mentionSpan, forms []string) string {
	for {
		var b strings.Builder
		starts := make([]int, len(spans))
		last := 0
		for i, m := range spans {
			b.WriteString(old[last:m.start])
			starts[i] = b.Len()
			b.WriteString(forms[i])
			last = m.end
		}
		b.WriteString(old[last:])
		body := b.String()
		read := map[int]mentionSpan{}
		for _, m := range mentionSpans(body) {
			read[m.start] = m
		}
		fixed := true
		for i, f := range forms {
			m, ok := read[starts[i]]
			if f != "@…" && (!ok || m.end != starts[i]+len(f) || "@"+m.name != f && "@["+m.name+"]" != f) {
				forms[i], fixed = "@…", false
			}
		}
		if fixed {
			return body
		}
	}
}
