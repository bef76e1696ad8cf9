package community

import (
	"context"

	"fanclub/auth"
)

// Deed is something a member did that the loyalty programme may reward:
// what kind ("post", "vote"…) and the thing that makes its reward once
// (a post's id; an idea and its voter).
type Deed struct {
	What  string
	Thing string
	// Source is what taking back undoes it, when that is not Thing: the
	// post a first post in a group was.
	Source string
}

// Points is the loyalty programme as community sees it: told, in the
// call that makes the change, what members did and what was taken back.
// Neither call fails the action; the programme logs its own errors.
type Points interface {
	Earn(ctx context.Context, account auth.AccountID, deeds ...Deed)
	Unearn(ctx context.Context, account auth.AccountID, deed Deed)
	// Reearn gives back what Unearn took: a post or comment restored.
	Reearn(ctx context.Context, account auth.AccountID, deed Deed)
}

// The deeds community reports.
func postDeed(id PostID) Deed { return Deed{What: "post", Thing: string(id)} }
func firstPostDeed(p Post) Deed {
	return Deed{What: "first_post", Thing: string(p.Group) + ":" + string(p.Author), Source: string(p.ID)}
}
func commentDeed(id CommentID) Deed { return Deed{What: "comment", Thing: string(id)} }
func ideaDeed(id IdeaID) Deed       { return Deed{What: "idea", Thing: string(id)} }
func voteDeed(i IdeaID, a auth.AccountID) Deed {
	return Deed{What: "vote", Thing: string(i) + ":" + string(a)}
}
func checkInDeed(e EventID, a auth.AccountID) Deed {
	return Deed{What: "checkin", Thing: string(e) + ":" + string(a)}
}

// earn tells the programme, if there is one, that account did deeds.
func (s *Service) earn(ctx context.Context, account auth.AccountID, deeds ...Deed) {
	if s.delivery.Points != nil {
		s.delivery.Points.Earn(ctx, account, deeds...)
	}
}

// reearn tells it that a deed taken back came back.
func (s *Service) reearn(ctx context.Context, account auth.AccountID, d Deed) {
	if s.delivery.Points != nil {
		s.delivery.Points.Reearn(ctx, account, d)
	}
}

// unearn tells it that a deed was taken back.
func (s *Service) unearn(ctx context.Context, account auth.AccountID, d Deed) {
	if s.delivery.Points != nil {
		s.delivery.Points.Unearn(ctx, account, d)
	}
}

// rewardShipment tells the programme that an idea shipped: its author's
// and each voter's deed, once per idea whatever the job's retries (the
// deeds' things are the idea and the idea and voter). An idea shipped
// again after it moved back earns nothing more.
func (s *Service) rewardShipment(ctx context.Context, idea IdeaID, author auth.AccountID, voters []auth.AccountID) {
	if author != "" {
		s.earn(ctx, author, Deed{What: "shipped", Thing: string(idea)})
	}
	for _, v := range voters {
		if v != author {
			s.earn(ctx, v, Deed{What: "shipped_vote", Thing: string(idea) + ":" + string(v)})
		}
	}
}

// postPublished and postWithdrawn follow a post into and out of what
// members read: a post earns when it is published (at once, or when a
// moderator approves it), and gives its points back when its author
// deletes it or a moderator hides it, the first post in the group's
// award with it, and gets them back when a moderator restores it. first
// says it is the author's first published post in
// the group, which earns once more.
func (s *Service) postPublished(ctx context.Context, p Post, first bool) {
	if first {
		s.earn(ctx, p.Author, postDeed(p.ID), firstPostDeed(p))
		return
	}
	s.earn(ctx, p.Author, postDeed(p.ID))
}

func (s *Service) postWithdrawn(ctx context.Context, p Post) {
	s.unearn(ctx, p.Author, postDeed(p.ID))
	s.unearn(ctx, p.Author, firstPostDeed(p)) // if it was the one that earned it
}

func (s *Service) postRestored(ctx context.Context, p Post) {
	s.reearn(ctx, p.Author, postDeed(p.ID))
	s.reearn(ctx, p.Author, firstPostDeed(p))
}
