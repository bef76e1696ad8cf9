// Package membership owns tiers, Stripe subscriptions, comp memberships
// and the one answer the rest of the site asks of them: what tier does an
// account have right now, until when, and why (Entitlement).
//
// Stripe is the source of truth for paid subscriptions. Its webhooks are
// applied exactly once (the event id is recorded after the change) and in
// order (a subscription keeps the created time of the last event applied
// to it, and an older event never overwrites a newer one). Checkout and
// the Customer Portal are Stripe's pages; this package only opens them.
//
// The package knows nothing of HTTP pages: the web layer passes requests'
// bodies and headers in and maps the typed errors to statuses.
package membership
