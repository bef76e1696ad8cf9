package loyalty

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"fanclub/auth"
)

// The fraud checks a referral goes through are pure functions of the two
// accounts' traces and the friend's network address, so they are
// table-tested without a database.

// Flag is one reason an admin should look at a referral: a message key
// and its parameters, name then value.
type Flag struct {
	Key    string   `bson:"key"`
	Params []string `bson:"params,omitempty"`
}

// The flags' message keys.
const (
	FlagSamePerson   = "referrals.flag.same_person"  // a shared verified email or identity
	FlagAlias        = "referrals.flag.alias"        // addresses that differ only by +tag or dots
	FlagBusyNetwork  = "referrals.flag.busy_network" // more than networkLimit referrals from one network in a week
	FlagHadAnAccount = "referrals.flag.had_account"  // the friend signed in to an account they already had
)

// networkLimit is how many referrals one network address may bring in
// networkDays days before the next is flagged.
const (
	networkLimit = 10
	networkDays  = 7
)

// mailbox is the mailbox an address delivers to, as its provider reads
// it: lower-cased, "+tag" dropped, and for Gmail dots in the local part
// dropped too (googlemail.com is gmail.com). Two addresses with the same
// mailbox reach one person.
func mailbox(address string) string {
	local, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(address)), "@")
	if !ok || local == "" || domain == "" {
		return strings.ToLower(strings.TrimSpace(address))
	}
	local, _, _ = strings.Cut(local, "+")
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}

// samePerson flags what two accounts' traces share: an identity or a
// verified email (the same person), or addresses that reach the same
// mailbox (an alias). At most one flag of each kind.
func samePerson(referrer, friend auth.Traces) []Flag {
	ids := map[string]bool{}
	for _, id := range referrer.Identities {
		ids[id] = true
	}
	for _, id := range friend.Identities {
		if ids[id] {
			return []Flag{{Key: FlagSamePerson, Params: []string{"what", id}}}
		}
	}
	verified := map[string]bool{}
	boxes := map[string]string{}
	for _, e := range referrer.Emails {
		if e.Verified {
			verified[e.Address] = true
		}
		boxes[mailbox(e.Address)] = e.Address
	}
	for _, e := range friend.Emails {
		if e.Verified && verified[e.Address] {
			return []Flag{{Key: FlagSamePerson, Params: []string{"what", e.Address}}}
		}
	}
	for _, e := range friend.Emails {
		if theirs, ok := boxes[mailbox(e.Address)]; ok {
			return []Flag{{Key: FlagAlias, Params: []string{"referrer", theirs, "friend", e.Address}}}
		}
	}
	return nil
}

// networkOf is the network an address is counted in: its /24 for IPv4,
// its /64 for IPv6 (one home or one phone); "" when ip is not an address.
func networkOf(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return ""
	}
	a = a.Unmap().WithZone("")
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}

// networkDay is the day a referral from a network is counted on: UTC
// days, the same on every instance.
func networkDay(t time.Time) string { return t.UTC().Format("2006-01-02") }

// lastDays are the networkDays days ending with t's, newest first.
func lastDays(t time.Time) []string {
	out := make([]string, networkDays)
	for i := range out {
		out[i] = networkDay(t.AddDate(0, 0, -i))
	}
	return out
}

// busyNetwork flags a referral that is number n from its network within
// a week, past the limit.
func busyNetwork(network string, n int) []Flag {
	if network == "" || n <= networkLimit {
		return nil
	}
	return []Flag{{Key: FlagBusyNetwork, Params: []string{"network", network, "n", strconv.Itoa(n)}}}
}
