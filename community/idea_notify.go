package community

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
)

// Delivery is how the service reaches people beyond the page: background
// jobs that fan news of ideas and events out to the people they concern, the
// accounts to find their addresses and choices, and the mail sender; and
// the activity record, which each sign of engagement is reported to.
type Delivery struct {
	Jobs     *jobs.Queue
	Accounts *auth.Service
	Mail     auth.Mailer
	BaseURL  string             // for links in mail
	Activity *activity.Recorder // nil: engagement is noted nowhere (a test of community alone)
	Points   Points             // nil: no loyalty programme (a test of community alone)
}

// Job kinds the service runs.
const (
	jobAnnounce = "idea.announce" // tell an idea's followers what happened
	jobIdeaMail = "idea.mail"     // email one of them
)

// Deliver wires d in and registers the service's jobs on its queue.
func (s *Service) Deliver(d Delivery) {
	s.delivery = d
	d.Jobs.Handle(jobAnnounce, s.runAnnouncement)
	d.Jobs.Handle(jobIdeaMail, s.runIdeaMail)
	d.Jobs.Handle(jobEventNews, s.runEventNews)
	d.Jobs.Handle(jobEventMail, s.runEventMail)
	d.Jobs.Handle(jobEventRemind, s.runReminder)
	d.Jobs.Handle(jobJoinRequest, s.runJoinRequest)
	d.Jobs.Handle(jobJoinMail, s.runJoinMail)
}

// announcement is what happened to an idea, for its followers.
type announcement struct {
	Event     string           `bson:"event"`
	Kind      NoticeKind       `bson:"kind"`
	Idea      IdeaID           `bson:"idea"`
	Title     string           `bson:"title"`
	Status    IdeaStatus       `bson:"status"`
	Into      IdeaRef          `bson:"into"`
	GroupSlug string           `bson:"groupSlug"`
	GroupName string           `bson:"groupName"`
	Actor     auth.AccountID   `bson:"actor"`
	ActorName string           `bson:"actorName"`
	To        []auth.AccountID `bson:"to,omitempty"` // nil: the idea's author and voters
}

// announce queues the news about i for its followers. The action has
// happened; a queue that fails is logged, not returned.
func (s *Service) announce(ctx context.Context, a Actor, g Group, i Idea, kind NoticeKind, to []auth.AccountID) {
	an := announcement{Event: newID(), Kind: kind, Idea: i.ID, Title: i.Title, Status: i.Status, Into: i.MergedInto,
		GroupSlug: g.Slug, GroupName: g.Name, Actor: a.ID(), ActorName: a.Account.Name, To: to}
	if s.delivery.Jobs == nil {
		s.log.ErrorContext(ctx, "announcement dropped: no job queue wired (community.Deliver)", "idea", i.ID)
		return
	}
	if err := s.delivery.Jobs.Enqueue(ctx, "announce:"+an.Event, jobAnnounce, an); err != nil {
		s.log.ErrorContext(ctx, "announcement not queued", "idea", i.ID, "kind", kind, "err", err)
	}
}

// runAnnouncement tells each follower of the idea: an in-app notice, and
// a mail job for those who chose mail about it. Followers are the author
// and the voters, less whoever acted and whoever unsubscribed from the
// idea. Comments make an in-app notice for the author only; voters who
// chose all activity hear of them by mail. Run again, it tells nobody
// twice: notices and mail jobs have ids made from the event.
func (s *Service) runAnnouncement(ctx context.Context, payload bson.Raw) error {
	var an announcement
	if err := bson.Unmarshal(payload, &an); err != nil {
		return err
	}
	author, err := s.ideaAuthor(ctx, an.Idea)
	if err != nil {
		return err
	}
	var voters []auth.AccountID
	if an.To == nil {
		if voters, err = s.ideaVoters(ctx, an.Idea); err != nil {
			return err
		}
	}
	if an.Kind == NoticeIdeaStatus && an.Status == IdeaShipped {
		// Who had voted, kept once for the insight page (shipment.go),
		// before the unsubscribed and the moderator are left out below.
		if err := s.keepShipment(ctx, an.Idea, voters); err != nil {
			return err
		}
		s.rewardShipment(ctx, an.Idea, author, voters)
	}
	to, err := s.followers(ctx, an, author, voters)
	if err != nil {
		return err
	}
	accounts, err := s.delivery.Accounts.AccountsByID(ctx, to)
	if err != nil {
		return err
	}
	for _, id := range to {
		if an.Kind != NoticeIdeaComment || id == author {
			n := Notice{ID: eventID(an.Event, id), Account: id, Kind: an.Kind, ActorName: an.ActorName, Actor: an.Actor,
				GroupSlug: an.GroupSlug, GroupName: an.GroupName, Idea: an.Idea, IdeaTitle: an.Title, Status: an.Status}
			if err := s.notifyOnce(ctx, n); err != nil {
				return err
			}
		}
		if wantsMail(accounts[id], an.Kind) {
			job := ideaMail{Account: id, News: an}
			if err := s.delivery.Jobs.Enqueue(ctx, "mail:"+eventID(an.Event, id), jobIdeaMail, job); err != nil {
				return err
			}
		}
	}
	return nil
}

// ideaVoters returns the accounts that voted for the idea: a scan of
// the votes on the embedded store, for jobs only.
func (s *Service) ideaVoters(ctx context.Context, id IdeaID) ([]auth.AccountID, error) {
	var voters []auth.AccountID
	err := each(ctx, s.votes, bson.M{"idea": id}, func(v voteDoc) { voters = append(voters, v.Account) })
	return voters, err
}

// followers lists who hears of an announcement about the idea by author,
// whose voters are given unless the announcement names its audience.
func (s *Service) followers(ctx context.Context, an announcement, author auth.AccountID, voters []auth.AccountID) ([]auth.AccountID, error) {
	to := an.To
	if to == nil {
		to = append([]auth.AccountID{author}, voters...)
	}
	off := map[auth.AccountID]bool{an.Actor: true}
	if err := each(ctx, s.unsubscribes, bson.M{"idea": an.Idea}, func(u unsubscribeDoc) { off[u.Account] = true }); err != nil {
		return nil, err
	}
	var out []auth.AccountID
	for _, id := range to {
		if id != "" && !off[id] {
			out = append(out, id)
			off[id] = true // once each, however many ways they follow
		}
	}
	return out, nil
}

func (s *Service) ideaAuthor(ctx context.Context, id IdeaID) (auth.AccountID, error) {
	i, err := s.findIdea(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return i.Author, err
}

// wantsMail applies the account's choice of mail about ideas.
func wantsMail(a auth.Account, kind NoticeKind) bool {
	switch {
	case a.Email == "" || !a.EmailVerified:
		return false // never mail an address nobody has shown they own
	case a.Mail == auth.MailAll:
		return true
	case a.Mail == auth.MailStatus:
		return kind != NoticeIdeaComment
	}
	return false
}

// eventID is the id of what an event makes for one account: 24 hex
// digits, the shape of every other id here.
func eventID(event string, account auth.AccountID) string {
	sum := sha256.Sum256([]byte(event + ":" + string(account)))
	return hex.EncodeToString(sum[:12])
}

// ideaMail is one mail about an idea to one account.
type ideaMail struct {
	Account auth.AccountID `bson:"account"`
	News    announcement   `bson:"news"`
}

// runIdeaMail sends one mail about an idea, checking again that the
// person still wants it: they may have changed their mind since it was
// queued.
func (s *Service) runIdeaMail(ctx context.Context, payload bson.Raw) error {
	var m ideaMail
	if err := bson.Unmarshal(payload, &m); err != nil {
		return err
	}
	a, err := s.delivery.Accounts.AccountByID(ctx, m.Account)
	if errors.Is(err, auth.ErrNotFound) {
		return nil // the account was deleted meanwhile
	} else if err != nil {
		return err
	}
	if !wantsMail(a, m.News.Kind) {
		return nil
	}
	if off, err := s.unsubscribed(ctx, m.News.Idea, a.ID); err != nil || off {
		return err
	}
	link := fmt.Sprintf("%s/groups/%s/ideas/%s", s.delivery.BaseURL, m.News.GroupSlug, m.News.Idea)
	return s.delivery.Mail.Send(ctx, ideaMailText(a.Locale, a.Email, m.News, link))
}

// mailLocale is the language a mail was written in, for the club's name
// in its subject and signature.
func mailLocale(ko bool) string {
	if ko {
		return "ko"
	}
	return "en"
}

// ideaMailText writes the mail in the account's language.
func ideaMailText(locale, to string, an announcement, link string) mail.Message {
	ko := locale == "ko"
	status := statusWords[an.Status][0]
	if ko {
		status = statusWords[an.Status][1]
	}
	var subject, line string
	switch {
	case an.Kind == NoticeIdeaStatus && ko:
		subject, line = fmt.Sprintf("아이디어 “%s”: %s", an.Title, status), fmt.Sprintf("%s님이 아이디어 상태를 “%s”(으)로 바꿨어요.", an.ActorName, status)
	case an.Kind == NoticeIdeaStatus:
		subject, line = fmt.Sprintf("Idea “%s” is now %s", an.Title, status), fmt.Sprintf("%s moved the idea to %s.", an.ActorName, status)
	case an.Kind == NoticeIdeaResponse && ko:
		subject, line = fmt.Sprintf("아이디어 “%s”에 공식 답변이 달렸어요", an.Title), fmt.Sprintf("%s님이 공식 답변을 남겼어요.", an.ActorName)
	case an.Kind == NoticeIdeaResponse:
		subject, line = fmt.Sprintf("An official response to “%s”", an.Title), fmt.Sprintf("%s answered the idea.", an.ActorName)
	case an.Kind == NoticeIdeaMerged && ko:
		subject, line = fmt.Sprintf("아이디어 “%s”가 합쳐졌어요", an.Title), fmt.Sprintf("같은 아이디어 “%s”에 합쳐졌고, 투표도 그쪽으로 옮겨졌어요.", an.Into.Title)
	case an.Kind == NoticeIdeaMerged:
		subject, line = fmt.Sprintf("“%s” was merged", an.Title), fmt.Sprintf("It was merged into “%s”, and your vote moved with it.", an.Into.Title)
		link = strings.Replace(link, string(an.Idea), string(an.Into.ID), 1)
	case ko:
		subject, line = fmt.Sprintf("아이디어 “%s”에 새 댓글", an.Title), fmt.Sprintf("%s님이 댓글을 남겼어요.", an.ActorName)
	default:
		subject, line = fmt.Sprintf("New comment on “%s”", an.Title), fmt.Sprintf("%s commented.", an.ActorName)
	}
	foot := "You get this because you proposed or voted for this idea. To stop mail about this idea, open it and choose Unsubscribe; to change mail about all ideas, go to Settings."
	if ko {
		foot = "이 아이디어를 제안했거나 투표해서 보내드려요. 이 아이디어 메일을 그만 받으려면 아이디어를 열고 ‘알림 끄기’를, 모든 아이디어 메일은 설정에서 바꿀 수 있어요."
	}
	return mail.Message{To: to, Locale: mailLocale(ko), Subject: subject, Text: line + "\n\n" + link + "\n\n" + foot}
}

// statusWords names each status in mail, in English and Korean.
var statusWords = map[IdeaStatus][2]string{
	IdeaOpen: {"open", "열림"}, IdeaReview: {"under review", "검토 중"}, IdeaPlanned: {"planned", "계획됨"},
	IdeaInProgress: {"in progress", "진행 중"}, IdeaShipped: {"shipped", "출시됨"}, IdeaDeclined: {"declined", "보류"},
	IdeaMerged: {"merged", "합쳐짐"},
}

// unsubscribeDoc marks one idea an account hears no more of.
type unsubscribeDoc struct {
	ID      string         `bson:"_id"` // idea:account
	Idea    IdeaID         `bson:"idea"`
	Account auth.AccountID `bson:"account"`
	At      time.Time      `bson:"at"`
}

// Subscribe turns the actor's news about one idea on or off.
func (s *Service) Subscribe(ctx context.Context, a Actor, slug string, id IdeaID, on bool) error {
	i, _, err := s.IdeaByID(ctx, a, slug, id)
	if err != nil {
		return err
	}
	if !a.SignedIn() {
		return ErrSignInRequired
	}
	key := voteID(i.ID, a.ID())
	if on {
		_, err := s.unsubscribes.DeleteOne(ctx, bson.M{"_id": key})
		return wrap(err, "subscribe")
	}
	_, err = s.unsubscribes.InsertOne(ctx, unsubscribeDoc{ID: key, Idea: i.ID, Account: a.ID(), At: s.now()})
	if err = dupOr(err, "unsubscribe"); errors.Is(err, errDuplicate) {
		return nil
	}
	return err
}

// unsubscribed reports whether the account turned off news of the idea.
func (s *Service) unsubscribed(ctx context.Context, idea IdeaID, account auth.AccountID) (bool, error) {
	err := s.unsubscribes.FindOne(ctx, bson.M{"_id": voteID(idea, account)}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, wrap(err, "find unsubscribe")
}
