package community

import (
	"cmp"
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Heard is how the brand answers the ideas members bring, across the
// site: the insight page's "being heard".
type Heard struct {
	// Since starts the window of the response figures: the ideas
	// proposed in the last ResponseWindow (30 days) up to now, less
	// those merged into another (their answer is the original's) and
	// those removed. Proposed counts them.
	Since    time.Time
	Proposed int
	// Answered counts those with an official response by now (a status
	// moved without one is not an answer, as on the board), and
	// AnsweredInDay those whose first response came within OverdueAfter
	// (24 hours, when the response queue marks an idea overdue) of the
	// proposal, 24 hours exactly included.
	Answered      int
	AnsweredInDay int
	// Due counts those whose day has run out or that were answered: an
	// idea proposed less than OverdueAfter ago with no answer yet may
	// still be answered in time, and counts for neither side.
	// InDayShare is AnsweredInDay ÷ Due, between 0 and 1; 0 when none is
	// due.
	Due        int
	InDayShare float64
	// MedianResponse is the median time from proposal to first response
	// of the Answered ideas (the mean of the middle two for an even
	// count). An idea still unanswered has no such time yet: it is left
	// out of the median and counts against InDayShare instead, so read
	// the two together. 0 when none was answered.
	MedianResponse time.Duration
	// QuarterStart is midnight on the first day of now's calendar
	// quarter in the site's zone; ShippedThisQuarter counts the ideas
	// shipped since, up to now.
	QuarterStart       time.Time
	ShippedThisQuarter int
	// Shipped are the ideas shipped in the last ShippedWindow (90 days)
	// up to now, the latest first, each with who had voted for it.
	Shipped []ShippedIdea
}

// ShippedIdea is an idea the brand shipped, with its voters: the web
// layer asks the activity record how many of them were active in the
// month after ShippedAt.
type ShippedIdea struct {
	ID        IdeaID
	Group     GroupID
	Title     string
	ShippedAt time.Time
	// Voters are the accounts that had voted for the idea when it
	// shipped, less those deleted since; votes given after it shipped
	// are not among them. Recorded is false while they are not known
	// yet: the job announcing the ship keeps them, a moment after it.
	Voters   []auth.AccountID
	Recorded bool
}

// insightIdeasMax bounds the ideas one query reads for HeardFigures
// where no board is kept in memory: far more than a club proposes in 30
// days and ships in a quarter.
const insightIdeasMax = 50000

// HeardFigures returns how the brand answered and shipped the site's
// ideas as of now, with the quarter taken in loc (the site's zone); for
// site staff only, others get ErrForbidden. On the embedded store the
// ideas come from the boards in memory, and the voters of the ideas
// shipped from one lookup by _id (two if one had more than a thousand):
// one or two database commands, none when nothing shipped. On MongoDB
// one more query, served by "ideas_created" and "ideas_shipped", reads
// the ideas.
func (s *Service) HeardFigures(ctx context.Context, a Actor, now time.Time, loc *time.Location) (Heard, error) {
	if !a.SiteStaff() {
		return Heard{}, ErrForbidden
	}
	if loc == nil {
		loc = time.UTC
	}
	h := Heard{Since: now.Add(-ResponseWindow), QuarterStart: quarterStart(now, loc)}
	shippedSince, from := now.Add(-ShippedWindow), h.QuarterStart
	if shippedSince.Before(from) { // a quarter can begin more than 90 days ago: it may last 92
		from = shippedSince
	}
	ideas, err := s.siteIdeas(ctx, h.Since, from)
	if err != nil {
		return h, err
	}
	var waits []time.Duration
	var shipped []IdeaID
	for _, i := range ideas {
		if i.Status != IdeaMerged && !i.CreatedAt.Before(h.Since) && !i.CreatedAt.After(now) {
			h.Proposed++
			answered := !i.FirstResponseAt.IsZero() && !i.FirstResponseAt.After(now)
			if answered || now.Sub(i.CreatedAt) > OverdueAfter {
				h.Due++
			}
			if answered {
				wait := i.FirstResponseAt.Sub(i.CreatedAt)
				waits = append(waits, wait)
				if wait <= OverdueAfter {
					h.AnsweredInDay++
				}
			}
		}
		if i.Status != IdeaShipped || i.StatusAt.After(now) {
			continue
		}
		if !i.StatusAt.Before(h.QuarterStart) {
			h.ShippedThisQuarter++
		}
		if !i.StatusAt.Before(shippedSince) {
			h.Shipped = append(h.Shipped, ShippedIdea{ID: i.ID, Group: i.Group, Title: i.Title, ShippedAt: i.StatusAt})
			shipped = append(shipped, i.ID)
		}
	}
	h.Answered, h.MedianResponse = len(waits), median(waits)
	if h.Due > 0 {
		h.InDayShare = float64(h.AnsweredInDay) / float64(h.Due)
	}
	slices.SortFunc(h.Shipped, func(x, y ShippedIdea) int { return cmp.Or(y.ShippedAt.Compare(x.ShippedAt), cmp.Compare(y.ID, x.ID)) })
	voters, err := s.shippedVoters(ctx, shipped)
	if err != nil {
		return h, err
	}
	for k, i := range h.Shipped {
		h.Shipped[k].Voters, h.Shipped[k].Recorded = voters[i.ID]
	}
	return h, nil
}

// quarterStart is midnight on the first day of the calendar quarter of
// t in loc.
func quarterStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), (t.Month()-1)/3*3+1, 1, 0, 0, 0, 0, loc)
}

// siteIdeas returns the ideas of every group, not removed, proposed
// since proposed or shipped since shipped (others may come too): from
// the boards in memory, or one query without their text.
func (s *Service) siteIdeas(ctx context.Context, proposed, shipped time.Time) ([]Idea, error) {
	if s.boardIdx != nil {
		return s.boardIdx.every(ctx, s, func(i Idea) bool {
			return !i.Removed && (!i.CreatedAt.Before(proposed) || i.Status == IdeaShipped && !i.StatusAt.Before(shipped))
		})
	}
	filter := bson.M{"$or": bson.A{
		bson.M{"createdAt": bson.M{"$gte": proposed}, "removed": false},
		bson.M{"status": IdeaShipped, "statusAt": bson.M{"$gte": shipped}, "removed": false},
	}}
	var out []Idea
	err := each(ctx, s.ideas, filter, func(d ideaDoc) { out = append(out, d.idea()) }, options.Find().SetLimit(insightIdeasMax).
		SetProjection(bson.M{"body": 0, "html": 0, "history": 0, "response": 0, "words": 0, "duplicates": 0}))
	return out, err
}
