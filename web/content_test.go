package web_test

import (
	"context"
	"html"
	"net/http"
	"testing"

	"fanclub/community"
)

// Images in posts, and a group's cover, load only from the hosts the
// operator allows: by default none, so no reader's browser tells an
// outside server that it reads a private group. An image in a post from
// elsewhere is a link to it; such a cover is not shown, and the group's
// form says why.
func TestImagesOnlyFromAllowedHosts(t *testing.T) {
	const body = "Our new mug ![the mug](https://images.brand.example/mug.png) and a pixel ![](https://tracker.example.net/p.gif?who=minji)"
	for _, c := range []struct {
		name      string
		hosts     []string
		want, not []string
	}{
		{"no hosts allowed", nil,
			[]string{`<a class="image-link" href="https://images.brand.example/mug.png" rel="nofollow noopener" target="_blank">the mug</a>`,
				`<a class="image-link" href="https://tracker.example.net/p.gif?who=minji" rel="nofollow noopener" target="_blank">https://tracker.example.net/p.gif?who=minji</a>`},
			[]string{"<img src=\"https://", `class="group-cover"`}},
		{"the brand's host allowed", []string{"images.brand.example"},
			[]string{`<img src="https://images.brand.example/mug.png" alt="the mug">`,
				`<a class="image-link" href="https://tracker.example.net/p.gif?who=minji"`},
			[]string{`<img src="https://tracker.example.net`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSite(t, siteOptions{imageHosts: c.hosts})
			owner := s.signUp(t, "owner@example.com")
			s.newGroup(t, owner, community.GroupInput{Slug: "club", Visibility: community.Unlisted, CoverURL: "https://images.brand.example/cover.png"})
			p, err := s.Community.CreatePost(context.Background(), s.actor(t, owner), "club", body)
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/groups/club", "/groups/club/posts/" + string(p.ID)} {
				r := owner.get(path)
				if r.Status != http.StatusOK {
					t.Fatalf("%s: %d", path, r.Status)
				}
				mustContain(t, r.Body, c.want...)
				mustNotContain(t, r.Body, c.not...)
			}
			// The cover is the front page's alone; a post starts with itself.
			cover := `<img class="group-cover" src="https://images.brand.example/cover.png"`
			if c.hosts != nil {
				mustContain(t, owner.get("/groups/club").Body, cover)
			}
			mustNotContain(t, owner.get("/groups/club/posts/"+string(p.ID)).Body, cover)
			hint := brT(t, "en", "groupform.cover_url_no_hosts")
			if c.hosts != nil {
				hint = brT(t, "en", "groupform.cover_url_hosts", "hosts", "images.brand.example")
			}
			mustContain(t, owner.get("/groups/club/edit").Body, html.EscapeString(hint))
		})
	}
}
