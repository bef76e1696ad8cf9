package main

import (
	"context"
	"fmt"
	"time"

	"fanclub/community"
)

// demoIdea is one idea on a demo board, with what the brand did with it.
type demoIdea struct {
	title, body string
	tag         int // index in demoTags, -1 for none
	status      community.IdeaStatus
	response    string // "" leaves it unanswered
	votes       int    // about how many members vote for it
}

// demoBoards are the groups whose boards the seed fills.
var demoBoards = []string{"product-council", "new-releases", "beta-testers"}

// demoTags are each board's tags.
var demoTags = []struct{ name, color string }{
	{"원두 · Beans", "orange"}, {"앱 · App", "blue"}, {"매장 · Café", "green"}, {"구독 · Subscription", "violet"},
}

// demoIdeas are the ideas on each board, in every status, oldest first.
var demoIdeas = []demoIdea{
	{"디카페인 원두 정기구독", "임신 중이라 디카페인만 마셔요. **2주마다** 받아보고 싶어요.", 3, community.IdeaShipped,
		"디카페인 정기구독을 시작했어요! 구독 메뉴에서 바로 고를 수 있어요.", 14},
	{"Dark mode for the app", "Reading tasting notes at night is hard on the eyes.", 1, community.IdeaInProgress,
		"We're building it now; beta testers get it first.", 18},
	{"앱 다크 모드", "밤에 앱을 열면 눈이 부셔요.", 1, community.IdeaMerged, "", 6},
	{"Oat milk at every café", "Some branches still only have soy.", 2, community.IdeaPlanned,
		"Oat milk reaches every branch next month.", 11},
	{"원두 재입고 알림", "품절된 원두가 다시 들어오면 **알림**을 받고 싶어요.", 1, community.IdeaReview, "좋은 제안이에요. 팀에서 검토하고 있어요.", 9},
	{"Refill discount for bringing your own cup", "", 2, community.IdeaDeclined,
		"We tried it in two branches; it slowed the line too much. We're giving the 300 won to a reforestation fund instead.", 4},
	{"시즌 한정 원두 샘플러", "세 가지 원두를 **100g씩** 맛보고 싶어요.", 0, community.IdeaPlanned, "가을 시즌에 맞춰 준비할게요.", 12},
	{"Tasting notes printed on the bag", "Flavour wheel on the back would be lovely.", 0, community.IdeaOpen, "", 7},
	{"매장 좌석 예약", "주말에는 자리가 없어서 아쉬워요.", 2, community.IdeaOpen, "", 3},
	{"Gift cards in the app", "", 1, community.IdeaOpen, "", 5},
	{"구독 일시정지 기능", "여행 갈 때 한 달 쉬고 싶어요.", 3, community.IdeaOpen, "", 8},
	{"Cold brew concentrate by mail", "Summer is coming!", 3, community.IdeaOpen, "", 2},
}

// ideas fills each demo board over the three weeks: tags, the ideas with
// votes and a few comments, the brand's answers a few hours to two days
// after each idea, and one duplicate merged into its original. Recent
// open ideas are left unanswered, some of them past 24 hours.
func (s *seeder) ideas(ctx context.Context) error {
	s.clock.t = s.boardsFrom
	step := s.clock.end.Sub(s.boardsFrom) / time.Duration(len(demoIdeas)*len(demoBoards)+1)
	for _, slug := range demoBoards {
		g := s.group(slug)
		var tags []string
		for _, t := range demoTags {
			tag, err := s.cm.AddIdeaTag(ctx, s.admin, slug, t.name, t.color)
			if err != nil {
				return fmt.Errorf("seed: tag in %s: %w", slug, err)
			}
			tags = append(tags, tag.ID)
		}
		made := map[string]community.Idea{}
		for _, d := range demoIdeas {
			s.clock.advance(step)
			if err := s.idea(ctx, g, d, tags, made); err != nil {
				return err
			}
		}
	}
	s.clock.t = s.clock.end
	return nil
}

// idea proposes one demo idea on g's board and plays out what happened to it.
func (s *seeder) idea(ctx context.Context, g *seedGroup, d demoIdea, tags []string, made map[string]community.Idea) error {
	in := community.IdeaInput{Title: d.title, Body: d.body}
	if d.tag >= 0 {
		in.Tags = []string{tags[d.tag]}
	}
	i, err := s.cm.CreateIdea(ctx, s.pick(g.active), g.in.Slug, in)
	if err != nil {
		return fmt.Errorf("seed: idea in %s: %w", g.in.Slug, err)
	}
	made[d.title] = i
	s.n.Ideas++
	for _, who := range s.some(g.active, min(len(g.active), d.votes)) {
		if _, err := s.cm.Vote(ctx, who, g.in.Slug, i.ID, true); err != nil {
			return fmt.Errorf("seed: vote in %s: %w", g.in.Slug, err)
		}
		s.n.Votes++
	}
	for range s.rng.IntN(3) {
		s.clock.advance(s.minutes(20, 240))
		who := s.pick(g.active)
		if _, err := s.cm.CreateComment(ctx, who, g.in.Slug, community.OnIdea(i.ID), s.phrase(demoComments, who), ""); err != nil {
			return fmt.Errorf("seed: idea comment in %s: %w", g.in.Slug, err)
		}
		s.n.Comments++
		if err := s.news(ctx); err != nil {
			return err
		}
	}
	switch {
	case d.status == community.IdeaMerged:
		orig := made["Dark mode for the app"]
		if _, err := s.cm.MergeIdea(ctx, s.admin, g.in.Slug, i.ID, orig.ID, "같은 아이디어예요 · Same idea"); err != nil {
			return fmt.Errorf("seed: merge in %s: %w", g.in.Slug, err)
		}
		s.n.Merged++
		return s.news(ctx)
	case d.status != community.IdeaOpen || d.response != "":
		s.clock.advance(s.minutes(120, 48*60))
		if _, err := s.cm.AnswerIdea(ctx, s.admin, g.in.Slug, i.ID, community.Answer{Status: d.status, Response: d.response}); err != nil {
			return fmt.Errorf("seed: answer in %s: %w", g.in.Slug, err)
		}
		s.n.Answered++
		return s.news(ctx)
	}
	return nil
}

// news runs the jobs the last action queued, so the notices they make are
// dated when it happened rather than when the seed ends.
func (s *seeder) news(ctx context.Context) error {
	_, err := s.jobs.RunDue(ctx)
	return err
}
