package views

import "context"

// shownName is how a person's name is shown beside what they wrote or
// did. A deleted account's name is stored empty wherever it was copied,
// and shown as "deleted member" in the reader's language.
func shownName(ctx context.Context, name string) string {
	if name == "" {
		return T(ctx, "member.deleted")
	}
	return name
}
