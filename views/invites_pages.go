package views

import "fanclub/community"

// EmailInvitation is the page an invitation mailed to an address opens:
// what it invites to, and the button that accepts it.
type EmailInvitation struct {
	Chrome  Chrome
	Preview community.InvitationPreview
	Token   string
}

// EmailInvitationElsewhere is the page an invitation opens when an
// account other than the invited address's is signed in.
type EmailInvitationElsewhere struct {
	Chrome Chrome
	Email  string // the invited address
	Name   string // the signed-in account's
}
