package community

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// EnsureIndexes creates community's indexes, each named after the query
// it serves.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	idx := func(name string, keys ...string) mongo.IndexModel {
		d := bson.D{}
		for _, k := range keys {
			dir := 1
			if k[0] == '-' {
				k, dir = k[1:], -1
			}
			d = append(d, bson.E{Key: k, Value: dir})
		}
		return mongo.IndexModel{Keys: d, Options: options.Index().SetName(name)}
	}
	unique := func(m mongo.IndexModel) mongo.IndexModel {
		m.Options.SetUnique(true)
		return m
	}
	for _, c := range []struct {
		coll   *mongodb.Collection
		models []mongo.IndexModel
	}{
		{s.groups, []mongo.IndexModel{
			unique(idx("groups_slug", "slug")),
			idx("groups_directory", "visibility", "name", "_id"),
			idx("groups_name", "name", "_id"), // the directory as staff see it
		}},
		{s.members, []mongo.IndexModel{
			idx("group_members_account", "account"),
			idx("group_members_group_state", "group", "state", "-joinedAt", "-_id"),
			idx("group_members_group_state_name", "group", "state", "name"),
		}},
		{s.invites, []mongo.IndexModel{
			idx("group_invites_group", "group", "-createdAt"),
			unique(idx("group_invites_token", "tokenHash")),
		}},
		{s.posts, []mongo.IndexModel{
			idx("posts_group_feed", "group", "state", "pinned", "-createdAt", "-_id"),
			idx("posts_state_created", "state", "createdAt"), // the site's held posts
			idx("posts_author", "author"),                    // a rename or a deletion reaches them
			idx("posts_mentions", "mentions"),
		}},
		{s.comments, []mongo.IndexModel{
			idx("comments_post", "post", "createdAt", "_id"),
			idx("comments_idea", "idea", "createdAt", "_id"),
			idx("comments_author", "author"), // a rename or a deletion reaches them
			idx("comments_mentions", "mentions"),
		}},
		{s.ideas, []mongo.IndexModel{
			idx("ideas_trending", "group", "-score", "-_id"),
			idx("ideas_top", "group", "-votes", "-_id"),
			idx("ideas_new", "group", "-createdAt", "-_id"),
			idx("ideas_updated", "group", "-updatedAt", "-_id"),
			idx("ideas_roadmap", "group", "status", "-statusAt", "-_id"),
			idx("ideas_unanswered", "group", "firstResponseAt", "createdAt", "_id"), // the queue and the response stats
			idx("ideas_words", "group", "words"),
			idx("ideas_author", "group", "author", "-score"),
			idx("ideas_created", "createdAt"),          // the site's ideas of the last 30 days, for the insight page
			idx("ideas_shipped", "status", "statusAt"), // and those shipped lately
		}},
		{s.votes, []mongo.IndexModel{idx("votes_idea", "idea"), idx("votes_group", "group"),
			idx("votes_account", "account")}}, // a deletion takes them back
		{s.unsubscribes, []mongo.IndexModel{idx("idea_unsubscribes_idea", "idea")}},
		{s.shipments, []mongo.IndexModel{idx("idea_shipments_voters", "voters")}}, // a deletion takes them out; reads by _id
		{s.events, []mongo.IndexModel{
			idx("events_group_start", "group", "start", "_id"), // upcoming and past, by end then start
			idx("events_group_end", "group", "end"),
			idx("events_ended", "cancelled", "-end", "-_id"),  // the site's last events, for the insight page
			idx("events_coming", "cancelled", "start", "_id"), // the site's next events, for campaigns
		}},
		{s.rsvps, []mongo.IndexModel{
			idx("rsvps_line", "event", "state", "ticket"), // the head of the waiting line and positions
			idx("rsvps_seated", "event", "state", "seatedAt"),
			idx("rsvps_door", "event", "state", "nameKey"), // the check-in list
			idx("rsvps_account", "account", "state", "start"),
		}},
		{s.emailInvites, []mongo.IndexModel{
			idx("email_invitations_group", "group", "-createdAt"), // the members page
			idx("email_invitations_expires", "expiresAt"),         // the sweep
		}},
		{s.invitations, []mongo.IndexModel{
			idx("invitations_event", "event"),
			idx("invitations_account", "account", "end", "start"),
			idx("invitations_group_account", "group", "account"),
		}},
		{s.calendars, []mongo.IndexModel{unique(idx("calendar_feeds_token", "token"))}},
		{s.reactionSets, []mongo.IndexModel{idx("reaction_sets_group", "group")}}, // reconcile
		{s.reactions, []mongo.IndexModel{
			idx("reactions_target", "target"),
			idx("reactions_group", "group"),
			idx("reactions_account", "account"), // a deletion takes them back
		}},
		{s.reports, []mongo.IndexModel{
			idx("reports_group_open", "group", "resolved", "createdAt"),
			idx("reports_open", "resolved", "createdAt"), // the site's queue
			idx("reports_target", "target"),
		}},
		{s.audit, []mongo.IndexModel{
			idx("audit_group_at", "group", "-at", "-_id"),
			idx("audit_group_action_at", "group", "action", "-at", "-_id"),
			idx("audit_group_actor_at", "group", "actor", "-at", "-_id"),
			idx("audit_at", "-at", "-_id"), // the site's log
			idx("audit_action_at", "action", "-at", "-_id"),
			idx("audit_actor_at", "actor", "-at", "-_id"),
		}},
		{s.notifications, []mongo.IndexModel{idx("notifications_account", "account", "-createdAt", "-_id"),
			idx("notifications_actor", "actor")}}, // a rename or a deletion reaches them
		{s.unread, nil},  // by _id
		{s.ballots, nil}, // by _id
	} {
		if err := mongodb.EnsureIndexes(ctx, c.coll, c.models...); err != nil {
			return err
		}
	}
	if err := s.inviteLimiter.EnsureIndexes(ctx); err != nil {
		return err
	}
	return s.limiter.EnsureIndexes(ctx)
}
