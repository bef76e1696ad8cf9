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
		s.notify(ctx, Notice{Account: m.Account, Kind: NoticeMention, ActorName: st.Actor.Account.Name,
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
		return mentionPattern.ReplaceAllStringFunc(text, func(match string) string {
			sub := mentionPattern.FindStringSubmatch(match)
			name := strings.TrimRight(html.UnescapeString(sub[1]+sub[2]), ".-")
			if !names[name] {
				return match
			}
			at := strings.Index(match, "@")
			end := len(match)
			if sub[2] != "" { // a sentence's full stop stays outside
				end -= len(sub[2]) - len(strings.TrimRight(sub[2], ".-"))
			}
			return match[:at] + `<span class="mention">` + match[at:end] + `</span>` + match[end:]
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
