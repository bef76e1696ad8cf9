// Package loyalty owns the club's loyalty programme: points members earn
// for taking part, the rules that say how many, their expiry, and the
// ledger that keeps every movement.
//
// The ledger is append-only (collection "points_ledger"): one entry per
// movement, its _id made from the thing it is for ("post:<id>",
// "vote:<idea>:<account>", "undo:post:<id>"), so a retried job or a
// double click moves points once, and a thing taken back (a post
// deleted, a vote withdrawn) takes its points back once. An award taken
// back is not given again when the thing comes back — voting, unvoting
// and voting again earns one vote's points, then none — except by a
// moderator's restore of a hidden post or comment, which gives it back
// (rounds of undo and redo entries, earn.go).
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
// Around the ledger:
//
//   - rules (collection "loyalty", _id "rules"): points and a daily cap
//     per earning, expiry in months, and the VIP grades with their
//     yearly review day, read in one lookup by every award;
//   - grades (grade.go): a member moves up the moment the last twelve
//     months reach a grade, with its entry reward inside the same
//     movement, and down only on the review day; a grade may include a
//     tier, held on membership's reward pass as the source "grade";
//   - rewards (reward*.go, redeem*.go, codes.go): codes from a pool the
//     brand uploads (_id = reward:slot, handed out by a conditional $inc
//     of the reward's next slot; each code's value a unique _id across
//     the site), premium days (membership's reward pass), a seat at an
//     event (community.SeatByReward) and gifts to send; a redemption
//     spends first and gives back on any later failure, its form token
//     making a double submit one redemption; each step leaves the
//     redemption's id on what it took, so giving back is once, and the
//     daily SettleRedemptions settles those a crash left under way; a
//     member's latest 100 are listed by _id (redeemers);
//   - referrals (referral*.go): each member's link, the friend's
//     sign-up recorded with fraud flags an admin reviews, both rewards
//     once the friend takes part within 30 days;
//   - birthdays and anniversaries (birthday.go), in each member's zone,
//     once a year, and expiry (expiry.go), both run by cmd under leases.
//
// It orchestrates auth (accounts), community (notices, event seats, and
// the hook through which posts, comments, ideas, votes, check-ins and
// shipped ideas earn) and membership (tiers a reward or a grade
// includes); only web and cmd import it.
package loyalty
