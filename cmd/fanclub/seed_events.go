package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
)

// demoEvent is one event of the demo club and what becomes of it.
type demoEvent struct {
	slug string
	in   community.EventInput // Start, End and Deadline are filled in from the fields below
	// day is the event's date in its zone, counted from the seed's last
	// day (negative: it is over); at is when it starts there, "15:04".
	day    int
	at     string
	length time.Duration
	closes time.Duration // RSVPs close this long before the start; 0 for at the start
	ago    time.Duration // how long before the seed's end the host posts it
	byMod  bool          // hosted by the group's moderator rather than the owner
	invite int           // members the host invites by name
	voters string        // the title of the shipped idea whose voters are invited
	// yes and no are how many say they are going or not, as far as those
	// who may answer allow: the group's members, those of them with the
	// tier, or the invited.
	yes, no  int
	giveBack int // of those seated, how many give their seat back later
	came     int // of those going, how many the door checks in
	// cancelAgo is how long before the seed's end the host calls it off,
	// saying why in the body; 0 when it goes ahead.
	cancelAgo time.Duration
	why       string
}

// demoVenue is the roastery most meetups are held at.
const demoVenue = "달빛 커피 성수 로스터리 2층, 서울 성동구 성수이로 · Dalbit Coffee Seongsu Roastery, 2F"

// demoEvents are events of every access kind, over and to come, in Korean
// and English, in Seoul and one in Los Angeles: five past ones the door
// checked people in at (so the insight's attendance, no-shows and those
// who came twice have numbers), a full class with a waiting line, one
// with an RSVP deadline, one called off, and a launch for those who voted
// for the idea it launches.
var demoEvents = []demoEvent{
	{slug: "lounge", day: -13, at: "15:00", length: 2 * time.Hour, ago: 21 * day, byMod: true, yes: 10, no: 2, came: 7,
		in: community.EventInput{Title: "홈카페 원두 나눔 모임 · Home café bean swap", Zone: "Asia/Seoul", Venue: demoVenue,
			Capacity: "14", Access: community.AccessMembers,
			Body: "집에 남은 원두를 한 봉지 가져와서 서로 나눠요. 한 봉지를 가져오시면 처음 맛보는 원두 두 가지를 들고 가실 수 있어요. " +
				"간단한 다과는 준비해 둘게요.\n\n" +
				"Bring a bag of beans you'd like to share, and go home with two you haven't tried."}},
	{slug: "brewing", day: -11, at: "19:30", length: 2 * time.Hour, ago: 19 * day, yes: 11, no: 1, came: 8,
		in: community.EventInput{Title: "Pour-over basics: a hands-on evening", Zone: "Asia/Seoul",
			Venue: "Dalbit Coffee Hannam, training bar, Itaewon-ro, Yongsan-gu, Seoul", Capacity: "12",
			Access: community.AccessMembers,
			Body: "Grind size, water temperature and the bloom: brew three cups side by side with our baristas and taste the difference. " +
				"Kettles and drippers are on us; bring a mug.\n\n" +
				"바리스타와 함께 핸드드립 기초를 배워요. 주전자와 드리퍼는 준비해 둘게요."}},
	{slug: "seoul-meetups", day: -8, at: "14:00", length: 2 * time.Hour, ago: 15 * day, byMod: true, yes: 8, no: 1, came: 6,
		in: community.EventInput{Title: "성수 로스터리 커핑 모임", Zone: "Asia/Seoul", Venue: demoVenue, Capacity: "12",
			Access: community.AccessMembers,
			Body: "성수 로스터리에서 이번 시즌 원두 **다섯 가지**를 함께 커핑해요.\n\n" +
				"- 커핑 스푼은 준비되어 있어요\n- 향이 강한 향수는 피해 주세요\n- 끝나고 근처 카페로 2차 가실 분도 환영해요 ☕"}},
	{slug: "ambassadors", day: -5, at: "20:00", length: time.Hour, ago: 12 * day, invite: 8, yes: 6, no: 1, came: 5,
		in: community.EventInput{Title: "앰배서더 새 시즌 캠페인 킥오프", Zone: "Asia/Seoul", Online: true,
			Link: "https://meet.example.com/dalbit-ambassadors-kickoff", Access: community.AccessInvited,
			Body: "새 시즌 캠페인 일정과 촬영 가이드를 함께 살펴봐요. 카메라는 꺼 두셔도 괜찮아요.\n\n" +
				"1. 캠페인 일정\n2. 제품 발송 안내\n3. 질의응답"}},
	{slug: "brewing", day: -3, at: "19:00", length: 150 * time.Minute, ago: 11 * day, yes: 7, no: 1, came: 5,
		in: community.EventInput{Title: "Espresso masterclass for premium members", Zone: "Asia/Seoul",
			Venue: "Dalbit Coffee Hannam, training bar, Itaewon-ro, Yongsan-gu, Seoul", Capacity: "8",
			Access: community.AccessTier, Tier: premiumTier,
			Body: "Dial in with our head barista: grind, dose and yield, then taste what each change does.\n\n" +
				"Bring your own beans if you like, and we'll dial them in together."}},
	{slug: "brewing", day: 6, at: "14:00", length: 150 * time.Minute, ago: 6 * day, byMod: true, yes: 16, no: 2, giveBack: 1,
		in: community.EventInput{Title: "라떼아트 원데이 클래스 · Latte art one-day class", Zone: "Asia/Seoul",
			Venue: "달빛 커피 연남점, 서울 마포구 동교로 · Dalbit Coffee Yeonnam", Capacity: "10", Access: community.AccessMembers,
			Body: "하트부터 로제타까지, 스팀 밀크 다루는 법을 차근차근 배워요. 우유와 컵은 준비해 둘게요.\n\n" +
				"From hearts to rosettas: learn to steam and pour. Milk and cups are on us. " +
				"**Ten seats**: when they're gone, join the waitlist and we'll seat you in turn."}},
	{slug: "new-releases", day: 4, at: "18:00", length: time.Hour, ago: 5 * day, yes: 15, no: 2,
		in: community.EventInput{Title: "Live Q&A: the new line-up with our head roaster", Zone: "America/Los_Angeles",
			Online: true, Link: "https://meet.example.com/dalbit-winter-qa", Access: community.AccessMembers,
			Body: "Our head roaster joins from our partner roastery in Los Angeles to talk through the new season's beans: " +
				"origins, roast curves and how to brew them. Bring your questions!\n\n" +
				"서울 시간으로는 다음 날 오전이에요. 한국어 질문도 환영해요."}},
	{slug: "new-releases", day: 9, at: "15:00", length: 2 * time.Hour, closes: 3 * day, ago: 4 * day, yes: 7,
		in: community.EventInput{Title: "파나마 게이샤 시음회 · Panama Geisha tasting", Zone: "Asia/Seoul", Venue: demoVenue,
			Capacity: "10", Access: community.AccessTier, Tier: premiumTier,
			Body: "올해 들어온 파나마 게이샤를 **프리미엄 멤버**분들과 먼저 맛봐요. " +
				"원두 양이 정해져 있어서 신청은 **사흘 전에 마감**해요.\n\n" +
				"Premium members taste this year's Panama Geisha first. RSVPs close three days before."}},
	{slug: "product-council", day: 12, at: "19:00", length: 2 * time.Hour, ago: 20 * time.Hour, voters: "디카페인 원두 정기구독", yes: 5, no: 1,
		in: community.EventInput{Title: "디카페인 정기구독 런칭 파티 · Decaf subscription launch", Zone: "Asia/Seoul",
			Venue: demoVenue, Access: community.AccessInvited,
			Body: "여러분이 투표해 주신 **디카페인 정기구독**이 시작됐어요. 아이디어를 함께 만들어 주신 분들만 모셔요: " +
				"첫 배송 원두로 시음하고, 다음 구독 메뉴도 같이 골라요.\n\n" +
				"You shaped this; come to the launch. We'll taste the first decaf shipment together and pick what comes next."}},
	{slug: "lounge", day: 5, at: "11:00", length: 3 * time.Hour, ago: 9 * day, byMod: true, yes: 10, no: 2,
		cancelAgo: 6 * time.Hour, why: "**비 예보가 있어서 이번 피크닉은 취소해요.** 날이 좋아지면 다시 잡을게요!",
		in: community.EventInput{Title: "한강 피크닉 커피 모임", Zone: "Asia/Seoul", Venue: "여의도 한강공원 물빛광장 앞 잔디밭",
			Access: community.AccessMembers,
			Body:   "돗자리 펴고 콜드브루 마시면서 수다 떨어요! 콜드브루는 넉넉히 준비할게요. 텀블러를 가져오시면 좋아요."}},
}

// seedEventRef is an event the seed posted, for its count at the end.
type seedEventRef struct {
	slug string
	id   *community.EventID
}

// events tells the groups' events over the same weeks as the feed: each
// event's story is planned, the clock goes back to when the first was
// posted, and the steps play in time order, as the idea boards' did.
// Events that are over were posted, answered and checked in at the door
// while they were still to come.
func (s *seeder) events(ctx context.Context) error {
	var plan []seedStep
	var posted []seedEventRef
	for _, d := range demoEvents {
		id, steps, err := s.event(d)
		if err != nil {
			return err
		}
		plan = append(plan, steps...)
		posted = append(posted, seedEventRef{d.slug, id})
	}
	if err := s.retell(ctx, plan); err != nil {
		return err
	}
	for _, p := range posted {
		e, _, err := s.cm.EventByID(ctx, s.admin, p.slug, *p.id)
		if err != nil {
			return fmt.Errorf("seed: count event in %s: %w", p.slug, err)
		}
		s.n.Going += e.Going
		s.n.Waiting += e.Waiting
	}
	return nil
}

// event plans d: the host posts it, invites people, hears back from
// members, is reminded of it a day before with those going, checks them
// in at the door if it is over, or calls it off.
func (s *seeder) event(d demoEvent) (*community.EventID, []seedStep, error) {
	g := s.group(d.slug)
	in, start, err := d.schedule(s.clock.end)
	if err != nil {
		return nil, nil, err
	}
	posted := s.clock.end.Add(-d.ago)
	if posted.Before(s.boardsFrom) {
		posted = s.boardsFrom
	}
	if !posted.Before(start) || (d.day < 0 && start.Add(d.length).After(s.clock.end)) {
		return nil, nil, fmt.Errorf("seed: event %q: posted %v for %v, over by %v: check its day and age", in.Title, posted, start, s.clock.end)
	}
	host := s.admin
	if d.byMod && g.mod.SignedIn() {
		host = g.mod
	}
	id := new(community.EventID)
	plan := []seedStep{{at: posted, news: true, do: func(ctx context.Context) error {
		e, err := s.cm.CreateEvent(ctx, host, d.slug, in)
		if err != nil {
			return fmt.Errorf("seed: event %q: %w", in.Title, err)
		}
		*id = e.ID
		s.n.Events++
		return nil
	}}}
	who, invite := s.guests(g, d, host, id)
	if invite != nil {
		plan = append(plan, seedStep{at: posted.Add(s.minutes(5, 20)), news: true, do: invite})
	}
	// Answers come until an hour before the start, the deadline, the
	// call-off or the seed's end, whichever is first.
	until := earliest(start.Add(-time.Hour), s.clock.end)
	if d.closes > 0 {
		until = earliest(until, start.Add(-d.closes))
	}
	cancelAt := s.clock.end.Add(-d.cancelAgo)
	if d.cancelAgo > 0 {
		until = earliest(until, cancelAt.Add(-30*time.Minute))
	}
	going, steps := s.replies(d, id, who, posted.Add(30*time.Minute), until)
	plan = append(plan, steps...)
	if remind := start.Add(-24 * time.Hour); remind.After(posted) && remind.Before(s.clock.end) {
		// The day-before reminder is due now: run it, so its notices carry
		// this time.
		plan = append(plan, seedStep{at: remind, news: true, do: func(context.Context) error { return nil }})
	}
	if d.cancelAgo > 0 {
		plan = append(plan, s.callOff(d, in, host, id, cancelAt))
	}
	return id, append(plan, s.door(d, host, id, going, start)...), nil
}

// schedule is d's input with its start, end and deadline typed as a host
// would, in its zone, on its day counted from last, the seed's end; and
// the start.
func (d demoEvent) schedule(last time.Time) (community.EventInput, time.Time, error) {
	in := d.in
	loc, err := time.LoadLocation(in.Zone)
	if err != nil {
		return in, time.Time{}, fmt.Errorf("seed: event %q: %w", in.Title, err)
	}
	date := last.In(loc).AddDate(0, 0, d.day).Format(time.DateOnly)
	start, err := time.ParseInLocation(time.DateOnly+" 15:04", date+" "+d.at, loc)
	if err != nil {
		return in, time.Time{}, fmt.Errorf("seed: event %q: %w", in.Title, err)
	}
	in.Start = start.Format(community.LocalTimeLayout)
	in.End = start.Add(d.length).In(loc).Format(community.LocalTimeLayout)
	if d.closes > 0 {
		in.Deadline = start.Add(-d.closes).In(loc).Format(community.LocalTimeLayout)
	}
	return in, start, nil
}

// guests are the members of g who may answer d: everyone, those with its
// tier, or those the host invites, by name or as voters of an idea; with
// the invitation to send, if any.
func (s *seeder) guests(g *seedGroup, d demoEvent, host community.Actor, id *community.EventID) ([]community.Actor, func(context.Context) error) {
	switch {
	case d.voters != "":
		idea := s.made[d.voters]
		return idea.voters, func(ctx context.Context) error {
			r, err := s.cm.InviteVoters(ctx, host, d.slug, *id, *idea.id)
			if err != nil {
				return fmt.Errorf("seed: invite the voters of %q: %w", d.voters, err)
			}
			s.n.EventInvites += r.New
			return nil
		}
	case d.invite > 0:
		who := s.some(g.active, d.invite)
		return who, func(ctx context.Context) error {
			var accounts []auth.Account
			for _, p := range who {
				accounts = append(accounts, p.Account)
			}
			r, err := s.cm.InvitePeople(ctx, host, d.slug, *id, accounts)
			if err != nil {
				return fmt.Errorf("seed: invite to %q: %w", d.in.Title, err)
			}
			s.n.EventInvites += r.New
			return nil
		}
	case d.in.Access == community.AccessTier:
		var tiered []community.Actor
		for _, p := range g.active {
			if p.HasTier(d.in.Tier) {
				tiered = append(tiered, p)
			}
		}
		return tiered, nil
	}
	return g.active, nil
}

// replies plans the answers to d from who between from and until, in
// random order: d.yes say they are going, the first to capacity seated
// and the rest in the waiting line in turn, and d.no say they are not.
// Then d.giveBack of those seated give their seat back, and the head of
// the line is seated. It returns who is going in the end.
func (s *seeder) replies(d demoEvent, id *community.EventID, who []community.Actor, from, until time.Time) ([]community.Actor, []seedStep) {
	answering := s.some(who, d.yes+d.no)
	yes := s.rng.Perm(len(answering)) // i says yes when yes[i] < d.yes
	times := make([]time.Time, len(answering))
	for i := range times {
		times[i] = s.soon(from, until, until.Sub(from))
	}
	slices.SortFunc(times, time.Time.Compare)
	var plan []seedStep
	var inOrder []community.Actor // those saying yes, in the order they do
	for i, p := range answering {
		going := yes[i] < d.yes
		if going {
			inOrder = append(inOrder, p)
		}
		plan = append(plan, seedStep{at: times[i], news: true, do: func(ctx context.Context) error {
			if _, err := s.cm.RSVP(ctx, p, d.slug, *id, going); err != nil {
				return fmt.Errorf("seed: %s answers %q: %w", p.Account.Email, d.in.Title, err)
			}
			s.note(p, activity.RSVP)
			return nil
		}})
	}
	seats := len(inOrder)
	if n, err := strconv.Atoi(d.in.Capacity); err == nil {
		seats = min(n, seats)
	}
	leaving := s.some(inOrder[:seats], d.giveBack)
	at := until
	if len(times) > 0 {
		at = earliest(times[len(times)-1].Add(s.minutes(10, 120)), until)
	}
	for _, p := range leaving {
		plan = append(plan, seedStep{at: at, news: true, do: func(ctx context.Context) error {
			if _, err := s.cm.RSVP(ctx, p, d.slug, *id, false); err != nil {
				return fmt.Errorf("seed: %s gives back a seat at %q: %w", p.Account.Email, d.in.Title, err)
			}
			s.note(p, activity.RSVP)
			return nil
		}})
	}
	going := slices.DeleteFunc(slices.Clone(inOrder), func(p community.Actor) bool {
		return slices.ContainsFunc(leaving, func(l community.Actor) bool { return l.ID() == p.ID() })
	})
	return going[:min(seats, len(going))], plan
}

// door plans the check-ins of d.came of those going, from a quarter of an
// hour before the start to the first hour's end.
func (s *seeder) door(d demoEvent, host community.Actor, id *community.EventID, going []community.Actor, start time.Time) []seedStep {
	var plan []seedStep
	for _, p := range s.some(going, d.came) {
		at := start.Add(-15*time.Minute + s.minutes(0, 60))
		plan = append(plan, seedStep{at: at, do: func(ctx context.Context) error {
			if _, err := s.cm.CheckIn(ctx, host, d.slug, *id, p.ID(), true); err != nil {
				return fmt.Errorf("seed: check %s in at %q: %w", p.Account.Email, d.in.Title, err)
			}
			s.note(p, activity.CheckIn)
			s.n.CheckedIn++
			return nil
		}})
	}
	return plan
}

// callOff plans the host saying in the event's text why it is off, then
// cancelling it, which tells everyone who answered.
func (s *seeder) callOff(d demoEvent, in community.EventInput, host community.Actor, id *community.EventID, at time.Time) seedStep {
	return seedStep{at: at, news: true, do: func(ctx context.Context) error {
		edit := in
		edit.Body = d.why + "\n\n" + in.Body
		if _, err := s.cm.EditEvent(ctx, host, d.slug, *id, edit); err != nil {
			return fmt.Errorf("seed: say why %q is off: %w", in.Title, err)
		}
		if _, err := s.cm.CancelEvent(ctx, host, d.slug, *id); err != nil {
			return fmt.Errorf("seed: call off %q: %w", in.Title, err)
		}
		s.n.Cancelled++
		return nil
	}}
}

// earliest is the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
