package community

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fanclub/auth"
	"fanclub/internal/activity"
)

// IdeaID identifies an idea.
type IdeaID string

// IdeaStatus is where the brand has taken an idea.
type IdeaStatus string

const (
	IdeaOpen       IdeaStatus = "open"
	IdeaReview     IdeaStatus = "under_review"
	IdeaPlanned    IdeaStatus = "planned"
	IdeaInProgress IdeaStatus = "in_progress"
	IdeaShipped    IdeaStatus = "shipped"
	IdeaDeclined   IdeaStatus = "declined"
	IdeaMerged     IdeaStatus = "merged" // a duplicate, merged into another idea
)

// IdeaStatuses lists every status in the order an idea travels.
var IdeaStatuses = []IdeaStatus{IdeaOpen, IdeaReview, IdeaPlanned, IdeaInProgress, IdeaShipped, IdeaDeclined, IdeaMerged}

// activeStatuses are the ideas the board shows unless asked otherwise:
// those still on their way.
var activeStatuses = []IdeaStatus{IdeaOpen, IdeaReview, IdeaPlanned, IdeaInProgress}

// ParseIdeaStatus returns the status named s, or false if none is.
func ParseIdeaStatus(s string) (IdeaStatus, bool) {
	i := slices.Index(IdeaStatuses, IdeaStatus(s))
	if i < 0 {
		return "", false
	}
	return IdeaStatuses[i], true
}

// Idea is a member's proposal on a group's board.
type Idea struct {
	ID         IdeaID
	Group      GroupID
	Author     auth.AccountID
	AuthorName string
	Title      string
	Body       string // Markdown as written; may be empty
	HTML       string
	Tags       []string // ids of the group's IdeaTags
	Status     IdeaStatus
	StatusAt   time.Time
	History    []StatusChange // oldest first
	Response   Response
	// FirstResponseAt is when the brand first answered, for the board's
	// median time to first response.
	FirstResponseAt time.Time
	MergedInto      IdeaRef   // for a merged idea, the original
	Duplicates      []IdeaRef // ideas merged into this one
	Votes           int
	// Score orders the trending sort; see trendingScore.
	Score     float64
	Comments  int
	Removed   bool
	Words     []string // normalised title words, for the similar-idea check
	CreatedAt time.Time
	// UpdatedAt moves when the idea, its status, its response or its
	// comments change; votes do not move it.
	UpdatedAt time.Time
}

// IdeaRef names another idea, for the link between a duplicate and its
// original.
type IdeaRef struct {
	ID    IdeaID `bson:"id"`
	Title string `bson:"title"`
}

// StatusChange is one step on an idea's timeline.
type StatusChange struct {
	Status IdeaStatus     `bson:"status"`
	By     auth.AccountID `bson:"by"`
	ByName string         `bson:"byName"`
	At     time.Time      `bson:"at"`
	Note   string         `bson:"note,omitempty"`
}

// Response is the brand's official answer to an idea.
type Response struct {
	Body     string         `bson:"body"`
	HTML     string         `bson:"html"`
	By       auth.AccountID `bson:"by"`
	ByName   string         `bson:"byName"`
	At       time.Time      `bson:"at"`
	EditedAt time.Time      `bson:"editedAt,omitempty"`
}

// IsZero reports whether nobody has answered yet.
func (r Response) IsZero() bool { return r.Body == "" }

// Open reports whether the idea still takes votes and comments.
func (i Idea) Open() bool { return !i.Removed && i.Status != IdeaMerged }

// IdeaTag is a label moderators define for a group's ideas.
type IdeaTag struct {
	ID    string `bson:"id"`
	Name  string `bson:"name"`
	Color string `bson:"color"` // one of CoverColors
}

// Tag returns the group's tag with id, if it has one.
func (g Group) Tag(id string) (IdeaTag, bool) {
	i := slices.IndexFunc(g.IdeaTags, func(t IdeaTag) bool { return t.ID == id })
	if i < 0 {
		return IdeaTag{}, false
	}
	return g.IdeaTags[i], true
}

// ErrIdeaClosed means the idea was merged into another or removed, so it
// takes no more votes or comments.
var ErrIdeaClosed = errors.New("community: idea merged or removed")

// Bounds on what members write.
const (
	maxIdeaTitle = 120
	maxIdeaTags  = 5
	maxNote      = 500
)

// IdeaInput is what a member writes to propose an idea.
type IdeaInput struct {
	Title string
	Body  string
	Tags  []string
}

// validate trims the input and checks it against the group's tags.
func (in *IdeaInput) validate(g Group) error {
	errs := ValidationError{}
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs["title"] = "idea.error.title_required"
	case n > maxIdeaTitle:
		errs["title"] = "idea.error.title_long"
	}
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if utf8.RuneCountInString(in.Body) > maxBody {
		errs["body"] = "post.error.body_long"
	}
	tags := []string{}
	for _, t := range in.Tags {
		if _, ok := g.Tag(t); !ok {
			errs["tags"] = "idea.error.tag_unknown"
		} else if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	if len(tags) > maxIdeaTags {
		errs["tags"] = "idea.error.tags_many"
	}
	in.Tags = tags
	return errs.OrNil()
}

// boardStanding is the actor's standing in a group whose board is on and
// which they may read; check adds the right the call needs.
func (s *Service) boardStanding(ctx context.Context, a Actor, slug string, check func(Standing) error) (Standing, error) {
	st, err := s.standingAs(ctx, a, slug, check)
	if err != nil {
		return st, err
	}
	if st.Group.BoardOff {
		return st, ErrNotFound
	}
	return st, nil
}

// SimilarIdeas returns up to five open ideas of the group whose titles
// share at least half the words of title, and two words unless one of the
// titles has only one, best match first, so a member can vote for one
// instead of proposing it again.
func (s *Service) SimilarIdeas(ctx context.Context, a Actor, slug, title string) ([]Idea, error) {
	st, err := s.boardStanding(ctx, a, slug, Standing.requirePost)
	if err != nil {
		return nil, err
	}
	words := titleWords(title)
	if len(words) == 0 {
		return nil, nil
	}
	found, err := s.findIdeasSharingWords(ctx, st.Group.ID, words)
	if err != nil {
		return nil, err
	}
	need := (len(words) + 1) / 2
	type match struct {
		idea   Idea
		shared int
	}
	var ms []match
	for _, i := range found {
		shared := 0
		for _, w := range i.Words {
			if slices.Contains(words, w) {
				shared++
			}
		}
		if shared >= need && shared >= min(2, len(words), len(i.Words)) {
			ms = append(ms, match{i, shared})
		}
	}
	slices.SortStableFunc(ms, func(x, y match) int {
		if x.shared != y.shared {
			return y.shared - x.shared
		}
		return y.idea.Votes - x.idea.Votes
	})
	var out []Idea
	for _, m := range ms[:min(len(ms), 5)] {
		out = append(out, m.idea)
	}
	return out, nil
}

// CreateIdea puts the actor's idea on the group's board, open.
func (s *Service) CreateIdea(ctx context.Context, a Actor, slug string, in IdeaInput) (Idea, error) {
	st, err := s.boardStanding(ctx, a, slug, Standing.requirePost)
	if err != nil {
		return Idea{}, err
	}
	if err := in.validate(st.Group); err != nil {
		return Idea{}, err
	}
	if err := s.allowWrite(ctx, a); err != nil {
		return Idea{}, err
	}
	// Stored times keep milliseconds: the score must come from the time
	// as stored, or reconcile would find every unvoted idea off.
	now := s.now().Truncate(time.Millisecond)
	i := Idea{ID: IdeaID(newID()), Group: st.Group.ID, Author: a.ID(), AuthorName: a.Account.Name, Title: in.Title,
		Body: in.Body, HTML: RenderMarkdown(in.Body), Tags: in.Tags, Status: IdeaOpen, StatusAt: now,
		History: []StatusChange{{Status: IdeaOpen, By: a.ID(), ByName: a.Account.Name, At: now}},
		Words:   titleWords(in.Title), Score: trendingScore(0, now), CreatedAt: now, UpdatedAt: now}
	if err := s.insertIdea(ctx, i); err != nil {
		return Idea{}, err
	}
	defer s.engaged(ctx, a.ID(), activity.Idea)
	defer s.earn(ctx, a.ID(), ideaDeed(i.ID))
	return i, s.boardChanged(ctx, st.Group.ID, i.ID)
}

// IdeaByID returns an idea of the group at slug that the actor may read.
// A removed idea is gone for everyone; a merged one still shows, linking
// to its original.
func (s *Service) IdeaByID(ctx context.Context, a Actor, slug string, id IdeaID) (Idea, Standing, error) {
	st, err := s.boardStanding(ctx, a, slug, Standing.requireRead)
	if err != nil {
		return Idea{}, st, err
	}
	if !validID(string(id)) {
		return Idea{}, st, ErrNotFound
	}
	i, err := s.findIdea(ctx, id)
	if err != nil {
		return Idea{}, st, err
	}
	if i.Group != st.Group.ID || i.Removed {
		return Idea{}, st, ErrNotFound
	}
	return i, st, nil
}

// EditIdea lets the author change the title, text and tags of their idea
// while the brand has not answered it.
func (s *Service) EditIdea(ctx context.Context, a Actor, slug string, id IdeaID, in IdeaInput) (Idea, error) {
	i, st, err := s.IdeaByID(ctx, a, slug, id)
	if err != nil {
		return Idea{}, err
	}
	if err := st.requirePost(); err != nil {
		return i, err
	}
	if (i.Author != a.ID() || !i.Response.IsZero() || i.Status != IdeaOpen) && !st.CanModerate() {
		return i, ErrForbidden
	}
	if err := in.validate(st.Group); err != nil {
		return i, err
	}
	i.Title, i.Body, i.HTML, i.Tags, i.Words, i.UpdatedAt = in.Title, in.Body, RenderMarkdown(in.Body), in.Tags, titleWords(in.Title), s.now()
	if err := s.updateIdeaText(ctx, i); err != nil {
		return i, err
	}
	return i, s.boardChanged(ctx, st.Group.ID, i.ID)
}

// DeleteIdea removes an idea from the board: its author may while nobody
// has voted for it, and moderators may, audited.
func (s *Service) DeleteIdea(ctx context.Context, a Actor, slug string, id IdeaID, reason string) error {
	i, st, err := s.IdeaByID(ctx, a, slug, id)
	if err != nil {
		return err
	}
	own := i.Author == a.ID() && i.Votes == 0
	if !own && !st.CanModerate() {
		return ErrForbidden
	}
	if reason, err = validReason(reason); err != nil {
		return err
	}
	if err := s.removeIdea(ctx, id); err != nil {
		return err
	}
	s.unearn(ctx, i.Author, ideaDeed(id))
	if i.Author != a.ID() {
		s.record(ctx, a, st.Group.ID, AuditDelete, "idea", string(id), i.Title, reason)
	}
	return s.boardChanged(ctx, st.Group.ID, id)
}

// stopWords are words too common in idea titles to tell two apart.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "to": true, "of": true, "for": true, "in": true,
	"on": true, "with": true, "be": true, "is": true, "it": true, "we": true, "i": true, "my": true, "our": true,
	"your": true, "me": true, "us": true, "please": true, "add": true, "would": true, "should": true, "can": true,
	"could": true, "that": true, "this": true, "from": true, "at": true, "by": true, "as": true, "more": true,
	"new": true, "option": true, "support": true, "feature": true, "allow": true, "let": true, "make": true,
	"좀": true, "주세요": true, "해주세요": true, "추가": true, "기능": true, "있으면": true, "좋겠어요": true, "좋겠습니다": true,
}

// particles are Korean endings that follow a noun; "앱에서" and "앱" are
// the same word to a reader.
var particles = []string{"에서는", "에서", "으로", "에게", "까지", "부터", "이랑", "하고", "은", "는", "이", "가", "을", "를", "에", "로", "와", "과", "도", "의"}

// titleWords normalises a title to the set of words that tell ideas apart:
// lower-cased, split on anything but letters and digits, Korean particles
// dropped, common words left out.
func titleWords(title string) []string {
	words := []string{}
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		hangul := unicode.Is(unicode.Hangul, []rune(w)[0])
		if hangul {
			for _, p := range particles {
				if stem, ok := strings.CutSuffix(w, p); ok && utf8.RuneCountInString(stem) >= 1 {
					w = stem
					break
				}
			}
		}
		if stopWords[w] || (!hangul && utf8.RuneCountInString(w) < 2) || slices.Contains(words, w) {
			continue
		}
		words = append(words, w)
	}
	return words
}

// IdeaView is an idea's page: the idea, a page of its comments, and where
// the reader stands with it.
type IdeaView struct {
	Idea     Idea
	Comments []Comment
	// Mine holds the reactions the reader gave, by comment id.
	Mine map[string]map[Reaction]bool
	// Next is the cursor for later comments, "" on the last page.
	Next  string
	Voted bool
	// Unsubscribed means the reader turned off news of this idea.
	Unsubscribed bool
}

// IdeaPage returns the idea with a page of its comments after the cursor
// and the reader's vote and subscription, in a fixed number of queries.
func (s *Service) IdeaPage(ctx context.Context, a Actor, slug string, id IdeaID, after string) (IdeaView, Standing, error) {
	i, st, err := s.IdeaByID(ctx, a, slug, id)
	if err != nil {
		return IdeaView{}, st, err
	}
	v := IdeaView{Idea: i}
	if v.Comments, v.Mine, v.Next, err = s.commentPage(ctx, st, OnIdea(id), after); err != nil {
		return v, st, err
	}
	voted, err := s.votedFor(ctx, a, st.Group.ID)
	if err != nil {
		return v, st, err
	}
	v.Voted = voted[id]
	if a.SignedIn() {
		v.Unsubscribed, err = s.unsubscribed(ctx, id, a.ID())
	}
	return v, st, err
}

// IdeaComposer is the actor's standing in a group whose board takes
// their ideas: for the page that proposes one.
func (s *Service) IdeaComposer(ctx context.Context, a Actor, slug string) (Standing, error) {
	return s.boardStanding(ctx, a, slug, Standing.requirePost)
}

// BoardModeration is the actor's standing in a group whose board they
// moderate: for the page that manages its tags.
func (s *Service) BoardModeration(ctx context.Context, a Actor, slug string) (Standing, error) {
	return s.boardStanding(ctx, a, slug, Standing.requireModerate)
}
