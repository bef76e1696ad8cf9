package auth

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// EnsureIndexes creates auth's indexes. Identities and sessions are keyed
// by _id and need none beyond these.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	idx := func(name string, keys bson.D) mongo.IndexModel {
		return mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name)}
	}
	// Accounts are found by _id, by verified email through
	// account_emails, and the staff by role.
	if err := mongodb.EnsureIndexes(ctx, s.accounts,
		idx("accounts_role", bson.D{{Key: "role", Value: 1}})); err != nil {
		return err
	}
	if err := mongodb.EnsureIndexes(ctx, s.identities,
		idx("identities_account_linked", bson.D{{Key: "accountId", Value: 1}, {Key: "linkedAt", Value: 1}})); err != nil {
		return err
	}
	if err := mongodb.EnsureIndexes(ctx, s.sessions,
		idx("sessions_account", bson.D{{Key: "accountId", Value: 1}}),
		idx("sessions_expires", bson.D{{Key: "expiresAt", Value: 1}})); err != nil {
		return err
	}
	if err := mongodb.EnsureIndexes(ctx, s.emailLinks,
		idx("email_links_expires", bson.D{{Key: "expiresAt", Value: 1}}),
		idx("email_links_link_to", bson.D{{Key: "linkTo", Value: 1}})); err != nil {
		return err
	}
	if err := mongodb.EnsureIndexes(ctx, s.accountEmails,
		idx("account_emails_account", bson.D{{Key: "accountIds", Value: 1}})); err != nil {
		return err
	}
	if err := mongodb.EnsureIndexes(ctx, s.site); err != nil { // one document
		return err
	}
	if err := mongodb.EnsureIndexes(ctx, s.siteFiles); err != nil { // read by _id (the hash) only
		return err
	}
	return s.limiter.EnsureIndexes(ctx)
}
