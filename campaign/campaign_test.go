package campaign_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/campaign"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/membership"
)

// TestOneCampaignPerSegmentPerDay: a segment gets one campaign a day of
// the site's zone; another segment the same day, or the same segment the
// next day, may have theirs. The refused one stores nothing.
func TestOneCampaignPerSegmentPerDay(t *testing.T) {
	r := newRig(t)
	r.dormant(r.member("ana@example.com", false))
	first := r.mustCreate(message("dormant"))
	if first.ID != "dormant:2026-12-06" || first.Audience != 1 {
		t.Fatalf("campaign %s to %d, want dormant:2026-12-06 to 1", first.ID, first.Audience)
	}
	if _, err := r.create(message("dormant")); !errors.Is(err, campaign.ErrAlreadyToday) {
		t.Fatalf("second campaign the same day: %v, want ErrAlreadyToday", err)
	}
	// Late in the evening in Seoul is still the same day there.
	r.clock.Add(11 * time.Hour)
	if _, err := r.create(message("dormant")); !errors.Is(err, campaign.ErrAlreadyToday) {
		t.Fatalf("23:00 in Seoul: %v, want ErrAlreadyToday", err)
	}
	if n := r.count("campaigns", bson.M{}); n != 1 {
		t.Fatalf("%d campaigns stored, want 1", n)
	}
	r.clock.Add(time.Hour) // midnight in Seoul
	if c := r.mustCreate(message("dormant")); c.ID != "dormant:2026-12-07" {
		t.Fatalf("next day: %s", c.ID)
	}
	if n := r.count("audit_log", bson.M{"action": community.AuditCampaign, "reason": "audience 1"}); n != 2 {
		t.Fatalf("%d audit entries with the audience size, want 2", n)
	}
}

// TestCampaignInputRefused: each bad input is refused with its field's
// reason and stores nothing.
func TestCampaignInputRefused(t *testing.T) {
	r := newRig(t)
	r.dormant(r.member("ana@example.com", false))
	ctx := context.Background()
	if _, err := r.deps.Membership.SaveTier(ctx, r.owner, "", membership.TierInput{Key: "gold", Name: "Gold", Rank: "1"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("가", campaign.MaxSubject+1)
	for _, tc := range []struct {
		name  string
		in    campaign.Input
		field string
	}{
		{"empty subject", campaign.Input{Segment: "dormant", Action: "message", Body: "Hi"}, "subject"},
		{"long subject", campaign.Input{Segment: "dormant", Action: "message", Subject: long, Body: "Hi"}, "subject"},
		{"empty body", campaign.Input{Segment: "dormant", Action: "message", Subject: "Hi", Body: "  "}, "body"},
		{"unknown segment", campaign.Input{Segment: "vip", Action: "message", Subject: "Hi", Body: "Hi"}, "segment"},
		{"unknown action", campaign.Input{Segment: "dormant", Action: "shout"}, "action"},
		{"comp 0 days", campaign.Input{Segment: "dormant", Action: "comp", Tier: "gold", Days: "0"}, "days"},
		{"comp 1000 days", campaign.Input{Segment: "dormant", Action: "comp", Tier: "gold", Days: "1000"}, "days"},
		{"comp unknown tier", campaign.Input{Segment: "dormant", Action: "comp", Tier: "platinum", Days: "30"}, "tier"},
		{"invite with no event to come", campaign.Input{Segment: "dormant", Action: "invite", Event: "0123456789abcdef01234567"}, "event"},
		{"nobody in the segment", message("new"), "segment"},
	} {
		_, err := r.create(tc.in)
		var v campaign.ValidationError
		if !errors.As(err, &v) || v[tc.field] == "" {
			t.Errorf("%s: %v, want a reason for %s", tc.name, err, tc.field)
		}
	}
	if n := r.count("campaigns", bson.M{}); n != 0 {
		t.Fatalf("%d campaigns stored, want none", n)
	}
	// Only staff may send.
	member := community.Actor{Account: r.accounts["ana@example.com"]}
	if _, err := r.c.Create(ctx, member, message("dormant"), r.premiumOf); !errors.Is(err, campaign.ErrNotFound) {
		t.Fatalf("a member creates: %v, want ErrNotFound", err)
	}
}

// TestMessageDeliveredOnce: two instances draining the queue at once,
// and then the whole delivery queued again as a retry would, still give
// each member of the audience one notice, mail only those who agreed to
// news (with the one-click unsubscribe address), and count each
// delivered once.
func TestMessageDeliveredOnce(t *testing.T) {
	r := newRig(t)
	ana, ben, cho := r.member("ana@example.com", true), r.member("ben@example.com", false), r.member("cho@example.com", true)
	r.dormant(ana, ben, cho)
	c := r.mustCreate(message("dormant"))

	// A second instance: its own queue over the same database, with the
	// campaign's handlers registered as serve registers them.
	other := r.deps
	other.Jobs = jobs.New(r.db, r.clock.Now, r.log)
	campaign.New(r.db, other, r.clock.Now, r.log)
	var wg sync.WaitGroup
	for _, q := range []*jobs.Queue{r.deps.Jobs, other.Jobs, r.deps.Jobs, other.Jobs} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := q.RunDue(r.ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	r.drain()

	// The finished jobs swept away, the fan-out queued again: nothing new.
	if _, err := r.db.Collection("jobs").DeleteMany(r.ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	if err := r.deps.Jobs.Enqueue(r.ctx, "campaign:"+c.ID, campaign.JobFanOut, bson.M{"campaign": c.ID}); err != nil {
		t.Fatal(err)
	}
	r.drain()
	r.drain()

	for _, a := range []auth.Account{ana, ben, cho} {
		if n := r.count("notifications", bson.M{"account": a.ID, "kind": community.NoticeBrandMessage, "campaign": c.ID}); n != 1 {
			t.Errorf("%s has %d notices, want 1", a.Email, n)
		}
	}
	mails := r.inbox.Mails()
	if len(mails) != 2 {
		t.Fatalf("%d mails, want 2 (ana and cho agreed to news): %+v", len(mails), mails)
	}
	for _, m := range mails {
		if m.To != ana.Email && m.To != cho.Email {
			t.Errorf("mailed %s, who did not agree to news", m.To)
		}
		if !strings.HasPrefix(m.Unsubscribe, "http://club.test/unsubscribe/") {
			t.Errorf("mail to %s: unsubscribe %q", m.To, m.Unsubscribe)
		}
		if m.Subject != "We miss you" || !strings.Contains(m.Text, "Come back for tea.") ||
			!strings.Contains(m.Text, "http://club.test/messages/dormant:2026-12-06") {
			t.Errorf("mail to %s: %q %q", m.To, m.Subject, m.Text)
		}
	}
	if rep := r.report(c.ID); rep.Audience != 3 || rep.Delivered != 3 {
		t.Fatalf("audience %d, delivered %d; want 3 and 3", rep.Audience, rep.Delivered)
	}

	// The message's page opens for those it reached, and nobody else.
	if got, err := r.c.Message(r.ctx, ben.ID, c.ID); err != nil || got.Body != "Come back for tea." {
		t.Fatalf("ben reads the message: %+v %v", got, err)
	}
	for _, who := range []auth.AccountID{r.owner.ID, "", "nobody"} {
		if _, err := r.c.Message(r.ctx, who, c.ID); !errors.Is(err, campaign.ErrNotFound) {
			t.Errorf("%q reads the message: %v, want ErrNotFound", who, err)
		}
	}
}

// TestMessageWithTheMailServerDown: the notice is the message's delivery,
// and opens its page at once; the mail follows once the server is back,
// exactly once.
func TestMessageWithTheMailServerDown(t *testing.T) {
	r := newRig(t)
	ana := r.member("ana@example.com", true)
	r.dormant(ana)
	r.inbox.setDown(errors.New("smtp: connection refused"))
	c := r.mustCreate(message("dormant"))
	r.drain()
	r.drain()
	if rep := r.report(c.ID); rep.Delivered != 1 {
		t.Errorf("delivered %d with the mail server down, want 1: the notice reached her", rep.Delivered)
	}
	if _, err := r.c.Message(r.ctx, ana.ID, c.ID); err != nil {
		t.Errorf("the notice's page does not open: %v", err)
	}
	if n := len(r.inbox.Mails()); n != 0 {
		t.Fatalf("%d mails sent while the server was down", n)
	}
	r.inbox.setDown(nil)
	for range 3 { // the retries' backoff: 30 s, then a minute
		r.clock.Add(5 * time.Minute)
		r.drain()
	}
	if n := len(r.inbox.Mails()); n != 1 {
		t.Errorf("%d mails once the server was back, want 1", n)
	}
	if rep := r.report(c.ID); rep.Delivered != 1 {
		t.Errorf("delivered %d after the retry, want 1 (counted once)", rep.Delivered)
	}
}

// TestFinishedDeliveryIsNotRepeated: a comp revoked after the campaign
// gave it stays revoked when the delivery runs again (its jobs swept and
// the fan-out queued anew, or a crash before the job was marked done).
func TestFinishedDeliveryIsNotRepeated(t *testing.T) {
	r := newRig(t)
	if _, err := r.deps.Membership.SaveTier(r.ctx, r.owner, "", membership.TierInput{Key: "gold", Name: "Gold", Rank: "1"}); err != nil {
		t.Fatal(err)
	}
	ana := r.member("ana@example.com", false)
	r.dormant(ana)
	c := r.mustCreate(campaign.Input{Segment: "dormant", Action: "comp", Tier: "gold", Days: "30"})
	r.drain()
	r.drain()
	if _, err := r.deps.Membership.RevokeComp(r.ctx, r.owner, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.Collection("jobs").DeleteMany(r.ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	if err := r.deps.Jobs.Enqueue(r.ctx, "campaign:"+c.ID, campaign.JobFanOut, bson.M{"campaign": c.ID}); err != nil {
		t.Fatal(err)
	}
	r.drain()
	r.drain()
	if n := r.count("comps", bson.M{"_id": ana.ID}); n != 0 {
		t.Errorf("the revoked comp was granted again by the repeated delivery")
	}
	if rep := r.report(c.ID); rep.Delivered != 1 {
		t.Errorf("delivered %d, want 1", rep.Delivered)
	}
}

// TestAudienceInChunks: the fan-out queues a delivery per hundred
// members, not one per member, and each member is reached once.
func TestAudienceInChunks(t *testing.T) {
	r := newRig(t)
	var members []auth.Account
	for i := range 250 {
		members = append(members, r.member(fmt.Sprintf("m%03d@example.com", i), false))
	}
	r.dormant(members...)
	c := r.mustCreate(message("dormant"))
	r.drain()
	if n := r.count("jobs", bson.M{"kind": "campaign.send"}); n != 3 {
		t.Errorf("%d delivery jobs for 250 members, want 3", n)
	}
	if rep := r.report(c.ID); rep.Audience != 250 || rep.Delivered != 250 {
		t.Errorf("audience %d, delivered %d; want 250 and 250", rep.Audience, rep.Delivered)
	}
	if n := r.count("notifications", bson.M{"kind": community.NoticeBrandMessage, "campaign": c.ID}); n != 250 {
		t.Errorf("%d notices, want 250", n)
	}
}

// TestChunkStopsShortOfItsTime: a delivery job with too little time left
// begins no member (a mail cut off half-sent might go out twice), and
// says so, so the queue tries again.
func TestChunkStopsShortOfItsTime(t *testing.T) {
	r := newRig(t)
	ana := r.member("ana@example.com", true)
	r.dormant(ana)
	c := r.mustCreate(message("dormant"))
	payload, err := bson.Marshal(bson.M{"campaign": c.ID, "accounts": bson.A{ana.ID}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
	defer cancel()
	if err := r.c.RunSend(ctx, payload); !errors.Is(err, campaign.ErrChunkUnfinished) {
		t.Errorf("with 10 s left: %v, want ErrChunkUnfinished", err)
	}
	if n := r.count("campaign_recipients", bson.M{}); n != 0 || len(r.inbox.Mails()) != 0 {
		t.Errorf("with 10 s left: %d members begun, %d mails; want none", n, len(r.inbox.Mails()))
	}
	if err := r.c.RunSend(r.ctx, payload); err != nil || len(r.inbox.Mails()) != 1 {
		t.Errorf("with time: %v, %d mails; want the one", err, len(r.inbox.Mails()))
	}
}

// TestCompNeverShortens: a campaign's comp gives those with none, or
// one ending sooner, the tier for its days, and leaves a longer comp, one
// without an end, or one of a higher tier, as it was.
func TestCompNeverShortens(t *testing.T) {
	r := newRig(t)
	if _, err := r.deps.Membership.SaveTier(r.ctx, r.owner, "", membership.TierInput{Key: "gold", Name: "Gold", Rank: "1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.deps.Membership.SaveTier(r.ctx, r.owner, "", membership.TierInput{Key: "vip", Name: "VIP", Rank: "2"}); err != nil {
		t.Fatal(err)
	}
	forever, long, short, none := r.member("forever@example.com", false), r.member("long@example.com", false),
		r.member("short@example.com", false), r.member("none@example.com", false)
	higher := r.member("higher@example.com", false)
	seoul := r.deps.Accounts.Zone(r.ctx)
	grantTier := func(a auth.Account, tier, until string) {
		if _, _, err := r.deps.Membership.GrantComp(r.ctx, r.owner, membership.CompInput{Email: a.Email, Tier: tier,
			Until: until, Reason: "VIP"}, r.deps.Accounts.AccountByEmail, seoul); err != nil {
			t.Fatal(err)
		}
	}
	grant := func(a auth.Account, until string) { grantTier(a, "gold", until) }
	grant(forever, "")
	grant(long, "2027-12-31")
	grant(short, "2026-12-10")
	grantTier(higher, "vip", "2026-12-20") // sooner, but higher: a gift the campaign must not lower
	r.dormant(forever, long, short, none, higher)
	c := r.mustCreate(campaign.Input{Segment: "dormant", Action: "comp", Tier: "gold", Days: "30"})
	r.drain()
	r.drain()

	want := r.clock.Now().AddDate(0, 0, 30)
	for _, tc := range []struct {
		a     auth.Account
		tier  string
		until time.Time
	}{
		{forever, "gold", time.Time{}},
		{long, "gold", time.Date(2028, 1, 1, 0, 0, 0, 0, seoul)},
		{short, "gold", want},
		{none, "gold", want},
		{higher, "vip", time.Date(2026, 12, 21, 0, 0, 0, 0, seoul)},
	} {
		var comp membership.Comp
		if err := r.db.Collection("comps").FindOne(r.ctx, bson.M{"_id": tc.a.ID}).Decode(&comp); err != nil {
			t.Fatalf("%s: %v", tc.a.Email, err)
		}
		if !comp.Until.Equal(tc.until) || comp.Tier != tc.tier {
			t.Errorf("%s: %s until %v, want %s until %v", tc.a.Email, comp.Tier, comp.Until, tc.tier, tc.until)
		}
	}
	if rep := r.report(c.ID); rep.Delivered != 5 {
		t.Fatalf("delivered %d, want 5", rep.Delivered)
	}
}

// TestInviteCampaign: an invitation campaign invites the segment's
// members of the event's group and counts them; others are not reached.
// Only an event the form offers (to staff) is taken: once it is over,
// there is none.
// tasting is an open group "tea", with member as its one member, and its
// members' event "Tasting" two days from now.
func (r *rig) tasting(member auth.Account) community.Event {
	r.t.Helper()
	if _, err := r.deps.Community.CreateGroup(r.ctx, r.staff, community.GroupInput{Slug: "tea", Name: "Tea",
		Visibility: community.Listed, Policy: community.JoinOpen}); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.deps.Community.Join(r.ctx, community.Actor{Account: member}, "tea", ""); err != nil {
		r.t.Fatal(err)
	}
	start := r.clock.Now().Add(48 * time.Hour).In(r.deps.Accounts.Zone(r.ctx))
	e, err := r.deps.Community.CreateEvent(r.ctx, r.staff, "tea", community.EventInput{Title: "Tasting", Zone: "Asia/Seoul",
		Start: start.Format(community.LocalTimeLayout), End: start.Add(time.Hour).Format(community.LocalTimeLayout),
		Venue: "Seoul", Access: community.AccessMembers})
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

func TestInviteCampaign(t *testing.T) {
	r := newRig(t)
	in, out := r.member("in@example.com", false), r.member("out@example.com", false)
	e := r.tasting(in)
	r.dormant(in, out)
	offered, err := r.c.Events(r.ctx, r.staff)
	if err != nil || len(offered) != 1 || offered[0].Event.ID != e.ID {
		t.Fatalf("events offered: %+v, %v; want the tasting", offered, err)
	}
	if _, err := r.c.Events(r.ctx, community.Actor{Account: in}); !errors.Is(err, campaign.ErrNotFound) {
		t.Fatalf("events offered to a member: %v, want ErrNotFound", err)
	}
	_, err = r.create(campaign.Input{Segment: "dormant", Action: "invite", Event: "0123456789abcdef01234567"})
	var v campaign.ValidationError
	if !errors.As(err, &v) || v["event"] != "campaigns.error.event" {
		t.Fatalf("an event not offered: %v", err)
	}
	c := r.mustCreate(campaign.Input{Segment: "dormant", Action: "invite", Event: string(e.ID)})
	if c.EventTitle != "Tasting" || c.EventGroup != "tea" {
		t.Fatalf("event %q of %q", c.EventTitle, c.EventGroup)
	}
	r.drain()
	r.drain()
	if n := r.count("invitations", bson.M{"event": e.ID}); n != 1 {
		t.Fatalf("%d invitations, want 1 (the group's member)", n)
	}
	if n := r.count("invitations", bson.M{"event": e.ID, "account": in.ID}); n != 1 {
		t.Fatal("the group's member was not invited")
	}
	if rep := r.report(c.ID); rep.Audience != 2 || rep.Delivered != 1 {
		t.Fatalf("audience %d, delivered %d; want 2 and 1", rep.Audience, rep.Delivered)
	}
	if n := r.count("audit_log", bson.M{"action": community.AuditEventInvite}); n != 0 {
		t.Fatalf("%d event.invite entries; the campaign's own entry says it", n)
	}
	if n := r.count("notifications", bson.M{"account": in.ID, "kind": community.NoticeEventInvited}); n != 1 {
		t.Fatalf("the member has %d invitation notices, want 1", n)
	}

	r.clock.Add(72 * time.Hour) // the event is over; a new day for the segment
	r.dormant(in, out)
	_, err = r.create(campaign.Input{Segment: "dormant", Action: "invite", Event: string(e.ID)})
	if !errors.As(err, &v) || v["event"] != "campaigns.error.event_none" {
		t.Fatalf("past event, and none to come: %v", err)
	}
}

// TestInviteCampaignOutlivesItsCreatorsRole: the campaign was authorised
// when an admin made it; the invitations go out, in their name, though
// they left the staff before the queue ran.
func TestInviteCampaignOutlivesItsCreatorsRole(t *testing.T) {
	r := newRig(t)
	in := r.member("in@example.com", false)
	e := r.tasting(in)
	r.member("admin@example.com", false)
	admin, err := r.deps.Accounts.AppointAdmin(r.ctx, r.owner, "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	r.dormant(in)
	c, err := r.c.Create(r.ctx, community.Actor{Account: admin}, campaign.Input{Segment: "dormant", Action: "invite", Event: string(e.ID)}, r.premiumOf)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.deps.Accounts.LeaveStaff(r.ctx, admin.ID); err != nil {
		t.Fatal(err)
	}
	r.drain()
	r.drain()
	if n := r.count("invitations", bson.M{"event": e.ID, "account": in.ID, "by": admin.ID}); n != 1 {
		t.Errorf("%d invitations of the member by the admin, want 1", n)
	}
	if rep := r.report(c.ID); rep.Delivered != 1 {
		t.Errorf("delivered %d, want 1", rep.Delivered)
	}
}

// TestActiveAgain: the campaign's page counts who of the audience was
// active in the 7 and the 30 days after the send day, and how many days
// each window has left.
func TestActiveAgain(t *testing.T) {
	r := newRig(t)
	soon, later, never := r.member("soon@example.com", false), r.member("later@example.com", false), r.member("never@example.com", false)
	r.dormant(soon, later, never)
	T := r.today()
	c := r.mustCreate(message("dormant"))
	if rep := r.report(c.ID); rep.Again7 != 0 || rep.Again30 != 0 || rep.Left7 != 7 || rep.Left30 != 30 {
		t.Fatalf("on the day: %+v", rep)
	}
	// soon comes back two days after, later twenty days after; a visit
	// on the send day itself is not "again".
	rows, err := r.deps.Activity.Rollups(r.ctx, []string{string(soon.ID), string(later.ID), string(never.ID)})
	if err != nil {
		t.Fatal(err)
	}
	s, l, n := rows[string(soon.ID)], rows[string(later.ID)], rows[string(never.ID)]
	s.Add(activity.Post, T+2)
	l.Add(activity.Visit, T+20)
	n.Add(activity.Visit, T)
	if err := r.deps.Activity.Replace(r.ctx, []activity.Rollup{s, l, n}); err != nil {
		t.Fatal(err)
	}
	r.clock.Add(3 * 24 * time.Hour)
	if rep := r.report(c.ID); rep.Again7 != 1 || rep.Again30 != 1 || rep.Left7 != 5 || rep.Left30 != 28 {
		t.Fatalf("three days on: again %d/%d, left %d/%d; want 1/1, 5/28", rep.Again7, rep.Again30, rep.Left7, rep.Left30)
	}
	r.clock.Add(30 * 24 * time.Hour)
	if rep := r.report(c.ID); rep.Again7 != 1 || rep.Again30 != 2 || rep.Left7 != 0 || rep.Left30 != 0 {
		t.Fatalf("33 days on: again %d/%d, left %d/%d; want 1/2, 0/0", rep.Again7, rep.Again30, rep.Left7, rep.Left30)
	}
	list, err := r.c.Campaigns(r.ctx, r.staff)
	if err != nil || len(list) != 1 || list[0].Again30 != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
}

// TestDaysLeft: a window of n days after the send day runs from the day
// after it to the nth, today counted while it is one of them.
func TestDaysLeft(t *testing.T) {
	for _, tc := range []struct {
		today activity.Day
		want  int
	}{{100, 7}, {101, 7}, {104, 4}, {107, 1}, {108, 0}, {300, 0}} {
		if got := campaign.DaysLeft(100, 7, tc.today); got != tc.want {
			t.Errorf("sent 100, today %d: %d left, want %d", tc.today, got, tc.want)
		}
	}
}
