package community_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

var seoul = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		panic(err)
	}
	return loc
}()

// TestEngagementIsRecorded: each way of taking part, done through
// community, lands in the activity record of the member who took part,
// once, on today's date in Seoul (the site's default zone); what is not
// taking part (a request still pending, a reaction or vote taken back, a
// second identical answer, a check-in undone) lands nowhere.
func TestEngagementIsRecorded(t *testing.T) {
	db := mongotest.New(t)
	// 00:30 on 2 December in Seoul, still 1 December in UTC.
	clock := newClock(time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC))
	r := newRig(t, db, clock.Now)
	svc, ctx := r.svc, context.Background()
	today := activity.DayOf(clock.Now(), seoul)
	if today == activity.DayOf(clock.Now(), time.UTC) {
		t.Fatal("the test's moment must fall on different days in Seoul and UTC")
	}
	ann, bob, cat, dan, eve := fdActor(1), fdActor(2), fdActor(3), fdActor(4), fdActor(5)
	group := func(slug string, policy community.JoinPolicy) func() error {
		return func() error {
			_, err := svc.CreateGroup(ctx, fdStaff, community.GroupInput{Slug: slug, Name: "Group " + slug,
				Visibility: community.Listed, Policy: policy})
			return err
		}
	}
	join := func(a community.Actor, slug string) func() error {
		return func() error { _, err := svc.Join(ctx, a, slug, ""); return err }
	}
	var post community.Post
	var idea community.Idea
	var first, capped community.Event
	var link string
	rsvp := func(a community.Actor, e *community.Event, going bool) func() error {
		return func() error { _, err := svc.RSVP(ctx, a, "open", e.ID, going); return err }
	}
	checkIn := func(on bool) func() error {
		return func() error { _, err := svc.CheckIn(ctx, fdStaff, "open", first.ID, ann.ID(), on); return err }
	}
	steps := []struct {
		name string
		do   func() error
		who  community.Actor
		kind activity.Kind
		want int // who's count of kind after the step
	}{
		{"staff create a group, and are its first member", group("open", community.JoinOpen), fdStaff, activity.Join, 1},
		{"a member joins an open group", join(ann, "open"), ann, activity.Join, 1},
		{"another joins", join(bob, "open"), bob, activity.Join, 1},
		{"", group("asks", community.JoinApproval), fdStaff, activity.Join, 2},
		{"asking to join is not joining", join(cat, "asks"), cat, activity.Join, 0},
		{"approved, the request joins", func() error { return svc.DecideRequest(ctx, fdStaff, "asks", cat.ID(), true) }, cat, activity.Join, 1},
		{"invited by the staff is not joined yet", func() error { return svc.InviteAccount(ctx, fdStaff, "asks", dan.Account) }, dan, activity.Join, 0},
		{"the invitation accepted joins", join(dan, "asks"), dan, activity.Join, 1},
		{"", group("secret", community.JoinInvite), fdStaff, activity.Join, 3},
		{"an invite link made by the staff is no join of theirs", func() (err error) {
			link, err = svc.CreateInviteLink(ctx, fdStaff, "secret", 0, 7)
			return err
		}, fdStaff, activity.Join, 3},
		{"an invite link used joins", func() error { _, err := svc.AcceptInvite(ctx, eve, link); return err }, eve, activity.Join, 1},

		{"a post", func() (err error) { post, err = svc.CreatePost(ctx, ann, "open", "Hello, club"); return err }, ann, activity.Post, 1},
		{"a comment on a post", func() error {
			_, err := svc.CreateComment(ctx, bob, "open", community.Parent{Post: post.ID}, "Hello, Ann", "")
			return err
		}, bob, activity.Comment, 1},
		{"a reaction", func() error { return svc.ReactToPost(ctx, bob, "open", post.ID, "like") }, bob, activity.React, 1},
		{"a reaction taken back", func() error { return svc.ReactToPost(ctx, bob, "open", post.ID, "like") }, bob, activity.React, 1},
		{"an idea", func() (err error) {
			idea, err = svc.CreateIdea(ctx, ann, "open", community.IdeaInput{Title: "Oat milk"})
			return err
		},
			ann, activity.Idea, 1},
		{"a comment on an idea", func() error {
			_, err := svc.CreateComment(ctx, bob, "open", community.Parent{Idea: idea.ID}, "Yes please", "")
			return err
		}, bob, activity.Comment, 2},
		{"a vote", func() error { _, err := svc.Vote(ctx, bob, "open", idea.ID, true); return err }, bob, activity.Vote, 1},
		{"a vote taken back", func() error { _, err := svc.Vote(ctx, bob, "open", idea.ID, false); return err }, bob, activity.Vote, 1},

		{"", func() error {
			first = newEvent(t, svc, clock.Now(), "open", community.EventInput{})
			capped = newEvent(t, svc, clock.Now(), "open", community.EventInput{Title: "One seat", Capacity: "1"})
			return nil
		}, ann, activity.RSVP, 0},
		{"going", rsvp(ann, &first, true), ann, activity.RSVP, 1},
		{"going again is the same answer", rsvp(ann, &first, true), ann, activity.RSVP, 1},
		{"not going", rsvp(bob, &first, false), bob, activity.RSVP, 1},
		{"going to the last seat", rsvp(ann, &capped, true), ann, activity.RSVP, 2},
		{"going to a full event: the waiting line", rsvp(bob, &capped, true), bob, activity.RSVP, 2},
		{"going after all, having said no", rsvp(bob, &first, true), bob, activity.RSVP, 3},
		{"not going after all, having said yes", rsvp(ann, &capped, false), ann, activity.RSVP, 3},
		{"seated from the line is no answer of theirs", func() error { return nil }, bob, activity.RSVP, 3},
		{"checked in by the staff: the guest's", checkIn(true), ann, activity.CheckIn, 1},
		{"the check-in undone", checkIn(false), ann, activity.CheckIn, 1},
		{"checked in again at the same event: the same coming", checkIn(true), ann, activity.CheckIn, 1},
		{"checking in is not the staff's", func() error { return nil }, fdStaff, activity.CheckIn, 0},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		rows, err := r.activity.Rollups(ctx, []string{string(st.who.ID())})
		if err != nil {
			t.Fatal(err)
		}
		row := rows[string(st.who.ID())]
		if got := row.Counts[st.kind]; got != st.want {
			t.Errorf("%s: %s's %s count is %d, want %d", st.name, st.who.Account.Name, st.kind, got, st.want)
		}
		if st.want > 0 && (row.KindLast[st.kind] != today || !row.ActiveOn(today) || row.Last != today) {
			t.Errorf("%s: %s's %s last on day %d (active today: %v), want today, %d, in Seoul", st.name, st.who.Account.Name,
				st.kind, row.KindLast[st.kind], row.ActiveOn(today), today)
		}
	}
}

// TestRecordingIsOneWrite: voting, posting and joining each cost exactly
// one database write more with the activity record wired than without,
// and that write is to the record.
func TestRecordingIsOneWrite(t *testing.T) {
	ctx := context.Background()
	// writes counts, by collection, the writes of the actions between
	// start and stop.
	type writes struct {
		mu       sync.Mutex
		on       bool
		byColl   map[string]int
		observed func(mongodb.Op)
	}
	newWrites := func() *writes {
		w := &writes{byColl: map[string]int{}}
		w.observed = func(op mongodb.Op) {
			w.mu.Lock()
			defer w.mu.Unlock()
			switch op.Name {
			case "insert", "update", "delete", "findAndModify":
				if w.on {
					w.byColl[op.Collection]++
				}
			}
		}
		return w
	}
	total := func(m map[string]int) int {
		n := 0
		for _, v := range m {
			n += v
		}
		return n
	}
	// run does the same actions on a fresh service, with or without the
	// record, and returns each action's writes.
	run := func(wired bool) map[string]map[string]int {
		w := newWrites()
		db := mongotest.NewObserved(t, w.observed)
		r := buildRig(t, db, time.Now, wired)
		svc := r.svc
		if wired {
			if _, err := r.activity.All(ctx); err != nil { // the record in memory, as after a start
				t.Fatal(err)
			}
		}
		members := ideaGroup(t, svc, "club", 2)
		idea := newIdea(t, svc, members[0], "club", "Oat milk")
		if _, err := svc.CreatePost(ctx, members[0], "club", "warm-up"); err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]int{}
		measure := func(name string, do func() error) {
			w.mu.Lock()
			w.on, w.byColl = true, map[string]int{}
			w.mu.Unlock()
			err := do()
			w.mu.Lock()
			w.on, out[name] = false, w.byColl
			w.mu.Unlock()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		measure("vote", func() error { _, err := svc.Vote(ctx, members[1], "club", idea.ID, true); return err })
		measure("post", func() error { _, err := svc.CreatePost(ctx, members[1], "club", "Hello"); return err })
		measure("join", func() error { _, err := svc.Join(ctx, fdActor(7), "club", ""); return err })
		return out
	}
	with, without := run(true), run(false)
	for _, action := range []string{"vote", "post", "join"} {
		w, wo := with[action], without[action]
		if total(w) != total(wo)+1 || w["activity"] != 1 || wo["activity"] != 0 {
			t.Errorf("%s: %d writes with the record (%v), %d without (%v); want exactly one more, to activity",
				action, total(w), w, total(wo), wo)
		}
		t.Logf("%s: %d writes, one of them the activity record", action, total(w))
	}
}
