package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	fmail "fanclub/internal/mail"
	"fanclub/internal/ratelimit"
)

// emailLinkLifetime is how long an emailed sign-in link works.
const emailLinkLifetime = 15 * time.Minute

// maxEmailLen is the longest address SMTP allows.
const maxEmailLen = 254

// EmailLinkRequest asks for a sign-in link. With LinkTo set, the link adds
// the address as a sign-in method of that account instead.
type EmailLinkRequest struct {
	Email  string
	IP     string
	Locale string // the language of the mail
	LinkTo AccountID
}

// NormaliseEmail trims and lower-cases an address and checks its form.
func NormaliseEmail(raw string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case e == "":
		return "", ValidationError{"email": "validation.email.required"}
	case len(e) > maxEmailLen:
		return "", ValidationError{"email": "validation.email.too_long"}
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") {
		return "", ValidationError{"email": "validation.email.invalid"}
	}
	return e, nil
}

// RequestEmailLink mails a single-use sign-in link, valid for 15 minutes,
// whose token is stored only as a hash. It answers the same whether or not
// an account uses the address: an unknown address signs up.
func (s *Service) RequestEmailLink(ctx context.Context, in EmailLinkRequest) error {
	email, err := NormaliseEmail(in.Email)
	if err != nil {
		return err
	}
	if err := s.allow(ctx, "link-ip:"+in.IP, s.limits.LinkPerIP); err != nil {
		return err
	}
	if err := s.allow(ctx, "link-email:"+email, s.limits.LinkPerEmail); err != nil {
		return err
	}
	token := randomToken(32)
	now := s.now()
	d := emailLinkDoc{ID: hashToken(token), Email: email, LinkTo: in.LinkTo, CreatedAt: now, ExpiresAt: now.Add(emailLinkLifetime)}
	if _, err := s.emailLinks.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("auth: insert email link: %w", err)
	}
	return s.mailer.Send(ctx, signInMail(in.Locale, email, s.baseURL+"/signin/link?token="+token))
}

// PeekEmailLink returns the address a live link signs in as, without
// using it up, so the confirm page can say whose account the button opens.
func (s *Service) PeekEmailLink(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > 100 {
		return "", ErrLinkInvalid
	}
	var d emailLinkDoc
	err := s.emailLinks.FindOne(ctx, bson.M{"_id": hashToken(token)}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && !s.now().Before(d.ExpiresAt)) {
		return "", ErrLinkInvalid
	}
	if err != nil {
		return "", fmt.Errorf("auth: find email link: %w", err)
	}
	return d.Email, nil
}

// UseEmailLink uses up a link's token and signs in as the address it
// proves, or links the address to the account it was requested for, which
// must be the one signed in on sess. Unknown, used and expired tokens are
// all ErrLinkInvalid.
func (s *Service) UseEmailLink(ctx context.Context, sess Session, token, ip string) (Outcome, error) {
	if err := s.allow(ctx, "signin-ip:"+ip, s.limits.SignInPerIP); err != nil {
		return Outcome{}, err
	}
	if token == "" || len(token) > 100 {
		return Outcome{}, ErrLinkInvalid
	}
	// Deleting on use makes the link single-use, atomically: of two
	// clicks at once only one gets the document.
	var d emailLinkDoc
	err := s.emailLinks.FindOneAndDelete(ctx, bson.M{"_id": hashToken(token)}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Outcome{}, ErrLinkInvalid
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("auth: use email link: %w", err)
	}
	if !s.now().Before(d.ExpiresAt) {
		return Outcome{}, ErrLinkInvalid
	}
	ext := External{Provider: "email", Subject: d.Email, Email: d.Email, EmailVerified: true}
	return s.finish(ctx, sess, ext, d.LinkTo)
}

// allow counts an attempt against rule and refuses past it.
func (s *Service) allow(ctx context.Context, key string, rule ratelimit.Rule) error {
	ok, err := s.limiter.Allow(ctx, key, rule)
	if err != nil {
		return err
	}
	if !ok {
		s.log.WarnContext(ctx, "rate limited", "key", key)
		return ErrRateLimited
	}
	return nil
}

type emailLinkDoc struct {
	ID        string    `bson:"_id"` // hash of the token
	Email     string    `bson:"email"`
	LinkTo    AccountID `bson:"linkTo,omitempty"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

func (s *Service) deleteExpiredEmailLinks(ctx context.Context, now time.Time) error {
	if _, err := s.emailLinks.DeleteMany(ctx, bson.M{"expiresAt": bson.M{"$lt": now}}); err != nil {
		return fmt.Errorf("auth: sweep email links: %w", err)
	}
	return nil
}

func (s *Service) deleteAccountEmailLinks(ctx context.Context, a AccountID) error {
	if _, err := s.emailLinks.DeleteMany(ctx, bson.M{"linkTo": a}); err != nil {
		return fmt.Errorf("auth: delete email links: %w", err)
	}
	return nil
}

// signInMail is the sign-in message in the reader's language.
func signInMail(locale, to, link string) fmail.Message {
	if locale == "ko" {
		return fmail.Message{To: to, Locale: "ko", Subject: "로그인 링크",
			Text: "아래 링크를 열어 로그인하세요. 링크는 15분 동안 한 번만 쓸 수 있어요.\n\n" + link +
				"\n\n직접 요청하지 않았다면 이 메일은 무시해도 돼요.\n"}
	}
	return fmail.Message{To: to, Locale: "en", Subject: "Your sign-in link",
		Text: "Open this link to sign in. It works once, for 15 minutes.\n\n" + link +
			"\n\nIf you did not ask for it, you can ignore this email.\n"}
}
