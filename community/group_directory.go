package community

import (
	"context"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"go.mongodb.org/mongo-driver/bson"
)

// DirectoryPageSize is how many groups a page of the directory lists.
const DirectoryPageSize = 24

// maxUnlistedShown bounds the viewer's own unlisted groups, listed on the
// directory's first page; a person belongs to tens of groups, not more.
const maxUnlistedShown = 100

// DirectoryEntry is a group with the viewer's relation to it.
type DirectoryEntry struct {
	Group   Group
	State   MemberState // "" when none
	Excerpt string      // the description as plain text, shortened
}

// Directory is one page of the group directory.
type Directory struct {
	// Entries are the listed groups by name (every group, for staff).
	Entries []DirectoryEntry
	// Next is the cursor of the following page, "" on the last.
	Next string
	// Unlisted are the unlisted groups the viewer belongs to, is invited
	// to or asked to join; on the first page, and never for staff, who
	// see every group in Entries.
	Unlisted []DirectoryEntry
}

// Directory returns a page of the groups the actor may know of, by name,
// after the group whose id is after (the previous page's Next). It costs
// a fixed number of queries: the page, one $in for the viewer's relations
// to the page's groups, and on the first page the viewer's unlisted ones.
func (s *Service) Directory(ctx context.Context, a Actor, after string) (Directory, error) {
	filter := bson.M{"visibility": Listed}
	sort := bson.D{{Key: "visibility", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}
	if a.SiteStaff() { // staff see every group; served by "groups_name"
		filter, sort = bson.M{}, sort[1:]
	}
	if after != "" {
		if !validID(after) {
			return Directory{}, ErrNotFound
		}
		last, err := s.findGroup(ctx, GroupID(after))
		if err != nil || (last.Visibility != Listed && !a.SiteStaff()) { // an unlisted id stays unknown
			return Directory{}, ErrNotFound
		}
		filter["$or"] = bson.A{bson.M{"name": bson.M{"$gt": last.Name}}, bson.M{"name": last.Name, "_id": bson.M{"$gt": last.ID}}}
	}
	var docs []groupDoc
	if err := s.findAll(ctx, s.groups, filter, sort, DirectoryPageSize+1, &docs, "list groups"); err != nil {
		return Directory{}, err
	}
	var d Directory
	docs, d.Next = cutPage(docs, DirectoryPageSize, func(g groupDoc) string { return string(g.ID) })
	if after == "" && a.SignedIn() && !a.SiteStaff() {
		unlisted, err := s.unlistedOf(ctx, a)
		if err != nil {
			return Directory{}, err
		}
		docs = append(docs, unlisted...)
	}
	states, err := s.statesIn(ctx, a, docs)
	if err != nil {
		return Directory{}, err
	}
	for _, doc := range docs {
		st := states[doc.ID]
		if st == StateBanned && !a.SiteStaff() { // a ban hides the group from its subject
			continue
		}
		e := DirectoryEntry{Group: doc.group(), State: st, Excerpt: excerpt(doc.DescriptionHTML, 160)}
		if doc.Visibility == Unlisted && !a.SiteStaff() {
			d.Unlisted = append(d.Unlisted, e)
		} else {
			d.Entries = append(d.Entries, e)
		}
	}
	return d, nil
}

// unlistedOf returns the unlisted groups the actor has a relation with,
// by name. Served by "group_members_account" and then by _id.
func (s *Service) unlistedOf(ctx context.Context, a Actor) ([]groupDoc, error) {
	var rel []memberDoc
	if err := s.findAll(ctx, s.members, bson.M{"account": a.ID(), "state": bson.M{"$ne": StateBanned}}, nil,
		maxUnlistedShown, &rel, "list memberships"); err != nil {
		return nil, err
	}
	ids := make([]GroupID, 0, len(rel))
	for _, m := range rel {
		ids = append(ids, m.Group)
	}
	var docs []groupDoc
	err := s.findAll(ctx, s.groups, bson.M{"_id": bson.M{"$in": ids}, "visibility": Unlisted},
		bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}, maxUnlistedShown, &docs, "list unlisted groups")
	return docs, err
}

// statesIn returns the actor's state in each of the groups, with one $in
// on the relations' composite _id.
func (s *Service) statesIn(ctx context.Context, a Actor, groups []groupDoc) (map[GroupID]MemberState, error) {
	states := map[GroupID]MemberState{}
	if !a.SignedIn() || len(groups) == 0 {
		return states, nil
	}
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = memberID(g.ID, a.ID())
	}
	var rel []memberDoc
	if err := s.findAll(ctx, s.members, bson.M{"_id": bson.M{"$in": ids}}, nil, len(ids), &rel, "list memberships"); err != nil {
		return nil, err
	}
	for _, m := range rel {
		states[m.Group] = m.State
	}
	return states, nil
}

// plainText keeps only the text of sanitised HTML.
var plainText = bluemonday.StrictPolicy()

// blockEnd matches the ends of blocks and line breaks, which become
// spaces so paragraphs do not run together.
var blockEnd = regexp.MustCompile(`(?i)</(?:p|li|h[1-6]|blockquote|pre)>|<br\s*/?>`)

// excerpt turns rendered Markdown into at most n characters of plain text
// on one line, cut at a word where it can be.
func excerpt(htmlSrc string, n int) string {
	text := strings.Join(strings.Fields(html.UnescapeString(plainText.Sanitize(blockEnd.ReplaceAllString(htmlSrc, " ")))), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " .,;:") + "…"
}
