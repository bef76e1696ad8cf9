package community

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// Names are carried on what people write and on their places in groups
// and events (posts, comments, ideas and their timelines, group members,
// RSVPs, invitation links, the notices they caused), so that a page needs
// no query per person. RenameAccount and ForgetAccount keep those copies
// true to the account: each reads the documents that name the person in
// one query per collection (a scan on the embedded store; on MongoDB an
// index serves those that grow with use: posts, comments, votes,
// reactions, members, RSVPs, invitations, notifications), which is fine
// for actions this rare, and writes each by _id through the same hooks as
// every other write, so the feeds, boards and counters in memory follow.

// RenameAccount carries a new display name and avatar from before to
// after wherever community keeps a copy of them, and rewrites the
// mentions of the person in posts and comments so that they mention the
// name they go by now.
func (s *Service) RenameAccount(ctx context.Context, before, after auth.Account) error {
	if before.Name == after.Name && before.AvatarURL == after.AvatarURL {
		return nil
	}
	return s.rename(ctx, before, after.Name, after.AvatarURL)
}

// ForgetAccount takes a person out of the community before their account
// is deleted: they leave every group and event (their seats go to the
// waiting line), their votes and reactions are taken back, the
// invitations and notifications addressed to them go, and what they
// wrote stays for the threads it belongs to, shown as by a deleted
// member: their name and avatar are removed from it and from the
// mentions of them. It is safe to run again after a failure: each step
// finds what is left of the person and finishes it.
//
// A group always has an owner, so while the person owns one nothing is
// done and it is ErrOwnsGroup: they hand it over first (OwnedGroups).
func (s *Service) ForgetAccount(ctx context.Context, who auth.Account) error {
	if owned, err := s.OwnedGroups(ctx, who.ID); err != nil {
		return err
	} else if len(owned) > 0 {
		return ErrOwnsGroup
	}
	for _, step := range []func(context.Context, auth.AccountID) error{
		s.withdrawRSVPs, s.dropInvitations, s.withdrawVotes, s.withdrawReactions, s.leaveGroups,
		func(ctx context.Context, _ auth.AccountID) error { return s.rename(ctx, who, "", "") },
		s.dropNotices,
	} {
		if err := step(ctx, who.ID); err != nil {
			return err
		}
	}
	s.log.InfoContext(ctx, "account forgotten by community", "account", who.ID)
	return nil
}

// ErrOwnsGroup means the account owns a group, so it cannot be deleted:
// the group would be left with no owner, and nobody could appoint one.
var ErrOwnsGroup = errors.New("community: owns a group")

// OwnedGroups returns the groups account id owns, by name: it must hand
// each over before its account is deleted. One read of the groups (a
// site has few) and one of their owners' memberships by _id, which the
// embedded store answers without reading the memberships whole.
func (s *Service) OwnedGroups(ctx context.Context, id auth.AccountID) ([]Group, error) {
	groups := map[GroupID]Group{}
	var keys []string
	if err := each(ctx, s.groups, bson.M{}, func(d groupDoc) {
		groups[d.ID] = d.group()
		keys = append(keys, memberID(d.ID, id))
	}); err != nil || len(keys) == 0 {
		return nil, err
	}
	var owned []Group
	if err := each(ctx, s.members, bson.M{"_id": bson.M{"$in": keys}, "role": RoleOwner}, func(m memberDoc) {
		owned = append(owned, groups[m.Group])
	}); err != nil {
		return nil, err
	}
	slices.SortFunc(owned, func(a, b Group) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(string(a.ID), string(b.ID)))
	})
	return owned, nil
}

// withdrawRSVPs deletes the account's answers to events. A seat it held
// at an event to come goes to the head of the line, as when someone
// declines. An event that is over keeps its counts of who went and who
// came as they were: its history, not a seat anyone can take.
func (s *Service) withdrawRSVPs(ctx context.Context, id auth.AccountID) error {
	var rs []rsvpDoc
	var ids []EventID
	if err := each(ctx, s.rsvps, bson.M{"account": id}, func(d rsvpDoc) {
		rs = append(rs, d)
		ids = append(ids, d.Event)
	}); err != nil {
		return err
	}
	events, err := s.eventsByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rs {
		e, ok := events[r.Event]
		past := !ok || e.Over(s.now()) // an event gone: nothing to count
		var d rsvpDoc
		err := s.rsvps.FindOneAndDelete(ctx, bson.M{"_id": r.ID}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		} else if err != nil {
			return wrap(err, "withdraw rsvp")
		}
		if past {
			continue
		}
		if d.State == RSVPGoing && d.Attended {
			if err := s.incEvent(ctx, d.Event, bson.M{"attended": -1}); err != nil {
				return err
			}
		}
		if err := s.release(ctx, d.Event, d.State); err != nil {
			return err
		}
	}
	return nil
}

// dropInvitations deletes the invitations to events addressed to the
// account.
func (s *Service) dropInvitations(ctx context.Context, id auth.AccountID) error {
	_, err := s.invitations.DeleteMany(ctx, bson.M{"account": id})
	return wrap(err, "delete invitations")
}

// withdrawVotes takes back the account's votes as unvoting does, so each
// idea's count, score and board follow, then deletes its ballots and its
// choices of idea news.
func (s *Service) withdrawVotes(ctx context.Context, id auth.AccountID) error {
	var vs []voteDoc
	if err := each(ctx, s.votes, bson.M{"account": id}, func(d voteDoc) { vs = append(vs, d) }); err != nil {
		return err
	}
	// A ballot is per group: of the groups voted in, and of those the
	// person belongs to (a ballot emptied by unvoting stays).
	var ballots []string
	if err := each(ctx, s.members, bson.M{"account": id}, func(d memberDoc) { ballots = append(ballots, ballotID(d.Group, id)) }); err != nil {
		return err
	}
	for _, v := range vs {
		if _, err := s.removeVote(ctx, Idea{ID: v.Idea, Group: v.Group}, id); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		ballots = append(ballots, ballotID(v.Group, id))
	}
	if err := deleteByIDs(ctx, s.ballots, ballots); err != nil {
		return wrap(err, "delete ballots")
	}
	if _, err := s.unsubscribes.DeleteMany(ctx, bson.M{"account": id}); err != nil {
		return wrap(err, "delete unsubscribes")
	}
	return s.forgetShipmentVoter(ctx, id)
}

// withdrawReactions takes back the account's reactions, moving each
// target's counter as taking one back does, then deletes its sets.
func (s *Service) withdrawReactions(ctx context.Context, id auth.AccountID) error {
	var rs []reactionDoc
	var sets []string
	if err := each(ctx, s.reactions, bson.M{"account": id}, func(d reactionDoc) {
		rs = append(rs, d)
		sets = append(sets, reactionSetID(d.Target, id))
	}); err != nil {
		return err
	}
	for _, r := range rs {
		res, err := s.reactions.DeleteOne(ctx, bson.M{"_id": r.ID})
		if err != nil {
			return wrap(err, "delete reaction")
		}
		if res.DeletedCount == 1 {
			if err := s.countReaction(ctx, id, r.Group, r.Target, r.Reaction, -1); err != nil {
				return err
			}
		}
	}
	return wrap(deleteByIDs(ctx, s.reactionSets, sets), "delete reaction sets")
}

// deleteByIDs deletes the documents of coll with the given _ids (a
// person's ballots or reaction sets): by _id, which the embedded store
// does without reading the collection under its write lock.
func deleteByIDs(ctx context.Context, coll *mongodb.Collection, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	_, err := coll.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": slices.Compact(ids)}})
	return err
}

// leaveGroups ends the account's place in every group, whatever its
// state (member, request, invitation, ban), keeping member counts right.
// A group it was made the owner of meanwhile is ErrOwnsGroup: the
// membership stays, so the group keeps its owner.
func (s *Service) leaveGroups(ctx context.Context, id auth.AccountID) error {
	var ms []GroupMember
	if err := each(ctx, s.members, bson.M{"account": id}, func(d memberDoc) { ms = append(ms, d.member()) }); err != nil {
		return err
	}
	for _, m := range ms {
		for {
			if m.Role == RoleOwner {
				return ErrOwnsGroup
			}
			err := s.removeMember(ctx, m.Group, id, m.State, RoleOwner)
			if !errors.Is(err, ErrConflict) {
				if err != nil {
					return err
				}
				break
			}
			// A moderator changed it meanwhile: remove it as it is now.
			if m, err = s.findMember(ctx, m.Group, id); errors.Is(err, ErrNotFound) {
				break
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}

// dropNotices deletes the account's notifications and its unread count.
func (s *Service) dropNotices(ctx context.Context, id auth.AccountID) error {
	if _, err := s.notifications.DeleteMany(ctx, bson.M{"account": id}); err != nil {
		return wrap(err, "delete notices")
	}
	if _, err := s.unread.DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return wrap(err, "delete unread count")
	}
	_, err := s.calendars.DeleteOne(ctx, bson.M{"_id": id})
	return wrap(err, "delete calendar feed")
}

// rename writes name and avatar (both "" for a deleted account) wherever
// community keeps a copy of who's, and rewrites the mentions of who's
// name in posts and comments.
func (s *Service) rename(ctx context.Context, who auth.Account, name, avatar string) error {
	for _, c := range []struct {
		coll   *mongodb.Collection
		filter bson.M
		set    bson.M
	}{
		{s.members, bson.M{"account": who.ID}, bson.M{"name": name, "avatarUrl": avatar}},
		{s.rsvps, bson.M{"account": who.ID}, bson.M{"name": name, "nameKey": strings.ToLower(name)}},
		{s.invites, bson.M{"createdBy": who.ID}, bson.M{"createdByName": name}},
		{s.notifications, bson.M{"actor": who.ID}, bson.M{"actorName": name}},
	} {
		if _, err := c.coll.UpdateMany(ctx, c.filter, bson.M{"$set": c.set}); err != nil {
			return wrap(err, "rename in "+c.coll.Name())
		}
	}
	groups, err := s.renameIn(ctx, s.posts, who, name, avatar)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := s.feedChanged(ctx, g); err != nil {
			return err
		}
	}
	if _, err := s.renameIn(ctx, s.comments, who, name, avatar); err != nil {
		return err
	}
	return s.renameInIdeas(ctx, who.ID, name)
}

// authoredDoc is what renaming reads of a post or a comment.
type authoredDoc struct {
	ID       string           `bson:"_id"`
	Group    GroupID          `bson:"group"`
	Author   auth.AccountID   `bson:"author"`
	Body     string           `bson:"body"`
	HTML     string           `bson:"html"`
	Mentions []auth.AccountID `bson:"mentions"`
}

// renameIn renames who in the posts or comments of coll they wrote or
// are mentioned in, and returns the groups of those it changed. Author
// name and mentions change together, in one write per document.
func (s *Service) renameIn(ctx context.Context, coll *mongodb.Collection, who auth.Account, name, avatar string) ([]GroupID, error) {
	var docs []authoredDoc
	filter := bson.M{"$or": bson.A{bson.M{"author": who.ID}, bson.M{"mentions": who.ID}}}
	if err := each(ctx, coll, filter, func(d authoredDoc) { docs = append(docs, d) }); err != nil {
		return nil, err
	}
	var groups []GroupID
	for _, d := range docs {
		if err := s.renameOne(ctx, coll, d, who, name, avatar); err != nil {
			return groups, err
		}
		if !slices.Contains(groups, d.Group) {
			groups = append(groups, d.Group)
		}
	}
	return groups, nil
}

// renameOne renames who in one post or comment. Its text is rewritten
// only if it is still the text read, so an edit made meanwhile is read
// again rather than lost.
func (s *Service) renameOne(ctx context.Context, coll *mongodb.Collection, d authoredDoc, who auth.Account, name, avatar string) error {
	for range 5 {
		filter, set, update := bson.M{"_id": d.ID}, bson.M{}, bson.M{}
		if d.Author == who.ID {
			set["authorName"], set["authorAvatar"] = name, avatar
		}
		if who.Name != name && slices.Contains(d.Mentions, who.ID) {
			filter["body"] = d.Body
			set["body"], set["html"] = renameMentions(d.Body, d.HTML, who.Name, name)
			if name == "" { // nobody is mentioned there any more
				update["$pull"] = bson.M{"mentions": who.ID}
			}
		}
		if len(set) == 0 {
			return nil
		}
		update["$set"] = set
		res, err := coll.UpdateOne(ctx, filter, update)
		if err != nil {
			return wrap(err, "rename in "+coll.Name())
		}
		if res.MatchedCount == 1 {
			return nil
		}
		err = coll.FindOne(ctx, bson.M{"_id": d.ID}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		} else if err != nil {
			return wrap(err, "rename in "+coll.Name())
		}
	}
	return ErrConflict
}

// renameInIdeas renames who as the author of ideas and on their
// timelines and answers, and brings each board changed up to date.
// Timelines only grow, so a step keeps its place.
func (s *Service) renameInIdeas(ctx context.Context, id auth.AccountID, name string) error {
	type write struct {
		idea IdeaID
		set  bson.M
	}
	var writes []write
	changed := map[GroupID][]IdeaID{}
	filter := bson.M{"$or": bson.A{bson.M{"author": id}, bson.M{"history.by": id}, bson.M{"response.by": id}}}
	if err := each(ctx, s.ideas, filter, func(d ideaDoc) {
		set := bson.M{}
		if d.Author == id {
			set["authorName"] = name
		}
		for i, h := range d.History {
			if h.By == id {
				set["history."+strconv.Itoa(i)+".byName"] = name
			}
		}
		if d.Response.By == id {
			set["response.byName"] = name
		}
		writes = append(writes, write{d.ID, set})
		changed[d.Group] = append(changed[d.Group], d.ID)
	}); err != nil {
		return err
	}
	for _, w := range writes {
		if _, err := s.ideas.UpdateOne(ctx, bson.M{"_id": w.idea}, bson.M{"$set": w.set}); err != nil {
			return s.ideasLost(wrap(err, "rename in ideas"))
		}
	}
	for g, ideas := range changed {
		if err := s.boardChanged(ctx, g, ideas...); err != nil {
			return err
		}
	}
	return nil
}
