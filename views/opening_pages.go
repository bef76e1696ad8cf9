package views

// WrongAddress is the page a form gets when it was sent from a page
// opened at another address than the one the site is set up for
// (FANCLUB_BASE_URL): the form is refused, and the page says where the
// site lives and how its operator changes that.
type WrongAddress struct {
	Chrome Chrome
	Base   string // the address the site is set up for, e.g. http://localhost:8080
	Opened string // the address the page was opened at
	Link   string // the same page at Base
}
