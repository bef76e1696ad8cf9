package community

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"fanclub/auth"
	"fanclub/internal/activity"
)

type groupDoc struct {
	ID              GroupID        `bson:"_id"`
	Slug            string         `bson:"slug"`
	Name            string         `bson:"name"`
	Description     string         `bson:"description"`
	DescriptionHTML string         `bson:"descriptionHtml"`
	Color           string         `bson:"color"`
	CoverURL        string         `bson:"coverUrl,omitempty"`
	Visibility      Visibility     `bson:"visibility"`
	Policy          JoinPolicy     `bson:"policy"`
	Question        string         `bson:"question,omitempty"`
	RequiredTier    string         `bson:"requiredTier,omitempty"`
	HoldFirstPosts  int            `bson:"holdFirstPosts"`
	Members         int            `bson:"members"`
	Posts           int            `bson:"posts"`
	FeedVersion     int64          `bson:"feedVersion"`
	CreatedBy       auth.AccountID `bson:"createdBy"`
	CreatedAt       time.Time      `bson:"createdAt"`
	BoardOff        bool           `bson:"boardOff,omitempty"`
	IdeaTags        []IdeaTag      `bson:"ideaTags,omitempty"`
	BoardVersion    int64          `bson:"boardVersion"`
}

func (d groupDoc) group() Group { return Group(d) }

func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("community: %s: %w", what, err)
}

func (s *Service) insertGroup(ctx context.Context, g Group) error {
	_, err := s.groups.InsertOne(ctx, groupDoc(g))
	return dupOr(err, "insert group")
}

// findGroupBySlug finds a group by its address. A group's slug never
// changes and groups are not deleted, so each slug found once is kept
// with its id, and found again by _id: every request for a group's page
// needs it, and the embedded server answers a slug by reading every group.
func (s *Service) findGroupBySlug(ctx context.Context, slug string) (Group, error) {
	if id, ok := s.slugs.Load(slug); ok {
		return s.findGroup(ctx, id.(GroupID))
	}
	g, err := s.findGroupBy(ctx, bson.M{"slug": slug})
	if err == nil {
		s.slugs.Store(slug, g.ID)
	}
	return g, err
}

func (s *Service) findGroup(ctx context.Context, id GroupID) (Group, error) {
	return s.findGroupBy(ctx, bson.M{"_id": id})
}

func (s *Service) findGroupBy(ctx context.Context, filter bson.M) (Group, error) {
	var d groupDoc
	err := s.groups.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Group{}, ErrNotFound
	}
	return d.group(), wrap(err, "find group")
}

// incGroup adds delta to one of a group's counters.
func (s *Service) incGroup(ctx context.Context, id GroupID, field string, delta int) error {
	_, err := s.groups.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{field: delta}})
	return wrap(err, "count group "+field)
}

type memberDoc struct {
	ID          string         `bson:"_id"` // group + ":" + account
	Group       GroupID        `bson:"group"`
	Account     auth.AccountID `bson:"account"`
	Name        string         `bson:"name"`
	AvatarURL   string         `bson:"avatarUrl,omitempty"`
	Role        GroupRole      `bson:"role"`
	State       MemberState    `bson:"state"`
	Answer      string         `bson:"answer,omitempty"`
	MutedUntil  time.Time      `bson:"mutedUntil,omitempty"`
	Published   int            `bson:"published"`
	Unpublished int            `bson:"unpublished"`
	JoinedAt    time.Time      `bson:"joinedAt"`
}

func memberID(g GroupID, a auth.AccountID) string { return string(g) + ":" + string(a) }

func (d memberDoc) member() GroupMember {
	return GroupMember{Group: d.Group, Account: d.Account, Name: d.Name, AvatarURL: d.AvatarURL, Role: d.Role,
		State: d.State, Answer: d.Answer, MutedUntil: d.MutedUntil, Published: d.Published, Unpublished: d.Unpublished,
		JoinedAt: d.JoinedAt}
}

func (s *Service) findMember(ctx context.Context, g GroupID, a auth.AccountID) (GroupMember, error) {
	var d memberDoc
	err := s.members.FindOne(ctx, bson.M{"_id": memberID(g, a)}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return GroupMember{}, ErrNotFound
	}
	return d.member(), wrap(err, "find member")
}

// addMember inserts a relation. The composite _id makes a second insert
// fail (errDuplicate), so the member counter moves only once.
func (s *Service) addMember(ctx context.Context, g GroupID, a Actor, role GroupRole, state MemberState, answer string) error {
	defer s.memberWritten(ctx, g, a.ID())
	d := memberDoc{ID: memberID(g, a.ID()), Group: g, Account: a.ID(), Name: a.Account.Name, AvatarURL: a.Account.AvatarURL,
		Role: role, State: state, Answer: answer, JoinedAt: s.now()}
	if _, err := s.members.InsertOne(ctx, d); err != nil {
		return dupOr(err, "insert member")
	}
	if state == StateActive {
		defer s.engaged(ctx, a.ID(), activity.Join) // once counted
		return s.incGroup(ctx, g, "members", 1)
	}
	return nil
}

// activate moves a relation from state from to active. The condition on
// the state makes a repeated or racing call a no-op (ErrConflict).
func (s *Service) activate(ctx context.Context, a Actor, g GroupID, from MemberState) error {
	return s.setMemberState(ctx, g, a.ID(), from, StateActive)
}

// setMemberState moves a relation between states, keeping the member
// counter in step. It fails with ErrConflict if the state was not from.
func (s *Service) setMemberState(ctx context.Context, g GroupID, a auth.AccountID, from, to MemberState) error {
	defer s.memberWritten(ctx, g, a)
	res, err := s.members.UpdateOne(ctx, bson.M{"_id": memberID(g, a), "state": from},
		bson.M{"$set": bson.M{"state": to, "joinedAt": s.now()}})
	if err != nil {
		return wrap(err, "update member")
	}
	if res.ModifiedCount == 0 {
		return ErrConflict
	}
	switch {
	case from != StateActive && to == StateActive:
		defer s.engaged(ctx, a, activity.Join) // approved, or an invitation accepted; once counted
		return s.incGroup(ctx, g, "members", 1)
	case from == StateActive && to != StateActive:
		return s.incGroup(ctx, g, "members", -1)
	}
	return nil
}

// removeMember deletes a relation that is still in state, and uncounts it
// if it was active. A relation no longer in that state, or now in one of
// the roles notRole, is ErrConflict.
func (s *Service) removeMember(ctx context.Context, g GroupID, a auth.AccountID, state MemberState, notRole ...GroupRole) error {
	defer s.memberWritten(ctx, g, a)
	filter := bson.M{"_id": memberID(g, a), "state": state}
	if len(notRole) > 0 {
		filter["role"] = bson.M{"$nin": notRole}
	}
	res, err := s.members.DeleteOne(ctx, filter)
	if err != nil {
		return wrap(err, "delete member")
	}
	if res.DeletedCount == 0 {
		return ErrConflict // someone else changed it first
	}
	if state == StateActive {
		return s.incGroup(ctx, g, "members", -1)
	}
	return nil
}
