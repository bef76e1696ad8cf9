package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// ---------------------------------------------------------------------
// Document shapes.
//
// Every shape the driver writes or reads is here and nowhere else. They
// MUST follow, field for field and tag for tag, the stores they copy:
//
//	accountDoc   auth/account_store.go (roles: auth/account.go)
//	identityDoc  auth/identity_store.go (_id provider:subject, auth/identity.go)
//	siteOwnerDoc auth/account_store.go claimOwner (the site's first owner)
//	sessionDoc   auth/session_store.go (_id = hashToken, auth/service.go)
//	groupDoc     community/group_store.go (+ IdeaTag from community/idea.go)
//	memberDoc    community/group_store.go (roles, states: community/groupmember.go)
//	ideaDoc      community/idea_store.go (+ StatusChange, Response, IdeaRef
//	             from community/idea.go; score: trendingScore)
//	voteDoc      community/vote.go (_id idea:account)
//	ballotDoc    community/vote.go (_id group:account)
//	postDoc      community/post_store.go (states: community/post.go)
//	commentDoc   community/comment_store.go (parent: post or idea, as
//	             community/comment.go's Parent; states: community/post.go)
//	reactionDoc  community/reaction.go (_id target:account:reaction, target
//	             "post:<id>"; reactions: community.Reactions)
//
// When one of those changes, change it here too, or the server will read
// seeded data differently from what it writes itself.
// ---------------------------------------------------------------------

// Collection names, as auth and community name them.
const (
	collAccounts   = "accounts"
	collIdentities = "identities"
	collSite       = "site"
	collSessions   = "sessions"
	collGroups     = "groups"
	collMembers    = "group_members"
	collIdeas      = "ideas"
	collVotes      = "votes"
	collBallots    = "idea_ballots"
	collPosts      = "posts"
	collComments   = "comments"
	collReactions  = "reactions"
)

type accountDoc struct {
	ID            string    `bson:"_id"`
	Name          string    `bson:"name"`
	Email         string    `bson:"email,omitempty"`
	EmailVerified bool      `bson:"emailVerified"`
	AvatarURL     string    `bson:"avatarUrl,omitempty"`
	Locale        string    `bson:"locale,omitempty"`
	TimeZone      string    `bson:"timeZone,omitempty"`
	BirthMonth    int       `bson:"birthMonth,omitempty"`
	BirthDay      int       `bson:"birthDay,omitempty"`
	Mail          string    `bson:"mail,omitempty"`
	Role          string    `bson:"role"` // owner, admin, member
	Identities    int       `bson:"identities"`
	CreatedAt     time.Time `bson:"createdAt"`
	LastSeenAt    time.Time `bson:"lastSeenAt"`
	DeletedAt     time.Time `bson:"deletedAt,omitempty"`
}

type identityDoc struct {
	ID            string    `bson:"_id"` // provider:subject
	Provider      string    `bson:"provider"`
	Subject       string    `bson:"subject"`
	AccountID     string    `bson:"accountId"`
	Email         string    `bson:"email,omitempty"`
	EmailVerified bool      `bson:"emailVerified"`
	AvatarURL     string    `bson:"avatarUrl,omitempty"`
	LinkedAt      time.Time `bson:"linkedAt"`
}

// siteOwnerDoc is the claim that makes an account the site's owner.
type siteOwnerDoc struct {
	ID        string    `bson:"_id"` // always "owner"
	AccountID string    `bson:"accountId"`
	At        time.Time `bson:"at"`
}

type oauthState struct {
	Provider string `bson:"provider"`
	State    string `bson:"state"`
	Verifier string `bson:"verifier"`
	Intent   string `bson:"intent"`
}

type sessionDoc struct {
	ID         string      `bson:"_id"` // hex SHA-256 of the cookie token
	AccountID  string      `bson:"accountId,omitempty"`
	CSRF       string      `bson:"csrf"`
	OAuth      *oauthState `bson:"oauth,omitempty"`
	CreatedAt  time.Time   `bson:"createdAt"`
	SeenAt     time.Time   `bson:"seenAt"`
	ExpiresAt  time.Time   `bson:"expiresAt"`
	AbsoluteAt time.Time   `bson:"absoluteAt"`
}

type ideaTag struct {
	ID    string `bson:"id"`
	Name  string `bson:"name"`
	Color string `bson:"color"`
}

type groupDoc struct {
	ID              string    `bson:"_id"`
	Slug            string    `bson:"slug"`
	Name            string    `bson:"name"`
	Description     string    `bson:"description"`
	DescriptionHTML string    `bson:"descriptionHtml"`
	Color           string    `bson:"color"`
	CoverURL        string    `bson:"coverUrl,omitempty"`
	Visibility      string    `bson:"visibility"` // listed, unlisted
	Policy          string    `bson:"policy"`     // open, approval, invite, tier
	Question        string    `bson:"question,omitempty"`
	RequiredTier    string    `bson:"requiredTier,omitempty"`
	HoldFirstPosts  int       `bson:"holdFirstPosts"`
	Members         int       `bson:"members"`
	Posts           int       `bson:"posts"`
	FeedVersion     int64     `bson:"feedVersion"`
	CreatedBy       string    `bson:"createdBy"`
	CreatedAt       time.Time `bson:"createdAt"`
	BoardOff        bool      `bson:"boardOff,omitempty"`
	IdeaTags        []ideaTag `bson:"ideaTags,omitempty"`
	BoardVersion    int64     `bson:"boardVersion"`
}

type memberDoc struct {
	ID          string    `bson:"_id"` // group:account
	Group       string    `bson:"group"`
	Account     string    `bson:"account"`
	Name        string    `bson:"name"`
	AvatarURL   string    `bson:"avatarUrl,omitempty"`
	Role        string    `bson:"role"`  // owner, moderator, member
	State       string    `bson:"state"` // active, pending, invited, banned
	Answer      string    `bson:"answer,omitempty"`
	MutedUntil  time.Time `bson:"mutedUntil,omitempty"`
	Published   int       `bson:"published"`
	Unpublished int       `bson:"unpublished"`
	JoinedAt    time.Time `bson:"joinedAt"`
}

type statusChange struct {
	Status string    `bson:"status"`
	By     string    `bson:"by"`
	ByName string    `bson:"byName"`
	At     time.Time `bson:"at"`
	Note   string    `bson:"note,omitempty"`
}

type response struct {
	Body     string    `bson:"body"`
	HTML     string    `bson:"html"`
	By       string    `bson:"by"`
	ByName   string    `bson:"byName"`
	At       time.Time `bson:"at"`
	EditedAt time.Time `bson:"editedAt,omitempty"`
}

type ideaRef struct {
	ID    string `bson:"id"`
	Title string `bson:"title"`
}

type ideaDoc struct {
	ID              string         `bson:"_id"`
	Group           string         `bson:"group"`
	Author          string         `bson:"author"`
	AuthorName      string         `bson:"authorName"`
	Title           string         `bson:"title"`
	Body            string         `bson:"body"`
	HTML            string         `bson:"html"`
	Tags            []string       `bson:"tags"`
	Status          string         `bson:"status"`
	StatusAt        time.Time      `bson:"statusAt"`
	History         []statusChange `bson:"history"`
	Response        response       `bson:"response"`
	FirstResponseAt time.Time      `bson:"firstResponseAt,omitempty"`
	MergedInto      ideaRef        `bson:"mergedInto,omitempty"`
	Duplicates      []ideaRef      `bson:"duplicates,omitempty"`
	Votes           int            `bson:"votes"`
	Score           float64        `bson:"score"`
	Comments        int            `bson:"comments"`
	Removed         bool           `bson:"removed"`
	Words           []string       `bson:"words"`
	CreatedAt       time.Time      `bson:"createdAt"`
	UpdatedAt       time.Time      `bson:"updatedAt"`
}

type voteDoc struct {
	ID        string    `bson:"_id"` // idea:account
	Idea      string    `bson:"idea"`
	Group     string    `bson:"group"`
	Account   string    `bson:"account"`
	CreatedAt time.Time `bson:"createdAt"`
}

type ballotDoc struct {
	ID    string   `bson:"_id"` // group:account
	Ideas []string `bson:"ideas"`
}

type postDoc struct {
	ID           string         `bson:"_id"`
	Group        string         `bson:"group"`
	Author       string         `bson:"author"`
	AuthorName   string         `bson:"authorName"`
	AuthorAvatar string         `bson:"authorAvatar,omitempty"`
	Body         string         `bson:"body"`
	HTML         string         `bson:"html"`
	State        string         `bson:"state"` // published, held, hidden, deleted
	Pinned       bool           `bson:"pinned"`
	Locked       bool           `bson:"locked"`
	Comments     int            `bson:"comments"`
	Reactions    map[string]int `bson:"reactions"`
	Reports      int            `bson:"reports"`
	Mentions     []string       `bson:"mentions,omitempty"`
	CreatedAt    time.Time      `bson:"createdAt"`
	EditedAt     time.Time      `bson:"editedAt,omitempty"`
}

// commentDoc is a comment on a post or an idea: exactly one of Post and
// Idea is set.
type commentDoc struct {
	ID           string         `bson:"_id"`
	Post         string         `bson:"post,omitempty"`
	Idea         string         `bson:"idea,omitempty"`
	Group        string         `bson:"group"`
	Author       string         `bson:"author"`
	AuthorName   string         `bson:"authorName"`
	AuthorAvatar string         `bson:"authorAvatar,omitempty"`
	Body         string         `bson:"body"`
	HTML         string         `bson:"html"`
	State        string         `bson:"state"` // published, held, hidden, deleted
	ReplyTo      string         `bson:"replyTo,omitempty"`
	ReplyToName  string         `bson:"replyToName,omitempty"`
	ReplyToQuote string         `bson:"replyToQuote,omitempty"`
	Reactions    map[string]int `bson:"reactions"`
	Reports      int            `bson:"reports"`
	CreatedAt    time.Time      `bson:"createdAt"`
	EditedAt     time.Time      `bson:"editedAt,omitempty"`
}

type reactionDoc struct {
	ID        string    `bson:"_id"`    // target:account:reaction
	Target    string    `bson:"target"` // post:<id> or comment:<id>
	Group     string    `bson:"group"`
	Account   string    `bson:"account"`
	Reaction  string    `bson:"reaction"`
	CreatedAt time.Time `bson:"createdAt"`
}

// reactions are community.Reactions, in its order.
var reactions = []string{"like", "love", "laugh", "wow", "sad", "thanks"}

// postTarget is community/reaction.go's: a reaction's target names a
// post as "post:<id>".
func postTarget(id string) string { return "post:" + id }

// Values of the shapes' enumerations, as auth and community spell them.
const (
	siteRoleOwner   = "owner"
	siteRoleMember  = "member"
	groupRoleOwner  = "owner"
	groupRoleMember = "member"
	stateActive     = "active"
	postPublished   = "published"
	postHeld        = "held"
	postHidden      = "hidden"
)

// ideaStatuses is the mix of statuses seeded, by weight: half open, the
// rest spread over the brand's answers. No idea is merged, so every one
// takes votes.
var ideaStatuses = []string{"open", "open", "open", "open", "open",
	"under_review", "planned", "in_progress", "shipped", "declined"}

// trendingScore is community/idea_store.go's: log2(1+votes) plus the
// idea's age from 2025-01-01 in units of 72 hours.
func trendingScore(votes int, created time.Time) float64 {
	epoch := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return math.Log2(1+float64(max(votes, 0))) + float64(created.Sub(epoch))/float64(72*time.Hour)
}

// hashToken is auth/service.go's: a session's _id is the hex SHA-256 of
// its cookie token.
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// feedCursor is community/feed.go's cursor: createdAt in Unix ms, a
// dash, the post's id. The feed takes it as ?before=.
func feedCursor(at time.Time, id string) string {
	return strconv.FormatInt(at.UnixMilli(), 10) + "-" + id
}

// Sessions start with auth's signed-in lifetimes (auth/session.go).
const (
	sessionIdle     = 30 * 24 * time.Hour
	sessionAbsolute = 90 * 24 * time.Hour
)

// markdown and sanitiser are configured as community/markdown.go's, so a
// seeded post's html is what the site would have rendered.
var (
	markdown = goldmark.New(
		goldmark.WithExtensions(extension.Strikethrough, extension.Linkify),
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
	sanitiser = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		return p
	}()
)

func renderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return sanitiser.Sanitize(src)
	}
	return sanitiser.Sanitize(buf.String())
}

// ---------------------------------------------------------------------
// Seeding.
// ---------------------------------------------------------------------

// seeder writes one size of data straight into the collections.
type seeder struct {
	db    store
	spec  sizeSpec
	r     *mrand.Rand
	now   time.Time
	group string
	ids   []string // account ids; ids[0] is the site owner
	names []string
	pub   []int // published posts per account
	unpub []int // held or hidden posts per account
	st    *seedState
	soc   *social // comments and reactions, with -social; else nil
}

// seed fills dir at spec's size, with comments and reactions if social,
// and returns the state to keep.
func seed(ctx context.Context, dir string, spec sizeSpec, social bool) (*seedState, error) {
	if err := os.WriteFile(filepath.Join(dir, seedingFile), nil, 0o600); err != nil {
		return nil, err
	}
	db, err := openStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer db.close()
	s := &seeder{db: db, spec: spec, r: mrand.New(mrand.NewPCG(uint64(len(spec.name)), 2026)),
		now: time.Now().UTC().Truncate(time.Millisecond), group: newID(time.Now())}
	s.st = &seedState{Size: seedName(spec, social), Social: social, Group: s.group, Slug: groupSlug, Members: spec.members}
	if social {
		s.soc = newSocial(ctx, db)
	}
	for _, step := range []struct {
		what string
		run  func(context.Context) error
	}{
		{"accounts", s.accounts}, {"sessions", s.sessions}, {"ideas and votes", s.ideas},
		{"posts", s.posts}, {"group members", s.members}, {"group", s.groupDoc},
	} {
		t := time.Now()
		if err := step.run(ctx); err != nil {
			return nil, fmt.Errorf("seed %s: %w", step.what, err)
		}
		fmt.Printf("  seeded %s in %s\n", step.what, time.Since(t).Round(time.Millisecond))
	}
	if s.soc != nil {
		s.soc.print(s.published(), s.spec.ideas)
	}
	return s.st, nil
}

// newID is an ObjectID in hex whose time part is at, as community's ids
// would be had the document been written then.
func newID(at time.Time) string {
	id := primitive.NewObjectID()
	ts := uint32(at.Unix())
	id[0], id[1], id[2], id[3] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	return id.Hex()
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// accounts writes the accounts, each with its email identity; the first
// is the site owner, which auth decides by the "site" claim document.
func (s *seeder) accounts(ctx context.Context) error {
	accounts := newBatcher(ctx, s.db, collAccounts, 0)
	identities := newBatcher(ctx, s.db, collIdentities, 0)
	created := s.now.Add(-400 * 24 * time.Hour)
	for i := range s.spec.members {
		at := created.Add(time.Duration(i) * time.Minute)
		id, name := newID(at), memberName(i)
		email := fmt.Sprintf("member%05d@load.test", i)
		role := siteRoleMember
		if i == 0 {
			role, name, email = siteRoleOwner, "Club Owner", "owner@load.test"
		}
		s.ids, s.names = append(s.ids, id), append(s.names, name)
		if err := accounts.add(accountDoc{ID: id, Name: name, Email: email, EmailVerified: true, Role: role,
			Identities: 1, CreatedAt: at, LastSeenAt: s.now}); err != nil {
			return err
		}
		if err := identities.add(identityDoc{ID: "email:" + email, Provider: "email", Subject: email, AccountID: id,
			Email: email, EmailVerified: true, LinkedAt: at}); err != nil {
			return err
		}
	}
	s.pub, s.unpub = make([]int, len(s.ids)), make([]int, len(s.ids))
	s.st.Owner = s.ids[0]
	if err := errors.Join(accounts.flush(), identities.flush()); err != nil {
		return err
	}
	_, err := s.db.coll(collSite).InsertOne(ctx, siteOwnerDoc{ID: "owner", AccountID: s.ids[0], At: created})
	return err
}

func memberName(i int) string {
	if i%3 == 1 {
		return fmt.Sprintf("회원 %d", i)
	}
	return fmt.Sprintf("Member %05d", i)
}

// sessions signs in the first sessionsKept members after the owner.
func (s *seeder) sessions(ctx context.Context) error {
	b := newBatcher(ctx, s.db, collSessions, 0)
	for i := 1; i <= min(sessionsKept, len(s.ids)-1); i++ {
		c := credential{Account: s.ids[i], Name: s.names[i], Token: randomToken(), CSRF: randomToken()}
		s.st.Sessions = append(s.st.Sessions, c)
		if err := b.add(newSession(c, s.now)); err != nil {
			return err
		}
	}
	return b.flush()
}

func newSession(c credential, now time.Time) sessionDoc {
	return sessionDoc{ID: hashToken(c.Token), AccountID: c.Account, CSRF: c.CSRF, CreatedAt: now,
		SeenAt: now, ExpiresAt: now.Add(sessionIdle), AbsoluteAt: now.Add(sessionAbsolute)}
}

// refreshSessions makes the driver's sessions freshly seen, so none
// expires during a run and the server does not rewrite them all at once.
func refreshSessions(ctx context.Context, db store, creds []credential) error {
	ids := make([]string, len(creds))
	for i, c := range creds {
		ids[i] = hashToken(c.Token)
	}
	now := time.Now().UTC()
	_, err := db.coll(collSessions).UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}}, bson.M{"$set": bson.M{
		"seenAt": now, "expiresAt": now.Add(sessionIdle), "absoluteAt": now.Add(sessionAbsolute)}})
	return err
}

// ballotsOf returns the ideas each of the accounts voted for in group.
func ballotsOf(ctx context.Context, db store, group string, accounts []string) (map[string][]string, error) {
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = group + ":" + a
	}
	out := map[string][]string{}
	err := each(ctx, db, collBallots, bson.M{"_id": bson.M{"$in": ids}}, func(d ballotDoc) {
		out[strings.TrimPrefix(d.ID, group+":")] = d.Ideas
	})
	return out, err
}

// ideas writes the ideas, then their votes and the voters' ballots. Idea
// i gets counts[i] votes from distinct members; its counter and trending
// score match them.
func (s *seeder) ideas(ctx context.Context) error {
	counts := s.voteCounts()
	ideas := make([]ideaDoc, s.spec.ideas)
	b := newBatcher(ctx, s.db, collIdeas, 0)
	start := s.now.Add(-180 * 24 * time.Hour)
	step := 180 * 24 * time.Hour / time.Duration(s.spec.ideas)
	for i := range ideas {
		created := start.Add(time.Duration(i)*step + time.Duration(s.r.Int64N(int64(step)))).Truncate(time.Millisecond)
		ideas[i] = s.idea(i, created, counts[i])
		s.st.Ideas = append(s.st.Ideas, ideas[i].ID)
	}
	if s.soc != nil {
		// Before the ideas are written, so their counters are set.
		if err := s.ideaComments(ideas); err != nil {
			return err
		}
	}
	for _, d := range ideas {
		if err := b.add(d); err != nil {
			return err
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	return s.votes(ctx, ideas)
}

// voteCounts spreads the votes over the ideas, skewed as boards are: a
// few ideas get many, most get a few; none gets more than every member.
func (s *seeder) voteCounts() []int {
	w := make([]float64, s.spec.ideas)
	sum := 0.0
	for i := range w {
		e := s.r.ExpFloat64()
		w[i] = e * e
		sum += w[i]
	}
	counts := make([]int, len(w))
	total := 0
	for i := range w {
		counts[i] = min(s.spec.members, int(w[i]/sum*float64(s.spec.votes)))
		total += counts[i]
	}
	for i := 0; total < s.spec.votes; i = (i + 1) % len(counts) {
		if counts[i] < s.spec.members {
			counts[i]++
			total++
		}
	}
	return counts
}

var ideaTopics = []string{"a dark mode for the app", "refill packs for the travel kit", "a members' meetup in Busan",
	"Naver Pay at checkout", "a lighter charging case", "engraving on the premium edition", "longer warranty for members",
	"a family plan", "recycled packaging", "an early-access beta programme", "colour options for the strap",
	"a Korean manual", "free returns for premium members", "an order tracker in the app"}

func (s *seeder) idea(i int, created time.Time, votes int) ideaDoc {
	author := s.r.IntN(len(s.ids))
	title := fmt.Sprintf("Idea %d: %s", i, ideaTopics[i%len(ideaTopics)])
	body := fmt.Sprintf("It would help a lot to have **%s**.\n\n- it saves time\n- others asked too (see #%d)",
		ideaTopics[i%len(ideaTopics)], i)
	status := ideaStatuses[s.r.IntN(len(ideaStatuses))]
	d := ideaDoc{ID: newID(created), Group: s.group, Author: s.ids[author], AuthorName: s.names[author],
		Title: title, Body: body, HTML: renderMarkdown(body), Tags: []string{}, Status: status, StatusAt: created,
		Votes: votes, Score: trendingScore(votes, created), Words: titleWords(title), CreatedAt: created, UpdatedAt: created}
	d.History = []statusChange{{Status: "open", By: s.ids[author], ByName: s.names[author], At: created}}
	if status != "open" {
		at := created.Add(time.Duration(1+s.r.IntN(240)) * time.Hour)
		d.StatusAt, d.UpdatedAt = at, at
		d.History = append(d.History, statusChange{Status: status, By: s.ids[0], ByName: s.names[0], At: at})
		answer := "Thank you! We are looking at this with the product team."
		d.Response = response{Body: answer, HTML: renderMarkdown(answer), By: s.ids[0], ByName: s.names[0], At: at}
		d.FirstResponseAt = at
	}
	return d
}

// titleWords approximates community/idea.go's titleWords for English
// titles: lower-cased words of two letters or more, stop words dropped.
func titleWords(title string) []string {
	stop := map[string]bool{"a": true, "an": true, "the": true, "and": true, "or": true, "to": true, "of": true,
		"for": true, "in": true, "on": true, "with": true, "at": true}
	words := []string{}
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		if len(w) >= 2 && !stop[w] && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// votes writes each idea's votes from distinct members, picked by a
// partial shuffle, then one ballot per voter listing what they voted.
func (s *seeder) votes(ctx context.Context, ideas []ideaDoc) error {
	b := newBatcher(ctx, s.db, collVotes, 100_000)
	perm := make([]int, len(s.ids))
	for i := range perm {
		perm[i] = i
	}
	ballots := make([][]string, len(s.ids))
	for _, idea := range ideas {
		span := int64(s.now.Sub(idea.CreatedAt))
		for k := range idea.Votes {
			j := k + s.r.IntN(len(perm)-k)
			perm[k], perm[j] = perm[j], perm[k]
			a := perm[k]
			at := idea.CreatedAt.Add(time.Duration(s.r.Int64N(span))).Truncate(time.Millisecond)
			if err := b.add(voteDoc{ID: idea.ID + ":" + s.ids[a], Idea: idea.ID, Group: s.group, Account: s.ids[a], CreatedAt: at}); err != nil {
				return err
			}
			ballots[a] = append(ballots[a], idea.ID)
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	return s.ballots(ctx, ballots)
}

func (s *seeder) ballots(ctx context.Context, ballots [][]string) error {
	b := newBatcher(ctx, s.db, collBallots, 0)
	for a, ideas := range ballots {
		if len(ideas) == 0 {
			continue
		}
		if err := b.add(ballotDoc{ID: s.group + ":" + s.ids[a], Ideas: ideas}); err != nil {
			return err
		}
	}
	return b.flush()
}

var postBodies = []string{
	"Just got the new **{p}** and I love it. Anyone else tried it with the {q}?",
	"## Meetup #{n}\n\nWho is coming to the {p} meetup? We could meet at the usual café.\n\n- bring your {q}\n- snacks welcome",
	"오늘 {p} 매장에 다녀왔어요! *{q}* 정말 좋네요. 다음에 같이 가요 😊",
	"Quick tip: you can clean the {p} with a soft cloth. More at https://example.com/care/{n}",
	"> The {p} is the best thing we made this year.\n\nThat line from the launch stuck with me. What did you think of the {q}?",
	"Day {n} with the {p}:\n\n1. battery still fine\n2. the {q} got a scratch ~~already~~ — no, it wiped off",
}

var products = []string{"travel kit", "charging case", "premium edition", "strap", "limited colour", "gift box", "app"}

func postBody(i int, r *mrand.Rand) string {
	return strings.NewReplacer("{p}", products[r.IntN(len(products))], "{q}", products[r.IntN(len(products))],
		"{n}", strconv.Itoa(i)).Replace(postBodies[i%len(postBodies)])
}

// posts writes the group's feed, spread over the last 180 days: most
// published, a few held or hidden. It keeps each author's counts for the
// member documents and the cursors of the feed's pages as a member sees
// them (published posts, newest first, 20 a page).
func (s *seeder) posts(ctx context.Context) error {
	b := newBatcher(ctx, s.db, collPosts, 20_000)
	start := s.now.Add(-180 * 24 * time.Hour)
	step := 180 * 24 * time.Hour / time.Duration(s.spec.posts)
	var visible []postDoc
	for i := range s.spec.posts {
		at := start.Add(time.Duration(i)*step + time.Duration(s.r.Int64N(int64(step)))).Truncate(time.Millisecond)
		p := s.post(i, at)
		if p.State == postPublished {
			visible = append(visible, postDoc{ID: p.ID, CreatedAt: p.CreatedAt})
			if s.soc != nil {
				// Posts are written oldest first: this one is the
				// (posts-1-i)-th newest.
				if err := s.postSocial(&p, s.spec.posts-1-i); err != nil {
					return err
				}
			}
		}
		if err := b.add(p); err != nil {
			return err
		}
	}
	s.st.Cursors = pageCursors(visible, 20)
	if s.soc != nil {
		if err := s.soc.flush(); err != nil {
			return err
		}
	}
	return b.flush()
}

func (s *seeder) post(i int, at time.Time) postDoc {
	a := 1 + s.r.IntN(len(s.ids)-1)
	body := postBody(i, s.r)
	p := postDoc{ID: newID(at), Group: s.group, Author: s.ids[a], AuthorName: s.names[a], Body: body,
		HTML: renderMarkdown(body), State: postPublished, Reactions: map[string]int{}, CreatedAt: at}
	switch n := s.r.IntN(200); {
	case n < 2:
		p.State = postHidden
	case n < 3:
		p.State = postHeld
	}
	if p.State == postPublished {
		s.pub[a]++
	} else {
		s.unpub[a]++
	}
	return p
}

// pageCursors returns the cursor that opens each feed page after the
// first, in the feed's order: createdAt, then _id, newest first.
func pageCursors(posts []postDoc, size int) []string {
	slices.SortFunc(posts, func(a, b postDoc) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	var out []string
	for end := size; end < len(posts); end += size {
		p := posts[end-1]
		out = append(out, feedCursor(p.CreatedAt, p.ID))
	}
	return out
}

// members makes every account an active member; the site owner owns the
// group.
func (s *seeder) members(ctx context.Context) error {
	b := newBatcher(ctx, s.db, collMembers, 0)
	for i, id := range s.ids {
		role := groupRoleMember
		if i == 0 {
			role = groupRoleOwner
		}
		if err := b.add(memberDoc{ID: s.group + ":" + id, Group: s.group, Account: id, Name: s.names[i], Role: role,
			State: stateActive, Published: s.pub[i], Unpublished: s.unpub[i], JoinedAt: s.now.Add(-365 * 24 * time.Hour)}); err != nil {
			return err
		}
	}
	return b.flush()
}

// published counts the published posts written.
func (s *seeder) published() int {
	n := 0
	for _, k := range s.pub {
		n += k
	}
	return n
}

// groupDoc writes the group with counters equal to what was inserted:
// every post, comment on a post or reaction, and every vote, idea or
// comment on an idea moved a version once.
func (s *seeder) groupDoc(ctx context.Context) error {
	feed, board := int64(s.spec.posts), int64(s.spec.ideas+s.spec.votes)
	if s.soc != nil {
		feed += int64(s.soc.onPosts + s.soc.reactions.total)
		board += int64(s.soc.onIdeas)
	}
	desc := "The **club** for our most loyal customers. Be kind; see the [rules](https://example.com/rules)."
	_, err := s.db.coll(collGroups).InsertOne(ctx, groupDoc{ID: s.group, Slug: groupSlug, Name: "The Club",
		Description: desc, DescriptionHTML: renderMarkdown(desc), Color: "violet", Visibility: "listed", Policy: "open",
		Members: len(s.ids), Posts: s.published(), FeedVersion: feed, CreatedBy: s.ids[0],
		CreatedAt: s.now.Add(-365 * 24 * time.Hour), BoardVersion: board})
	return err
}
