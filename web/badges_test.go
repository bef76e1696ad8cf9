package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// block is the part of body from the testid marker that names name to
// the next such marker: one post, comment or member row.
func block(t *testing.T, body, testid, name string) string {
	t.Helper()
	for _, part := range strings.Split(body, `data-testid="`+testid+`"`)[1:] {
		if strings.Contains(part, ">"+name+"<") {
			return part
		}
	}
	t.Fatalf("no %s by %q on the page", testid, name)
	return ""
}

// TestRoleBadges: on posts, comments, idea responses and the member list,
// the site's staff and the group's moderators carry a badge in words,
// in the page's language; a member who calls themselves "운영팀 Admin"
// carries none.
func TestRoleBadges(t *testing.T) {
	s := newSite(t, crowd())
	owner := s.signUp(t, "owner@example.com")
	admin, fake, mod := s.signUp(t, "admin@example.com"), s.signUp(t, "fake@example.com"), s.signUp(t, "mod@example.com")
	s.newGroup(t, owner, community.GroupInput{Slug: "club"})
	s.makeSiteAdmin(t, admin)
	const fakeName = "운영팀 Admin"
	if r := setPost(fake.browser, "/settings/profile", url.Values{"name": {fakeName}}, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	for _, p := range []person{admin, fake, mod} {
		s.join(t, "club", p)
	}
	if r := owner.post("/groups/club/members/"+string(mod.ID)+"/role", url.Values{"role": {"moderator"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("make moderator: %d", r.Status)
	}
	names := map[string]string{owner.Name: "Site owner", admin.Name: "Site admin", mod.Name: "Moderator", fakeName: ""}
	authors := map[string]person{owner.Name: owner, admin.Name: admin, mod.Name: mod, fakeName: fake}
	check := func(where, body, testid string) {
		t.Helper()
		for name, badge := range names {
			b := block(t, body, testid, name)
			b, _, _ = strings.Cut(b, "</header>") // the name's line, not what the post says
			if badge == "" {
				if strings.Contains(b, `data-testid="role-badge"`) {
					t.Errorf("%s: %s carries a role badge", where, name)
				}
			} else if !strings.Contains(b, `data-testid="role-badge">`+badge+`<`) {
				t.Errorf("%s: %s lacks the %q badge", where, name, badge)
			}
		}
	}

	for name, p := range authors {
		if r := p.post("/groups/club/posts", url.Values{"body": {"Hello from " + name}}); r.Status != http.StatusSeeOther {
			t.Fatalf("post: %d", r.Status)
		}
	}
	check("feed", fake.get("/groups/club").Body, "post")

	post := fdPostID(t, s, "Hello from "+fakeName)
	for name, p := range authors {
		if r := p.post("/groups/club/posts/"+post+"/comments", url.Values{"body": {"Reply from " + name}}); r.Status != http.StatusSeeOther {
			t.Fatalf("comment: %d %s", r.Status, r.Body)
		}
	}
	check("comments", fake.get("/groups/club/posts/"+post).Body, "comment")

	check("members", fake.get("/groups/club/members").Body, "member")
	ko := fake.follow("/groups/club/members?lang=ko").Body
	mustContain(t, block(t, ko, "member", admin.Name), `data-testid="role-badge">사이트 관리자<`)
	mustContain(t, block(t, ko, "member", mod.Name), `data-testid="role-badge">운영진<`)
	mustNotContain(t, block(t, ko, "member", fakeName), `data-testid="role-badge"`)
	fake.follow("/groups/club?lang=en")

	// An idea by the impostor, answered by the admin and then by the
	// moderator: each response carries its author's badge, the idea's
	// author line none.
	if r := fake.post("/groups/club/ideas", url.Values{"title": {"Late opening"}, "confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("idea: %d %s", r.Status, r.Body)
	}
	path := "/groups/club/ideas/" + ideaID(t, s, "Late opening")
	for _, answerer := range []person{admin, mod} {
		if r := answerer.post(path+"/answer", url.Values{"status": {"planned"}, "response": {"On it, " + answerer.Name}}); r.Status != http.StatusSeeOther {
			t.Fatalf("answer: %d %s", r.Status, r.Body)
		}
		idea := fake.get(path).Body
		_, response, ok := strings.Cut(idea, `data-testid="official-response"`)
		response, _, _ = strings.Cut(response, "</section>")
		if !ok || !strings.Contains(response, ">"+names[answerer.Name]+"<") || strings.Count(response, `data-testid="role-badge"`) != 1 {
			t.Errorf("the response by %s lacks its badge:\n%s", answerer.Name, response)
		}
		head, _, _ := strings.Cut(idea, `data-testid="official-response"`)
		_, head, _ = strings.Cut(head, `data-testid="idea-page"`)
		mustNotContain(t, head, `data-testid="role-badge"`)
	}
}

// TestRoleBadgesCostNoScan: a feed page of twenty authors, some of them
// staff and moderators, costs the same database commands as one of a
// single author, none of them a scan: the staff is kept in memory and the
// moderators are read by _id.
func TestRoleBadgesCostNoScan(t *testing.T) {
	var counting atomic.Bool
	var commands, scans atomic.Int64
	o := crowd()
	o.db = mongotest.NewObserved(t, func(op mongodb.Op) {
		if counting.Load() {
			commands.Add(1)
			if op.Scan {
				scans.Add(1)
			}
		}
	})
	s := newSite(t, o)
	owner := s.signUp(t, "owner@example.com")
	reader := s.signUp(t, "reader@example.com")
	s.newGroup(t, owner, community.GroupInput{Slug: "solo"})
	s.newGroup(t, owner, community.GroupInput{Slug: "many"})
	s.join(t, "solo", reader)
	s.join(t, "many", reader)
	ctx := context.Background()
	for i := range 20 {
		p := s.signUp(t, fmt.Sprintf("p%d@example.com", i))
		s.join(t, "many", p)
		if i%5 == 0 {
			s.makeSiteAdmin(t, p)
		}
		if i%5 == 1 {
			if err := s.Community.SetRole(ctx, s.actor(t, owner), "many", p.ID, community.RoleModerator); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Community.CreatePost(ctx, s.actor(t, p), "many", fmt.Sprintf("post %d", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Community.CreatePost(ctx, s.actor(t, owner), "solo", fmt.Sprintf("post %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	measure := func(slug string) (int64, int64) {
		reader.get("/groups/" + slug) // what a first visit reads once
		commands.Store(0)
		scans.Store(0)
		counting.Store(true)
		res := reader.get("/groups/" + slug)
		counting.Store(false)
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d", slug, res.Status)
		}
		return commands.Load(), scans.Load()
	}
	soloCmds, soloScans := measure("solo")
	manyCmds, manyScans := measure("many")
	if manyCmds != soloCmds || manyScans != 0 || soloScans != 0 {
		t.Errorf("a feed page of 20 authors cost %d commands (%d scans), one of 1 author %d (%d scans); want the same, no scans",
			manyCmds, manyScans, soloCmds, soloScans)
	}
	if body := reader.get("/groups/many").Body; strings.Count(body, `data-testid="role-badge">Site admin<`) != 4 ||
		strings.Count(body, `data-testid="role-badge">Moderator<`) != 4 {
		t.Errorf("the page lacks its badges")
	}
}
