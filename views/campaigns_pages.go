package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fanclub/membership"
)

// The brand's campaigns: acting on a segment and seeing what it did. The
// web layer maps the campaign package's values into these, as views
// knows only the domain types of auth, community and membership.

// CampaignActions are the actions, in the order the form offers them.
var CampaignActions = []string{"message", "invite", "comp"}

// CampaignList is /admin/campaigns.
type CampaignList struct {
	Chrome    Chrome
	Campaigns []CampaignRow
}

// CampaignRow is one campaign and what came of it.
type CampaignRow struct {
	ID        string
	Segment   string
	Action    string
	At        time.Time
	ByName    string
	Audience  int
	Delivered int
	// Again7 and Again30: of the audience, active in the 7 (30) days
	// after the send day; Left7 and Left30 the days each window still
	// runs, 0 once it has passed.
	Again7  int
	Again30 int
	Left7   int
	Left30  int
	// What it did: a message's subject and body, an event, a tier.
	Subject    string
	Body       string
	EventTitle string
	EventPath  string
	TierName   string
	Days       int
}

// CampaignForm is /admin/campaigns/new for one segment: its size now,
// and what was typed, with each field's error.
type CampaignForm struct {
	Chrome    Chrome
	Segment   string
	Audience  int
	SentToday bool
	Input     CampaignInput
	Errors    map[string]string
	Tiers     []membership.Tier
	Events    []CampaignEvent // those an invitation may be to, soonest first
}

// CampaignEvent is an event the form offers, its start in the site's
// zone.
type CampaignEvent struct {
	ID    string
	Title string
	Group string // its group's name
	Start time.Time
}

// CampaignInput is the form's fields as typed.
type CampaignInput struct {
	Action  string
	Subject string
	Body    string
	Event   string // the chosen event's id
	Tier    string
	Days    string
}

// CampaignPage is /admin/campaigns/:id.
type CampaignPage struct {
	Chrome   Chrome
	Campaign CampaignRow
}

// MessagePage is a campaign's message, for those it reached.
type MessagePage struct {
	Chrome  Chrome
	Subject string
	Body    string
	At      time.Time
}

// CampaignDetailPath is a campaign's page.
func CampaignDetailPath(id string) string { return "/admin/campaigns/" + url.PathEscape(id) }

// actionName is an action's name in the reader's language.
func actionName(ctx context.Context, action string) string {
	return T(ctx, key("campaigns.action.", action))
}

// againText is "n of audience", or that the window is still open.
func againText(ctx context.Context, n, audience, left int) string {
	of := T(ctx, "campaigns.of", "n", countText(n), "total", countText(audience))
	if left > 0 {
		return of + " · " + T(ctx, "campaigns.window_open", "n", strconv.Itoa(left))
	}
	return of
}

// actionChecked says whether the action's radio button is chosen; none
// chosen is a message.
func actionChecked(in CampaignInput, action string) bool {
	if in.Action == "" {
		return action == "message"
	}
	return in.Action == action
}

// actionOff says the action cannot be chosen: an invitation when no
// event is coming.
func actionOff(p CampaignForm, action string) bool {
	return action == "invite" && len(p.Events) == 0
}

// nobodyToReach says the segment is empty now, so the page shows that
// instead of a form that could only be refused. A form sent and refused
// is shown again all the same, with what was typed.
func nobodyToReach(p CampaignForm) bool {
	return p.Segment != "" && p.Audience == 0 && len(p.Errors) == 0
}

// paragraphs splits plain text at blank lines, each paragraph into its
// lines.
func paragraphs(text string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}
