package community

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// A mention is "@" and a member's display name: @[Kim Minji] for a name
// with spaces, or @minji for one without. Only active members of the
// group are mentioned; anything else stays plain text.
var mentionPattern = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_])@(?:\[([^\]\n]{1,60})\]|([\p{L}\p{N}_.-]{1,60}))`)

// maxMentions bounds how many people one post or comment notifies.
const maxMentions = 10

// mentionedNames returns the distinct names mentioned in body.
func mentionedNames(body string) []string {
	var names []string
	for _, m := range mentionPattern.FindAllStringSubmatch(body, -1) {
		name := strings.TrimRight(m[1]+m[2], ".-") // "@minji." ends a sentence
		if name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
		if len(names) == maxMentions {
			break
		}
	}
	return names
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

// renameMentions rewrites the mentions of the name old in body so that
// they mention name instead, and renders it again with the members it
// mentioned (as rendered, already rendered, marks them) marked under the
// names they go by now: a renamed member stays mentioned. name "" (an
// account deleted) leaves "@…", which mentions nobody.
func renameMentions(body, rendered, old, name string) (string, string) {
	body = eachMention(body, false, func(n, mention string) string {
		switch {
		case n != old:
			return mention
		case name == "":
			return "@…"
		case plainName.MatchString(name) && !strings.HasPrefix(mention, "@["):
			return "@" + name
		}
		return "@[" + name + "]"
	})
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
