package views

import (
	"strconv"

	"fanclub/community"
)

// GroupFeed is a group's page: its header and, for readers, the composer
// and one page of the feed.
type GroupFeed struct {
	Chrome   Chrome
	Standing community.Standing
	Page     community.FeedPage
	Badges   Badges
	TierName string            // the name of the tier a tier group needs
	Draft    string            // the composer's text, kept on error
	Errors   map[string]string // field → catalog key
}

// PostThread is one post with a page of its comments.
type PostThread struct {
	Chrome   Chrome
	Standing community.Standing
	Thread   community.Thread
	Badges   Badges
	Draft    string // the comment form's text, kept on error
	ReplyTo  string // the comment being answered, kept on error
	Errors   map[string]string
}

// EditText edits the body of a post or a comment.
type EditText struct {
	Chrome   Chrome
	Standing community.Standing
	Action   string // where the form posts
	Back     string // the post's page
	Body     string
	Errors   map[string]string
}

func postPath(st community.Standing, id community.PostID) string {
	return "/groups/" + st.Group.Slug + "/posts/" + string(id)
}

func commentPath(st community.Standing, c community.Comment) string {
	if c.Idea != "" {
		return ideaPath(st, c.Idea) + "/comments/" + string(c.ID)
	}
	return postPath(st, c.Post) + "/comments/" + string(c.ID)
}

// replyPath is where a reply to a comment on the post is written, "" when
// the viewer may not comment there.
func replyPath(st community.Standing, p community.Post) string {
	if !st.CanPost() || p.State != community.Published || (p.Locked && !st.CanModerate()) {
		return ""
	}
	return postPath(st, p.ID)
}

// reactionCount is a counter as text, empty for none.
func reactionCount(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// initial is the first letter of a name, for an avatar without a picture.
func initial(name string) string {
	for _, r := range name {
		return string(r)
	}
	return "?"
}

// key builds a catalog key from a prefix and a value from a fixed set
// (a reaction, a colour, an action); TestDynamicKeysExist checks them all.
func key(prefix, name string) string { return prefix + name }
