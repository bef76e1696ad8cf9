package views

import (
	"cmp"
	"context"
	"html"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/a-h/templ"
	xhtml "golang.org/x/net/html"
)

type imageHostsKey struct{}

// WithImageHosts returns a context under which member content shows
// images from hosts only (lower-case host names, as the operator listed
// them in FANCLUB_IMAGE_HOSTS); every other image becomes a link.
func WithImageHosts(ctx context.Context, hosts []string) context.Context {
	return context.WithValue(ctx, imageHostsKey{}, hosts)
}

// imageHosts are the hosts the context lets member content load images from.
func imageHosts(ctx context.Context) []string {
	hosts, _ := ctx.Value(imageHostsKey{}).([]string)
	return hosts
}

// coverHint is the group form's hint under the cover image's address:
// which hosts a cover may come from, or that none may.
func coverHint(ctx context.Context) string {
	if hosts := imageHosts(ctx); len(hosts) > 0 {
		return T(ctx, "groupform.cover_url_hosts", "hosts", strings.Join(hosts, ", "))
	}
	return T(ctx, "groupform.cover_url_no_hosts")
}

// memberHTML shows sanitised HTML members wrote (posts, comments, ideas,
// events, group descriptions) with the context's image policy applied.
// It is applied as the page is drawn, not when the Markdown was
// rendered, so a change of the setting holds for everything written
// before it too.
func memberHTML(sanitised string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, LinkImages(sanitised, imageHosts(ctx)))
		return err
	})
}

// LinkImages turns every image in sanitised HTML whose address is not on
// one of hosts into a link to it, named by its alt text: a reader's
// browser fetching it would tell an outside server who reads the page
// (a private group's, too). Addresses on this site are links as well:
// nothing members write is stored here, and an image address on this
// site would make every reader's browser request it.
func LinkImages(sanitised string, hosts []string) string {
	if !strings.Contains(sanitised, "<img") {
		return sanitised
	}
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(sanitised))
	inLink := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return b.String() // io.EOF: the input is a string we hold whole
		}
		raw := slices.Clone(z.Raw()) // Token unescapes attributes in the tokenizer's buffer
		tok := z.Token()
		switch {
		case tok.Data == "a" && tt == xhtml.StartTagToken:
			inLink++
		case tok.Data == "a" && tt == xhtml.EndTagToken:
			inLink = max(inLink-1, 0)
		case tok.Data == "img" && (tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken):
			src, alt := attr(tok, "src"), attr(tok, "alt")
			if allowedImage(src, hosts) {
				break
			}
			text := html.EscapeString(cmp.Or(alt, src))
			if inLink > 0 { // a linked image: its text, inside the link it had
				b.WriteString(text)
			} else {
				b.WriteString(`<a class="image-link" href="` + html.EscapeString(src) + `" rel="nofollow noopener" target="_blank">` + text + `</a>`)
			}
			continue
		}
		b.Write(raw)
	}
}

// allowedImage reports whether src is an absolute http(s) address on one
// of hosts.
func allowedImage(src string, hosts []string) bool {
	u, err := url.Parse(src)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && slices.Contains(hosts, strings.ToLower(u.Host))
}

func attr(t xhtml.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
