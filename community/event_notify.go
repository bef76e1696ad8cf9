package community

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mail"
)

// Job kinds for events.
const (
	jobEventNews   = "event.news"   // tell an event's people what happened
	jobEventMail   = "event.mail"   // email one of them
	jobEventRemind = "event.remind" // the day-before reminder to those going
)

// eventNews is what happened to an event, for the people it concerns.
type eventNews struct {
	News      string           `bson:"news"` // unique per happening: ids of notices and mails derive from it
	Kind      NoticeKind       `bson:"kind"`
	Event     EventID          `bson:"event"`
	Actor     auth.AccountID   `bson:"actor"`
	ActorName string           `bson:"actorName"`
	To        []auth.AccountID `bson:"to,omitempty"` // nil: everyone the kind concerns
}

// announceEvent queues news of the event. The action has happened; a
// queue that fails is logged, not returned.
func (s *Service) announceEvent(ctx context.Context, a Actor, id EventID, kind NoticeKind, to []auth.AccountID) {
	n := eventNews{News: newID(), Kind: kind, Event: id, Actor: a.ID(), ActorName: a.Account.Name, To: to}
	if s.delivery.Jobs == nil {
		s.log.ErrorContext(ctx, "event news dropped: no job queue wired (community.Deliver)", "event", id)
		return
	}
	if err := s.delivery.Jobs.Enqueue(ctx, "news:"+n.News, jobEventNews, n); err != nil {
		s.log.ErrorContext(ctx, "event news not queued", "event", id, "kind", kind, "err", err)
	}
}

// scheduleReminder queues the reminder for a day before the event
// starts. Its key carries the start, so a moved event gets a new
// reminder and the old one, finding the start changed, does nothing. An
// event set less than a day ahead gets none: its people just answered.
func (s *Service) scheduleReminder(ctx context.Context, e Event) {
	at := e.Start.Add(-24 * time.Hour)
	if s.delivery.Jobs == nil || at.Before(s.now()) {
		return
	}
	key := "remind:" + string(e.ID) + ":" + strconv.FormatInt(e.Start.Unix(), 10)
	if err := s.delivery.Jobs.EnqueueAt(ctx, key, jobEventRemind, reminder{Event: e.ID, Start: e.Start}, at); err != nil {
		s.log.ErrorContext(ctx, "reminder not queued", "event", e.ID, "err", err)
	}
}

type reminder struct {
	Event EventID   `bson:"event"`
	Start time.Time `bson:"start"`
}

// runReminder tells those going that the event is tomorrow, unless it
// was cancelled or moved since the reminder was queued. The job queue's
// lease runs it on one instance; notice ids from the event and start
// make a rerun tell nobody twice.
func (s *Service) runReminder(ctx context.Context, payload bson.Raw) error {
	var r reminder
	if err := bson.Unmarshal(payload, &r); err != nil {
		return err
	}
	e, err := s.findEvent(ctx, r.Event)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if e.Cancelled || !e.Start.Equal(r.Start) {
		return nil
	}
	return s.tellEvent(ctx, eventNews{News: "remind:" + string(e.ID) + ":" + strconv.FormatInt(e.Start.Unix(), 10),
		Kind: NoticeEventReminder, Event: e.ID})
}

func (s *Service) runEventNews(ctx context.Context, payload bson.Raw) error {
	var n eventNews
	if err := bson.Unmarshal(payload, &n); err != nil {
		return err
	}
	return s.tellEvent(ctx, n)
}

// tellEvent writes a notice for each person the news concerns, and
// queues mail for those who chose it. Run again, it tells nobody twice.
func (s *Service) tellEvent(ctx context.Context, n eventNews) error {
	e, err := s.findEvent(ctx, n.Event)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	g, err := s.findGroup(ctx, e.Group)
	if err != nil {
		return err
	}
	to, err := s.eventAudience(ctx, n)
	if err != nil {
		return err
	}
	accounts, err := s.delivery.Accounts.AccountsByID(ctx, to)
	if err != nil {
		return err
	}
	for _, id := range to {
		notice := Notice{ID: eventID(n.News, id), Account: id, Kind: n.Kind, ActorName: n.ActorName, Actor: n.Actor,
			GroupSlug: g.Slug, GroupName: g.Name, Event: e.ID, EventTitle: e.Title}
		if err := s.notifyOnce(ctx, notice); err != nil {
			return err
		}
		if wantsMail(accounts[id], n.Kind) {
			m := eventMail{Account: id, Kind: n.Kind, Event: e.ID}
			if err := s.delivery.Jobs.Enqueue(ctx, "mail:"+eventID(n.News, id), jobEventMail, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// eventAudience lists who hears news of a kind: those named, or those
// going or waiting for a change, those going for a reminder, and everyone
// who answered or was invited for a cancellation. Never the actor.
func (s *Service) eventAudience(ctx context.Context, n eventNews) ([]auth.AccountID, error) {
	to := n.To
	if to == nil {
		states := bson.A{RSVPGoing, RSVPWaitlist}
		switch n.Kind {
		case NoticeEventReminder:
			states = bson.A{RSVPGoing}
		case NoticeEventCancelled:
			states = bson.A{RSVPGoing, RSVPWaitlist, RSVPDeclined}
			if err := each(ctx, s.invitations, bson.M{"event": n.Event}, func(d invitationDoc) { to = append(to, d.Account) }); err != nil {
				return nil, err
			}
		}
		if err := each(ctx, s.rsvps, bson.M{"event": n.Event, "state": bson.M{"$in": states}}, func(d rsvpDoc) {
			to = append(to, d.Account)
		}); err != nil {
			return nil, err
		}
	}
	seen := map[auth.AccountID]bool{n.Actor: true}
	var out []auth.AccountID
	for _, id := range to {
		if id != "" && !seen[id] {
			out = append(out, id)
			seen[id] = true
		}
	}
	return out, nil
}

// eventMail is one mail about an event to one account.
type eventMail struct {
	Account auth.AccountID `bson:"account"`
	Kind    NoticeKind     `bson:"kind"`
	Event   EventID        `bson:"event"`
}

// runEventMail sends one mail about an event, checking again that the
// person still wants it, and saying what the event is now.
func (s *Service) runEventMail(ctx context.Context, payload bson.Raw) error {
	var m eventMail
	if err := bson.Unmarshal(payload, &m); err != nil {
		return err
	}
	a, err := s.delivery.Accounts.AccountByID(ctx, m.Account)
	if errors.Is(err, auth.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if !wantsMail(a, m.Kind) {
		return nil
	}
	e, err := s.findEvent(ctx, m.Event)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	g, err := s.findGroup(ctx, e.Group)
	if err != nil {
		return err
	}
	link := fmt.Sprintf("%s/groups/%s/events/%s", s.delivery.BaseURL, g.Slug, e.ID)
	return s.delivery.Mail.Send(ctx, eventMailText(a, e, g, m.Kind, link))
}

// eventMailText writes the mail in the account's language, with the time
// in the event's own zone, named.
func eventMailText(a auth.Account, e Event, g Group, kind NoticeKind, link string) mail.Message {
	ko := a.Locale == "ko"
	when := e.Start.In(e.Location()).Format("Mon 2 Jan 2006, 15:04 MST")
	if ko {
		when = e.Start.In(e.Location()).Format("2006년 1월 2일 15:04 MST")
	}
	var subject, line string
	switch {
	case kind == NoticeEventInvited && ko:
		subject, line = fmt.Sprintf("“%s”에 초대받았어요", e.Title), fmt.Sprintf("%s 모임의 이벤트에 초대받았어요. 참석 여부를 알려 주세요.", g.Name)
	case kind == NoticeEventInvited:
		subject, line = fmt.Sprintf("You're invited: %s", e.Title), fmt.Sprintf("You're invited to an event of %s. Let them know if you're going.", g.Name)
	case kind == NoticeEventChanged && ko:
		subject, line = fmt.Sprintf("“%s” 일정이나 장소가 바뀌었어요", e.Title), "새 일정과 장소를 확인해 주세요."
	case kind == NoticeEventChanged:
		subject, line = fmt.Sprintf("%s has changed", e.Title), "The date, time or place changed. Please check the details."
	case kind == NoticeEventCancelled && ko:
		subject, line = fmt.Sprintf("“%s”이(가) 취소됐어요", e.Title), "주최 측이 이벤트를 취소했어요."
	case kind == NoticeEventCancelled:
		subject, line = fmt.Sprintf("Cancelled: %s", e.Title), "The hosts cancelled this event."
	case kind == NoticeEventPromoted && ko:
		subject, line = fmt.Sprintf("“%s” 자리가 났어요", e.Title), "대기 명단에서 참석으로 바뀌었어요. 못 오시게 되면 페이지에서 취소해 주세요."
	case kind == NoticeEventPromoted:
		subject, line = fmt.Sprintf("You're in: %s", e.Title), "A seat freed up and you moved from the waitlist to going. If you can't make it, cancel on the page."
	case ko:
		subject, line = fmt.Sprintf("내일: %s", e.Title), "내일 만나요."
	default:
		subject, line = fmt.Sprintf("Tomorrow: %s", e.Title), "See you tomorrow."
	}
	foot := "You get this because you chose email news in Settings."
	if ko {
		foot = "설정에서 이메일 소식을 받기로 하셔서 보내드려요."
	}
	return mail.Message{To: a.Email, Locale: mailLocale(ko), Subject: subject, Text: line + "\n\n" + when + "\n" + link + "\n\n" + foot}
}
