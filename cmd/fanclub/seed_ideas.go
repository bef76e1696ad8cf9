package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"fanclub/community"
	"fanclub/internal/activity"
)

const day = 24 * time.Hour

// demoBoard is a group whose idea board the seed fills: its tags, and its
// ideas, oldest first.
type demoBoard struct {
	slug  string
	tags  []demoTag
	ideas []demoIdea
}

// demoTag is one of a board's tags; color is one of community.CoverColors.
type demoTag struct{ name, color string }

// demoIdea is one idea on a demo board and what became of it.
type demoIdea struct {
	title, body string
	tags        []int         // indexes in the board's tags
	age         time.Duration // how long before the seed's end it was proposed
	votes       int           // how many members vote for it, as far as the group has them
	// steps are the statuses the brand moves it through, in order, the
	// response given with the first. None leaves it unanswered; IdeaOpen
	// answers it without moving it.
	steps    []community.IdeaStatus
	response string // Markdown, in the idea's language
	note     string // on the timeline, with the last step
	dupOf    string // the title of the idea it repeats, which it is merged into
}

// Status paths the brand takes ideas along.
var (
	toShipped    = []community.IdeaStatus{community.IdeaReview, community.IdeaPlanned, community.IdeaInProgress, community.IdeaShipped}
	toInProgress = []community.IdeaStatus{community.IdeaPlanned, community.IdeaInProgress}
	toPlanned    = []community.IdeaStatus{community.IdeaReview, community.IdeaPlanned}
	toDeclined   = []community.IdeaStatus{community.IdeaReview, community.IdeaDeclined}
	onlyAnswered = []community.IdeaStatus{community.IdeaOpen}
)

// demoBoards are three boards with ideas in every status: each has a
// duplicate merged into its original, and open ideas nobody answered
// yet, some of them for more than a day.
var demoBoards = []demoBoard{
	{slug: "product-council",
		tags: []demoTag{{"원두 · Beans", "orange"}, {"도구 · Gear", "slate"}, {"패키지 · Packaging", "green"}, {"구독 · Subscription", "violet"}},
		ideas: []demoIdea{
			{title: "디카페인 원두 정기구독", tags: []int{0, 3}, age: 13 * day, votes: 8, steps: toShipped,
				body:     "임신 중이라 요즘 디카페인만 마셔요. 매번 따로 주문하려니 번거로워요.\n\n- **2주마다** 200g\n- 분쇄도 선택 (핸드드립 / 에스프레소)\n\n저 말고도 필요한 분들이 많을 것 같아요!",
				response: "디카페인 정기구독을 시작했어요! 구독 메뉴에서 **스위스 워터 디카페인**을 고르시면 돼요. 의견 주셔서 감사해요 🙏",
				note:     "구독 메뉴에 추가됨"},
			{title: "Recyclable coffee bags", tags: []int{2}, age: 12 * day, votes: 7, steps: toPlanned,
				body:     "The current bags have a foil layer, so they can't go in the recycling.\n\nCould we switch to **mono-material** bags? I'd happily pay a little more.",
				response: "Our supplier is testing a mono-PE bag with a one-way valve. If it keeps beans fresh for six weeks, we switch with the spring roast."},
			{title: "핸드드립 입문 키트", tags: []int{1}, age: 11 * day, votes: 9, steps: toInProgress,
				body:     "처음 시작하는 분들을 위한 세트가 있으면 좋겠어요.\n\n1. 드리퍼와 필터 50매\n2. 눈금 있는 서버\n3. 입문용 원두 200g\n\n선물용으로도 좋을 것 같아요.",
				response: "시제품을 만들고 있어요. 다음 자문단 모임에서 직접 보여 드릴게요!"},
			{title: "Tasting flight: three origins, 50 g each", tags: []int{0, 2}, age: 10 * day, votes: 6,
				steps: []community.IdeaStatus{community.IdeaPlanned, community.IdeaShipped},
				body:  "Before committing to a 500 g bag I'd love to *taste* a few origins side by side. A small box with three 50 g tins would be perfect for a weekend cupping.",
				response: "The **Origin Flight** box is in the shop: Ethiopia, Colombia and Guatemala, 50 g each. " +
					"Thank you for the idea!"},
			{title: "원두 봉투에 로스팅 날짜 크게", tags: []int{2}, age: 9 * day, votes: 5, steps: onlyAnswered,
				body:     "로스팅 날짜가 너무 작게 찍혀 있어서 돋보기가 필요해요 😅 봉투 **앞면에 크게** 적어 주세요.",
				response: "좋은 지적이에요. 다음 패키지를 바꿀 때 반영할 수 있는지 디자인팀과 이야기해 볼게요."},
			{title: "A travel grinder that fits in the kit", tags: []int{1}, age: 8 * day, votes: 4, steps: toDeclined,
				body: "Something small enough for a backpack, with a real burr. Most travel grinders are blades.",
				response: "We looked hard at this, but a grinder good enough for our beans would cost more than the kit itself. " +
					"We'll list two partner grinders on the shop page instead.",
				note: "Not now"},
			{title: "Skip a delivery in the subscription", tags: []int{3}, age: 7 * day, votes: 6,
				steps: []community.IdeaStatus{community.IdeaReview},
				body:  "When I travel I have to cancel and re-subscribe, and I lose my member price.\n\nA **Skip next delivery** button would fix it.",
				response: "We're checking with our billing team how skipping works with the member price. " +
					"We'll update this idea in two weeks."},
			{title: "구독 한 번 건너뛰기", tags: []int{3}, age: 6 * day, votes: 3, dupOf: "Skip a delivery in the subscription",
				body: "여행 갈 때 한 번만 쉬고 싶은데 해지밖에 방법이 없어요."},
			{title: "Gift wrapping for subscriptions", tags: []int{2, 3}, age: 5 * day, votes: 4,
				steps:    []community.IdeaStatus{community.IdeaPlanned},
				body:     "I gave a three-month subscription as a present and it arrived in a plain box. A card and a ribbon would make it feel like a gift.",
				response: "Gift subscriptions will come with a card you can write in, from next month."},
			{title: "Cold brew concentrate by the litre", tags: []int{0}, age: 3 * day, votes: 5,
				body: "I drink cold brew even in winter. A 1 L pouch of concentrate to mix with water or milk at home would last me a week."},
			{title: "원두 보관용 밀폐 캔", tags: []int{1}, age: 2 * day, votes: 3,
				body: "봉투를 집게로 집어 두니 향이 금방 날아가요. 달빛 커피 로고가 들어간 **밀폐 캔**이 있으면 살 것 같아요."},
			{title: "시즌 블렌드 이름 공모", tags: []int{0}, age: 6 * time.Hour, votes: 2,
				body: "겨울 블렌드 이름을 멤버들이 지어 보면 어떨까요? 뽑힌 분께는 원두 한 봉지!"},
		}},
	{slug: "new-releases",
		tags: []demoTag{{"원두 · Beans", "orange"}, {"시즌 · Seasonal", "red"}, {"재입고 · Restock", "teal"}, {"앱 · App", "blue"}},
		ideas: []demoIdea{
			{title: "Restock alerts for sold-out beans", tags: []int{2, 3}, age: 14 * day, votes: 14, steps: toShipped,
				body:     "The Ethiopia Guji sold out in **two hours** and I missed it again.\n\nA *Notify me* button on sold-out beans would fix this, by email or in the app.",
				response: "Done! Sold-out beans now have a **Notify me** button; we send one email when they're back.",
				note:     "Live in the shop and the app"},
			{title: "재입고 알림 받고 싶어요", tags: []int{2}, age: 13 * day, votes: 6, dupOf: "Restock alerts for sold-out beans",
				body: "품절된 원두가 다시 들어오면 **알림**을 받고 싶어요. 매일 들어가서 확인하기 힘들어요."},
			{title: "시즌 한정 원두 샘플러", tags: []int{0, 1}, age: 12 * day, votes: 12, steps: toPlanned,
				body:     "새 시즌 원두가 나올 때마다 다 사 보기는 부담스러워요.\n\n**100g씩 세 가지**를 묶은 샘플러가 있으면 좋겠어요.",
				response: "가을 시즌부터 샘플러를 준비하고 있어요. 가격은 곧 알려 드릴게요."},
			{title: "Release calendar in the app", tags: []int{3}, age: 11 * day, votes: 10, steps: toInProgress,
				body:     "Put upcoming releases on a calendar:\n\n- release date and time\n- how many bags there are\n- a reminder button",
				response: "Our app team has started on it; the first version shows the next four weeks."},
			{title: "출시 전 멤버 시음회", tags: []int{1}, age: 10 * day, votes: 9,
				steps:    []community.IdeaStatus{community.IdeaReview},
				body:     "신제품이 나오기 전에 매장에서 **미리 맛볼 수 있는** 자리가 있으면 좋겠어요. 멤버 한정이면 더 좋고요!",
				response: "매장 운영팀과 일정을 검토하고 있어요. 서울 두 곳에서 먼저 해 볼 수 있을지 알아보는 중이에요."},
			{title: "Bring back the Kenya AA", tags: []int{0, 2}, age: 9 * day, votes: 11, steps: toDeclined,
				body: "Last year's Kenya AA was the best coffee you've ever sold. **Please bring it back!**",
				response: "We miss it too 😢 The farm sold this year's lot before harvest. " +
					"We're talking to them about next year, and we'll post here if we get it.",
				note: "Not available this year"},
			{title: "Roast level on every product page", tags: []int{0}, age: 8 * day, votes: 8,
				steps:    []community.IdeaStatus{community.IdeaShipped},
				body:     "Show light, medium or dark on every bean's page, not only somewhere in the description.",
				response: "Every bean now shows its roast level on a scale from 1 to 5, next to the price."},
			{title: "Smaller 100 g bags for new releases", tags: []int{0, 1}, age: 6 * day, votes: 9,
				steps:    []community.IdeaStatus{community.IdeaPlanned},
				body:     "I want to try every release, but not 500 g of each. 100 g bags, even at a slightly higher price per gram?",
				response: "New releases will come in 100 g bags too, starting with the winter line-up."},
			{title: "신제품 소식 앱 푸시 알림", tags: []int{3}, age: 5 * day, votes: 7, steps: onlyAnswered,
				body:     "메일은 자꾸 놓쳐요. 앱 **푸시 알림**으로 받으면 좋겠어요.",
				response: "지금은 이메일로만 보내고 있어요. 출시 캘린더 작업이 끝나면 앱 푸시도 이어서 살펴볼게요."},
			{title: "Decaf in the seasonal line-up", tags: []int{0, 1}, age: 3 * day, votes: 6,
				body: "Every season there's a new single origin, never a decaf one. Some of us drink coffee after 6 pm!"},
			{title: "드립백 신제품도 나왔으면", tags: []int{1}, age: 30 * time.Hour, votes: 4,
				body: "회사에서는 드립백만 마셔요. 새 원두가 나오면 **드립백**으로도 같이 나오면 좋겠어요."},
			{title: "A tasting card in every bag", tags: []int{0}, age: 5 * time.Hour, votes: 2,
				body: "A small card with the farm, the altitude and a suggested recipe. Nice to keep, and it makes a bag a better gift."},
		}},
	{slug: "beta-testers",
		tags: []demoTag{{"앱 · App", "blue"}, {"그라인더 · Grinder", "slate"}, {"버그 · Bug", "red"}, {"접근성 · Accessibility", "green"}},
		ideas: []demoIdea{
			{title: "Dark mode for the app", tags: []int{0, 3}, age: 13 * day, votes: 8, steps: toInProgress,
				body:     "Reading tasting notes at night is hard on the eyes.\n\nA dark theme that follows the phone's setting would be perfect.",
				response: "We're building it now; beta testers get it first in the next test build."},
			{title: "앱 다크 모드", tags: []int{0}, age: 12 * day, votes: 3, dupOf: "Dark mode for the app",
				body: "밤에 앱을 열면 눈이 부셔요."},
			{title: "그라인더 분쇄도 가이드", tags: []int{1}, age: 11 * day, votes: 7,
				steps:    []community.IdeaStatus{community.IdeaPlanned, community.IdeaShipped},
				body:     "새 그라인더 눈금이 **1부터 40**까지인데, 어떤 추출에 몇 번이 맞는지 모르겠어요.\n\n- 에스프레소는?\n- 핸드드립은?\n- 콜드브루는?",
				response: "앱의 그라인더 메뉴에 추출 방법별 추천 눈금을 넣었어요. 원두별 추천도 곧 추가할게요."},
			{title: "Brew timer with pour steps", tags: []int{0}, age: 10 * day, votes: 6, steps: toPlanned,
				body:     "A timer that tells me *when* to pour and *how much*: bloom 40 g, then 100 g at 0:45, and so on.",
				response: "Planned for the release after dark mode. We'll ask for testers here first."},
			{title: "글자 크기 키우기", tags: []int{0, 3}, age: 9 * day, votes: 8,
				steps:    []community.IdeaStatus{community.IdeaInProgress, community.IdeaShipped},
				body:     "부모님이 앱을 쓰시는데 글씨가 너무 작대요. 휴대폰 설정의 **글자 크기**를 따라가면 좋겠어요.",
				response: "이제 앱이 휴대폰의 글자 크기 설정을 따라가요. 부모님께도 전해 주세요 😊"},
			{title: "Export my brew log", tags: []int{0}, age: 8 * day, votes: 5,
				steps:    []community.IdeaStatus{community.IdeaReview},
				body:     "I've logged 200 brews in the app. I'd like them as a spreadsheet (CSV) to make my own charts.",
				response: "Looking into it: the export is easy, keeping it private is the part we're checking."},
			{title: "원두 바코드로 레시피 불러오기", tags: []int{0}, age: 7 * day, votes: 4, steps: toDeclined,
				body:     "봉투의 바코드를 찍으면 그 원두에 맞는 레시피가 바로 나오면 좋겠어요.",
				response: "바코드만으로는 로스팅 날짜와 배치를 구분할 수 없어서 이번에는 하지 않기로 했어요. 대신 봉투에 **QR 코드**를 넣는 방법을 준비하고 있어요.",
				note:     "QR 코드로 대신할게요"},
			{title: "Burr replacement reminder", tags: []int{1}, age: 6 * day, votes: 5, steps: onlyAnswered,
				body:     "The app knows how much I grind. It could tell me when the burrs are worn.",
				response: "Good one. We first need to know how many kilos the burrs last; the team is measuring it now."},
			{title: "Home screen widget for today's recipe", tags: []int{0}, age: 5 * day, votes: 6,
				steps:    []community.IdeaStatus{community.IdeaPlanned},
				body:     "One tap from the home screen to today's recipe and timer.",
				response: "Planned, right after the brew timer: the widget will start it."},
			{title: "앱에서 그라인더 펌웨어 업데이트", tags: []int{1, 2}, age: 3 * day, votes: 5,
				body: "지금은 PC에 연결해야 해서 불편해요. 블루투스로 **앱에서 바로** 업데이트할 수 있으면 좋겠어요."},
			{title: "VoiceOver labels on the brew buttons", tags: []int{3}, age: 40 * time.Hour, votes: 3,
				body: "With VoiceOver on, the start and stop buttons are read as \"button\". Please label them."},
			{title: "Share a recipe as a link", tags: []int{0}, age: 8 * time.Hour, votes: 2,
				body: "Let me send my recipe to a friend as a link that opens in the app, or on the web if they don't have it."},
		}},
}

// demoIdeaComments are what members say under an idea, by locale.
var demoIdeaComments = map[string][]string{
	"ko": {"저도 이거 꼭 필요해요!", "+1 매일 쓸 것 같아요.", "조금 더 비싸도 살 의향 있어요.", "좋은 아이디어예요 👍",
		"선택할 수 있게 해 주시면 더 좋겠어요.", "언제쯤 될지 궁금해요!", "친구들도 다 원하더라고요.", "이거 생기면 바로 쓸게요 🙌"},
	"en": {"Yes please! I'd use this every week.", "+1, would happily pay a bit more for it.", "Great idea 👍",
		"Could it be optional? Not everyone wants it.", "Any idea when this might happen?", "My whole office would love this.",
		"This would save me so much time.", "Been wishing for this for ages."},
}

// seedIdea is an idea the seed planned: its id once proposed, and who
// votes for it.
type seedIdea struct {
	id     *community.IdeaID
	voters []community.Actor
}

// seedStep is one thing that happens in the club, at its time; news is
// set when it may queue notices.
type seedStep struct {
	at   time.Time
	news bool
	do   func(context.Context) error
}

// ideas tells the idea boards over the weeks of the feed: the clock goes
// back to where the feed began, each board's story is planned, and the
// steps of all boards play in time order.
func (s *seeder) ideas(ctx context.Context) error {
	s.clock.rewind(s.boardsFrom)
	var plan []seedStep
	for _, b := range demoBoards {
		steps, err := s.board(ctx, b)
		if err != nil {
			return err
		}
		plan = append(plan, steps...)
	}
	return s.play(ctx, plan)
}

// play runs the steps of plan in time order, the clock moving to each,
// then to its end. The news a step queues is run at once, so every
// notice is dated with its news.
func (s *seeder) play(ctx context.Context, plan []seedStep) error {
	// Stable, so steps at the same time keep the order they were planned in.
	slices.SortStableFunc(plan, func(x, y seedStep) int { return x.at.Compare(y.at) })
	for _, e := range plan {
		s.clock.at(e.at)
		if err := e.do(ctx); err != nil {
			return err
		}
		if e.news {
			if _, err := s.jobs.RunDue(ctx); err != nil {
				return err
			}
		}
	}
	s.clock.at(s.clock.end)
	return nil
}

// retell plays plan over weeks the clock has passed already: it goes back
// to the first step's time, then plays the steps in time order.
func (s *seeder) retell(ctx context.Context, plan []seedStep) error {
	if len(plan) == 0 {
		return nil
	}
	first := slices.MinFunc(plan, func(x, y seedStep) int { return x.at.Compare(y.at) })
	s.clock.rewind(first.at)
	return s.play(ctx, plan)
}

// board adds b's tags and plans its ideas: each proposed by a member
// who writes in its language, voted for and commented on over the days
// after, answered step by step by the group's owner or moderator, or
// merged into the idea it repeats.
func (s *seeder) board(ctx context.Context, b demoBoard) ([]seedStep, error) {
	g := s.group(b.slug)
	var tags []string
	for _, t := range b.tags {
		tag, err := s.cm.AddIdeaTag(ctx, s.admin, b.slug, t.name, t.color)
		if err != nil {
			return nil, fmt.Errorf("seed: tag in %s: %w", b.slug, err)
		}
		tags = append(tags, tag.ID)
	}
	var plan []seedStep
	for k, d := range b.ideas {
		id := new(community.IdeaID)
		s.made[d.title] = seedIdea{id: id}
		in := community.IdeaInput{Title: d.title, Body: d.body}
		for _, t := range d.tags {
			in.Tags = append(in.Tags, tags[t])
		}
		created, until := s.clock.end.Add(-d.age), s.clock.end
		if created.Before(s.boardsFrom) {
			created = s.boardsFrom
		}
		author := s.writer(g, d.title)
		by := s.answerer(g, k, author)
		plan = append(plan, seedStep{at: created, do: func(ctx context.Context) error {
			i, err := s.cm.CreateIdea(ctx, author, b.slug, in)
			if err != nil {
				return fmt.Errorf("seed: idea in %s: %w", b.slug, err)
			}
			s.note(author, activity.Idea)
			*id = i.ID
			s.n.Ideas++
			return nil
		}})
		var merge *seedStep
		if d.dupOf != "" {
			// A moderator spots the duplicate within the day; until then
			// it gathers votes and comments of its own.
			until = created.Add(s.minutes(3*60, 20*60))
			orig := s.made[d.dupOf].id
			merge = &seedStep{at: until, news: true, do: func(ctx context.Context) error {
				if _, err := s.cm.MergeIdea(ctx, by, b.slug, *id, *orig, "같은 아이디어예요 · Same idea"); err != nil {
					return fmt.Errorf("seed: merge in %s: %w", b.slug, err)
				}
				s.n.Merged++
				return nil
			}}
		}
		voters := s.some(g.active, d.votes)
		s.made[d.title] = seedIdea{id, voters}
		plan = append(plan, s.voting(g, id, voters, created, until)...)
		plan = append(plan, s.talk(g, id, d.votes, created, until)...)
		if merge != nil {
			plan = append(plan, *merge)
		}
		plan = append(plan, s.answers(g, id, d, by, created)...)
	}
	return plan, nil
}

// voting plans votes for the idea from voters, members of g, most in its
// first days, all before until.
func (s *seeder) voting(g *seedGroup, id *community.IdeaID, voters []community.Actor, from, until time.Time) []seedStep {
	var plan []seedStep
	for _, who := range voters {
		plan = append(plan, seedStep{at: s.soon(from, until, 5*day), do: func(ctx context.Context) error {
			if _, err := s.cm.Vote(ctx, who, g.in.Slug, *id, true); err != nil {
				return fmt.Errorf("seed: vote in %s: %w", g.in.Slug, err)
			}
			s.note(who, activity.Vote)
			s.n.Votes++
			return nil
		}})
	}
	return plan
}

// talk plans up to three comments under the idea, more on popular ones.
func (s *seeder) talk(g *seedGroup, id *community.IdeaID, votes int, from, until time.Time) []seedStep {
	var plan []seedStep
	for range s.rng.IntN(2 + min(votes/5, 2)) {
		who := s.pick(g.active)
		body := s.phrase(demoIdeaComments, who)
		plan = append(plan, seedStep{at: s.soon(from, until, 6*day), news: true, do: func(ctx context.Context) error {
			if _, err := s.cm.CreateComment(ctx, who, g.in.Slug, community.OnIdea(*id), body, ""); err != nil {
				return fmt.Errorf("seed: idea comment in %s: %w", g.in.Slug, err)
			}
			s.note(who, activity.Comment)
			s.n.Comments++
			return nil
		}})
	}
	return plan
}

// answers plans the brand's moves on the idea: the first a few hours to a
// day and a half after it was proposed, the others spread over the time
// left, each keeping the response.
func (s *seeder) answers(g *seedGroup, id *community.IdeaID, d demoIdea, by community.Actor, created time.Time) []seedStep {
	if len(d.steps) == 0 {
		return nil
	}
	at := s.soon(created.Add(3*time.Hour), s.clock.end, 33*time.Hour)
	gap := s.clock.end.Sub(at) / time.Duration(len(d.steps))
	var plan []seedStep
	for n, st := range d.steps {
		a := community.Answer{Status: st, Response: d.response}
		if n == len(d.steps)-1 {
			a.Note = d.note
		}
		plan = append(plan, seedStep{at: at, news: true, do: func(ctx context.Context) error {
			if _, err := s.cm.AnswerIdea(ctx, by, g.in.Slug, *id, a); err != nil {
				return fmt.Errorf("seed: answer in %s: %w", g.in.Slug, err)
			}
			if n == 0 {
				s.n.Answered++
			}
			return nil
		}})
		at = at.Add(gap/2 + time.Duration(s.rng.Int64N(int64(gap/2)+1)))
	}
	return plan
}

// soon is a random time after from, within span and before until, more
// likely early than late.
func (s *seeder) soon(from, until time.Time, span time.Duration) time.Time {
	span = max(min(span, until.Sub(from)-time.Minute), 0)
	r := s.rng.Float64()
	return from.Add(time.Minute + time.Duration(r*r*float64(span)))
}

// writer is a member of g who writes in the language of text, or any
// member if none does.
func (s *seeder) writer(g *seedGroup, text string) community.Actor {
	locale := "en"
	if strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) {
		locale = "ko"
	}
	var same []community.Actor
	for _, p := range g.active {
		if p.Account.Locale == locale {
			same = append(same, p)
		}
	}
	if len(same) == 0 {
		return s.pick(g.active)
	}
	return s.pick(same)
}

// answerer is who answers the k-th idea of g's board, proposed by author:
// its moderator every other time, if it has one and did not propose it,
// and otherwise the owner.
func (s *seeder) answerer(g *seedGroup, k int, author community.Actor) community.Actor {
	if k%2 == 1 && g.mod.SignedIn() && g.mod.ID() != author.ID() {
		return g.mod
	}
	return s.admin
}
