// Package community is the club itself: groups and their members, the
// feed (posts, comments, reactions), moderation (reports, hiding, mutes,
// bans) with its audit log, and in-app notifications.
//
// Every call takes the acting person as an Actor and decides, from the
// group and the person's place in it (a Standing), what they may see and
// do. Content a person may not read is reported as ErrNotFound, never
// ErrForbidden, so a guessed ID tells nothing about what exists.
package community
