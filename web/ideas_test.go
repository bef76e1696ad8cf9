package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/community"
)

// ideaID returns the id of the idea titled title.
func ideaID(t *testing.T, s *site, title string) string {
	t.Helper()
	var d struct {
		ID string `bson:"_id"`
	}
	if err := s.DB.Collection("ideas").FindOne(context.Background(), bson.M{"title": title}).Decode(&d); err != nil {
		t.Fatalf("find idea %q: %v", title, err)
	}
	return d.ID
}

// drain runs the site's due jobs, as the background runner would.
func (s *site) drain(t *testing.T) {
	t.Helper()
	if _, err := s.Jobs.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestIdeaFromSubmissionToShipped follows one idea through the loop: a
// member proposes it (after being offered a similar one), others vote
// with and without JavaScript, the brand answers and moves it to planned,
// in progress and shipped, and at each step the author and voters are
// told in the app, and by mail if they chose it.
func TestIdeaFromSubmissionToShipped(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "roasters"})
	author := s.signUp(t, "author@example.com")
	voter := s.signUp(t, "voter@example.com")
	quiet := s.signUp(t, "quiet@example.com")
	gone := s.signUp(t, "gone@example.com")
	for _, p := range []person{author, voter, quiet, gone} {
		s.join(t, "roasters", p)
	}
	if r := voter.post("/settings/mail", url.Values{"mail": {"status"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("voter's mail choice: %d", r.Status)
	}
	if r := gone.post("/settings/mail", url.Values{"mail": {"all"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("gone's mail choice: %d", r.Status)
	}
	empty := author.get("/groups/roasters/ideas")
	mustContain(t, empty.Body, `data-testid="board-empty"`, "No ideas here yet")

	// An idea like it exists: the form offers it before creating another.
	if _, err := s.Community.CreateIdea(context.Background(), s.actor(t, quiet), "roasters", community.IdeaInput{Title: "Decaf beans subscription"}); err != nil {
		t.Fatal(err)
	}
	typed := url.Values{"title": {"A subscription for decaf beans"}, "body": {"Every **two weeks**, please."}}
	offer := author.post("/groups/roasters/ideas", typed)
	if offer.Status != http.StatusOK {
		t.Fatalf("propose: %d", offer.Status)
	}
	mustContain(t, offer.Body, `data-testid="similar"`, "Decaf beans subscription", "Vote for this instead",
		`value="A subscription for decaf beans"`, "Every **two weeks**, please.")
	if n := s.count("ideas", bson.M{}); n != 1 {
		t.Fatalf("%d ideas after the offer, want still 1", n)
	}
	typed.Set("title", "Oat milk at the café")
	typed.Set("confirm", "1")
	if r := author.post("/groups/roasters/ideas", typed); r.Status != http.StatusSeeOther {
		t.Fatalf("propose anyway: %d %s", r.Status, r.Body)
	}
	id := ideaID(t, s, "Oat milk at the café")
	path := "/groups/roasters/ideas/" + id
	page := author.follow(path)
	mustContain(t, page.Body, "Your idea is on the board.", "<strong>two weeks</strong>", "Open")

	// A plain form vote, a JavaScript vote, a double vote, a vote back.
	if r := voter.post(path+"/vote", url.Values{"on": {"1"}, "return": {"/groups/roasters/ideas"}}); r.Status != http.StatusSeeOther ||
		r.Header.Get("Location") != "/groups/roasters/ideas" {
		t.Fatalf("form vote: %d to %q", r.Status, r.Header.Get("Location"))
	}
	js := gone.postRaw(path+"/vote", url.Values{"on": {"1"}, "_csrf": {gone.csrf()}}, map[string]string{"Accept": "application/json"})
	var got struct {
		Votes int  `json:"votes"`
		Voted bool `json:"voted"`
	}
	if err := json.Unmarshal([]byte(js.Body), &got); err != nil || js.Status != http.StatusOK || got.Votes != 2 || !got.Voted {
		t.Fatalf("JSON vote: %d %s", js.Status, js.Body)
	}
	voter.post(path+"/vote", url.Values{"on": {"1"}})
	quiet.post(path+"/vote", url.Values{"on": {"1"}})
	quiet.post(path+"/vote", url.Values{"on": {"0"}})
	if n := s.count("votes", bson.M{"idea": id}); n != 2 {
		t.Fatalf("%d votes, want 2 (voter and gone)", n)
	}
	board := voter.get("/groups/roasters/ideas")
	mustContain(t, board.Body, "Oat milk at the café", `aria-pressed="true"`)
	// gone unsubscribes from this idea: no news of it, in the app or by mail.
	if r := gone.post(path+"/subscribe", url.Values{"on": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("unsubscribe: %d", r.Status)
	}
	mustContain(t, gone.get(path).Body, "You get no news of this idea.")

	// The brand answers: planned, with a response.
	answer := url.Values{"status": {"planned"}, "note": {"Spring menu"}, "response": {"Great idea — we are **trying suppliers** now."}}
	if r := admin.post(path+"/answer", answer); r.Status != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", r.Status, r.Body)
	}
	s.drain(t)
	answered := author.get(path)
	mustContain(t, answered.Body, `data-testid="official-response"`, "<strong>trying suppliers</strong>", "admin", "Spring menu", "Planned")
	for _, p := range []person{author, voter} {
		n := p.get("/notifications")
		mustContain(t, n.Body, "admin moved “Oat milk at the café” to Planned")
	}
	mustNotContain(t, gone.get("/notifications").Body, "Oat milk")
	mustNotContain(t, quiet.get("/notifications").Body, "Oat milk")
	mails := ideaMails(s, "Oat milk")
	if len(mails) != 1 || mails[0].To != "voter@example.com" || !strings.Contains(mails[0].Text, path) {
		t.Fatalf("mails about the idea: %+v; want one to the voter who chose status mail, linking the idea", mails)
	}

	// In progress, then shipped: each step on the timeline, each told.
	for _, st := range []string{"in_progress", "shipped"} {
		answer.Set("status", st)
		answer.Set("note", "")
		if r := admin.post(path+"/answer", answer); r.Status != http.StatusSeeOther {
			t.Fatalf("move to %s: %d %s", st, r.Status, r.Body)
		}
		s.drain(t)
	}
	mustContain(t, voter.get("/notifications").Body, "to In progress", "to Shipped")
	if mails := ideaMails(s, "Oat milk"); len(mails) != 3 {
		t.Errorf("%d mails to the voter, want 3 (planned, in progress, shipped)", len(mails))
	}
	shipped := voter.get(path)
	if n := strings.Count(shipped.Body[strings.Index(shipped.Body, `data-testid="timeline"`):], `data-testid="idea-status"`); n != 4 {
		t.Errorf("the timeline shows %d steps, want 4 (open, planned, in progress, shipped)", n)
	}
	roadmap := voter.get("/groups/roasters/ideas/roadmap")
	shippedColumn := roadmap.Body[strings.Index(roadmap.Body, `data-testid="roadmap-shipped"`):]
	mustContain(t, shippedColumn, "Oat milk at the café")
	// The board shows the brand's promise: one idea answered.
	mustContain(t, voter.get("/groups/roasters/ideas?status=all").Body, "across 1 answered")
}

// ideaMails are the mails logged whose subject mentions title.
func ideaMails(s *site, title string) []Mail {
	var out []Mail
	for _, m := range s.Outbox.Mails() {
		if strings.Contains(m.Subject, title) {
			out = append(out, m)
		}
	}
	return out
}

// TestIdeaBadInputChangesNothing: each refusal is clear, in the page, and
// leaves the database as it was.
func TestIdeaBadInputChangesNothing(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "shop"})
	s.newGroup(t, admin, community.GroupInput{Slug: "other"})
	member := s.signUp(t, "member@example.com")
	s.join(t, "shop", member)
	ctx := context.Background()
	one, err := s.Community.CreateIdea(ctx, s.actor(t, member), "shop", community.IdeaInput{Title: "Free refills"})
	if err != nil {
		t.Fatal(err)
	}
	two, err := s.Community.CreateIdea(ctx, s.actor(t, member), "shop", community.IdeaInput{Title: "Loyalty card"})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := s.Community.CreateIdea(ctx, s.actor(t, admin), "other", community.IdeaInput{Title: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		form  url.Values
		want  string
		typed string
	}{
		{"empty title", url.Values{"title": {" "}, "body": {"kept text"}}, "Give the idea a title.", "kept text"},
		{"300-character title", url.Values{"title": {strings.Repeat("긴", 300)}}, "Keep the title to 120 characters.", strings.Repeat("긴", 300)},
		{"unknown tag", url.Values{"title": {"Tagged"}, "tags": {"0123456789abcdef01234567"}}, "That tag is not one of this board&#39;s.", "Tagged"},
	} {
		tc.form.Set("confirm", "1")
		r := member.post("/groups/shop/ideas", tc.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.name, r.Status)
		}
		mustContain(t, r.Body, tc.want, tc.typed)
	}
	if n := s.count("ideas", bson.M{"group": one.Group}); n != 2 {
		t.Errorf("%d ideas in the shop after refused input, want 2", n)
	}

	base := "/groups/shop/ideas/"
	for _, tc := range []struct {
		name, into, want string
	}{
		{"itself", string(one.ID), "An idea cannot be merged into itself."},
		{"another group's idea", string(foreign.ID), "That is not an idea on this board."},
		{"a link to another group's idea", "https://fanclub.test/groups/other/ideas/" + string(foreign.ID), "That is not an idea on this board."},
	} {
		r := admin.post(base+string(one.ID)+"/merge", url.Values{"into": {tc.into}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("merge into %s: %d, want 422", tc.name, r.Status)
		}
		mustContain(t, r.Body, tc.want)
	}
	if n := s.count("ideas", bson.M{"status": "merged"}); n != 0 {
		t.Fatalf("%d merged ideas after refused merges", n)
	}
	// A real merge, pasted as a link; then voting on the merged idea is
	// refused with the reason, by form and by script.
	if r := admin.post(base+string(one.ID)+"/merge", url.Values{"into": {"https://fanclub.test" + base + string(two.ID)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("merge: %d %s", r.Status, r.Body)
	}
	r := member.post(base+string(one.ID)+"/vote", url.Values{"on": {"1"}})
	if r.Status != http.StatusConflict {
		t.Errorf("vote on a merged idea: %d, want 409", r.Status)
	}
	mustContain(t, r.Body, "merged into another or removed")
	js := member.postRaw(base+string(one.ID)+"/vote", url.Values{"on": {"1"}, "_csrf": {member.csrf()}}, map[string]string{"Accept": "application/json"})
	if js.Status != http.StatusConflict || !strings.Contains(js.Body, "merged into another") {
		t.Errorf("script vote on a merged idea: %d %s", js.Status, js.Body)
	}
	// A deleted idea is gone.
	if r := member.post(base+string(two.ID)+"/delete", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := member.post(base+string(two.ID)+"/vote", url.Values{"on": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("vote on a deleted idea: %d, want 404", r.Status)
	}
	if n := s.count("votes", bson.M{}); n != 0 {
		t.Errorf("%d votes after refused votes, want 0", n)
	}
	// An answer that changes nothing, or a forged status, is refused in the page.
	three, _ := s.Community.CreateIdea(ctx, s.actor(t, member), "shop", community.IdeaInput{Title: "Cold brew on tap"})
	for form, want := range map[string]string{"open": "Nothing changed", "shipped-ish": "Unknown status.", "merged": "merge it into the original below"} {
		r := admin.post(base+string(three.ID)+"/answer", url.Values{"status": {form}, "response": {""}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("answer %q: %d, want 422", form, r.Status)
		}
		mustContain(t, r.Body, want)
	}
}

// TestIdeaBoardFiltersAndPages: sorts, filters and keyset pages list each
// idea once; "mine" and "I voted" are the reader's own.
func TestIdeaBoardFiltersAndPages(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	member := s.signUp(t, "member@example.com")
	s.join(t, "club", member)
	ctx := context.Background()
	tag, err := s.Community.AddIdeaTag(ctx, s.actor(t, admin), "club", "Café", "orange")
	if err != nil {
		t.Fatal(err)
	}
	total := community.BoardPageSize + 5
	for i := range total {
		who := admin
		var tags []string
		if i%5 == 0 {
			who, tags = member, []string{tag.ID}
		}
		idea, err := s.Community.CreateIdea(ctx, s.actor(t, who), "club", community.IdeaInput{Title: "Idea " + strings.Repeat("i", i+1), Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := s.Community.Vote(ctx, s.actor(t, member), "club", idea.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		s.Clock.Advance(time.Minute)
	}
	for _, sort := range community.BoardSorts {
		seen := map[string]bool{}
		next := "/groups/club/ideas?status=all&sort=" + sort
		for next != "" {
			page := member.get(next)
			if page.Status != http.StatusOK {
				t.Fatalf("%s: %d", next, page.Status)
			}
			for _, id := range regexpAll(page.Body, `id="idea-([0-9a-f]{24})"`) {
				if seen[id] {
					t.Errorf("%s: idea %s twice", sort, id)
				}
				seen[id] = true
			}
			next = ""
			if strings.Contains(page.Body, `data-testid="more-ideas"`) {
				next = strings.ReplaceAll(regexpFind(t, page.Body, `rel="next" data-testid="more-ideas" href="([^"]+)"`), "&amp;", "&")
			}
		}
		if len(seen) != total {
			t.Errorf("%s: %d ideas over the pages, want %d", sort, len(seen), total)
		}
	}
	for q, want := range map[string]int{"status=all&mine=1": 5, "voted=1": 9, "tag=" + tag.ID: 5, "status=shipped": 0, "status=open": community.BoardPageSize} {
		page := member.get("/groups/club/ideas?" + q)
		if n := len(regexpAll(page.Body, `id="idea-([0-9a-f]{24})"`)); n != want {
			t.Errorf("%s: %d ideas, want %d", q, n, want)
		}
	}
	if r := member.get("/groups/club/ideas?sort=oldest"); r.Status != http.StatusBadRequest {
		t.Errorf("an unknown sort: %d, want 400", r.Status)
	}
	if r := member.get("/groups/club/ideas?after=garbage"); r.Status != http.StatusNotFound {
		t.Errorf("a made-up cursor: %d, want 404", r.Status)
	}
}

func regexpAll(body, pattern string) []string {
	var out []string
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestIdeaQueueMarksOverdue: the needs-a-response queue lists unanswered
// ideas oldest first with their age, marks those past 24 hours, and drops
// an idea once answered; the median time to first response follows.
func TestIdeaQueueMarksOverdue(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	member := s.signUp(t, "member@example.com")
	s.join(t, "club", member)
	ctx := context.Background()
	old, _ := s.Community.CreateIdea(ctx, s.actor(t, member), "club", community.IdeaInput{Title: "Old question"})
	s.Clock.Advance(30 * time.Hour)
	s.Community.CreateIdea(ctx, s.actor(t, member), "club", community.IdeaInput{Title: "Fresh question"})
	s.Clock.Advance(time.Hour)

	q := admin.get("/groups/club/ideas/unanswered")
	mustContain(t, q.Body, "Old question", "Fresh question", "Waiting 31 h", "Waiting 1 h")
	if strings.Index(q.Body, "Old question") > strings.Index(q.Body, "Fresh question") {
		t.Error("the queue is not oldest first")
	}
	if n := strings.Count(q.Body, `data-testid="overdue"`); n != 1 {
		t.Errorf("%d ideas marked overdue, want 1", n)
	}
	if r := member.get("/groups/club/ideas/unanswered"); r.Status != http.StatusForbidden {
		t.Errorf("a member opening the queue: %d, want 403", r.Status)
	}
	mustContain(t, q.Body, "No idea has had a first response")
	admin.post("/groups/club/ideas/"+string(old.ID)+"/answer", url.Values{"status": {"under_review"}, "response": {"Looking."}})
	q = admin.get("/groups/club/ideas/unanswered")
	mustNotContain(t, q.Body, "Old question")
	mustContain(t, q.Body, "about 31 h", "across 1 answered")
}

// TestIdeaCommentsFollowPostRules: members comment and reply on an idea,
// react, and delete their own; the author hears of it.
func TestIdeaCommentsFollowPostRules(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	author := s.signUp(t, "author@example.com")
	member := s.signUp(t, "member@example.com")
	s.join(t, "club", author)
	s.join(t, "club", member)
	idea, _ := s.Community.CreateIdea(context.Background(), s.actor(t, author), "club", community.IdeaInput{Title: "Tasting nights"})
	path := "/groups/club/ideas/" + string(idea.ID)
	if r := member.post(path+"/comments", url.Values{"body": {" "}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("an empty comment: %d, want 422", r.Status)
	}
	if r := member.post(path+"/comments", url.Values{"body": {"Yes — **monthly**!"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("comment: %d %s", r.Status, r.Body)
	}
	cid := regexpFind(t, member.get(path).Body, `id="comment-([0-9a-f]{24})"`)
	if r := author.post(path+"/comments", url.Values{"body": {"Thanks!"}, "reply_to": {cid}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d", r.Status)
	}
	if r := author.post(path+"/comments/"+cid+"/react", url.Values{"reaction": {"love"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("react: %d", r.Status)
	}
	page := member.get(path)
	mustContain(t, page.Body, "<strong>monthly</strong>", `data-testid="reply-quote"`, "2 comments")
	s.drain(t)
	mustContain(t, author.get("/notifications").Body, "member commented on your idea “Tasting nights”")
	if r := author.post(path+"/comments/"+cid+"/delete", nil); r.Status != http.StatusForbidden {
		t.Errorf("deleting another's comment as a member: %d, want 403", r.Status)
	}
	if r := member.post(path+"/comments/"+cid+"/delete", nil); r.Status != http.StatusSeeOther {
		t.Errorf("deleting one's own comment: %d", r.Status)
	}
	mustContain(t, member.get(path).Body, "1 comment")
}

// TestIdeaBoardTagsEditsAndSwitch: moderators add and remove tags (a
// taken name and an unknown colour are refused in the page), an author
// edits their idea until the brand answers it, and the owner turns the
// board off (gone for everyone, ideas kept) and on again.
func TestIdeaBoardTagsEditsAndSwitch(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	g := s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	member := s.signUp(t, "member@example.com")
	s.join(t, "club", member)

	if r := admin.post("/groups/club/ideas/tags", url.Values{"name": {"Beans"}, "color": {"orange"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add a tag: %d", r.Status)
	}
	for form, want := range map[string]url.Values{
		"There is already a tag by that name.": {"name": {"beans"}, "color": {"blue"}},
		"Give the tag a name.":                 {"name": {" "}, "color": {"blue"}},
	} {
		r := admin.post("/groups/club/ideas/tags", want)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("tag %v: %d, want 422", want, r.Status)
		}
		mustContain(t, r.Body, form)
	}
	if r := admin.post("/groups/club/ideas/tags", url.Values{"name": {"Cups"}, "color": {"neon"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown colour: %d, want 422", r.Status)
	}
	tag := regexpFind(t, admin.get("/groups/club/ideas/tags").Body, `/ideas/tags/([0-9a-f]{24})/delete`)

	// The author edits, with the tag; then the brand answers, and the
	// author may edit no more.
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, member), "club", community.IdeaInput{Title: "Refill stamps"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/groups/club/ideas/" + string(idea.ID)
	if r := member.post(path+"/edit", url.Values{"title": {"Refill stamps card"}, "tags": {tag}}); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	mustContain(t, member.get(path).Body, "Refill stamps card", "Beans")
	if r := member.post(path+"/edit", url.Values{"title": {""}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("an edit with no title: %d, want 422", r.Status)
	}
	admin.post(path+"/answer", url.Values{"status": {"under_review"}, "response": {"Looking at it."}})
	if r := member.post(path+"/edit", url.Values{"title": {"Changed after the answer"}}); r.Status != http.StatusForbidden {
		t.Errorf("an edit after the brand answered: %d, want 403", r.Status)
	}
	// Removing the tag takes it off the idea too.
	if r := admin.post("/groups/club/ideas/tags/"+tag+"/delete", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("remove the tag: %d", r.Status)
	}
	if n := s.count("ideas", bson.M{"tags": tag}); n != 0 {
		t.Errorf("%d ideas keep the removed tag", n)
	}
	mustNotContain(t, admin.get("/groups/club/ideas/tags").Body, "/ideas/tags/"+tag+"/delete")

	// Off: every board page is gone, the group and its ideas stay.
	if r := admin.post("/groups/club/ideas/board", url.Values{"on": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("board off: %d", r.Status)
	}
	for _, p := range []string{"/groups/club/ideas", path, "/groups/club/ideas/roadmap"} {
		if r := member.get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s with the board off: %d, want 404", p, r.Status)
		}
	}
	mustNotContain(t, member.get("/groups/club").Body, `data-testid="ideas-tab"`)
	mustContain(t, admin.get("/groups/club").Body, `data-testid="board-on"`)
	if r := admin.post("/groups/club/ideas/board", url.Values{"on": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("board on: %d", r.Status)
	}
	mustContain(t, member.get("/groups/club/ideas").Body, "Refill stamps card")
	if n := s.count("groups", bson.M{"_id": g.ID, "boardOff": true}); n != 0 {
		t.Error("the board is still off")
	}
}

// TestIdeaMailOnlyToVerifiedAddresses: someone who chose idea mail but
// whose address nobody verified gets the notice and no mail.
func TestIdeaMailOnlyToVerifiedAddresses(t *testing.T) {
	s := newSite(t, crowd())
	admin := s.signUp(t, "admin@example.com")
	s.newGroup(t, admin, community.GroupInput{Slug: "club"})
	sure, unsure := s.signUp(t, "sure@example.com"), s.signUp(t, "unsure@example.com")
	idea, err := s.Community.CreateIdea(context.Background(), s.actor(t, admin), "club", community.IdeaInput{Title: "Latte art class"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []person{sure, unsure} {
		s.join(t, "club", p)
		p.post("/settings/mail", url.Values{"mail": {"all"}})
		if _, err := s.Community.Vote(context.Background(), s.actor(t, p), "club", idea.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DB.Collection("accounts").UpdateOne(context.Background(), bson.M{"_id": unsure.ID},
		bson.M{"$set": bson.M{"emailVerified": false}}); err != nil {
		t.Fatal(err)
	}
	admin.post("/groups/club/ideas/"+string(idea.ID)+"/answer", url.Values{"status": {"planned"}})
	s.drain(t)
	mails := ideaMails(s, "Latte art class")
	if len(mails) != 1 || mails[0].To != "sure@example.com" {
		t.Errorf("mails: %+v, want one, to the verified address", mails)
	}
	mustContain(t, unsure.get("/notifications").Body, "Latte art class")
}
