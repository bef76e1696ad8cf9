package views

import (
	"context"
	"strconv"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/membership"
)

// Home is the front page: the member's club when signed in, the brand's
// welcome when not.
type Home struct {
	Chrome Chrome
	// Club is the signed-in member's groups, events and ideas.
	Club community.Home
	// Checklist is the owners' first hour, for staff until it is done or
	// put away; nil when not shown.
	Checklist *Checklist
	// For visitors: the welcome text (sanitised HTML), the tiers and
	// the listed groups.
	WelcomeHTML string
	Tiers       []membership.Tier
	Groups      []community.DirectoryEntry
	// Happenings are events to come open to anyone who joins their group.
	Happenings []community.MyEvent
}

// Checklist is the state of each step of a new club's first hour, read
// from the data.
type Checklist struct {
	Named      bool
	FirstGroup community.Group // zero until a group is made
	Team       bool            // another owner or admin, or a group moderator
	MailOn     bool            // an SMTP server is configured
	Providers  []auth.ProviderInfo
	BillingOn  bool
	Tiers      int
	Joined     community.Group // a group with a member who is not staff; zero until then
	Dismissed  bool
	// MailError is what the mail server answered to a test mail, if it
	// failed.
	MailError string
}

// Steps is how many steps there are, and how many are done.
func (c Checklist) Steps() (done, all int) {
	for _, ok := range []bool{c.Named, c.FirstGroup.ID != "", c.Team, c.MailOn, len(c.Providers) > 0,
		c.BillingOn && c.Tiers > 0, c.Joined.ID != ""} {
		all++
		if ok {
			done++
		}
	}
	return done, all
}

// Done reports whether every step is done.
func (c Checklist) Done() bool {
	done, all := c.Steps()
	return done == all
}

// AdminHub is the staff's start page: where each part of running the
// club lives, and the first hour's checklist.
type AdminHub struct {
	Chrome    Chrome
	Checklist Checklist
}

// stepState names a step's state for its badge.
func stepState(ctx context.Context, done bool) string {
	if done {
		return T(ctx, "dashboard.step.done")
	}
	return T(ctx, "dashboard.step.todo")
}

func stepClass(done bool) string {
	if done {
		return "checklist-step checklist-done"
	}
	return "checklist-step"
}

// stepsText says how many steps are done.
func stepsText(ctx context.Context, c Checklist) string {
	done, all := c.Steps()
	return T(ctx, "dashboard.checklist.progress", "done", strconv.Itoa(done), "all", strconv.Itoa(all))
}

// providerNames lists the sign-in methods on, the emailed link first.
func providerNames(ctx context.Context, ps []auth.ProviderInfo) string {
	out := T(ctx, "dashboard.signin.email")
	for _, p := range ps {
		out += ", " + p.Name
	}
	return out
}

// membersPath is a group's member page, where members are invited.
func membersPath(g community.Group) string { return "/groups/" + g.Slug + "/members" }

// postTime is when a post was written, as a date in the viewer's zone
// and the time of day.
func postTime(ch Chrome, t time.Time) string {
	loc := ch.Zone
	if loc == nil {
		loc = time.UTC
	}
	return DateOf(ch.Locale, t.In(loc)) + " " + t.In(loc).Format("15:04")
}

// recentText says how many posts a group had this week.
func recentText(ctx context.Context, n int) string {
	switch n {
	case 0:
		return T(ctx, "dashboard.group.quiet")
	case 1:
		return T(ctx, "dashboard.group.recent_one")
	}
	return T(ctx, "dashboard.group.recent", "n", strconv.Itoa(n))
}

// ideaPath is the page of an idea in a group.
func homeIdeaPath(hi community.HomeIdea) string {
	return "/groups/" + hi.Group.Slug + "/ideas/" + string(hi.Idea.ID)
}

// homePostPath is the page of a group's latest post.
func homePostPath(hg community.HomeGroup) string {
	return "/groups/" + hg.Group.Slug + "/posts/" + string(hg.Latest.ID)
}

// answerText says whether the viewer goes or waits.
func answerText(ctx context.Context, a community.Attendance) string {
	if a.State == community.RSVPWaitlist {
		return T(ctx, "dashboard.event.waitlist")
	}
	return T(ctx, "dashboard.event.going")
}

// mailHint says how the site's mail goes out, and how to connect it.
func mailHint(c Checklist) string {
	if c.MailOn {
		return "dashboard.step.mail_on"
	}
	return "dashboard.step.mail_off"
}

// billingHint says whether Stripe is connected, and how to connect it.
func billingHint(c Checklist) string {
	if c.BillingOn {
		return "dashboard.step.tiers_billing_on"
	}
	return "dashboard.step.tiers_billing_off"
}

// returnTo is where the test mail's answer leads back to: the home page
// or the admin page the checklist is on.
func returnTo(onHome bool) string {
	if onHome {
		return "/"
	}
	return "/admin"
}

// unreadText counts the viewer's unread notices.
func unreadText(ctx context.Context, n int) string {
	if n == 1 {
		return T(ctx, "dashboard.notices.unread_one")
	}
	return T(ctx, "dashboard.notices.unread", "n", strconv.Itoa(n))
}
