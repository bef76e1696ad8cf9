package views

import "fanclub/community"

// Notifications is the notification centre.
type Notifications struct {
	Chrome Chrome
	Page   community.NoticePage
}

// NoticeLink is the page a notice is about.
func NoticeLink(n community.Notice) string {
	switch {
	case n.Idea != "":
		return "/groups/" + n.GroupSlug + "/ideas/" + string(n.Idea)
	case n.Post != "":
		return "/groups/" + n.GroupSlug + "/posts/" + string(n.Post)
	case n.GroupSlug != "":
		return "/groups/" + n.GroupSlug
	}
	return "/notifications"
}
