package main

import (
	"reflect"
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
			if c.Addr != ":8080" || c.BaseURL != "http://localhost:8080" || c.DataDir != "./data" || c.MongoURI != "" {
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
			if c.Addr != "127.0.0.1:9000" || c.BaseURL != "https://club.example.com" || c.MongoURI != "mongodb://db:27017/club" {
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
