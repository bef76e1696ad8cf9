package community

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mail"
)

// Job kinds for requests to join. Their names are not catalog-shaped.
const (
	jobJoinRequest = "join-request"      // tell a group's moderators someone asks to join
	jobJoinMail    = "join-request-mail" // email one of them
)

// maxModeratorsTold bounds the moderators one request tells.
const maxModeratorsTold = 200

// joinRequest is a request to join a group, for its moderators.
type joinRequest struct {
	Request string         `bson:"request"` // one per person, group and day: ids of notices and mails derive from it
	Group   GroupID        `bson:"group"`
	Account auth.AccountID `bson:"account"`
	Name    string         `bson:"name"`
}

// announceRequest queues the news of a's request to join g for the
// group's owner and moderators. The request is made; a queue that fails
// is logged, not returned. The news is one per person, group and day
// (UTC): someone who asks, withdraws and asks again in a loop tells each
// moderator once a day, since the job, its notices and its mails all take
// their ids from that.
func (s *Service) announceRequest(ctx context.Context, a Actor, g Group) {
	r := joinRequest{Request: requestID(g.ID, a.ID(), s.now()), Group: g.ID, Account: a.ID(), Name: a.Account.Name}
	if s.delivery.Jobs == nil {
		s.log.ErrorContext(ctx, "join request news dropped: no job queue wired (community.Deliver)", "group", g.ID)
		return
	}
	if err := s.delivery.Jobs.Enqueue(ctx, "join:"+r.Request, jobJoinRequest, r); err != nil {
		s.log.ErrorContext(ctx, "join request news not queued", "group", g.ID, "err", err)
	}
}

// requestID names the news of acc's requests to join g on the day of at.
func requestID(g GroupID, acc auth.AccountID, at time.Time) string {
	return eventID("join-request:"+string(g)+":"+at.UTC().Format(time.DateOnly), acc)
}

// runJoinRequest gives each owner and moderator of the group a notice
// that leads to its members page, and queues mail for those who chose
// it, if the request still waits. Run again, it tells nobody twice.
func (s *Service) runJoinRequest(ctx context.Context, payload bson.Raw) error {
	var r joinRequest
	if err := bson.Unmarshal(payload, &r); err != nil {
		return err
	}
	g, m, err := s.waitingRequest(ctx, r)
	if err != nil || m.State != StatePending {
		return err
	}
	// Served by index "group_members_group_state"; a group has a few.
	var mods []memberDoc
	if err := s.findAll(ctx, s.members, bson.M{"group": g.ID, "state": StateActive, "role": bson.M{"$in": bson.A{RoleOwner, RoleModerator}}},
		nil, maxModeratorsTold, &mods, "list moderators"); err != nil {
		return err
	}
	ids := make([]auth.AccountID, len(mods))
	for i, d := range mods {
		ids[i] = d.Account
	}
	accounts, err := s.delivery.Accounts.AccountsByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		n := Notice{ID: eventID(r.Request, id), Account: id, Kind: NoticeJoinRequest, ActorName: r.Name, Actor: r.Account,
			GroupSlug: g.Slug, GroupName: g.Name}
		if err := s.notifyOnce(ctx, n); err != nil {
			return err
		}
		if wantsJoinMail(accounts[id]) {
			if err := s.delivery.Jobs.Enqueue(ctx, "mail:"+eventID(r.Request, id), jobJoinMail, joinMail{To: id, Request: r}); err != nil {
				return err
			}
		}
	}
	return nil
}

// waitingRequest finds the group of a request and where the requester
// stands in it now; a group deleted meanwhile is no request.
func (s *Service) waitingRequest(ctx context.Context, r joinRequest) (Group, GroupMember, error) {
	g, err := s.findGroup(ctx, r.Group)
	if errors.Is(err, ErrNotFound) {
		return g, GroupMember{}, nil
	} else if err != nil {
		return g, GroupMember{}, err
	}
	m, err := s.findMember(ctx, g.ID, r.Account)
	if errors.Is(err, ErrNotFound) {
		return g, GroupMember{}, nil
	}
	return g, m, err
}

// wantsJoinMail applies a moderator's choice of mail about requests.
func wantsJoinMail(a auth.Account) bool {
	return a.MailJoinRequests && a.Email != "" && a.EmailVerified
}

// joinMail is one mail about a request to one moderator.
type joinMail struct {
	To      auth.AccountID `bson:"to"`
	Request joinRequest    `bson:"request"`
}

// runJoinMail sends one mail about a request, checking again that the
// moderator still wants it and the request still waits.
func (s *Service) runJoinMail(ctx context.Context, payload bson.Raw) error {
	var m joinMail
	if err := bson.Unmarshal(payload, &m); err != nil {
		return err
	}
	a, err := s.delivery.Accounts.AccountByID(ctx, m.To)
	if errors.Is(err, auth.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if !wantsJoinMail(a) {
		return nil
	}
	g, req, err := s.waitingRequest(ctx, m.Request)
	if err != nil || req.State != StatePending {
		return err
	}
	link := fmt.Sprintf("%s/groups/%s/members#requests", s.delivery.BaseURL, g.Slug)
	return s.delivery.Mail.Send(ctx, joinMailText(a, g, m.Request.Name, link))
}

// joinMailText writes the mail in the moderator's language.
func joinMailText(a auth.Account, g Group, name, link string) mail.Message {
	if a.Locale == "ko" {
		return mail.Message{To: a.Email, Locale: "ko", Subject: fmt.Sprintf("%s님이 %s 모임 가입을 요청했어요", name, g.Name),
			Text: fmt.Sprintf("%s님이 %s 모임 가입을 요청했어요. 멤버 페이지에서 승인하거나 거절할 수 있어요.\n\n%s\n\n"+
				"설정에서 가입 요청 이메일을 받기로 하셔서 보내드려요.", name, g.Name, link)}
	}
	return mail.Message{To: a.Email, Locale: "en", Subject: fmt.Sprintf("%s asked to join %s", name, g.Name),
		Text: fmt.Sprintf("%s asked to join %s. Approve or decline on the members page:\n\n%s\n\n"+
			"You get this because you chose email about requests to join in Settings.", name, g.Name, link)}
}
