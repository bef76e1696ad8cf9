package main

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/ratelimit"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, c config)
		wantErr string
	}{
		{name: "defaults", check: func(t *testing.T, c config) {
			if c.Addr != ":8080" || c.BaseURL != "http://localhost:8080" || !c.BaseURLDerived || c.DataDir != "./data" || c.MongoURI != "" {
				t.Errorf("got %+v", c)
			}
			if len(c.Providers) != 0 || c.SMTP.Host != "" || c.TrustedProxies != nil {
				t.Errorf("nothing optional should be on: %+v", c)
			}
		}},
		{name: "environment", env: map[string]string{
			"FANCLUB_ADDR": "127.0.0.1:9000", "FANCLUB_BASE_URL": "https://club.example.com/",
			"MONGODB_URI": "mongodb://db:27017/club", "FANCLUB_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.0/8",
		}, check: func(t *testing.T, c config) {
			if c.Addr != "127.0.0.1:9000" || c.BaseURL != "https://club.example.com" || c.BaseURLDerived || c.MongoURI != "mongodb://db:27017/club" {
				t.Errorf("got %+v", c)
			}
			if !reflect.DeepEqual(c.TrustedProxies, []string{"10.0.0.1", "10.0.0.0/8"}) {
				t.Errorf("proxies %v", c.TrustedProxies)
			}
		}},
		{name: "flags win over environment", args: []string{"-addr", ":7000", "-data", "/tmp/x"},
			env: map[string]string{"FANCLUB_ADDR": ":9000"}, check: func(t *testing.T, c config) {
				if c.Addr != ":7000" || c.DataDir != "/tmp/x" {
					t.Errorf("got %+v", c)
				}
			}},
		{name: "base URL from the listen address", env: map[string]string{"FANCLUB_ADDR": "127.0.0.1:18085"},
			check: func(t *testing.T, c config) {
				if c.BaseURL != "http://127.0.0.1:18085" || !c.BaseURLDerived || c.Billing.BaseURL != c.BaseURL {
					t.Errorf("got %q (derived %v), billing %q", c.BaseURL, c.BaseURLDerived, c.Billing.BaseURL)
				}
			}},
		{name: "base URL from the -addr flag", args: []string{"-addr", "127.0.0.1:7000"}, env: map[string]string{"FANCLUB_ADDR": ":9000"},
			check: func(t *testing.T, c config) {
				if c.BaseURL != "http://127.0.0.1:7000" {
					t.Errorf("got %q", c.BaseURL)
				}
			}},
		{name: "listen address without a port", env: map[string]string{"FANCLUB_ADDR": "localhost"}, wantErr: "FANCLUB_ADDR"},
		{name: "providers in order, only those configured", env: map[string]string{
			"FANCLUB_KAKAO_CLIENT_ID": "k", "FANCLUB_GOOGLE_CLIENT_ID": "g", "FANCLUB_GOOGLE_CLIENT_SECRET": "gs",
			"FANCLUB_OIDC_ISSUER": "https://id.example.com", "FANCLUB_OIDC_CLIENT_ID": "o", "FANCLUB_OIDC_NAME": "Brand ID",
		}, check: func(t *testing.T, c config) {
			want := []auth.ProviderConfig{
				{ID: "google", ClientID: "g", ClientSecret: "gs"},
				{ID: "kakao", ClientID: "k"},
				{ID: "oidc", Name: "Brand ID", ClientID: "o", Issuer: "https://id.example.com"},
			}
			if !reflect.DeepEqual(c.Providers, want) {
				t.Errorf("got %+v", c.Providers)
			}
		}},
		{name: "smtp", env: map[string]string{"FANCLUB_SMTP_HOST": "smtp.example.com", "FANCLUB_SMTP_FROM": "club@example.com"},
			check: func(t *testing.T, c config) {
				if c.SMTP.Host != "smtp.example.com" || c.SMTP.Port != 587 || c.SMTP.From != "club@example.com" {
					t.Errorf("got %+v", c.SMTP)
				}
			}},
		{name: "billing", env: map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
			"STRIPE_API_BASE": "http://localhost:12111/", "FANCLUB_BILLING_GRACE_DAYS": "3"},
			check: func(t *testing.T, c config) {
				b := c.Billing
				if b.SecretKey != "sk_test_1" || b.WebhookSecret != "whsec_1" || b.APIBase != "http://localhost:12111" ||
					b.Grace != 72*time.Hour || b.BaseURL != "http://localhost:8080" {
					t.Errorf("got %+v", b)
				}
			}},
		{name: "no grace", env: map[string]string{"FANCLUB_BILLING_GRACE_DAYS": "0"}, check: func(t *testing.T, c config) {
			if c.Billing.Grace <= 0 || c.Billing.Grace > time.Second {
				t.Errorf("grace %v, want none (not the default)", c.Billing.Grace)
			}
		}},
		{name: "billing off by default", check: func(t *testing.T, c config) {
			if c.Billing.SecretKey != "" || c.Billing.Grace != 0 {
				t.Errorf("got %+v", c.Billing)
			}
		}},
		{name: "vote limits", env: map[string]string{"FANCLUB_VOTES_PER_MINUTE": "120", "FANCLUB_VOTES_PER_DAY": "5000"},
			check: func(t *testing.T, c config) {
				if c.Limits.VotesPerMinute != (ratelimit.Rule{Max: 120, Window: time.Minute}) ||
					c.Limits.VotesPerDay != (ratelimit.Rule{Max: 5000, Window: 24 * time.Hour}) {
					t.Errorf("got %+v", c.Limits)
				}
			}},
		{name: "vote limits default", check: func(t *testing.T, c config) {
			if c.Limits != (community.Limits{}) {
				t.Errorf("got %+v, want zero: community's defaults", c.Limits)
			}
		}},
		{name: "image hosts", env: map[string]string{"FANCLUB_IMAGE_HOSTS": " Images.Brand.example , cdn.example.org:8443,"},
			check: func(t *testing.T, c config) {
				if !reflect.DeepEqual(c.ImageHosts, []string{"images.brand.example", "cdn.example.org:8443"}) {
					t.Errorf("got %q", c.ImageHosts)
				}
			}},
		{name: "no image hosts by default", check: func(t *testing.T, c config) {
			if c.ImageHosts != nil {
				t.Errorf("got %q, want none: member content loads no outside image", c.ImageHosts)
			}
		}},
		{name: "an image host with a scheme", env: map[string]string{"FANCLUB_IMAGE_HOSTS": "https://images.brand.example"}, wantErr: "FANCLUB_IMAGE_HOSTS"},
		{name: "an image host with a path", env: map[string]string{"FANCLUB_IMAGE_HOSTS": "images.brand.example/mugs"}, wantErr: "FANCLUB_IMAGE_HOSTS"},
		{name: "vote limit zero", env: map[string]string{"FANCLUB_VOTES_PER_MINUTE": "0"}, wantErr: "FANCLUB_VOTES_PER_MINUTE"},
		{name: "vote limit in words", env: map[string]string{"FANCLUB_VOTES_PER_DAY": "lots"}, wantErr: "FANCLUB_VOTES_PER_DAY"},
		{name: "stripe key without webhook secret", env: map[string]string{"STRIPE_SECRET_KEY": "sk_test_1"}, wantErr: "STRIPE_WEBHOOK_SECRET"},
		{name: "grace in words", env: map[string]string{"FANCLUB_BILLING_GRACE_DAYS": "a week"}, wantErr: "FANCLUB_BILLING_GRACE_DAYS"},
		{name: "grace too long", env: map[string]string{"FANCLUB_BILLING_GRACE_DAYS": "61"}, wantErr: "FANCLUB_BILLING_GRACE_DAYS"},
		{name: "bad base URL", env: map[string]string{"FANCLUB_BASE_URL": "localhost:8080"}, wantErr: "FANCLUB_BASE_URL"},
		{name: "smtp without sender", env: map[string]string{"FANCLUB_SMTP_HOST": "smtp.example.com"}, wantErr: "FANCLUB_SMTP_FROM"},
		{name: "smtp bad port", env: map[string]string{"FANCLUB_SMTP_HOST": "h", "FANCLUB_SMTP_FROM": "a@b.c", "FANCLUB_SMTP_PORT": "x"}, wantErr: "FANCLUB_SMTP_PORT"},
		{name: "oidc without client", env: map[string]string{"FANCLUB_OIDC_ISSUER": "https://id.example.com"}, wantErr: "FANCLUB_OIDC_CLIENT_ID"},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: "flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// TestBaseURLFromAddr is the address a browser on this machine opens for
// each listen address.
func TestBaseURLFromAddr(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:18085": "http://127.0.0.1:18085",
		":8080":           "http://localhost:8080",
		"0.0.0.0:8080":    "http://localhost:8080",
		"[::]:8080":       "http://localhost:8080",
		"[::1]:9000":      "http://[::1]:9000",
		"localhost:3000":  "http://localhost:3000",
		"club.lan:80":     "http://club.lan:80",
		"192.168.0.7:80":  "http://192.168.0.7:80",
	} {
		got, err := baseURLFromAddr(addr)
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", addr, got, err, want)
		}
	}
	for _, addr := range []string{"", "8080", "localhost", "localhost:"} {
		if got, err := baseURLFromAddr(addr); err == nil {
			t.Errorf("%q: got %q, want an error naming FANCLUB_ADDR", addr, got)
		}
	}
}

// TestHelpListsCommandsAndEveryVariable runs `fanclub -h` and `fanclub
// help`: both list the commands, and every environment variable the
// configuration reads, each with what it means.
func TestHelpListsCommandsAndEveryVariable(t *testing.T) {
	full := map[string]string{"FANCLUB_SMTP_HOST": "smtp.example.com", "FANCLUB_SMTP_FROM": "club@example.com",
		"FANCLUB_OIDC_ISSUER": "https://id.example.com", "FANCLUB_OIDC_CLIENT_ID": "o",
		"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1"}
	read := map[string]bool{}
	if _, err := loadConfig(nil, func(k string) string { read[k] = true; return full[k] }); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-h"}, {"help"}, {"--help"}, {"serve", "-h"}} {
		var out strings.Builder
		if err := run(context.Background(), args, func(string) string { return "" }, &out); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		help := out.String()
		for _, cmd := range []string{"fanclub [serve]", "fanclub seed", "fanclub reconcile", "fanclub owner <email>"} {
			if !strings.Contains(help, cmd) {
				t.Errorf("%v: %q missing:\n%s", args, cmd, help)
			}
		}
		for k := range read {
			line := regexp.MustCompile(`(?m)^.*\b` + k + `\b.*$`).FindString(help)
			if len(strings.Fields(line)) < 3 {
				t.Errorf("%v: no line says what %s means:\n%s", args, k, help)
			}
		}
		if !strings.Contains(help, "FANCLUB_BASE_URL") || !strings.Contains(help, "from FANCLUB_ADDR") {
			t.Errorf("%v: the base URL's default is not explained:\n%s", args, help)
		}
	}
}
