package campaign

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/mongodb"
)

// EnsureIndexes creates the campaigns' indexes: the list by date; every
// other read is by _id.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	if err := mongodb.EnsureIndexes(ctx, s.campaigns, mongo.IndexModel{Keys: bson.D{{Key: "at", Value: -1}},
		Options: options.Index().SetName("campaigns_at")}); err != nil {
		return err
	}
	for _, c := range []*mongodb.Collection{s.audiences, s.recipients} {
		if err := mongodb.EnsureIndexes(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

type campaignDoc struct {
	ID         string            `bson:"_id"`
	Segment    activity.Segment  `bson:"segment"`
	Action     Action            `bson:"action"`
	Subject    string            `bson:"subject,omitempty"`
	Body       string            `bson:"body,omitempty"`
	Event      community.EventID `bson:"event,omitempty"`
	EventGroup string            `bson:"eventGroup,omitempty"`
	EventTitle string            `bson:"eventTitle,omitempty"`
	Tier       string            `bson:"tier,omitempty"`
	TierName   string            `bson:"tierName,omitempty"`
	Days       int               `bson:"days,omitempty"`
	Until      time.Time         `bson:"until,omitempty"`
	By         auth.AccountID    `bson:"by"`
	ByName     string            `bson:"byName"`
	At         time.Time         `bson:"at"`
	Day        activity.Day      `bson:"day"`
	Audience   int               `bson:"audience"`
	Delivered  int               `bson:"delivered"`
}

// audienceDoc is the accounts a campaign was sent to, as they were then:
// one document, read by the campaign's page and its delivery.
type audienceDoc struct {
	ID       string   `bson:"_id"`
	Accounts []string `bson:"accounts"`
}

// recipientDoc is one person a campaign is reaching: claimed when their
// delivery starts, mailed once, done once.
type recipientDoc struct {
	ID        string         `bson:"_id"` // campaign:account
	Campaign  string         `bson:"campaign"`
	Account   auth.AccountID `bson:"account"`
	Mailed    bool           `bson:"mailed"`
	Done      bool           `bson:"done"`
	Delivered bool           `bson:"delivered"` // done, and the action reached them
	At        time.Time      `bson:"at"`
}

func recipientID(campaign string, a auth.AccountID) string { return campaign + ":" + string(a) }

// insertCampaign stores c and its audience. The campaign's _id is the
// guard of one a segment a day: a duplicate is ErrAlreadyToday.
func (s *Service) insertCampaign(ctx context.Context, c Campaign, members []string) error {
	_, err := s.campaigns.InsertOne(ctx, campaignDoc(c))
	if mongodb.IsDuplicateKey(err) {
		return ErrAlreadyToday
	} else if err != nil {
		return fmt.Errorf("campaign: insert: %w", err)
	}
	if _, err := s.audiences.InsertOne(ctx, audienceDoc{ID: c.ID, Accounts: members}); err != nil {
		s.deleteCampaign(ctx, c.ID)
		return fmt.Errorf("campaign: insert audience: %w", err)
	}
	return nil
}

// deleteCampaign takes back a campaign that could not be sent, so the
// day's campaign may be tried again. A failure is logged.
func (s *Service) deleteCampaign(ctx context.Context, id string) {
	ctx = context.WithoutCancel(ctx)
	for _, c := range []*mongodb.Collection{s.audiences, s.campaigns} {
		if _, err := c.DeleteOne(ctx, bson.M{"_id": id}); err != nil {
			s.log.ErrorContext(ctx, "campaign: take back", "campaign", id, "err", err)
		}
	}
}

func (s *Service) findCampaign(ctx context.Context, id string) (Campaign, error) {
	var d campaignDoc
	err := s.campaigns.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Campaign{}, ErrNotFound
	} else if err != nil {
		return Campaign{}, fmt.Errorf("campaign: find: %w", err)
	}
	return Campaign(d), nil
}

// latestCampaigns returns up to n campaigns, newest first. Served by
// index "campaigns_at".
func (s *Service) latestCampaigns(ctx context.Context, n int) ([]Campaign, error) {
	cur, err := s.campaigns.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(int64(n)))
	if err != nil {
		return nil, fmt.Errorf("campaign: list: %w", err)
	}
	var docs []campaignDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("campaign: list: %w", err)
	}
	out := make([]Campaign, len(docs))
	for i, d := range docs {
		out[i] = Campaign(d)
	}
	return out, nil
}

// findAudiences returns the audience of each campaign of ids.
func (s *Service) findAudiences(ctx context.Context, ids []string) (map[string][]string, error) {
	out := make(map[string][]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := s.audiences.Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil {
		return nil, fmt.Errorf("campaign: audiences: %w", err)
	}
	var docs []audienceDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("campaign: audiences: %w", err)
	}
	for _, d := range docs {
		out[d.ID] = d.Accounts
	}
	return out, nil
}

func (s *Service) findRecipient(ctx context.Context, id string) (recipientDoc, error) {
	var d recipientDoc
	if err := s.recipients.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return d, fmt.Errorf("campaign: find recipient: %w", err)
	}
	return d, nil
}

// reached reports whether the campaign's delivery reached account.
func (s *Service) reached(ctx context.Context, campaign string, a auth.AccountID) (bool, error) {
	var d recipientDoc
	err := s.recipients.FindOne(ctx, bson.M{"_id": recipientID(campaign, a)}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("campaign: find recipient: %w", err)
	}
	return d.Done && d.Delivered, nil
}
