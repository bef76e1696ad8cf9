package loyalty

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Address is where a gift goes, as the member typed it.
type Address struct {
	Name   string `bson:"name,omitempty"`
	Line1  string `bson:"line1,omitempty"`
	Line2  string `bson:"line2,omitempty"`
	Postal string `bson:"postal,omitempty"`
	Phone  string `bson:"phone,omitempty"`
}

// Limits of an address's parts, in characters.
const (
	MaxAddressName = 100
	MaxAddressLine = 200
	MaxPostal      = 12
	MaxPhone       = 20
)

// clean trims every part.
func (a Address) clean() Address {
	return Address{Name: strings.TrimSpace(a.Name), Line1: strings.TrimSpace(a.Line1), Line2: strings.TrimSpace(a.Line2),
		Postal: strings.TrimSpace(a.Postal), Phone: strings.TrimSpace(a.Phone)}
}

// validate adds to v what is wrong with a cleaned address: a name, the
// first line, a postal code (letters, digits, spaces, dashes) and a
// phone number (digits, with + - ( ) and spaces) are required.
func (a Address) validate(v ValidationError) {
	text := func(s string, most int) bool {
		return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= most && !strings.ContainsFunc(s, unicode.IsControl)
	}
	if !text(a.Name, MaxAddressName) {
		v["name"] = "loyalty_rewards.error.address_name"
	}
	if !text(a.Line1, MaxAddressLine) {
		v["line1"] = "loyalty_rewards.error.address_line"
	}
	if a.Line2 != "" && !text(a.Line2, MaxAddressLine) {
		v["line2"] = "loyalty_rewards.error.address_line"
	}
	if !text(a.Postal, MaxPostal) || strings.ContainsFunc(a.Postal, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == ' ' || r == '-')
	}) {
		v["postal"] = "loyalty_rewards.error.postal"
	}
	digits := 0
	if !text(a.Phone, MaxPhone) || strings.ContainsFunc(a.Phone, func(r rune) bool {
		if r >= '0' && r <= '9' {
			digits++
			return false
		}
		return !strings.ContainsRune("+-() ", r)
	}) || digits < 6 {
		v["phone"] = "loyalty_rewards.error.phone"
	}
}
