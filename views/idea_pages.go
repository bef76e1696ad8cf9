package views

import (
	"net/url"
	"strconv"
	"time"

	"fanclub/community"
)

// IdeaBoard is a group's idea board: filters, a page of ideas and the
// brand's response time.
type IdeaBoard struct {
	Chrome   Chrome
	Standing community.Standing
	Page     community.BoardPage
}

// IdeaForm proposes or edits an idea. Similar lists ideas like the one
// being proposed, offered before it is created.
type IdeaForm struct {
	Chrome   Chrome
	Standing community.Standing
	Action   string // where the form posts
	Input    community.IdeaInput
	Similar  []community.Idea
	Errors   map[string]string
}

// IdeaShow is an idea's own page.
type IdeaShow struct {
	Chrome   Chrome
	Standing community.Standing
	View     community.IdeaView
	Badges   Badges
	Comment  string // the comment form's text, kept on error
	ReplyTo  string
	Answer   community.Answer // the moderators' form, kept on error
	MergeTo  string
	Errors   map[string]string
}

// IdeaRoadmap is a group's roadmap.
type IdeaRoadmap struct {
	Chrome   Chrome
	Standing community.Standing
	Roadmap  community.Roadmap
}

// IdeaQueue is the moderators' "needs a response" list.
type IdeaQueue struct {
	Chrome   Chrome
	Standing community.Standing
	Queue    community.ResponseQueue
	Now      time.Time
}

// IdeaTags is where moderators manage a board's tags.
type IdeaTags struct {
	Chrome   Chrome
	Standing community.Standing
	Name     string
	Color    string
	Errors   map[string]string
}

func boardPath(st community.Standing) string { return "/groups/" + st.Group.Slug + "/ideas" }

func ideaPath(st community.Standing, id community.IdeaID) string {
	return boardPath(st) + "/" + string(id)
}

// boardQuery is the board's URL for q, with the cursor after.
func boardQuery(st community.Standing, q community.BoardQuery, after string) string {
	v := url.Values{}
	if q.Sort != "" && q.Sort != community.SortTrending {
		v.Set("sort", q.Sort)
	}
	if q.Status != "" {
		v.Set("status", q.Status)
	}
	if q.Tag != "" {
		v.Set("tag", q.Tag)
	}
	if q.Mine {
		v.Set("mine", "1")
	}
	if q.Voted {
		v.Set("voted", "1")
	}
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return boardPath(st)
	}
	return boardPath(st) + "?" + v.Encode()
}

// statusKey is the catalog key of a status's name.
func statusKey(s community.IdeaStatus) string { return "idea.status." + string(s) }

// hours is a duration in whole hours, at least 1 when not zero, for
// response times and ages.
func hours(d time.Duration) string {
	h := int(d.Hours())
	if h == 0 && d > 0 {
		h = 1
	}
	return strconv.Itoa(h)
}

// ideaTags are the group's tags that the idea carries.
func ideaTags(st community.Standing, i community.Idea) []community.IdeaTag {
	var out []community.IdeaTag
	for _, id := range i.Tags {
		if t, ok := st.Group.Tag(id); ok {
			out = append(out, t)
		}
	}
	return out
}

// answerOf is the moderators' form as it starts: the idea's status and
// response as they are.
func answerOf(p IdeaShow) community.Answer {
	if p.Answer.Status != "" {
		return p.Answer
	}
	return community.Answer{Status: p.View.Idea.Status, Response: p.View.Idea.Response.Body}
}

// ideaReplyPath is where comments on the idea are written, "" when the
// viewer may not comment.
func ideaReplyPath(p IdeaShow) string {
	if !p.Standing.CanPost() || !p.View.Idea.Open() {
		return ""
	}
	return ideaPath(p.Standing, p.View.Idea.ID)
}

// narrowed reports whether the reader chose a sort or filter, so the
// folded filter form opens to show it.
func narrowed(q community.BoardQuery) bool {
	return (q.Sort != "" && q.Sort != community.SortTrending) || q.Status != "" || q.Tag != "" || q.Mine || q.Voted
}
