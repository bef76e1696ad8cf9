package views

import (
	"context"
	"net/url"
	"strconv"

	"fanclub/community"
)

// Notifications is the notification centre.
type Notifications struct {
	Chrome Chrome
	Page   community.NoticePage
}

// NoticeLink is the page a notice is about.
func NoticeLink(n community.Notice) string {
	switch {
	case n.Kind == community.NoticeBrandMessage:
		return "/messages/" + url.PathEscape(n.Campaign)
	case n.Kind == community.NoticeBirthdayGift:
		return "/rewards/mine"
	case n.Kind == community.NoticePointsExpiring, n.Kind == community.NoticeBirthday, n.Kind == community.NoticeAnniversary:
		return "/rewards"
	case n.Kind == community.NoticeJoinRequest:
		return "/groups/" + n.GroupSlug + "/members#requests"
	case n.Event != "":
		return "/groups/" + n.GroupSlug + "/events/" + string(n.Event)
	case n.Idea != "":
		return "/groups/" + n.GroupSlug + "/ideas/" + string(n.Idea)
	case n.Post != "":
		return "/groups/" + n.GroupSlug + "/posts/" + string(n.Post)
	case n.GroupSlug != "":
		return "/groups/" + n.GroupSlug
	}
	return "/notifications"
}

// noticeText says what a notice is about, in the reader's language.
func noticeText(ctx context.Context, n community.Notice) string {
	status := ""
	if n.Status != "" {
		status = T(ctx, statusKey(n.Status))
	}
	kind := string(n.Kind)
	if n.Kind == community.NoticeAnniversary && n.Years == 1 {
		kind += "_one"
	}
	return T(ctx, key("notifications.kind.", kind), "name", shownName(ctx, n.ActorName), "group", n.GroupName,
		"idea", n.IdeaTitle, "status", status, "event", n.EventTitle, "subject", n.Subject,
		"points", groupThousands(n.Points), "day", DateOf(LocaleOf(ctx), n.Until), "years", strconv.Itoa(n.Years))
}
