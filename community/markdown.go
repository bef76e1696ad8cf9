package community

import (
	"bytes"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders members' Markdown. Raw HTML in the source is dropped
// by goldmark (no WithUnsafe) and whatever it emits passes bluemonday's
// user-content policy, so no HTML a member typed reaches a page. Quotes
// and lists nest at most maxNesting deep.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(flattenDeep{}, 100))),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// maxNesting is how many quotes and lists, together, may hold one
// another. Each indents its content, so deeper they would push the text
// off a phone's screen; no one quotes a quote of a quote nine times.
const maxNesting = 8

// flattenDeep unwraps the quotes and lists nested deeper than maxNesting:
// their content stays, in order, at the deepest level allowed, each list
// item a paragraph of its own.
type flattenDeep struct{}

func (flattenDeep) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	flatten(doc, 0)
}

// flatten unwraps the nesting blocks under n, at depth, that go too deep.
func flatten(n ast.Node, depth int) {
	for c := n.FirstChild(); c != nil; {
		nests := c.Kind() == ast.KindBlockquote || c.Kind() == ast.KindList
		switch {
		case nests && depth >= maxNesting:
			c = unwrap(n, c) // its content is looked at next, at this depth
		case nests:
			flatten(c, depth+1)
			c = c.NextSibling()
		default:
			flatten(c, depth)
			c = c.NextSibling()
		}
	}
}

// unwrap puts the content of block (a quote, or a list's items) in its
// place in parent, and returns the first of it (what followed block, if
// it held nothing).
func unwrap(parent, block ast.Node) ast.Node {
	var content []ast.Node
	for c := block.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Kind() != ast.KindListItem {
			content = append(content, c)
			continue
		}
		for i := c.FirstChild(); i != nil; i = i.NextSibling() {
			content = append(content, i)
		}
	}
	first := block.NextSibling()
	for i, c := range content {
		if tb, ok := c.(*ast.TextBlock); ok { // a tight item's text: a paragraph of its own now
			p := ast.NewParagraph()
			p.SetLines(tb.Lines())
			for tb.FirstChild() != nil {
				p.AppendChild(p, tb.FirstChild())
			}
			c = p
		}
		parent.InsertBefore(parent, block, c)
		if i == 0 {
			first = c
		}
	}
	parent.RemoveChild(parent, block)
	return first
}

// sanitiser is bluemonday's policy for user content; links open safely.
var sanitiser = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// RenderMarkdown turns Markdown into sanitised HTML, safe to show as is.
func RenderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return sanitiser.Sanitize(src)
	}
	return sanitiser.Sanitize(buf.String())
}
