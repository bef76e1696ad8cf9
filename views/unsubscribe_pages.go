package views

import "strings"

// Unsubscribe is the page an unsubscribe link opens: it asks to confirm
// or, once news is off, says so.
type Unsubscribe struct {
	Chrome Chrome
	Email  string // the account's address, masked (MaskEmail)
	Token  string // the link's token, for the confirming form
	Done   bool   // news is off: nothing to confirm
}

// MaskEmail shows enough of an address for its owner to know it, and
// little to anyone else holding the link: the first character and the
// domain, as m***@example.com. An address without @ shows as ***.
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "***"
	}
	first := []rune(local)[0]
	return string(first) + "***@" + domain
}
