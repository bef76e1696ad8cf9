package community

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
)

// Answer is a moderator's move on an idea: a new status, a note for the
// timeline, and the official response. A status and response as they
// were change nothing; a response once written cannot be emptied, so the
// form sends it back with every move.
type Answer struct {
	Status   IdeaStatus
	Note     string
	Response string // Markdown
}

// validate trims the answer and checks it against the idea.
func (in *Answer) validate(i Idea) error {
	errs := ValidationError{}
	if st, ok := ParseIdeaStatus(string(in.Status)); !ok {
		errs["status"] = "idea.error.status"
	} else if st == IdeaMerged && i.Status != IdeaMerged {
		errs["status"] = "idea.error.status_merge"
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > maxNote {
		errs["note"] = "idea.error.note_long"
	}
	in.Response = strings.TrimSpace(strings.ReplaceAll(in.Response, "\r\n", "\n"))
	switch {
	case utf8.RuneCountInString(in.Response) > maxBody:
		errs["response"] = "post.error.body_long"
	case in.Response == "" && !i.Response.IsZero():
		errs["response"] = "idea.error.response_required"
	}
	if len(errs) == 0 && in.Status == i.Status && in.Note == "" && in.Response == i.Response.Body {
		errs["status"] = "idea.error.unchanged"
	}
	return errs.OrNil()
}

// AnswerIdea applies a moderator's answer: the status change goes on the
// timeline, the response is shown with their name, and the idea's author
// and voters hear of it.
func (s *Service) AnswerIdea(ctx context.Context, a Actor, slug string, id IdeaID, in Answer) (Idea, error) {
	i, st, err := s.IdeaByID(ctx, a, slug, id)
	if err != nil {
		return Idea{}, err
	}
	if err := st.requireModerate(); err != nil {
		return i, err
	}
	if !i.Open() {
		return i, ErrIdeaClosed
	}
	if err := in.validate(i); err != nil {
		return i, err
	}
	now, was := s.now(), i.Status
	set := bson.M{"updatedAt": now}
	update := bson.M{"$set": set}
	moved, answered := in.Status != i.Status, in.Response != i.Response.Body
	if moved || in.Note != "" {
		step := StatusChange{Status: in.Status, By: a.ID(), ByName: a.Account.Name, At: now, Note: in.Note}
		update["$push"] = bson.M{"history": step}
		i.History = append(i.History, step)
	}
	if moved {
		set["status"], set["statusAt"] = in.Status, now
		i.Status, i.StatusAt = in.Status, now
	}
	if answered {
		r := Response{Body: in.Response, HTML: RenderMarkdown(in.Response), By: a.ID(), ByName: a.Account.Name, At: now}
		if !i.Response.IsZero() {
			r.At, r.EditedAt = i.Response.At, now
		}
		set["response"], i.Response = r, r
	}
	res, err := s.ideas.UpdateOne(ctx, bson.M{"_id": id, "status": was, "removed": false}, update)
	if err != nil {
		return i, s.ideasLost(wrap(err, "answer idea"))
	}
	if res.MatchedCount == 0 {
		return i, ErrConflict
	}
	first := answered && i.Response.EditedAt.IsZero()
	if first {
		if _, err := s.ideas.UpdateOne(ctx, bson.M{"_id": id, "firstResponseAt": bson.M{"$exists": false}},
			bson.M{"$set": bson.M{"firstResponseAt": now}}); err != nil {
			return i, s.ideasLost(wrap(err, "answer idea"))
		}
	}
	if moved {
		s.record(ctx, a, st.Group.ID, AuditIdeaStatus, "idea", string(id), i.Title, string(in.Status))
	}
	if answered {
		s.record(ctx, a, st.Group.ID, AuditIdeaRespond, "idea", string(id), i.Title, "")
	}
	err = s.boardChanged(ctx, st.Group.ID, id)
	if first { // after the board has the response: stats recomputed in between would be kept
		s.stats.drop(statsKey(st.Group.ID))
	}
	switch {
	case moved:
		s.announce(ctx, a, st.Group, i, NoticeIdeaStatus, nil)
	case first:
		s.announce(ctx, a, st.Group, i, NoticeIdeaResponse, nil)
	}
	return i, err
}

// MergeIdea marks an idea a duplicate of another idea of the same group
// and moves its votes there: a member who voted for both counts once.
// The moved voters and the duplicate's author are told.
func (s *Service) MergeIdea(ctx context.Context, a Actor, slug string, id, into IdeaID, note string) (Idea, error) {
	dup, st, err := s.IdeaByID(ctx, a, slug, id)
	if err != nil {
		return Idea{}, err
	}
	if err := st.requireModerate(); err != nil {
		return dup, err
	}
	if !dup.Open() {
		return dup, ErrIdeaClosed
	}
	orig, err := s.mergeTarget(ctx, st, dup, into)
	if err != nil {
		return dup, err
	}
	if note = strings.TrimSpace(note); utf8.RuneCountInString(note) > maxNote {
		return dup, ValidationError{"note": "idea.error.note_long"}
	}
	now := s.now()
	ref := IdeaRef{ID: orig.ID, Title: orig.Title}
	res, err := s.ideas.UpdateOne(ctx, bson.M{"_id": dup.ID, "status": dup.Status, "removed": false}, bson.M{
		"$set":  bson.M{"status": IdeaMerged, "statusAt": now, "updatedAt": now, "mergedInto": ref},
		"$push": bson.M{"history": StatusChange{Status: IdeaMerged, By: a.ID(), ByName: a.Account.Name, At: now, Note: note}},
	})
	if err != nil {
		return dup, s.ideasLost(wrap(err, "merge idea"))
	}
	if res.MatchedCount == 0 {
		return dup, ErrConflict
	}
	if _, err := s.ideas.UpdateOne(ctx, bson.M{"_id": orig.ID}, bson.M{"$set": bson.M{"updatedAt": now},
		"$push": bson.M{"duplicates": IdeaRef{ID: dup.ID, Title: dup.Title}}}); err != nil {
		return dup, s.ideasLost(wrap(err, "merge idea"))
	}
	voters, err := s.moveVotes(ctx, dup, orig)
	if err != nil {
		return dup, s.ideasLost(err)
	}
	s.record(ctx, a, st.Group.ID, AuditIdeaMerge, "idea", string(dup.ID), dup.Title, orig.Title)
	dup.Status, dup.MergedInto = IdeaMerged, ref
	s.announce(ctx, a, st.Group, dup, NoticeIdeaMerged, append(voters, dup.Author))
	return dup, s.boardChanged(ctx, st.Group.ID, dup.ID, orig.ID)
}

// mergeTarget finds the idea a duplicate goes into: another open idea of
// the same group.
func (s *Service) mergeTarget(ctx context.Context, st Standing, dup Idea, into IdeaID) (Idea, error) {
	switch {
	case into == dup.ID:
		return Idea{}, ValidationError{"into": "idea.error.merge_self"}
	case !validID(string(into)):
		return Idea{}, ValidationError{"into": "idea.error.merge_unknown"}
	}
	orig, err := s.findIdea(ctx, into)
	switch {
	case errors.Is(err, ErrNotFound) || (err == nil && (orig.Group != st.Group.ID || orig.Removed)):
		return Idea{}, ValidationError{"into": "idea.error.merge_unknown"}
	case err != nil:
		return Idea{}, err
	case !orig.Open():
		return Idea{}, ValidationError{"into": "idea.error.merge_closed"}
	}
	return orig, nil
}

// moveVotes moves every vote of dup to orig, one voter at a time: the
// vote for orig is inserted unless the voter already had one, then the
// vote for dup is deleted, each marked on the voter's ballot. The two
// counters then move once each, by what was done. It returns the voters
// moved.
func (s *Service) moveVotes(ctx context.Context, dup, orig Idea) ([]auth.AccountID, error) {
	var voters []auth.AccountID
	if err := each(ctx, s.votes, bson.M{"idea": dup.ID}, func(v voteDoc) { voters = append(voters, v.Account) }); err != nil {
		return nil, err
	}
	added, removed := 0, 0
	for _, account := range voters {
		_, err := s.votes.InsertOne(ctx, voteDoc{ID: voteID(orig.ID, account), Idea: orig.ID, Group: orig.Group, Account: account, CreatedAt: s.now()})
		switch err = dupOr(err, "move vote"); {
		case err == nil:
			added++
			if err := s.mark(ctx, orig, account, true); err != nil {
				return voters, err
			}
		case !errors.Is(err, errDuplicate):
			return voters, err
		}
		res, err := s.votes.DeleteOne(ctx, bson.M{"_id": voteID(dup.ID, account)})
		if err != nil {
			return voters, wrap(err, "move vote")
		}
		if res.DeletedCount > 0 {
			removed++
			if err := s.mark(ctx, dup, account, false); err != nil {
				return voters, err
			}
		}
	}
	if _, err := s.tally(ctx, orig, added); err != nil {
		return voters, err
	}
	_, err := s.tally(ctx, dup, -removed)
	return voters, err
}

// maxTags bounds a group's idea tags; maxTagName a tag's name.
const (
	maxTags    = 20
	maxTagName = 30
)

// AddIdeaTag adds a tag moderators can put on the group's ideas.
func (s *Service) AddIdeaTag(ctx context.Context, a Actor, slug, name, color string) (IdeaTag, error) {
	st, err := s.boardStanding(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return IdeaTag{}, err
	}
	name = strings.Join(strings.Fields(name), " ")
	errs := ValidationError{}
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		errs["name"] = "idea.error.tag_name_required"
	case n > maxTagName:
		errs["name"] = "idea.error.tag_name_long"
	}
	for _, t := range st.Group.IdeaTags {
		if strings.EqualFold(t.Name, name) {
			errs["name"] = "idea.error.tag_taken"
		}
	}
	if !slices.Contains(CoverColors, color) {
		errs["color"] = "group.error.color"
	}
	if len(st.Group.IdeaTags) >= maxTags {
		errs["name"] = "idea.error.tags_full"
	}
	if err := errs.OrNil(); err != nil {
		return IdeaTag{}, err
	}
	t := IdeaTag{ID: newID(), Name: name, Color: color}
	// Two moderators adding the same name at once: the second push finds
	// the name there and does nothing.
	res, err := s.groups.UpdateOne(ctx, bson.M{"_id": st.Group.ID, "ideaTags.name": bson.M{"$ne": name}},
		bson.M{"$push": bson.M{"ideaTags": t}, "$inc": bson.M{"boardVersion": 1}})
	if err != nil {
		return t, wrap(err, "add tag")
	}
	if res.MatchedCount == 0 {
		return t, ValidationError{"name": "idea.error.tag_taken"}
	}
	s.record(ctx, a, st.Group.ID, AuditIdeaTags, "tag", t.ID, name, "")
	return t, nil
}

// RemoveIdeaTag deletes a tag from the group and from its ideas.
func (s *Service) RemoveIdeaTag(ctx context.Context, a Actor, slug, id string) error {
	st, err := s.boardStanding(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return err
	}
	t, ok := st.Group.Tag(id)
	if !ok {
		return ErrNotFound
	}
	// Set whole: the embedded server ignores a $pull by condition.
	left := slices.DeleteFunc(slices.Clone(st.Group.IdeaTags), func(t IdeaTag) bool { return t.ID == id })
	if _, err := s.groups.UpdateOne(ctx, bson.M{"_id": st.Group.ID, "ideaTags.id": id},
		bson.M{"$set": bson.M{"ideaTags": left}, "$inc": bson.M{"boardVersion": 1}}); err != nil {
		return wrap(err, "remove tag")
	}
	if _, err := s.ideas.UpdateMany(ctx, bson.M{"group": st.Group.ID, "tags": id}, bson.M{"$pull": bson.M{"tags": id}}); err != nil {
		return s.ideasLost(wrap(err, "remove tag"))
	}
	s.record(ctx, a, st.Group.ID, AuditIdeaTags, "tag", id, t.Name, "removed")
	return s.boardChanged(ctx, st.Group.ID) // every idea that had it
}

// SetBoard turns the group's idea board on or off; its ideas are kept.
func (s *Service) SetBoard(ctx context.Context, a Actor, slug string, on bool) error {
	st, err := s.standingAs(ctx, a, slug, Standing.requireModerate)
	if err != nil {
		return err
	}
	if !st.CanManage() {
		return ErrForbidden
	}
	if _, err := s.groups.UpdateOne(ctx, bson.M{"_id": st.Group.ID}, bson.M{"$set": bson.M{"boardOff": !on}}); err != nil {
		return wrap(err, "set board")
	}
	s.record(ctx, a, st.Group.ID, AuditGroupEdit, "group", string(st.Group.ID), st.Group.Name, map[bool]string{true: "board on", false: "board off"}[on])
	return nil
}
