package campaign

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
)

// Delivery runs on the job queue, whose leases keep two instances from
// running one job at once and whose keys make a job queued twice one
// job: the fan-out is keyed by the campaign, each chunk of the audience
// by the campaign and the chunk's number. What a retried job could do
// twice is guarded in the data: the notice's id, the invitation's, the
// comp's end, and the recipient document's mailed and done flags, each
// set by one conditional update.
const (
	jobFanOut = "campaign.fanout" // queue the deliveries, a chunk of the audience each
	jobSend   = "campaign.send"   // act for one chunk of the audience
)

// sendChunk is how many members one delivery job acts for. A job per
// member made the queue itself the cost: on the embedded store each job
// claimed scans the queued ones, and 5,000 queued jobs took 0.26 s each
// to claim (about 20 minutes for a 5,000-member segment, with every
// other background job waiting behind them). A chunk is well inside a
// job's two-minute lease, mail included.
const sendChunk = 100

// chunkReserve is how much of a delivery job's time is left unused: a
// member is not begun with less, so no mail is cut off half-sent.
const chunkReserve = 30 * time.Second

var errChunkUnfinished = errors.New("campaign: the chunk's time ran short; the rest on the next attempt")

type fanOut struct {
	Campaign string `bson:"campaign"`
	// Round numbers a Resume (its minute): its chunks are new jobs, where
	// the first round's may have failed for good.
	Round int64 `bson:"round,omitempty"`
}

type delivery struct {
	Campaign string           `bson:"campaign"`
	Accounts []auth.AccountID `bson:"accounts"`
}

// runFanOut queues the deliveries of the campaign's audience, a chunk
// each. Run again, it queues the same jobs, which the queue keeps as one.
func (s *Service) runFanOut(ctx context.Context, payload bson.Raw) error {
	var f fanOut
	if err := bson.Unmarshal(payload, &f); err != nil {
		return err
	}
	audiences, err := s.findAudiences(ctx, []string{f.Campaign})
	if err != nil {
		return err
	}
	members := audiences[f.Campaign]
	for i := 0; i < len(members); i += sendChunk {
		d := delivery{Campaign: f.Campaign}
		for _, a := range members[i:min(i+sendChunk, len(members))] {
			d.Accounts = append(d.Accounts, auth.AccountID(a))
		}
		key := "campaign:" + f.Campaign + ":" + strconv.Itoa(i/sendChunk)
		if f.Round != 0 {
			key = "campaign:" + f.Campaign + ":r" + strconv.FormatInt(f.Round, 10) + ":" + strconv.Itoa(i/sendChunk)
		}
		if err := s.d.Jobs.Enqueue(ctx, key, jobSend, d); err != nil {
			return err
		}
	}
	return nil
}

// Resume queues the campaign's delivery again for the members it has not
// reached yet: after a chunk's job failed for good (the mail server down
// longer than its retries), or a crash before the first was queued.
// Those done are skipped, so nobody gets it twice; asked again within
// the minute, it is the same round.
func (s *Service) Resume(ctx context.Context, a community.Actor, id string) error {
	if !a.SiteStaff() {
		return ErrNotFound
	}
	c, err := s.findCampaign(ctx, id)
	if err != nil {
		return err
	}
	round := s.now().Unix() / 60
	key := "campaign:" + c.ID + ":resume:" + strconv.FormatInt(round, 10)
	return s.d.Jobs.Enqueue(ctx, key, jobFanOut, fanOut{Campaign: c.ID, Round: round})
}

// runSend does the campaign's action for each member of one chunk. One
// member's failure (a mail refused) does not hold up the others: the job
// fails after trying them all, and its retry skips those already done.
func (s *Service) runSend(ctx context.Context, payload bson.Raw) error {
	var d delivery
	if err := bson.Unmarshal(payload, &d); err != nil {
		return err
	}
	c, err := s.findCampaign(ctx, d.Campaign)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	var errs []error
	for _, a := range d.Accounts {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < chunkReserve {
			// A mail cut off by the job's end might have gone out all the
			// same and be sent again: stop short, and the retry goes on
			// from the first member not done.
			return errors.Join(append(errs, errChunkUnfinished)...)
		}
		if err := s.sendTo(ctx, c, a); err != nil {
			errs = append(errs, fmt.Errorf("campaign %s to %s: %w", c.ID, a, err))
		}
	}
	return errors.Join(errs...)
}

// sendTo does the campaign's action for one member, and counts them
// delivered once. A member already done is not acted for again (a comp
// revoked since, an invitation withdrawn, stay so), except that a
// message's mail not sent yet is tried again.
func (s *Service) sendTo(ctx context.Context, c Campaign, account auth.AccountID) error {
	id := recipientID(c.ID, account)
	_, err := s.recipients.InsertOne(ctx, recipientDoc{ID: id, Campaign: c.ID, Account: account, At: s.now()})
	if mongodb.IsDuplicateKey(err) { // an earlier run began, and may have finished
		r, err := s.findRecipient(ctx, id)
		if err != nil {
			return err
		}
		if r.Done && (c.Action != ActionMessage || r.Mailed) {
			return nil
		}
	} else if err != nil {
		return fmt.Errorf("campaign: claim recipient: %w", err)
	}
	who, err := s.d.Accounts.AccountByID(ctx, account)
	if errors.Is(err, auth.ErrNotFound) { // deleted since: nobody to reach
		return s.markDone(ctx, c.ID, id, false)
	} else if err != nil {
		return err
	}
	if c.Action == ActionMessage {
		// The notice is the message's delivery, and opens its page; the
		// mail is on top, for those who agreed to news, and may be
		// retried after.
		if err := s.d.Community.NotifyBrandMessage(ctx, who.ID, c.ID, c.Subject); err != nil {
			return err
		}
		if err := s.markDone(ctx, c.ID, id, true); err != nil {
			return err
		}
		return s.mailOnce(ctx, c, who)
	}
	delivered, err := s.act(ctx, c, who)
	if err != nil {
		return err
	}
	return s.markDone(ctx, c.ID, id, delivered)
}

// act does an invitation's or a comp's action for who, and reports
// whether it reached them. Each step may run again without effect.
func (s *Service) act(ctx context.Context, c Campaign, who auth.Account) (bool, error) {
	switch c.Action {
	case ActionInvite:
		// The invitations are the creator's, by name, as when they were
		// staff and made the campaign, even should they leave since.
		by := auth.Account{ID: c.By, Name: c.ByName}
		r, err := s.d.Community.InviteCampaign(ctx, by, c.Event, []auth.AccountID{who.ID})
		if errors.Is(err, community.ErrEventCancelled) || errors.Is(err, community.ErrRSVPClosed) || errors.Is(err, community.ErrNotFound) {
			return false, nil // the event is off, over or gone: nobody more is invited
		}
		// Invited now or by an earlier run; neither: not a member of the
		// event's group.
		return r.New+r.Already > 0, err
	case ActionComp:
		// A longer comp they hold stands, and they hold the tier at least
		// this long: reached all the same.
		_, err := s.d.Membership.ExtendComp(ctx, who.ID, c.Tier, c.Until, "campaign "+c.ID, c.By)
		return err == nil, err
	}
	return false, fmt.Errorf("campaign: %s: unknown action %q", c.ID, c.Action)
}

// mailOnce mails the message to who if they agree to the brand's news
// now, at most once: the recipient's mailed flag is set by one
// conditional update before sending, and cleared again if the send
// fails, so the retry sends it. A crash between the two loses the mail
// rather than sending it twice.
func (s *Service) mailOnce(ctx context.Context, c Campaign, who auth.Account) error {
	if !who.News || who.Email == "" || !who.EmailVerified {
		return nil
	}
	id := recipientID(c.ID, who.ID)
	res, err := s.recipients.UpdateOne(ctx, bson.M{"_id": id, "mailed": false}, bson.M{"$set": bson.M{"mailed": true}})
	if err != nil {
		return fmt.Errorf("campaign: mark mailed: %w", err)
	}
	if res.ModifiedCount == 0 {
		return nil
	}
	unsubscribe, err := s.d.Accounts.UnsubscribeURL(ctx, who.ID)
	if err == nil {
		err = s.d.Mail.Send(ctx, messageMail(c, who, s.d.BaseURL+MessagePath(c.ID), unsubscribe))
	}
	if err != nil {
		if _, uerr := s.recipients.UpdateOne(context.WithoutCancel(ctx), bson.M{"_id": id}, bson.M{"$set": bson.M{"mailed": false}}); uerr != nil {
			s.log.ErrorContext(ctx, "campaign: unmark mailed", "recipient", id, "err", uerr)
		}
		return err
	}
	return nil
}

// markDone marks the recipient done and, the first time only, counts
// them delivered on the campaign.
func (s *Service) markDone(ctx context.Context, campaign, id string, delivered bool) error {
	res, err := s.recipients.UpdateOne(ctx, bson.M{"_id": id, "done": false},
		bson.M{"$set": bson.M{"done": true, "delivered": delivered}})
	if err != nil {
		return fmt.Errorf("campaign: mark done: %w", err)
	}
	if res.ModifiedCount == 0 || !delivered {
		return nil
	}
	_, err = s.campaigns.UpdateOne(ctx, bson.M{"_id": campaign}, bson.M{"$inc": bson.M{"delivered": 1}})
	if err != nil {
		return fmt.Errorf("campaign: count delivered: %w", err)
	}
	return nil
}

// MessagePath is the page of a message campaign, for those it reached.
func MessagePath(id string) string { return "/messages/" + url.PathEscape(id) }

// messageMail is the message as mail, in the reader's language, with
// the link to its page. Unsubscribe marks it promotional: mail.Branded
// says so in its text and subject, with the way out of the brand's news.
func messageMail(c Campaign, who auth.Account, link, unsubscribe string) mail.Message {
	open, locale := "Read it on the site: ", "en"
	if who.Locale == "ko" {
		open, locale = "사이트에서 보기: ", "ko"
	}
	return mail.Message{To: who.Email, Locale: locale, Subject: c.Subject, Unsubscribe: unsubscribe,
		Text: c.Body + "\n\n" + open + link}
}
