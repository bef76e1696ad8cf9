// Package loyalty owns the club's loyalty programme: points members earn
// for taking part, the rules that say how many, their expiry, and the
// ledger that keeps every movement.
//
// The ledger is append-only (collection "points_ledger"): one entry per
// movement, its _id made from the thing it is for ("post:<id>",
// "vote:<idea>:<account>", "undo:post:<id>"), so a retried job or a
// double click moves points once, and a thing taken back (a post
// deleted, a vote withdrawn) takes its points back once. An award taken
// back is not given again when the thing comes back: voting, unvoting
// and voting again earns one vote's points, then none.
//
// Each account has one balance document (collection "points") holding
// the ledger's sums: the balance, what was issued, redeemed, expired and
// taken away, the points earned each month (for expiry, oldest first,
// and grades), today's awards of each kind (for the daily caps) and the
// ids of the latest entries (the member's history, read by _id). Every
// movement inserts its entry and then replaces the balance document on
// the condition that it is the one read (seq), retrying on a race: two
// writes, exact under any number of instances. A crash between the two
// leaves an entry the balance lacks; Reconcile rebuilds balances from
// the ledger.
//
// It orchestrates auth (accounts), community (notices, and the hook
// through which posts, comments, ideas, votes and check-ins earn) and
// membership (tiers a reward or a grade includes); only web and cmd
// import it.
package loyalty
