package community

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// NoticeKind says what a notification is about.
type NoticeKind string

const (
	NoticeReply        NoticeKind = "reply"         // a comment on my post, or a reply to my comment
	NoticeMention      NoticeKind = "mention"       // someone @mentioned me
	NoticeJoinApproved NoticeKind = "join_approved" // my request to join was approved
	NoticeJoinDeclined NoticeKind = "join_declined"
	NoticeJoinRequest  NoticeKind = "join_request"  // someone asked to join a group I moderate
	NoticeInvited      NoticeKind = "invited"       // I was invited to a group
	NoticeIdeaStatus   NoticeKind = "idea_status"   // an idea I wrote or voted for moved
	NoticeIdeaResponse NoticeKind = "idea_response" // the brand answered such an idea
	NoticeIdeaMerged   NoticeKind = "idea_merged"   // it was merged into another; my vote moved
	NoticeIdeaComment  NoticeKind = "idea_comment"  // someone commented on it

	NoticeEventInvited   NoticeKind = "event_invited"   // I was invited to an event
	NoticeEventChanged   NoticeKind = "event_changed"   // its date, time or place changed
	NoticeEventCancelled NoticeKind = "event_cancelled" // it was called off
	NoticeEventPromoted  NoticeKind = "event_promoted"  // a seat freed and I moved off the waitlist
	NoticeEventReminder  NoticeKind = "event_reminder"  // it starts tomorrow

	NoticeBrandMessage NoticeKind = "brand_message" // the brand wrote to a segment I was in (a campaign)

	NoticePointsExpiring NoticeKind = "points_expiring" // some of my points expire soon

	NoticeBirthday     NoticeKind = "birthday"      // happy birthday: the club's birthday points
	NoticeBirthdayGift NoticeKind = "birthday_gift" // happy birthday: the club's birthday reward
	NoticeAnniversary  NoticeKind = "anniversary"   // a year (or more) since I joined: the anniversary points
)

// Notice is an in-app notification for one account.
type Notice struct {
	ID         string
	Account    auth.AccountID
	Kind       NoticeKind
	ActorName  string         // who caused it
	Actor      auth.AccountID // and their account, so a rename or a deletion reaches ActorName
	GroupSlug  string
	GroupName  string
	Post       PostID // the post it concerns, if any
	Idea       IdeaID // the idea it concerns, if any
	IdeaTitle  string
	Status     IdeaStatus // the idea's status when the notice was made
	Event      EventID    // the event it concerns, if any
	EventTitle string
	Campaign   string    // the campaign whose message it is, if any
	Subject    string    // and the message's subject
	Points     int64     // how many points it concerns, if any
	Until      time.Time // and the last day they can be spent: a calendar day, at midnight UTC
	Years      int       // the years an anniversary counts
	Read       bool
	CreatedAt  time.Time
}

type noticeDoc struct {
	ID         string         `bson:"_id"`
	Account    auth.AccountID `bson:"account"`
	Kind       NoticeKind     `bson:"kind"`
	ActorName  string         `bson:"actorName"`
	Actor      auth.AccountID `bson:"actor,omitempty"`
	GroupSlug  string         `bson:"groupSlug"`
	GroupName  string         `bson:"groupName"`
	Post       PostID         `bson:"post,omitempty"`
	Idea       IdeaID         `bson:"idea,omitempty"`
	IdeaTitle  string         `bson:"ideaTitle,omitempty"`
	Status     IdeaStatus     `bson:"status,omitempty"`
	Event      EventID        `bson:"event,omitempty"`
	EventTitle string         `bson:"eventTitle,omitempty"`
	Campaign   string         `bson:"campaign,omitempty"`
	Subject    string         `bson:"subject,omitempty"`
	Points     int64          `bson:"points,omitempty"`
	Until      time.Time      `bson:"until,omitempty"`
	Years      int            `bson:"years,omitempty"`
	Read       bool           `bson:"read"`
	CreatedAt  time.Time      `bson:"createdAt"`
}

// notify records a notice for the account and bumps its unread count.
// Nobody is notified of their own actions. A failure is logged: the
// action that caused it has already happened.
func (s *Service) notify(ctx context.Context, n Notice) {
	if n.Account == "" {
		return
	}
	n.ID = newID()
	if err := s.notifyOnce(ctx, n); err != nil {
		s.log.ErrorContext(ctx, "notification failed", "kind", n.Kind, "err", err)
	}
}

// notifyOnce records the notice under its id and bumps the unread count,
// unless a notice with that id was already recorded: a job that runs
// again after a crash tells nobody twice.
func (s *Service) notifyOnce(ctx context.Context, n Notice) error {
	n.CreatedAt, n.Read = s.now(), false
	_, err := s.notifications.InsertOne(ctx, noticeDoc(n))
	if err = dupOr(err, "write notice"); errors.Is(err, errDuplicate) {
		return nil
	} else if err != nil {
		return err
	}
	_, err = s.unread.UpdateOne(ctx, bson.M{"_id": n.Account}, bson.M{"$inc": bson.M{"unread": 1}},
		options.Update().SetUpsert(true))
	return wrap(err, "count unread")
}

// NotifyBrandMessage tells the account that the brand wrote to it: a
// campaign's message, whose subject the notice shows and whose page is
// the campaign's. The notice's id comes from the campaign and the
// account, so a job run again tells nobody twice. The campaign package
// calls it from its delivery job, having authorised the campaign when
// staff created it.
func (s *Service) NotifyBrandMessage(ctx context.Context, account auth.AccountID, campaign, subject string) error {
	return s.notifyOnce(ctx, Notice{ID: eventID("campaign:"+campaign, account), Account: account, Kind: NoticeBrandMessage,
		Campaign: campaign, Subject: subject})
}

// NotifyPointsExpiring tells the account that points of its can be
// spent until lastDay (a calendar day, at midnight UTC) and expire
// after, once for each day: the loyalty programme's expiry run calls it
// every day of the fortnight before.
func (s *Service) NotifyPointsExpiring(ctx context.Context, account auth.AccountID, points int64, lastDay time.Time) error {
	until := lastDay
	return s.notifyOnce(ctx, Notice{ID: "points-expiring:" + string(account) + ":" + until.UTC().Format("20060102"),
		Account: account, Kind: NoticePointsExpiring, Points: points, Until: until})
}

// NotifyBirthday tells the account that its birthday in year brought it
// points. The notice's id comes from the account and the year, so a job
// run again (or on another instance) congratulates once a year. The
// loyalty programme calls it, having awarded the points.
func (s *Service) NotifyBirthday(ctx context.Context, account auth.AccountID, year int, points int64) error {
	return s.notifyOnce(ctx, Notice{ID: eventID("birthday:"+strconv.Itoa(year), account), Account: account,
		Kind: NoticeBirthday, Points: points})
}

// NotifyBirthdayGift tells the account that the club gave it a reward
// (named gift) for its birthday in year; once a year.
func (s *Service) NotifyBirthdayGift(ctx context.Context, account auth.AccountID, year int, gift string) error {
	return s.notifyOnce(ctx, Notice{ID: eventID("birthday-gift:"+strconv.Itoa(year), account), Account: account,
		Kind: NoticeBirthdayGift, Subject: gift})
}

// NotifyAnniversary tells the account that the anniversary of its
// joining, years ago, in year, brought it points; once a year, as
// NotifyBirthday.
func (s *Service) NotifyAnniversary(ctx context.Context, account auth.AccountID, year, years int, points int64) error {
	return s.notifyOnce(ctx, Notice{ID: eventID("anniversary:"+strconv.Itoa(year), account), Account: account,
		Kind: NoticeAnniversary, Points: points, Years: years})
}

// Unread returns how many notices the actor has not read: one lookup by
// _id, cheap enough for every page's bell.
func (s *Service) Unread(ctx context.Context, a Actor) (int, error) {
	if !a.SignedIn() {
		return 0, nil
	}
	var d struct {
		Unread int `bson:"unread"`
	}
	err := s.unread.FindOne(ctx, bson.M{"_id": a.ID()}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return max(d.Unread, 0), wrap(err, "count unread")
}

// NoticePageSize is how many notices a page of the centre shows.
const NoticePageSize = 30

// NoticePage is one page of the actor's notices, newest first.
type NoticePage struct {
	Notices []Notice
	Next    string
}

// Notices returns a page of the actor's own notices, older than before.
// Served by index "notifications_account".
func (s *Service) Notices(ctx context.Context, a Actor, before string) (NoticePage, error) {
	if !a.SignedIn() {
		return NoticePage{}, ErrSignInRequired
	}
	filter := bson.M{"account": a.ID()}
	if before != "" {
		if err := pageAfter(filter, "createdAt", before, "$lt", nil); err != nil {
			return NoticePage{}, err
		}
	}
	var docs []noticeDoc
	sort := bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}
	if err := s.findAll(ctx, s.notifications, filter, sort, NoticePageSize+1, &docs, "list notices"); err != nil {
		return NoticePage{}, err
	}
	var page NoticePage
	docs, page.Next = cutPage(docs, NoticePageSize, func(d noticeDoc) string { return cursor(d.CreatedAt, d.ID) })
	for _, d := range docs {
		page.Notices = append(page.Notices, Notice(d))
	}
	return page, nil
}

// MarkRead marks one of the actor's notices read (id), or all of them
// (id ""), and returns the notice marked, if one was. The unread count
// drops by exactly the notices this call marked, so a notice arriving
// meanwhile still counts. Another account's notice is ErrNotFound.
func (s *Service) MarkRead(ctx context.Context, a Actor, id string) (Notice, error) {
	if !a.SignedIn() {
		return Notice{}, ErrSignInRequired
	}
	filter := bson.M{"account": a.ID(), "read": false}
	var n Notice
	if id != "" {
		var d noticeDoc
		err := s.notifications.FindOne(ctx, bson.M{"_id": id, "account": a.ID()}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) || !validID(id) {
			return n, ErrNotFound
		}
		if err != nil {
			return n, wrap(err, "find notice")
		}
		n, filter["_id"] = Notice(d), id
	}
	res, err := s.notifications.UpdateMany(ctx, filter, bson.M{"$set": bson.M{"read": true}})
	if err != nil {
		return n, wrap(err, "mark read")
	}
	if res.ModifiedCount == 0 {
		return n, nil
	}
	_, err = s.unread.UpdateOne(ctx, bson.M{"_id": a.ID()}, bson.M{"$inc": bson.M{"unread": -res.ModifiedCount}})
	return n, wrap(err, "count unread")
}
