package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/ratelimit"
	"fanclub/loyalty"
	"fanclub/membership"
)

// errNotEmpty refuses to seed a database that is already in use.
var errNotEmpty = errors.New("seed: the database already has accounts or groups; seed only fills an empty one " +
	"(point FANCLUB_DATA_DIR or MONGODB_URI at a fresh database)")

// seedLimits never stop the seed: fifty people write three weeks of posts
// in seconds.
var seedLimits = community.Limits{
	PostsPerMinute: ratelimit.Rule{Max: 1 << 30, Window: time.Minute},
	PostsPerDay:    ratelimit.Rule{Max: 1 << 30, Window: 24 * time.Hour},
	VotesPerMinute: ratelimit.Rule{Max: 1 << 30, Window: time.Minute},
	VotesPerDay:    ratelimit.Rule{Max: 1 << 30, Window: 24 * time.Hour},
}

// seedHint tells the person who ran the seed how to get in.
const seedHint = "sign in as " + demoAdminEmail +
	": ask for an email link at /signin; the link appears in this log when the site runs"

// seedCounts is what the seed created.
type seedCounts struct {
	Accounts, Groups, Members, Moderators, Pending, Invited int
	Posts, Pinned, Comments, Reactions, Reports             int
	Ideas, Votes, Answered, Merged                          int
	Events, Going, Waiting, EventInvites, CheckedIn         int
	Cancelled, ActivityRecords                              int
}

// seed runs the seed command: it fills the database serve would use with
// a demo club, or refuses if the database is in use.
func seed(ctx context.Context, cfg config, log *slog.Logger) error {
	conn, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	start := time.Now()
	n, err := seedDemo(ctx, conn.DB, time.Now, log)
	if err != nil && !errors.Is(err, errNotEmpty) {
		return fmt.Errorf("%w (the database is now partly seeded: seed a fresh one)", err)
	}
	if err != nil {
		return err
	}
	log.Info("demo club seeded", "accounts", n.Accounts, "groups", n.Groups, "members", n.Members,
		"moderators", n.Moderators, "pending", n.Pending, "invited", n.Invited, "posts", n.Posts,
		"pinned", n.Pinned, "comments", n.Comments, "reactions", n.Reactions, "reports", n.Reports,
		"ideas", n.Ideas, "votes", n.Votes, "answered", n.Answered, "merged", n.Merged,
		"events", n.Events, "going", n.Going, "waiting", n.Waiting, "event_invites", n.EventInvites,
		"checked_in", n.CheckedIn, "cancelled", n.Cancelled, "activity_records", n.ActivityRecords,
		"took", time.Since(start).Round(100*time.Millisecond), "next", seedHint)
	return nil
}

// seedDemo fills db, which must hold no account and no group, with the
// demo club: its content is dated over the three weeks before now, its
// members and their activity over the months before (seed_history.go).
func seedDemo(ctx context.Context, db *mongodb.DB, now func() time.Time, log *slog.Logger) (seedCounts, error) {
	if empty, err := databaseEmpty(ctx, db); err != nil || !empty {
		if err == nil {
			err = errNotEmpty
		}
		return seedCounts{}, err
	}
	end := now().Add(-time.Hour)
	clock := &seedClock{t: end.Add(-21 * 24 * time.Hour), end: end}
	au, err := auth.New(db, auth.Config{}, mail.Log{Logger: log}, clock.Now, log)
	if err != nil {
		return seedCounts{}, err
	}
	if err := au.EnsureIndexes(ctx); err != nil {
		return seedCounts{}, err
	}
	cm := community.New(db, seedLimits, clock.Now, log)
	if err := cm.EnsureIndexes(ctx); err != nil {
		return seedCounts{}, err
	}
	// News of the ideas and events goes through the job queue on the
	// seed's clock: drained after each piece of news, so each notice is
	// dated when it happened, and once more at the end, so all are there
	// when the site starts. Reminders of events still to come stay queued
	// for the day before them.
	queue := jobs.New(db, clock.Now, log)
	if err := queue.EnsureIndexes(ctx); err != nil {
		return seedCounts{}, err
	}
	// The loyalty programme is on from the start (seeder.programme), so
	// the club's three weeks earn points as they would have.
	lp := loyalty.New(db, loyalty.Deps{Accounts: au, Community: cm, Jobs: queue, Zone: au.Zone}, clock.Now, log)
	if err := lp.EnsureIndexes(ctx); err != nil {
		return seedCounts{}, err
	}
	cm.Deliver(community.Delivery{Jobs: queue, Accounts: au, Mail: mail.Log{Logger: log}, BaseURL: "http://localhost", Points: lp})
	ms := membership.New(db, membership.Config{WebhookSecret: seedWebhookSecret}, clock.Now, log)
	if err := ms.EnsureIndexes(ctx); err != nil {
		return seedCounts{}, err
	}
	ms.Deliver(membership.Delivery{Jobs: queue, Accounts: au, Mail: mail.Log{Logger: log}})
	lp.Use(ms)
	s := &seeder{db: db, log: log, au: au, cm: cm, ms: ms, lp: lp, jobs: queue, clock: clock, rng: rand.New(rand.NewPCG(2026, 11)),
		order: map[string][]int{}, made: map[string]seedIdea{}}
	boardsFrom := func(context.Context) error { s.boardsFrom = s.clock.t; return nil }
	for _, step := range []func(context.Context) error{s.accounts, s.programme, s.memberships, s.groups, boardsFrom, s.feed, s.reports,
		s.ideas, s.events, s.newcomers, s.history} {
		if err := step(ctx); err != nil {
			return s.n, err
		}
	}
	_, err = queue.RunDue(ctx)
	return s.n, err
}

// databaseEmpty reports whether db holds no account and no group; indexes
// and other collections do not count.
func databaseEmpty(ctx context.Context, db *mongodb.DB) (bool, error) {
	for _, name := range []string{"accounts", "groups"} {
		n, err := db.Collection(name).CountDocuments(ctx, bson.D{}, options.Count().SetLimit(1))
		if err != nil {
			return false, fmt.Errorf("seed: count %s: %w", name, err)
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}

// seeder writes the demo club through auth and community, as its people
// would through the site.
type seeder struct {
	db     *mongodb.DB
	log    *slog.Logger
	au     *auth.Service
	cm     *community.Service
	ms     *membership.Service
	lp     *loyalty.Service
	jobs   *jobs.Queue
	clock  *seedClock
	rng    *rand.Rand
	admin  community.Actor
	people []community.Actor // premium ones carry the tier
	all    []*seedGroup
	order  map[string][]int // the order posts are taken from demoPosts, by locale
	n      seedCounts
	// boardsFrom is when the idea boards start, alongside the feed.
	boardsFrom time.Time
	made       map[string]seedIdea // by title, for the events that follow them up
	past       *seedPast           // who joined when and came back since
}

// seedGroup is a group being filled.
type seedGroup struct {
	demoGroup
	active  []community.Actor // members who write, the admin aside
	mod     community.Actor   // the member made moderator, if any
	welcome community.Post    // the admin's pinned post
	written []community.Post  // by members, oldest first
}

// programme turns the loyalty programme on, as the admin would at
// /admin/loyalty: points for taking part, a year's expiry, three grades.
func (s *seeder) programme(ctx context.Context) error {
	in := loyalty.RulesInput{On: true, ExpiryMonths: "12", Points: map[loyalty.Earning]string{}, Caps: map[loyalty.Earning]string{}}
	for _, r := range []struct {
		e           loyalty.Earning
		points, cap string
	}{{loyalty.EarnPost, "10", "5"}, {loyalty.EarnComment, "3", "10"}, {loyalty.EarnIdea, "20", "3"}, {loyalty.EarnVote, "2", "20"},
		{loyalty.EarnShipped, "100", ""}, {loyalty.EarnShippedVote, "20", ""}, {loyalty.EarnCheckIn, "50", ""},
		{loyalty.EarnFirstPost, "20", ""}, {loyalty.EarnReferral, "200", ""}, {loyalty.EarnBirthday, "100", ""},
		{loyalty.EarnAnniversary, "100", ""}} {
		in.Points[r.e], in.Caps[r.e] = r.points, r.cap
	}
	if _, err := s.lp.SaveRules(ctx, s.admin.Account, in); err != nil {
		return fmt.Errorf("seed: loyalty rules: %w", err)
	}
	grades := loyalty.GradeInput{Names: [loyalty.MaxGrades]string{"Bronze", "Silver", "Gold"},
		Thresholds: [loyalty.MaxGrades]string{"100", "300", "800"}, Entries: [loyalty.MaxGrades]string{"", "50", "200"},
		Perks: [loyalty.MaxGrades]string{"", "Early access to new releases", "An invitation to the annual tasting, and Premium"},
		Tiers: [loyalty.MaxGrades]string{"", "", premiumTier}, Review: "01-01"}
	if _, err := s.lp.SaveGrades(ctx, s.admin.Account, grades, func(key string) bool { return key == premiumTier }); err != nil {
		return fmt.Errorf("seed: loyalty grades: %w", err)
	}
	return nil
}

// groups creates every group with a pinned welcome post, then lets people
// in by each group's policy.
func (s *seeder) groups(ctx context.Context) error {
	for _, dg := range demoGroups {
		s.clock.advance(s.minutes(20, 60))
		g, err := s.cm.CreateGroup(ctx, s.admin, dg.in)
		if err != nil {
			return fmt.Errorf("seed: group %s: %w", dg.in.Slug, err)
		}
		s.n.Groups++
		sg := &seedGroup{demoGroup: dg}
		sg.in.Slug = g.Slug
		s.all = append(s.all, sg)
		s.clock.advance(s.minutes(1, 10))
		p, err := s.cm.CreatePost(ctx, s.admin, g.Slug, welcomePost(g.Name))
		if err != nil {
			return fmt.Errorf("seed: welcome post in %s: %w", g.Slug, err)
		}
		s.note(s.admin, activity.Post)
		s.n.Posts++
		if err := s.cm.ModeratePost(ctx, s.admin, g.Slug, p.ID, community.ModPin, ""); err != nil {
			return fmt.Errorf("seed: pin in %s: %w", g.Slug, err)
		}
		s.n.Pinned++
		sg.welcome = p
	}
	for _, g := range s.all {
		if err := s.fill(ctx, g); err != nil {
			return err
		}
		// The first members greet each other under the welcome post.
		if err := s.discuss(ctx, g, g.welcome, demoGreetings); err != nil {
			return err
		}
	}
	return nil
}

// fill brings people into g the way its policy lets them.
func (s *seeder) fill(ctx context.Context, g *seedGroup) error {
	switch g.in.Policy {
	case community.JoinApproval:
		return s.requests(ctx, g)
	case community.JoinInvite:
		return s.invitations(ctx, g)
	case community.JoinTier:
		for _, p := range s.people {
			if p.HasTier(premiumTier) && s.rng.IntN(4) > 0 {
				if err := s.join(ctx, g, p, ""); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, p := range s.some(s.people, 18+s.rng.IntN(12)) {
		if err := s.join(ctx, g, p, ""); err != nil {
			return err
		}
	}
	// The busy open groups get a moderator.
	return s.promote(ctx, g, g.active[0])
}

// requests has fourteen people ask to join g. The admin approves the first
// and makes them moderator; the moderator approves eight more, declines
// one, and leaves four waiting.
func (s *seeder) requests(ctx context.Context, g *seedGroup) error {
	asking := s.some(s.people, 14)
	for _, p := range asking {
		answers := g.answers[p.Account.Locale]
		if err := s.join(ctx, g, p, answers[s.rng.IntN(len(answers))]); err != nil {
			return err
		}
	}
	mod := s.admin
	for i, p := range asking[:10] {
		s.clock.advance(s.minutes(20, 90))
		approve := i != 5
		if err := s.cm.DecideRequest(ctx, mod, g.in.Slug, p.ID(), approve); err != nil {
			return fmt.Errorf("seed: decide %s in %s: %w", p.Account.Email, g.in.Slug, err)
		}
		s.n.Pending--
		if !approve {
			continue
		}
		g.active = append(g.active, p)
		s.note(p, activity.Join)
		s.n.Members++
		if i == 0 {
			if err := s.promote(ctx, g, p); err != nil {
				return err
			}
			mod = p
		}
	}
	return nil
}

// invitations has the admin invite twelve people to g; nine accept and
// three have not answered yet.
func (s *seeder) invitations(ctx context.Context, g *seedGroup) error {
	for i, p := range s.some(s.people, 12) {
		s.clock.advance(s.minutes(5, 40))
		if err := s.cm.InviteAccount(ctx, s.admin, g.in.Slug, p.Account); err != nil {
			return fmt.Errorf("seed: invite %s to %s: %w", p.Account.Email, g.in.Slug, err)
		}
		if i >= 9 {
			s.n.Invited++
			continue
		}
		if err := s.join(ctx, g, p, ""); err != nil {
			return err
		}
	}
	return nil
}

// join has p join g, or ask to with answer.
func (s *seeder) join(ctx context.Context, g *seedGroup, p community.Actor, answer string) error {
	s.clock.advance(s.minutes(2, 30))
	state, err := s.cm.Join(ctx, p, g.in.Slug, answer)
	if err != nil {
		return fmt.Errorf("seed: %s joins %s: %w", p.Account.Email, g.in.Slug, err)
	}
	switch state {
	case community.StateActive:
		g.active = append(g.active, p)
		s.note(p, activity.Join)
		s.n.Members++
	case community.StatePending:
		s.n.Pending++
	}
	return nil
}

// promote makes p a moderator of g.
func (s *seeder) promote(ctx context.Context, g *seedGroup, p community.Actor) error {
	s.clock.advance(s.minutes(5, 30))
	if err := s.cm.SetRole(ctx, s.admin, g.in.Slug, p.ID(), community.RoleModerator); err != nil {
		return fmt.Errorf("seed: make %s moderator of %s: %w", p.Account.Email, g.in.Slug, err)
	}
	s.n.Moderators++
	g.mod = p
	return nil
}

// feed spreads the members' posts over the rest of the three weeks, each
// followed by its comments and reactions.
func (s *seeder) feed(ctx context.Context) error {
	type planned struct {
		g      *seedGroup
		author community.Actor
	}
	var plan []planned
	for _, g := range s.all {
		for range g.posts {
			plan = append(plan, planned{g, s.pick(g.active)})
		}
	}
	s.rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	// Two slots are left at the end for the reported content.
	begin := s.clock.t
	step := s.clock.end.Sub(begin) / time.Duration(len(plan)+2)
	for i, p := range plan {
		s.clock.at(begin.Add(time.Duration(i)*step + time.Duration(s.rng.Int64N(int64(step/3)))))
		post, err := s.cm.CreatePost(ctx, p.author, p.g.in.Slug, s.postBody(p.g, p.author))
		if err != nil {
			return fmt.Errorf("seed: post in %s: %w", p.g.in.Slug, err)
		}
		s.note(p.author, activity.Post)
		s.n.Posts++
		p.g.written = append(p.g.written, post)
		if err := s.discuss(ctx, p.g, post, demoComments); err != nil {
			return err
		}
	}
	return nil
}

// discuss adds up to five comments to post, from lines or replying to
// others, and reactions to the post and to some comments.
func (s *seeder) discuss(ctx context.Context, g *seedGroup, post community.Post, lines map[string][]string) error {
	var comments []community.Comment
	for range s.rng.IntN(6) {
		s.clock.advance(s.minutes(10, 120))
		who := s.pick(g.active)
		body, replyTo := s.phrase(lines, who), community.CommentID("")
		if len(comments) > 0 && s.rng.IntN(3) == 0 {
			parent := comments[s.rng.IntN(len(comments))]
			body, replyTo = s.phrase(demoReplies, who), parent.ID
			if parent.Author != who.ID() && s.rng.IntN(2) == 0 {
				body = "@[" + parent.AuthorName + "] " + body
			}
		}
		c, err := s.cm.CreateComment(ctx, who, g.in.Slug, community.OnPost(post.ID), body, replyTo)
		if err != nil {
			return fmt.Errorf("seed: comment in %s: %w", g.in.Slug, err)
		}
		s.note(who, activity.Comment)
		s.n.Comments++
		comments = append(comments, c)
	}
	for _, who := range s.some(g.active, s.rng.IntN(min(len(g.active), 10)+1)) {
		s.clock.advance(s.minutes(1, 20))
		if err := s.cm.ReactToPost(ctx, who, g.in.Slug, post.ID, s.reaction()); err != nil {
			return fmt.Errorf("seed: react in %s: %w", g.in.Slug, err)
		}
		s.note(who, activity.React)
		s.n.Reactions++
	}
	for _, c := range comments {
		if s.rng.IntN(3) > 0 {
			continue
		}
		for _, who := range s.some(g.active, 1+s.rng.IntN(2)) {
			if err := s.cm.ReactToComment(ctx, who, g.in.Slug, community.OnPost(post.ID), c.ID, s.reaction()); err != nil {
				return fmt.Errorf("seed: react to a comment in %s: %w", g.in.Slug, err)
			}
			s.note(who, activity.React)
			s.n.Reactions++
		}
	}
	return nil
}

// reports gives the moderation queues something to do: an ad in the
// lounge and a rude comment in the brewing group, each reported once.
func (s *seeder) reports(ctx context.Context) error {
	lounge, brewing := s.group("lounge"), s.group("brewing")
	s.clock.advance(s.minutes(60, 120))
	spammer := s.pick(lounge.active)
	spam, err := s.cm.CreatePost(ctx, spammer, lounge.in.Slug, demoSpamPost)
	if err != nil {
		return fmt.Errorf("seed: spam post: %w", err)
	}
	s.note(spammer, activity.Post)
	s.n.Posts++
	s.clock.advance(s.minutes(10, 40))
	if err := s.cm.ReportContent(ctx, s.other(lounge.active, spammer.ID()), lounge.in.Slug,
		community.ReportInput{Post: spam.ID, Reason: "spam", Note: demoSpamNote}); err != nil {
		return fmt.Errorf("seed: report the spam post: %w", err)
	}
	s.n.Reports++

	post := brewing.written[len(brewing.written)-1]
	s.clock.advance(s.minutes(60, 120))
	rude := s.other(brewing.active, post.Author)
	c, err := s.cm.CreateComment(ctx, rude, brewing.in.Slug, community.OnPost(post.ID), demoRudeComment, "")
	if err != nil {
		return fmt.Errorf("seed: rude comment: %w", err)
	}
	s.note(rude, activity.Comment)
	s.n.Comments++
	s.clock.advance(s.minutes(10, 40))
	if err := s.cm.ReportContent(ctx, s.other(brewing.active, rude.ID(), post.Author), brewing.in.Slug,
		community.ReportInput{Post: post.ID, Comment: c.ID, Reason: "harassment", Note: demoRudeNote}); err != nil {
		return fmt.Errorf("seed: report the rude comment: %w", err)
	}
	s.n.Reports++
	return nil
}

// postBody is the next post in the author's language, mentioning another
// member of g where the text has a {mention}.
func (s *seeder) postBody(g *seedGroup, author community.Actor) string {
	locale := author.Account.Locale
	pool := demoPosts[locale]
	if len(s.order[locale]) == 0 {
		s.order[locale] = s.rng.Perm(len(pool))
	}
	body := pool[s.order[locale][0]]
	s.order[locale] = s.order[locale][1:]
	if strings.Contains(body, "{mention}") {
		body = strings.ReplaceAll(body, "{mention}", "@["+s.other(g.active, author.ID()).Account.Name+"]")
	}
	return body
}

// group is the seeded group with slug.
func (s *seeder) group(slug string) *seedGroup {
	for _, g := range s.all {
		if g.in.Slug == slug {
			return g
		}
	}
	panic("seed: no group " + slug)
}
