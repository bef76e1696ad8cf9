package community

// Reaction is one of a small fixed set of reactions to a post or comment.
// A person gives each at most once per target.
type Reaction string

// Reactions in the order the page shows them.
var Reactions = []Reaction{"like", "love", "laugh", "wow", "sad", "thanks"}

// Emoji is how a reaction looks.
func (r Reaction) Emoji() string {
	switch r {
	case "like":
		return "👍"
	case "love":
		return "❤️"
	case "laugh":
		return "😂"
	case "wow":
		return "😮"
	case "sad":
		return "😢"
	case "thanks":
		return "🙏"
	}
	return ""
}

// ParseReaction returns the reaction named s, or false if none is.
func ParseReaction(s string) (Reaction, bool) {
	for _, r := range Reactions {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}
