package views

import (
	"testing"

	"fanclub/community"
)

// Images in member content show only from the hosts the operator allows;
// any other becomes a link named by its alt text, and nothing else in
// the HTML changes.
func TestLinkImages(t *testing.T) {
	hosts := []string{"images.example.com", "cdn.example.org:8443"}
	for _, c := range []struct {
		name, markdown string
		hosts          []string
		want           string
	}{
		{"no image", "Hello **there** & <b>you</b>", hosts, "<p>Hello <strong>there</strong> &amp; you</p>\n"},
		{"an allowed host", "![a cat](https://images.example.com/cat.png)", hosts,
			`<p><img src="https://images.example.com/cat.png" alt="a cat"></p>` + "\n"},
		{"an allowed host, any case", "![a cat](https://IMAGES.example.com/cat.png)", hosts,
			`<p><img src="https://IMAGES.example.com/cat.png" alt="a cat"></p>` + "\n"},
		{"an allowed host and port", "![](https://cdn.example.org:8443/x.png)", hosts,
			`<p><img src="https://cdn.example.org:8443/x.png" alt=""></p>` + "\n"},
		{"another host", "![a cat](https://tracker.example.net/cat.png?who=1&x=2)", hosts,
			`<p><a class="image-link" href="https://tracker.example.net/cat.png?who=1&amp;x=2" rel="nofollow noopener" target="_blank">a cat</a></p>` + "\n"},
		{"a look-alike host", "![x](https://images.example.com.evil.net/x.png)", hosts,
			`<p><a class="image-link" href="https://images.example.com.evil.net/x.png" rel="nofollow noopener" target="_blank">x</a></p>` + "\n"},
		{"no alt text", "![](https://tracker.example.net/p.gif)", nil,
			`<p><a class="image-link" href="https://tracker.example.net/p.gif" rel="nofollow noopener" target="_blank">https://tracker.example.net/p.gif</a></p>` + "\n"},
		{"no hosts allowed", "![a cat](https://images.example.com/cat.png)", nil,
			`<p><a class="image-link" href="https://images.example.com/cat.png" rel="nofollow noopener" target="_blank">a cat</a></p>` + "\n"},
		{"an address on this site", "![lang](/?lang=ko)", hosts,
			`<p><a class="image-link" href="/?lang=ko" rel="nofollow noopener" target="_blank">lang</a></p>` + "\n"},
		{"alt text with an apostrophe", "![it's (a) cat](https://tracker.example.net/x.png)", nil,
			`<p><a class="image-link" href="https://tracker.example.net/x.png" rel="nofollow noopener" target="_blank">it&#39;s (a) cat</a></p>` + "\n"},
		{"a linked image", "[![logo](https://tracker.example.net/l.png)](https://example.com/)", nil,
			`<p><a href="https://example.com/" rel="nofollow noopener" target="_blank">logo</a></p>` + "\n"},
	} {
		got := LinkImages(community.RenderMarkdown(c.markdown), c.hosts)
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
