package community

import (
	"time"

	"fanclub/auth"
)

// CommentID identifies a comment.
type CommentID string

// Comment is a reply on a post. Comments are flat; a reply to another
// comment carries a short quote of it.
type Comment struct {
	ID           CommentID
	Post         PostID
	Group        GroupID
	Author       auth.AccountID
	AuthorName   string
	AuthorAvatar string
	Body         string
	HTML         string
	State        ContentState
	// ReplyTo is the comment this one answers, with a quote of it.
	ReplyTo      CommentID
	ReplyToName  string
	ReplyToQuote string
	Reactions    map[Reaction]int
	Reports      int
	CreatedAt    time.Time
	EditedAt     time.Time
}

// Edited reports whether the author changed the comment after writing it.
func (c Comment) Edited() bool { return !c.EditedAt.IsZero() }
