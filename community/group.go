package community

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// GroupID identifies a group.
type GroupID string

// Visibility says who may know a group exists.
type Visibility string

const (
	// Listed groups appear in the directory; anyone may see their page.
	Listed Visibility = "listed"
	// Unlisted groups are known only to their members, invitees and
	// requesters, and to site staff. Everyone else gets a 404.
	Unlisted Visibility = "unlisted"
)

// JoinPolicy says how a person becomes a member.
type JoinPolicy string

const (
	JoinOpen     JoinPolicy = "open"     // anyone signed in joins at once
	JoinApproval JoinPolicy = "approval" // a moderator approves a request
	JoinInvite   JoinPolicy = "invite"   // by invitation only
	JoinTier     JoinPolicy = "tier"     // anyone with at least the required tier
)

// Group is a closed circle with its own feed. Its content is for members.
type Group struct {
	ID          GroupID
	Slug        string
	Name        string
	Description string // Markdown as written
	// DescriptionHTML is Description rendered and sanitised.
	DescriptionHTML string
	Color           string // cover colour, one of CoverColors
	CoverURL        string // optional https image
	Visibility      Visibility
	Policy          JoinPolicy
	// Question is asked of people requesting to join (approval only).
	Question string
	// RequiredTier is the minimum tier name for JoinTier groups.
	RequiredTier string
	// HoldFirstPosts holds a new member's first N posts for approval; 0
	// publishes at once.
	HoldFirstPosts int
	Members        int // active members, owner and moderators included
	Posts          int // published posts
	// FeedVersion moves with every write that changes what the feed
	// shows, so cached feed pages know when they are stale.
	FeedVersion int64
	CreatedBy   auth.AccountID
	CreatedAt   time.Time
	// BoardOff turns the group's idea board off; boards are on by default.
	BoardOff bool
	// IdeaTags are the tags ideas on the board may carry.
	IdeaTags []IdeaTag
	// BoardVersion moves with every write that changes what the idea
	// board or roadmap shows, as FeedVersion does for the feed.
	BoardVersion int64
}

// CoverColors are the colours a group's cover may take. A fixed palette,
// styled by class, keeps inline styles out of pages (the CSP forbids them)
// and every cover readable in light and dark mode.
var CoverColors = []string{"violet", "blue", "teal", "green", "orange", "red", "pink", "slate"}

// Limits on a group's fields.
const (
	maxGroupName        = 80
	maxGroupDescription = 4000
	maxQuestion         = 300
	maxHoldFirstPosts   = 20
	minSlug             = 3
)

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)
	// reservedSlugs would shadow a fixed route under /groups/.
	reservedSlugs = map[string]bool{"new": true, "moderation": true, "invite": true}
)

// GroupInput is the create/edit group form as typed.
type GroupInput struct {
	Slug           string
	Name           string
	Description    string
	Color          string
	CoverURL       string
	Visibility     Visibility
	Policy         JoinPolicy
	Question       string
	RequiredTier   string
	HoldFirstPosts int
}

// Validate checks the input and trims it in place.
func (in *GroupInput) Validate() error {
	v := ValidationError{}
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	in.Color = strings.TrimSpace(in.Color)
	in.CoverURL = strings.TrimSpace(in.CoverURL)
	in.Question = strings.TrimSpace(in.Question)
	in.RequiredTier = strings.TrimSpace(in.RequiredTier)
	switch {
	case in.Slug == "":
		v["slug"] = "group.error.slug_required"
	case len(in.Slug) < minSlug || !slugPattern.MatchString(in.Slug) || strings.Contains(in.Slug, "--"):
		v["slug"] = "group.error.slug_format"
	case reservedSlugs[in.Slug]:
		v["slug"] = "group.error.slug_taken"
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		v["name"] = "group.error.name_required"
	case n > maxGroupName:
		v["name"] = "group.error.name_long"
	}
	if utf8.RuneCountInString(in.Description) > maxGroupDescription {
		v["description"] = "group.error.description_long"
	}
	if in.Color == "" {
		in.Color = CoverColors[0]
	} else if !slices.Contains(CoverColors, in.Color) {
		v["color"] = "group.error.color"
	}
	if in.CoverURL != "" && (!strings.HasPrefix(in.CoverURL, "https://") || len(in.CoverURL) > 500) {
		v["coverUrl"] = "group.error.cover_url"
	}
	if in.Visibility != Listed && in.Visibility != Unlisted {
		v["visibility"] = "group.error.visibility"
	}
	switch in.Policy {
	case JoinOpen, JoinInvite:
	case JoinApproval:
		if utf8.RuneCountInString(in.Question) > maxQuestion {
			v["question"] = "group.error.question_long"
		}
	case JoinTier:
		if in.RequiredTier == "" || len(in.RequiredTier) > 40 {
			v["requiredTier"] = "group.error.tier_name"
		}
	default:
		v["policy"] = "group.error.policy"
	}
	if in.Policy != JoinApproval {
		in.Question = ""
	}
	if in.Policy != JoinTier {
		in.RequiredTier = ""
	}
	if in.HoldFirstPosts < 0 || in.HoldFirstPosts > maxHoldFirstPosts {
		v["holdFirstPosts"] = "group.error.hold"
	}
	return v.OrNil()
}

// CreateGroup creates a group; only site staff may. The creator becomes
// its owner and first member.
func (s *Service) CreateGroup(ctx context.Context, a Actor, in GroupInput) (Group, error) {
	if !a.SiteStaff() {
		return Group{}, ErrForbidden
	}
	if err := in.Validate(); err != nil {
		return Group{}, err
	}
	now := s.now()
	g := Group{ID: GroupID(newID()), Slug: in.Slug, Name: in.Name, Description: in.Description,
		DescriptionHTML: RenderMarkdown(in.Description), Color: in.Color, CoverURL: in.CoverURL,
		Visibility: in.Visibility, Policy: in.Policy, Question: in.Question, RequiredTier: in.RequiredTier,
		HoldFirstPosts: in.HoldFirstPosts, CreatedBy: a.ID(), CreatedAt: now}
	if err := s.insertGroup(ctx, g); err != nil {
		if errors.Is(err, errDuplicate) {
			return Group{}, ValidationError{"slug": "group.error.slug_taken"}
		}
		return Group{}, err
	}
	if err := s.addMember(ctx, g.ID, a, RoleOwner, StateActive, ""); err != nil {
		return Group{}, err
	}
	g.Members = 1
	s.record(ctx, a, g.ID, AuditGroupCreate, "group", string(g.ID), "", "")
	return g, nil
}

// GroupBySlug returns the group at slug with the actor's standing in it,
// or ErrNotFound if there is none or the actor may not know of it.
func (s *Service) GroupBySlug(ctx context.Context, a Actor, slug string) (Standing, error) {
	if !slugPattern.MatchString(slug) {
		return Standing{}, ErrNotFound
	}
	g, err := s.findGroupBySlug(ctx, slug)
	if err != nil {
		return Standing{}, err
	}
	return s.standingIn(ctx, a, g)
}

// standingAs is GroupBySlug for a function that needs a right in the
// group: it passes only if check (Standing.requireRead, requirePost or
// requireModerate) does, and fails with check's error otherwise.
func (s *Service) standingAs(ctx context.Context, a Actor, slug string, check func(Standing) error) (Standing, error) {
	st, err := s.GroupBySlug(ctx, a, slug)
	if err != nil {
		return st, err
	}
	return st, check(st)
}

// standingIn loads the actor's membership of g and refuses a group the
// actor may not know of.
func (s *Service) standingIn(ctx context.Context, a Actor, g Group) (Standing, error) {
	st := Standing{Group: g, Actor: a, Now: s.now()}
	if a.SignedIn() {
		m, err := s.findMember(ctx, g.ID, a.ID())
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Standing{}, err
		}
		st.Member = m
	}
	if !st.CanSee() {
		return Standing{}, ErrNotFound
	}
	return st, nil
}

var errDuplicate = errors.New("community: duplicate key")

// dupOr turns a duplicate-key error into errDuplicate and wraps others.
func dupOr(err error, what string) error {
	if err == nil {
		return nil
	}
	if mongodb.IsDuplicateKey(err) {
		return errDuplicate
	}
	return wrap(err, what)
}
