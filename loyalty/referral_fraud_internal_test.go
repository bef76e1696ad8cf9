package loyalty

import (
	"slices"
	"testing"
	"time"

	"fanclub/auth"
)

func TestMailbox(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"Fan.One@Gmail.com", "fanone@gmail.com"},
		{"fan.one+club@gmail.com", "fanone@gmail.com"},
		{"f.a.n.o.n.e@googlemail.com", "fanone@gmail.com"},
		{"fanone+a+b@googlemail.com", "fanone@gmail.com"},
		{"fan.one+club@example.com", "fan.one@example.com"}, // dots matter off Gmail
		{"fan+x@naver.com", "fan@naver.com"},
		{"fan@example.com", "fan@example.com"},
		{"not an address", "not an address"},
	} {
		if got := mailbox(c.a); got != c.b {
			t.Errorf("mailbox(%q) = %q, want %q", c.a, got, c.b)
		}
	}
	for _, c := range []struct{ a, b string }{
		{"fan.one@example.com", "fanone@example.com"}, // another provider: dots are another mailbox
		{"fanone@gmail.com", "fanone@example.com"},
		{"fan1@gmail.com", "fan2@gmail.com"},
	} {
		if mailbox(c.a) == mailbox(c.b) {
			t.Errorf("%q and %q read as one mailbox", c.a, c.b)
		}
	}
}

func TestNetworkOf(t *testing.T) {
	for _, c := range []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.0/24"},
		{"203.0.113.250", "203.0.113.0/24"},
		{"::ffff:203.0.113.9", "203.0.113.0/24"}, // IPv4 in IPv6 is IPv4
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::99", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"", ""},
		{"not-an-ip", ""},
		{"203.0.113.7:443", ""},
	} {
		if got := networkOf(c.ip); got != c.want {
			t.Errorf("networkOf(%q) = %q, want %q", c.ip, got, c.want)
		}
	}
}

func TestBusyNetwork(t *testing.T) {
	for _, c := range []struct {
		network string
		n       int
		flagged bool
	}{
		{"203.0.113.0/24", 1, false},
		{"203.0.113.0/24", 10, false},
		{"203.0.113.0/24", 11, true},
		{"203.0.113.0/24", 50, true},
		{"", 50, false}, // no address, no count
	} {
		got := busyNetwork(c.network, c.n)
		if (len(got) == 1) != c.flagged {
			t.Errorf("busyNetwork(%q, %d) = %v, want flagged %v", c.network, c.n, got, c.flagged)
		}
		if c.flagged && (got[0].Key != FlagBusyNetwork || !slices.Contains(got[0].Params, c.network)) {
			t.Errorf("busyNetwork(%q, %d) = %v: wrong reason", c.network, c.n, got)
		}
	}
	// The week is the seven UTC days ending today.
	days := lastDays(time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC))
	if want := []string{"2026-03-02", "2026-03-01", "2026-02-28", "2026-02-27", "2026-02-26", "2026-02-25", "2026-02-24"}; !slices.Equal(days, want) {
		t.Errorf("lastDays = %v, want %v", days, want)
	}
}

func TestSamePerson(t *testing.T) {
	email := func(a string, verified bool) auth.TracedEmail {
		return auth.TracedEmail{Address: a, Verified: verified}
	}
	ann := auth.Traces{Emails: []auth.TracedEmail{email("ann@gmail.com", true)}, Identities: []string{"email:ann@gmail.com", "oidc:1"}}
	for _, c := range []struct {
		name   string
		friend auth.Traces
		want   string // the flag's key, "" for none
	}{
		{"a stranger", auth.Traces{Emails: []auth.TracedEmail{email("bob@example.com", true)}, Identities: []string{"oidc:2"}}, ""},
		{"a shared identity", auth.Traces{Identities: []string{"oidc:1"}}, FlagSamePerson},
		{"a shared verified email", auth.Traces{Emails: []auth.TracedEmail{email("bob@example.com", true), email("ann@gmail.com", true)}}, FlagSamePerson},
		{"the same address, unverified", auth.Traces{Emails: []auth.TracedEmail{email("ann@gmail.com", false)}}, FlagAlias},
		{"a +tag", auth.Traces{Emails: []auth.TracedEmail{email("ann+2@gmail.com", true)}}, FlagAlias},
		{"dots at googlemail", auth.Traces{Emails: []auth.TracedEmail{email("a.n.n@googlemail.com", true)}}, FlagAlias},
		{"another provider", auth.Traces{Emails: []auth.TracedEmail{email("ann@example.com", true)}}, ""},
	} {
		got := samePerson(ann, c.friend)
		switch {
		case c.want == "" && len(got) != 0:
			t.Errorf("%s: flagged %v", c.name, got)
		case c.want != "" && (len(got) != 1 || got[0].Key != c.want):
			t.Errorf("%s: %v, want one %s", c.name, got, c.want)
		}
	}
}
