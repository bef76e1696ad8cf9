package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"fanclub/community"
	"fanclub/membership"
)

// commands are what fanclub can be asked to do, as `fanclub -h` lists them.
var commands = []struct{ usage, meaning string }{
	{"fanclub [serve] [-addr host:port] [-data dir]", "serve the site (the default)"},
	{"fanclub seed [-data dir]", "fill an empty database with a demo club in Korean and English"},
	{"fanclub reconcile [-data dir]", "recount counters that drifted (after a crash); run it when the site is quiet"},
	{"fanclub owner <email> [-data dir]", "make the account with that verified email an owner of the site"},
	{"fanclub help", "this text (also -h)"},
}

// settings are the environment variables loadConfig reads, with their
// defaults. A test checks that every variable it reads is here.
var settings = []struct{ name, def, meaning string }{
	{"FANCLUB_ADDR", ":8080", "address to listen on, host:port (the -addr flag wins)"},
	{"FANCLUB_BASE_URL", "from FANCLUB_ADDR, e.g. http://localhost:8080", "the address people open the site at; links in mail and the form check use it"},
	{"FANCLUB_DATA_DIR", "./data", "directory of the embedded database (the -data flag wins)"},
	{"MONGODB_URI", "none: the embedded database", "a MongoDB server to use instead of the embedded one"},
	{"FANCLUB_TRUSTED_PROXIES", "none", "proxies whose X-Forwarded-For is believed, addresses or CIDR ranges, comma-separated"},
	{"FANCLUB_IMAGE_HOSTS", "none", "hosts whose images posts show, comma-separated; other images are links"},
	{"FANCLUB_SMTP_HOST", "none: mail is printed in the log", "SMTP server for sign-in links and notices"},
	{"FANCLUB_SMTP_PORT", "587", "its port (465: implicit TLS)"},
	{"FANCLUB_SMTP_USERNAME", "none", "its user name"},
	{"FANCLUB_SMTP_PASSWORD", "none", "its password"},
	{"FANCLUB_SMTP_FROM", "required with FANCLUB_SMTP_HOST", "the sender address of mail"},
	{"FANCLUB_GOOGLE_CLIENT_ID", "none: off", "sign in with Google (with FANCLUB_GOOGLE_CLIENT_SECRET)"},
	{"FANCLUB_GITHUB_CLIENT_ID", "none: off", "sign in with GitHub (with FANCLUB_GITHUB_CLIENT_SECRET)"},
	{"FANCLUB_KAKAO_CLIENT_ID", "none: off", "sign in with Kakao (with FANCLUB_KAKAO_CLIENT_SECRET)"},
	{"FANCLUB_NAVER_CLIENT_ID", "none: off", "sign in with Naver (with FANCLUB_NAVER_CLIENT_SECRET)"},
	{"FANCLUB_OIDC_ISSUER", "none: off", "sign in with any OpenID Connect provider at this issuer URL"},
	{"FANCLUB_OIDC_CLIENT_ID", "required with FANCLUB_OIDC_ISSUER", "its client ID (and FANCLUB_OIDC_CLIENT_SECRET)"},
	{"FANCLUB_OIDC_NAME", "OpenID Connect", "its name on the sign-in button"},
	{"STRIPE_SECRET_KEY", "none: billing off", "Stripe secret key, for paid tiers"},
	{"STRIPE_WEBHOOK_SECRET", "required with STRIPE_SECRET_KEY", "the signing secret of the Stripe webhook endpoint /webhooks/stripe"},
	{"STRIPE_API_BASE", "Stripe itself", "another Stripe API address, e.g. stripe-mock's"},
	{"FANCLUB_BILLING_GRACE_DAYS", strconv.Itoa(int(membership.DefaultGrace.Hours() / 24)), "days a member keeps access after a failed payment (0 to 60)"},
	{"FANCLUB_VOTES_PER_MINUTE", strconv.Itoa(community.DefaultLimits.VotesPerMinute.Max), "votes one person may cast in a minute"},
	{"FANCLUB_VOTES_PER_DAY", strconv.Itoa(community.DefaultLimits.VotesPerDay.Max), "votes one person may cast in a day"},
}

// usage writes what `fanclub -h` shows: the commands and the settings.
func usage(w io.Writer) {
	fmt.Fprint(w, "fanclub serves a fan club: groups, a feed, ideas, events and paid tiers.\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.usage, c.meaning)
	}
	tw.Flush()
	fmt.Fprint(w, "\nEnvironment (default in brackets):\n")
	for _, s := range settings {
		fmt.Fprintf(tw, "  %s\t%s [%s]\n", s.name, s.meaning, s.def)
	}
	tw.Flush()
}
