// Package community is the club itself: groups and their members, the
// feed (posts, comments, reactions), moderation (reports, hiding, mutes,
// bans) with its audit log, and in-app notifications.
//
// Every call takes the acting person as an Actor and decides, from the
// group and the person's place in it (a Standing), what they may see and
// do. Content a person may not read is reported as ErrNotFound, never
// ErrForbidden, so a guessed ID tells nothing about what exists.
//
// On MongoDB the lists (boards, feeds, threads) are indexed queries. On
// the embedded store, which answers any filter but an _id by reading the
// whole collection, this process is the database's only writer
// (mongodb.DB.SoleWriter), so it keeps those lists' order in memory,
// brought up to date by its own writes (board_index.go,
// content_index.go), and reads the documents of a page by _id. Tests hold
// the two ways to the same pages.
package community
