package auth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mail"
	"fanclub/internal/mongotest"
)

// unsubscribeToken is the token part of a's unsubscribe address.
func unsubscribeToken(t *testing.T, s *auth.Service, a auth.AccountID) string {
	t.Helper()
	u, err := s.UnsubscribeURL(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	token, ok := strings.CutPrefix(u, "http://club.test/unsubscribe/")
	if !ok {
		t.Fatalf("unsubscribe URL %q is not under the site's /unsubscribe/", u)
	}
	return token
}

// flipFirst changes the first character of s: the last of an unpadded
// base64 string may carry unused low bits, so changing it may not change
// what it decodes to.
func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func signUp(t *testing.T, s *auth.Service, subject string) auth.Account {
	t.Helper()
	a, err := s.SignIn(context.Background(), auth.External{Provider: "github", Subject: subject,
		Email: subject + "@example.com", EmailVerified: true, Name: subject})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestUnsubscribeTokens: a link names its own account and no other, and
// any change to it, or a made-up one, is refused as invalid.
func TestUnsubscribeTokens(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	mina, jun := signUp(t, s, "mina"), signUp(t, s, "jun")
	minaToken, junToken := unsubscribeToken(t, s, mina.ID), unsubscribeToken(t, s, jun.ID)
	minaID, minaSig, _ := strings.Cut(minaToken, ".")
	junID, _, _ := strings.Cut(junToken, ".")

	got, err := s.UnsubscribeAccount(ctx, minaToken)
	if err != nil || got.ID != mina.ID {
		t.Fatalf("Mina's own link reads as %q, %v; want Mina", got.ID, err)
	}
	for _, tt := range []struct{ name, token string }{
		{"Jun's id with Mina's signature", junID + "." + minaSig},
		{"signature changed", minaID + "." + flipFirst(minaSig)},
		{"id changed", flipFirst(minaID) + "." + minaSig},
		{"signature cut short", minaToken[:len(minaToken)-4]},
		{"no signature", minaID + "."},
		{"no dot", minaID},
		{"id not base64", "%%%." + minaSig},
		{"raw account id", string(mina.ID)},
		{"garbage", "not-a-token"},
		{"empty", ""},
		{"overlong", minaToken + strings.Repeat("A", 300)},
		{"unsigned id of an account", base64.RawURLEncoding.EncodeToString([]byte(mina.ID)) + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if a, err := s.UnsubscribeAccount(ctx, tt.token); !errors.Is(err, auth.ErrUnsubscribeInvalid) {
				t.Errorf("UnsubscribeAccount(%q) = %q, %v; want ErrUnsubscribeInvalid", tt.token, a.ID, err)
			}
			if a, err := s.Unsubscribe(ctx, tt.token); !errors.Is(err, auth.ErrUnsubscribeInvalid) {
				t.Errorf("Unsubscribe(%q) = %q, %v; want ErrUnsubscribeInvalid", tt.token, a.ID, err)
			}
		})
	}
}

// TestUnsubscribeTurnsNewsOffOnce: the link turns news off for its own
// account only; used again it changes nothing and is no error.
func TestUnsubscribeTurnsNewsOffOnce(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	mina, jun := signUp(t, s, "mina"), signUp(t, s, "jun")
	for _, a := range []auth.AccountID{mina.ID, jun.ID} {
		if err := s.SetNews(ctx, a, true); err != nil {
			t.Fatal(err)
		}
	}
	token := unsubscribeToken(t, s, mina.ID)
	for try := 1; try <= 2; try++ {
		a, err := s.Unsubscribe(ctx, token)
		if err != nil || a.ID != mina.ID || a.News || !a.NewsSince.IsZero() {
			t.Fatalf("use %d: %q news=%v since=%v, %v; want Mina, news off", try, a.ID, a.News, a.NewsSince, err)
		}
		if saved, _ := s.AccountByID(ctx, mina.ID); saved.News {
			t.Fatalf("use %d: Mina's news still on", try)
		}
	}
	if saved, _ := s.AccountByID(ctx, jun.ID); !saved.News {
		t.Error("Mina's link turned Jun's news off")
	}
}

// TestUnsubscribeLinkOfADeletedAccount: once the account is deleted its
// link is invalid, as a forged one is.
func TestUnsubscribeLinkOfADeletedAccount(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	signUp(t, s, "owner") // the site's last owner may not go
	mina := signUp(t, s, "mina")
	token := unsubscribeToken(t, s, mina.ID)
	if err := s.DeleteAccount(ctx, mina.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UnsubscribeAccount(ctx, token); !errors.Is(err, auth.ErrUnsubscribeInvalid) {
		t.Errorf("a deleted account's link: %v, want ErrUnsubscribeInvalid", err)
	}
	if _, err := s.Unsubscribe(ctx, token); !errors.Is(err, auth.ErrUnsubscribeInvalid) {
		t.Errorf("unsubscribing a deleted account: %v, want ErrUnsubscribeInvalid", err)
	}
}

// TestUnsubscribeKeySharedByInstances: two instances on one database,
// both starting at once with no key yet, make one key between them, so a
// link one mails the other accepts.
func TestUnsubscribeKeySharedByInstances(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	first, second := newServiceOn(t, db), newServiceOn(t, db)
	mina := signUp(t, first, "mina")
	urls := make([]string, 2)
	var wg sync.WaitGroup
	for i, s := range []*auth.Service{first, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if urls[i], err = s.UnsubscribeURL(ctx, mina.ID); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if urls[0] != urls[1] {
		t.Fatalf("two instances sign Mina's link differently:\n%s\n%s", urls[0], urls[1])
	}
	if n, err := db.Collection("site").CountDocuments(ctx, bson.M{"_id": "unsubscribe_key"}); err != nil || n != 1 {
		t.Fatalf("%d unsubscribe keys stored, %v; want 1", n, err)
	}
	// A third instance, started later, reads the stored key.
	third := newServiceOn(t, db)
	if a, err := third.UnsubscribeAccount(ctx, unsubscribeToken(t, first, mina.ID)); err != nil || a.ID != mina.ID {
		t.Fatalf("a later instance reads the first's link as %q, %v", a.ID, err)
	}
}

// TestNewsConsent: news is off for a new account; turning it on records
// when, saying yes again keeps that date, and turning it off forgets it.
func TestNewsConsent(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	clock := &settable{t: time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)}
	s := newServiceAt(t, db, clock.Now)
	mina := signUp(t, s, "mina")
	saved := func() (bool, bool, time.Time) {
		t.Helper()
		var d struct {
			News      *bool     `bson:"news"`
			NewsSince time.Time `bson:"newsSince"`
		}
		if err := db.Collection("accounts").FindOne(ctx, bson.M{"_id": mina.ID}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		return d.News != nil, d.News != nil && *d.News, d.NewsSince
	}
	if mina.News || !mina.NewsSince.IsZero() {
		t.Fatalf("a new account has news=%v since %v; want off", mina.News, mina.NewsSince)
	}
	if _, on, _ := saved(); on {
		t.Fatal("a new account is stored with news on")
	}

	agreed := clock.Now()
	if err := s.SetNews(ctx, mina.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, on, since := saved(); !on || !since.Equal(agreed) {
		t.Fatalf("after turning news on: stored on=%v since %v; want on since %v", on, since, agreed)
	}
	clock.Add(24 * time.Hour)
	if err := s.SetNews(ctx, mina.ID, true); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.AccountByID(ctx, mina.ID); !a.News || !a.NewsSince.Equal(agreed) {
		t.Fatalf("after saying yes again: news=%v since %v; want the first date %v", a.News, a.NewsSince, agreed)
	}

	if err := s.SetNews(ctx, mina.ID, false); err != nil {
		t.Fatal(err)
	}
	if set, on, since := saved(); !set || on || !since.IsZero() {
		t.Fatalf("after turning news off: stored set=%v on=%v since %v; want false and no date", set, on, since)
	}

	for _, on := range []bool{true, false} {
		if err := s.SetNews(ctx, "no-such-account", on); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("SetNews(no such account, %v) = %v, want ErrNotFound", on, err)
		}
	}
}

// reminderBox keeps the mail auth sends, or refuses it while down.
type reminderBox struct {
	mu   sync.Mutex
	sent []mail.Message
	down bool
}

func (b *reminderBox) Send(_ context.Context, m mail.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down {
		return errors.New("smtp: connection refused")
	}
	b.sent = append(b.sent, m)
	return nil
}

func (b *reminderBox) to() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.sent {
		out = append(out, m.To)
	}
	b.sent = nil
	return out
}

// TestNewsConsentReminder: whoever agreed to news two years ago or more
// is told so once, in their language, with the way out, and again two
// years later; agreeing again starts the two years anew; those who said
// no, or agreed lately, hear nothing; a mail that fails is tried at the
// next run.
func TestNewsConsentReminder(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	clock := &settable{t: time.Date(2024, 6, 1, 3, 0, 0, 0, time.UTC)}
	box := &reminderBox{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := auth.New(db, auth.Config{BaseURL: "http://club.test"}, box, clock.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	old, late, again := signUp(t, s, "old"), signUp(t, s, "late"), signUp(t, s, "again")
	signUp(t, s, "never") // never agrees
	for _, a := range []auth.Account{old, again} {
		if err := s.SetNews(ctx, a.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.UpdateProfile(ctx, old.ID, auth.ProfileInput{Name: "old", Locale: "ko"}); err != nil {
		t.Fatal(err)
	}
	clock.Add(365 * 24 * time.Hour)
	if err := s.SetNews(ctx, late.ID, true); err != nil { // a year later
		t.Fatal(err)
	}
	remind := func() []string {
		t.Helper()
		if _, err := s.RemindNewsConsent(ctx); err != nil {
			t.Fatal(err)
		}
		return box.to()
	}
	if got := remind(); len(got) != 0 {
		t.Fatalf("after one year: reminded %v", got)
	}

	clock.Add(366 * 24 * time.Hour) // two years and a day after old's yes
	if err := s.SetNews(ctx, again.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := s.SetNews(ctx, again.ID, true); err != nil { // said yes again today
		t.Fatal(err)
	}
	box.down = true
	if n, err := s.RemindNewsConsent(ctx); err == nil || n != 0 {
		t.Fatalf("with the mail server down: %d told, %v", n, err)
	}
	box.down = false
	var mails []mail.Message
	if _, err := s.RemindNewsConsent(ctx); err != nil {
		t.Fatal(err)
	}
	box.mu.Lock()
	mails = append(mails, box.sent...)
	box.mu.Unlock()
	if len(mails) != 1 || mails[0].To != "old@example.com" {
		t.Fatalf("two years on: mailed %+v, want old alone", mails)
	}
	if m := mails[0]; m.Subject != "소식 수신 동의 안내" || !strings.Contains(m.Text, "2024년 6월 1일") ||
		!strings.Contains(m.Text, "http://club.test/unsubscribe/") || !strings.Contains(m.Text, "http://club.test/settings") {
		t.Errorf("the reminder: %q\n%s", m.Subject, m.Text)
	}
	box.to()
	if got := remind(); len(got) != 0 {
		t.Errorf("the next day's run reminded %v again", got)
	}
	clock.Add(365 * 24 * time.Hour) // late's two years
	if got := remind(); len(got) != 1 || got[0] != "late@example.com" {
		t.Errorf("late's two years: reminded %v, want late", got)
	}
	clock.Add(366 * 24 * time.Hour) // old's four years, again's two
	if got := remind(); len(got) != 2 {
		t.Errorf("old's second reminder and again's first: %v", got)
	}
}
