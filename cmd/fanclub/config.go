package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mail"
	"fanclub/internal/ratelimit"
	"fanclub/membership"
)

// config is everything the site reads from its environment and flags.
type config struct {
	Addr           string
	BaseURL        string
	BaseURLDerived bool // FANCLUB_BASE_URL was unset: BaseURL comes from Addr
	DataDir        string
	MongoURI       string
	TrustedProxies []string
	ImageHosts     []string        // hosts whose images member content shows
	SMTP           mail.SMTPConfig // Host empty: mail goes to the log
	Providers      []auth.ProviderConfig
	Billing        membership.Config // SecretKey empty: billing is off
	Limits         community.Limits  // zero rules take community.DefaultLimits
}

// loadConfig reads the configuration. It is pure, so a table test covers it.
func loadConfig(args []string, getenv func(string) string) (config, error) {
	env := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := config{
		Addr:     env("FANCLUB_ADDR", ":8080"),
		BaseURL:  strings.TrimSuffix(env("FANCLUB_BASE_URL", ""), "/"),
		DataDir:  env("FANCLUB_DATA_DIR", "./data"),
		MongoURI: env("MONGODB_URI", ""),
	}
	fs := flag.NewFlagSet("fanclub", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "embedded database directory")
	if err := fs.Parse(args); err != nil {
		return config{}, fmt.Errorf("flags: %w (fanclub -h lists them)", err)
	}
	if c.BaseURL == "" {
		base, err := baseURLFromAddr(c.Addr)
		if err != nil {
			return config{}, err
		}
		c.BaseURL, c.BaseURLDerived = base, true
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return config{}, fmt.Errorf("FANCLUB_BASE_URL %q: want http(s)://host[:port]", c.BaseURL)
	}
	for _, p := range strings.Split(getenv("FANCLUB_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	for _, h := range strings.Split(getenv("FANCLUB_IMAGE_HOSTS"), ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h == "" {
			continue
		}
		if u, err := url.Parse("//" + h); err != nil || u.Host != h || u.User != nil {
			return config{}, fmt.Errorf("FANCLUB_IMAGE_HOSTS: %q is not a host name (write images.example.com, with no scheme or path)", h)
		}
		c.ImageHosts = append(c.ImageHosts, h)
	}
	if host := env("FANCLUB_SMTP_HOST", ""); host != "" {
		port, err := strconv.Atoi(env("FANCLUB_SMTP_PORT", "587"))
		if err != nil {
			return config{}, fmt.Errorf("FANCLUB_SMTP_PORT: %w", err)
		}
		c.SMTP = mail.SMTPConfig{Host: host, Port: port, Username: env("FANCLUB_SMTP_USERNAME", ""),
			Password: env("FANCLUB_SMTP_PASSWORD", ""), From: env("FANCLUB_SMTP_FROM", "")}
		if c.SMTP.From == "" {
			return config{}, errors.New("FANCLUB_SMTP_FROM is required with FANCLUB_SMTP_HOST")
		}
	}
	for _, id := range []string{"google", "github", "kakao", "naver"} {
		prefix := "FANCLUB_" + strings.ToUpper(id) + "_"
		if cid := env(prefix+"CLIENT_ID", ""); cid != "" {
			c.Providers = append(c.Providers, auth.ProviderConfig{ID: id, ClientID: cid, ClientSecret: env(prefix+"CLIENT_SECRET", "")})
		}
	}
	if issuer := env("FANCLUB_OIDC_ISSUER", ""); issuer != "" {
		p := auth.ProviderConfig{ID: "oidc", Issuer: issuer, ClientID: env("FANCLUB_OIDC_CLIENT_ID", ""),
			ClientSecret: env("FANCLUB_OIDC_CLIENT_SECRET", ""), Name: env("FANCLUB_OIDC_NAME", "OpenID Connect")}
		if p.ClientID == "" {
			return config{}, errors.New("FANCLUB_OIDC_CLIENT_ID is required with FANCLUB_OIDC_ISSUER")
		}
		c.Providers = append(c.Providers, p)
	}
	c.Billing = membership.Config{SecretKey: env("STRIPE_SECRET_KEY", ""), WebhookSecret: env("STRIPE_WEBHOOK_SECRET", ""),
		APIBase: strings.TrimSuffix(env("STRIPE_API_BASE", ""), "/"), BaseURL: c.BaseURL}
	if c.Billing.SecretKey != "" && c.Billing.WebhookSecret == "" {
		return config{}, errors.New("STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY: without it no payment would ever reach the site")
	}
	for _, l := range []struct {
		key    string
		rule   *ratelimit.Rule
		window time.Duration
	}{{"FANCLUB_VOTES_PER_MINUTE", &c.Limits.VotesPerMinute, time.Minute}, {"FANCLUB_VOTES_PER_DAY", &c.Limits.VotesPerDay, 24 * time.Hour}} {
		if v := env(l.key, ""); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return config{}, fmt.Errorf("%s %q: want a whole number above 0", l.key, v)
			}
			*l.rule = ratelimit.Rule{Max: n, Window: l.window}
		}
	}
	if v := env("FANCLUB_BILLING_GRACE_DAYS", ""); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 0 || days > 60 {
			return config{}, fmt.Errorf("FANCLUB_BILLING_GRACE_DAYS %q: want a number of days from 0 to 60", v)
		}
		c.Billing.Grace = time.Duration(days) * 24 * time.Hour
		if days == 0 {
			c.Billing.Grace = time.Nanosecond // no grace: access lapses at the failed payment
		}
	}
	return c, nil
}

// baseURLFromAddr is the address a browser on this machine opens to reach
// a site listening on addr: a site run without FANCLUB_BASE_URL answers
// there, instead of refusing every form sent from the address it listens
// on. An address on every interface is reached as localhost.
func baseURLFromAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", fmt.Errorf("FANCLUB_ADDR %q: want host:port or :port", addr)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}
