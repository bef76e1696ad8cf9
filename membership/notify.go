package membership

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mail"
)

const jobPastDue = "billing.past_due" // mail a member whose payment failed

type pastDue struct {
	Account auth.AccountID `bson:"account"`
	Until   time.Time      `bson:"until"` // access lasts until then unless paid
}

// Deliver sets how members are told of billing trouble, and registers
// the mail job. Without it the service stores changes and tells nobody.
func (s *Service) Deliver(d Delivery) {
	s.delivery = d
	if d.Jobs != nil {
		d.Jobs.Handle(jobPastDue, s.runPastDueMail)
	}
}

// tellPastDue queues the mail about a failed payment, keyed by the event
// so a retried delivery queues nothing more (and a retry after a failure
// between storing the state and queueing still queues it, once). The page tells the member
// too: a banner while the grace period lasts.
func (s *Service) tellPastDue(ctx context.Context, event string, id auth.AccountID, until time.Time) error {
	if s.delivery.Jobs == nil {
		return nil
	}
	return s.delivery.Jobs.Enqueue(ctx, "past_due:"+event, jobPastDue, pastDue{Account: id, Until: until})
}

func (s *Service) runPastDueMail(ctx context.Context, payload bson.Raw) error {
	var p pastDue
	if err := bson.Unmarshal(payload, &p); err != nil {
		return err
	}
	a, err := s.delivery.Accounts.AccountByID(ctx, p.Account)
	if errors.Is(err, auth.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	ent, err := s.Entitlement(ctx, a.ID)
	if err != nil {
		return err
	}
	if ent.Source != SourceGrace || a.Email == "" {
		return nil // paid since, or nowhere to write
	}
	return s.delivery.Mail.Send(ctx, pastDueMail(a, p.Until, s.cfg.BaseURL+"/pricing"))
}

func pastDueMail(a auth.Account, until time.Time, link string) mail.Message {
	loc, ok := auth.LoadZone(a.TimeZone)
	if !ok {
		loc = time.UTC
	}
	if a.Locale == "ko" {
		return mail.Message{To: a.Email, Locale: "ko", Subject: "멤버십 결제가 실패했어요",
			Text: fmt.Sprintf("%s님, 멤버십 결제가 처리되지 않았어요. %s까지는 지금처럼 이용할 수 있어요. 그 전에 결제 수단을 확인해 주세요.\n\n%s\n\n(‘결제 관리’를 누르면 Stripe에서 결제 수단을 바꿀 수 있어요.)",
				a.Name, until.In(loc).Format("2006년 1월 2일"), link)}
	}
	return mail.Message{To: a.Email, Locale: "en", Subject: "Your membership payment failed",
		Text: fmt.Sprintf("Hi %s, your membership payment didn't go through. Your access continues until %s; please update your payment method before then.\n\n%s\n\n(\"Manage billing\" opens Stripe, where you can change the card.)",
			a.Name, until.In(loc).Format("2 January 2006"), link)}
}
