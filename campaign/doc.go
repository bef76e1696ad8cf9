// Package campaign owns the brand's campaigns: acting on a segment of
// members (a message, an invitation to an event, a comp membership),
// sending it once per person through the job queue, and the closed loop
// of how many of the audience were active again afterwards.
//
// It orchestrates the packages that own each part — auth (accounts and
// the news opt-in), community (notices, invitations, the audit log),
// membership (comps), the activity record (segments and rollups) and the
// job queue — and owns only the campaigns, their audiences and who was
// reached. It knows nothing of HTTP or HTML.
package campaign
