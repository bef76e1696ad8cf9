// Package activity records signs of engagement, once each, for the
// retention insight and, later, points: the day a member visited signed
// in, joined a group, posted, commented, reacted, proposed or voted on an
// idea, answered an RSVP, was checked in, or started, renewed or cancelled
// a subscription. community, membership and auth report to it in the call
// that makes the change; it knows nothing of them.
//
// Why a rollup per account and not an event log: the insight pages read
// every member's history, and the embedded store decodes each stored
// value of a collection it scans (about 7 µs a value, measured). An event
// log grows with every action; a rollup does not. Each account has one
// document (collection "activity", _id = the account):
//
//	j  the day the account joined the club
//	f  the first day it was active, l the last
//	d  a bitmap of its active days: word w holds days 64w … 64w+63
//	k  the last day of each kind of participation
//	n  how many actions of each kind, all time
//
// A day is a calendar day in the site's time zone when it was recorded.
// A record is one upserting update of that document ($min, $max, $bit,
// $inc), so it adds exactly one write to the action it records, whatever
// the history; the bitmap grows by one word every 64 days (about 50 bytes
// a year). Reading 5,000 members is one scan of 5,000 small documents —
// and on the embedded store, whose one process writes every record, not
// even that: the rollups are kept in memory once read (see mirror).
package activity
