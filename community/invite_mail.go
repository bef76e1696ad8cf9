package community

import (
	"context"
	"fmt"

	"fanclub/internal/mail"
)

// invitationMail is the invitation by email, in the inviter's language:
// to the group, or to the event e when it has an id.
func invitationMail(locale, to, by string, g Group, e Event, link string) mail.Message {
	if by == "" {
		by = map[bool]string{true: "모임 운영진", false: "A host"}[locale == "ko"]
	}
	var subject, line string
	switch {
	case e.ID != "" && locale == "ko":
		subject = fmt.Sprintf("%s님이 “%s”에 초대했어요", by, e.Title)
		line = fmt.Sprintf("%s님이 %s 모임의 이벤트 “%s”에 초대했어요.", by, g.Name, e.Title)
	case e.ID != "":
		subject = fmt.Sprintf("%s invited you to %s", by, e.Title)
		line = fmt.Sprintf("%s invited you to %s, an event of %s.", by, e.Title, g.Name)
	case locale == "ko":
		subject = fmt.Sprintf("%s님이 %s 모임에 초대했어요", by, g.Name)
		line = fmt.Sprintf("%s님이 %s 모임에 초대했어요.", by, g.Name)
	default:
		subject = fmt.Sprintf("%s invited you to join %s", by, g.Name)
		line = fmt.Sprintf("%s invited you to join %s.", by, g.Name)
	}
	how := "Open this link to accept. It signs you in with this address, making you an account if you have none, " +
		"and takes you in. It works once, for 7 days."
	foot := "If you don't know who sent it or don't want to join, ignore this email: nothing happens without the link."
	if locale == "ko" {
		how = "아래 링크를 열어 초대를 받아 주세요. 이 주소로 로그인하고(계정이 없으면 새로 만들어요) 바로 들어가요. 링크는 7일 동안 한 번만 쓸 수 있어요."
		foot = "모르는 분이 보냈거나 참여하고 싶지 않다면 이 메일은 무시해도 돼요. 링크를 열지 않으면 아무 일도 일어나지 않아요."
	}
	return mail.Message{To: to, Locale: mailLocale(locale == "ko"), Subject: subject, Text: line + "\n\n" + how + "\n\n" + link + "\n\n" + foot + "\n"}
}

// SweepEmailInvitations deletes invitations by email past their expiry.
// There is no TTL index on the embedded server, so a periodic job calls
// this.
func (s *Service) SweepEmailInvitations(ctx context.Context) error {
	return s.deleteExpiredEmailInvites(ctx)
}
