package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A display name sits beside posts, comments and badges, so it must not
// rearrange or hide the text around it, nor pass for nothing at all.

// checkName returns the message key of what is wrong with a trimmed,
// non-empty display name, or "" if nothing is: a control character or
// a bidirectional override (which would reorder what follows the name on
// the page), or no visible character at all.
func checkName(name string) string {
	if !utf8.ValidString(name) || strings.IndexFunc(name, forbiddenInName) >= 0 {
		return "validation.name.invalid"
	}
	if strings.IndexFunc(name, visible) < 0 {
		return "validation.name.invisible"
	}
	return ""
}

// cleanName makes a display name of what a provider or an email address
// says, dropping what checkName refuses rather than refusing a sign-up
// over it: controls become spaces, overrides go, and invisible characters
// around the name are trimmed. It returns "" when nothing visible is left.
func cleanName(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case bidiControl(r):
			return -1
		case forbiddenInName(r):
			return ' '
		}
		return r
	}, s)
	s = trimInvisible(strings.Join(strings.Fields(s), " "))
	if strings.IndexFunc(s, visible) < 0 {
		return ""
	}
	return truncateRunes(s, maxNameRunes)
}

// trimInvisible drops spaces and invisible format characters from both
// ends of a name. Marks stay: they belong to the letter before them.
func trimInvisible(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || blank(r)
	})
}

// forbiddenInName reports control characters (C0, C1, line and paragraph
// separators) and bidirectional embeddings, overrides and isolates.
func forbiddenInName(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || bidiControl(r)
}

// bidiControl reports U+202A–U+202E (embeddings and overrides) and
// U+2066–U+2069 (isolates).
func bidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// visible reports a character that shows as something on the page: not
// a space, not a format character (zero-width space, joiners, word
// joiner, byte-order mark, soft hyphen…), not a mark on its own and not a
// blank letter.
func visible(r rune) bool {
	return unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) &&
		!unicode.In(r, unicode.Mn, unicode.Me) && !blank(r)
}

// blank reports letters and symbols that draw nothing: the Hangul fillers
// and the blank Braille pattern, favourites for names that look empty.
func blank(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800':
		return true
	}
	return false
}
