package ical

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// writer accumulates content lines.
type writer struct {
	buf bytes.Buffer
}

// line writes one content line "name:value", value already escaped, folded
// so that no physical line passes 75 octets (RFC 5545 §3.1). A fold never
// splits a UTF-8 sequence: some clients decode each physical line on its
// own, and Korean text is three octets a character.
func (w *writer) line(name, value string) {
	s := name + ":" + value
	limit := 75
	for len(s) > limit {
		i := limit
		for i > limit-utf8.UTFMax && !utf8.RuneStart(s[i]) {
			i--
		}
		w.buf.WriteString(s[:i])
		w.buf.WriteString("\r\n ") // the space is the fold's, and counts in the next line
		s = s[i:]
		limit = 74
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}

// text escapes s as a TEXT value (RFC 5545 §3.3.11). Line breaks of any
// kind become \n; other control characters, which the format forbids and
// which could end the line early, are dropped, as are invalid UTF-8 bytes.
func text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case dropped(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// uri returns s as a URI value, which has no escapes: only what text
// drops is dropped.
func uri(s string) string {
	return strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, s)
}

// dropped reports whether r is left out of a value: a control character
// other than tab, or utf8.RuneError, which is what ranging over a string
// yields for an invalid byte.
func dropped(r rune) bool {
	return (r < 0x20 && r != '\t') || r == 0x7f || r == utf8.RuneError
}
