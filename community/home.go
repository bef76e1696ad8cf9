package community

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// The home page shows a member their club at a glance. Every figure on
// it comes from what the site keeps in memory (on the embedded store:
// the memberships, the feeds' order, the boards, the events to come) or
// from a bounded number of lookups by _id; on MongoDB, from a fixed
// number of indexed queries. Nothing is read per group or per row.

// Bounds of the home page.
const (
	homeGroupsMax = 50 // the groups considered; a person belongs to tens
	homeEventsMax = 5  // the next events shown
	// homeEventsLooked bounds the events to come whose answers are looked
	// up, soonest first: /events lists the rest.
	homeEventsLooked = 40
	homeIdeasMax     = 5
	// HomeRecent is how far back "new" reaches on the home page.
	HomeRecent = 7 * 24 * time.Hour
	// homeLatest is how far back a group's latest post is looked for.
	homeLatest = 30 * 24 * time.Hour
)

// Home is what the signed-in home page shows of the actor's club.
type Home struct {
	// Groups are those the actor reads, the liveliest first.
	Groups []HomeGroup
	// Events are the next the actor is going to or waiting for.
	Events []MyEvent
	// Ideas are open ideas in the actor's groups they have not voted
	// for, most voted first.
	Ideas []HomeIdea
}

// HomeGroup is one of the actor's groups and what is new in it.
type HomeGroup struct {
	Group Group
	Role  GroupRole
	// Latest is the newest published post of the last thirty days, nil
	// when there is none; LatestText is its opening words.
	Latest     *Post
	LatestText string
	// Recent counts the posts published in the last seven days.
	Recent int
}

// HomeIdea is an idea awaiting the actor's vote, with its group.
type HomeIdea struct {
	Idea  Idea
	Group Group
}

// Home gathers the actor's club for the home page.
func (s *Service) Home(ctx context.Context, a Actor) (Home, error) {
	if !a.SignedIn() {
		return Home{}, ErrSignInRequired
	}
	sts, err := s.myStandings(ctx, a)
	if err != nil {
		return Home{}, err
	}
	var h Home
	if h.Groups, err = s.homeGroups(ctx, sts); err != nil {
		return h, err
	}
	if h.Events, err = s.homeEvents(ctx, a, sts); err != nil {
		return h, err
	}
	h.Ideas, err = s.homeIdeas(ctx, a, sts)
	return h, err
}

// myStandings returns the actor's standing in each group they are an
// active member of and may read (a lapsed tier member reads nothing), by
// group: the memberships from memory or one indexed query, and the
// groups by _id.
func (s *Service) myStandings(ctx context.Context, a Actor) (map[GroupID]Standing, error) {
	var rows []memberRow
	if s.memberIdx != nil {
		t, err := s.memberIdx.load(ctx, s)
		if err != nil {
			return nil, err
		}
		rows = t.of(a.ID(), StateActive)
	} else {
		var docs []memberDoc
		if err := s.findAll(ctx, s.members, bson.M{"account": a.ID(), "state": StateActive}, nil, homeGroupsMax,
			&docs, "list my groups"); err != nil {
			return nil, err
		}
		for _, d := range docs {
			rows = append(rows, memberRow{Group: d.Group, Account: d.Account, Role: d.Role, State: d.State})
		}
	}
	slices.SortFunc(rows, func(x, y memberRow) int { return cmp.Compare(x.Group, y.Group) })
	rows = rows[:min(len(rows), homeGroupsMax)]
	ids := make([]GroupID, len(rows))
	for i, r := range rows {
		ids[i] = r.Group
	}
	groups, err := s.groupsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[GroupID]Standing{}
	for _, r := range rows {
		g, ok := groups[r.Group]
		st := Standing{Group: g, Member: GroupMember{Group: r.Group, Account: r.Account, Role: r.Role, State: r.State},
			Actor: a, Now: s.now()}
		if ok && st.CanRead() {
			out[g.ID] = st
		}
	}
	return out, nil
}

// homeGroups says what is new in each group: from the feeds' order in
// memory and one lookup of the latest posts by _id, or from one query
// over the last thirty days of the groups' posts.
func (s *Service) homeGroups(ctx context.Context, sts map[GroupID]Standing) ([]HomeGroup, error) {
	now := s.now()
	out := make([]HomeGroup, 0, len(sts))
	latest := map[GroupID]PostID{}
	var posts []Post
	if s.feedIdx != nil {
		var ids []string
		for g := range sts {
			f, err := s.feedIdx.order(ctx, string(g))
			if err != nil {
				return nil, err
			}
			id, recent := f.recent(now.Add(-homeLatest), now.Add(-HomeRecent))
			if id != "" {
				ids, latest[g] = append(ids, id), PostID(id)
			}
			out = append(out, HomeGroup{Group: sts[g].Group, Role: sts[g].Member.Role, Recent: recent})
		}
		var err error
		if posts, err = s.findPosts(ctx, bson.M{"_id": bson.M{"$in": ids}}, len(ids)); err != nil {
			return nil, err
		}
	} else {
		gids := make([]GroupID, 0, len(sts))
		for g := range sts {
			gids = append(gids, g)
		}
		var err error
		posts, err = s.findPosts(ctx, bson.M{"group": bson.M{"$in": gids}, "state": Published,
			"createdAt": bson.M{"$gte": now.Add(-homeLatest)}}, 1000)
		if err != nil {
			return nil, err
		}
		recent := map[GroupID]int{}
		for _, p := range posts { // newest first
			if _, ok := latest[p.Group]; !ok {
				latest[p.Group] = p.ID
			}
			if p.CreatedAt.After(now.Add(-HomeRecent)) {
				recent[p.Group]++
			}
		}
		for _, g := range gids {
			out = append(out, HomeGroup{Group: sts[g].Group, Role: sts[g].Member.Role, Recent: recent[g]})
		}
	}
	for i, hg := range out {
		for _, p := range posts {
			if p.ID == latest[hg.Group.ID] && p.State == Published {
				out[i].Latest, out[i].LatestText = &p, excerpt(p.HTML, 120)
			}
		}
	}
	slices.SortFunc(out, func(x, y HomeGroup) int {
		return cmp.Or(-compareLatest(x.Latest, y.Latest), strings.Compare(x.Group.Name, y.Group.Name), cmp.Compare(x.Group.ID, y.Group.ID))
	})
	return out, nil
}

// compareLatest orders two latest posts by time, none first.
func compareLatest(x, y *Post) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return -1
	case y == nil:
		return 1
	}
	return x.CreatedAt.Compare(y.CreatedAt)
}

// recent returns the id of the newest published post written after
// since, "" if none, and how many were published after recent.
func (o *contentOrder) recent(since, recent time.Time) (string, int) {
	o.mu.Lock()
	rows := o.rows
	o.mu.Unlock()
	latest, n := "", 0
	for i := len(rows) - 1; i >= 0 && rows[i].CreatedAt.After(since); i-- {
		if rows[i].State != Published {
			continue
		}
		if latest == "" {
			latest = rows[i].ID
		}
		if rows[i].CreatedAt.After(recent) {
			n++
		}
	}
	return latest, n
}

// homeEvents returns the next events of the actor's groups they are
// going to or waiting for: the events to come from memory and the
// actor's answers by _id, or the answers from one indexed query; then
// the events by _id. Invite-only events appear only once answered, and
// answering takes an invitation.
func (s *Service) homeEvents(ctx context.Context, a Actor, sts map[GroupID]Standing) ([]MyEvent, error) {
	now := s.now()
	var answers []rsvpDoc
	if s.eventIdx != nil {
		t, err := s.eventIdx.load(ctx, s)
		if err != nil {
			return nil, err
		}
		rows := t.coming(now, func(g GroupID) bool { _, ok := sts[g]; return ok })
		slices.SortFunc(rows, func(x, y eventRow) int { return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.ID, y.ID)) })
		rows = rows[:min(len(rows), homeEventsLooked)]
		keys := make([]string, len(rows))
		for i, r := range rows {
			keys[i] = rsvpID(r.ID, a.ID())
		}
		if len(keys) > 0 {
			err = s.findAll(ctx, s.rsvps, bson.M{"_id": bson.M{"$in": keys}}, nil, len(keys), &answers, "find my answers")
		}
		if err != nil {
			return nil, err
		}
	} else if err := s.findAll(ctx, s.rsvps, bson.M{"account": a.ID(), "state": bson.M{"$in": bson.A{RSVPGoing, RSVPWaitlist}},
		"end": bson.M{"$gte": now}}, bson.D{{Key: "start", Value: 1}}, homeEventsLooked, &answers, "list my events"); err != nil {
		return nil, err
	}
	answers = slices.DeleteFunc(answers, func(r rsvpDoc) bool { return r.State != RSVPGoing && r.State != RSVPWaitlist })
	ids := make([]EventID, len(answers))
	for i, r := range answers {
		ids[i] = r.Event
	}
	events, err := s.eventsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []MyEvent
	for _, r := range answers {
		e, ok := events[r.Event]
		st, reads := sts[e.Group]
		if ok && reads && !e.Cancelled && !e.Over(now) {
			out = append(out, MyEvent{Event: e, Group: st.Group, Attendance: Attendance{State: r.State}})
		}
	}
	slices.SortFunc(out, func(x, y MyEvent) int {
		return cmp.Or(x.Event.Start.Compare(y.Event.Start), cmp.Compare(x.Event.ID, y.Event.ID))
	})
	return out[:min(len(out), homeEventsMax)], nil
}

// homeIdeas returns the open ideas of the actor's groups with a board
// that the actor has not voted for, most voted first: the boards from
// memory or one indexed query, and the actor's ballots by _id.
func (s *Service) homeIdeas(ctx context.Context, a Actor, sts map[GroupID]Standing) ([]HomeIdea, error) {
	var gids []GroupID
	var ballots []string
	for g, st := range sts {
		if !st.Group.BoardOff {
			gids, ballots = append(gids, g), append(ballots, ballotID(g, a.ID()))
		}
	}
	if len(gids) == 0 {
		return nil, nil
	}
	var docs []ballotDoc
	if err := s.findAll(ctx, s.ballots, bson.M{"_id": bson.M{"$in": ballots}}, nil, len(ballots), &docs, "find my ballots"); err != nil {
		return nil, err
	}
	voted := map[IdeaID]bool{}
	for _, d := range docs {
		for _, id := range d.Ideas {
			voted[id] = true
		}
	}
	awaits := func(i Idea) bool { return !i.Removed && i.Status == IdeaOpen && !voted[i.ID] && i.Author != a.ID() }
	var ideas []Idea
	if s.boardIdx != nil {
		for _, g := range gids {
			b, err := s.boardIdx.board(ctx, s, g)
			if err != nil {
				return nil, err
			}
			ideas = append(ideas, b.list("votes", nil, awaits, homeIdeasMax)...)
		}
	} else {
		found, err := s.findIdeas(ctx, bson.M{"group": bson.M{"$in": gids}, "status": IdeaOpen, "removed": false},
			bson.D{{Key: "votes", Value: -1}, {Key: "_id", Value: -1}}, 200)
		if err != nil {
			return nil, err
		}
		ideas = slices.DeleteFunc(found, func(i Idea) bool { return !awaits(i) })
	}
	slices.SortFunc(ideas, func(x, y Idea) int { return -compareIdeas("votes", x, y) })
	out := make([]HomeIdea, 0, homeIdeasMax)
	for _, i := range ideas[:min(len(ideas), homeIdeasMax)] {
		out = append(out, HomeIdea{Idea: card(i), Group: sts[i.Group].Group})
	}
	return out, nil
}

// Progress is how far the club has come, for the owners' first-hour
// checklist.
type Progress struct {
	// FirstGroup is the group made first; zero when there is none.
	FirstGroup Group
	// Team says some group has a moderator, or an owner who is not staff.
	Team bool
	// Joined is the first group made that someone who is not staff is an
	// active member of; zero when there is none.
	Joined Group
}

// Progress reads how far the club has come. staff are the site's owners
// and admins. It reads the groups (a site has few) and the memberships
// from memory, or two queries on MongoDB; staff see it until the
// checklist is done or dismissed.
func (s *Service) Progress(ctx context.Context, staff map[auth.AccountID]auth.Role) (Progress, error) {
	var p Progress
	var groups []groupDoc
	if err := s.findAll(ctx, s.groups, bson.M{}, bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, 1,
		&groups, "find first group"); err != nil || len(groups) == 0 {
		return p, err
	}
	p.FirstGroup = groups[0].group()
	team := func(r memberRow) bool {
		_, isStaff := staff[r.Account]
		return r.State == StateActive && (r.Role == RoleModerator || (r.Role == RoleOwner && !isStaff))
	}
	joined := func(r memberRow) bool { _, isStaff := staff[r.Account]; return r.State == StateActive && !isStaff }
	var group GroupID
	if s.memberIdx != nil {
		t, err := s.memberIdx.load(ctx, s)
		if err != nil {
			return p, err
		}
		_, p.Team = t.first(team)
		r, _ := t.first(joined)
		group = r.Group
	} else {
		ids := bson.A{}
		for id := range staff {
			ids = append(ids, id)
		}
		var docs []memberDoc
		if err := s.findAll(ctx, s.members, bson.M{"state": StateActive, "$or": bson.A{bson.M{"role": RoleModerator},
			bson.M{"role": RoleOwner, "account": bson.M{"$nin": ids}}}}, nil, 1, &docs, "find a moderator"); err != nil {
			return p, err
		}
		p.Team = len(docs) > 0
		var members []memberDoc
		if err := s.findAll(ctx, s.members, bson.M{"state": StateActive, "account": bson.M{"$nin": ids}},
			bson.D{{Key: "group", Value: 1}}, 1, &members, "find a member"); err != nil {
			return p, err
		}
		if len(members) > 0 {
			group = members[0].Group
		}
	}
	if group != "" {
		g, err := s.findGroup(ctx, group)
		if err != nil {
			return p, err
		}
		p.Joined = g
	}
	return p, nil
}
