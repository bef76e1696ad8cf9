package views

import "fanclub/community"

// EmailInvitation is the page an invitation mailed to an address opens:
// what it invites to, and the button that accepts it.
type EmailInvitation struct {
	Chrome  Chrome
	Preview community.InvitationPreview
	Token   string
}
