package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Session lifetimes. A signed-in session ends after 30 idle days or 90
// days in all; a signed-out one (kept only for CSRF and an OAuth round
// trip) after 2 idle hours or a day.
const (
	sessionIdle         = 30 * 24 * time.Hour
	sessionAbsolute     = 90 * 24 * time.Hour
	anonSessionIdle     = 2 * time.Hour
	anonSessionAbsolute = 24 * time.Hour
	// sessionTouchEvery spaces out the writes that extend an idle session:
	// one per request would double the cost of every page.
	sessionTouchEvery = 10 * time.Minute
)

// Session is a browser's server-side session. Its cookie holds an opaque
// token; the database holds only the token's hash.
type Session struct {
	ID        string    // hash of the cookie token
	AccountID AccountID // empty before sign-in
	CSRF      string    // the token forms carry
	CreatedAt time.Time
	SeenAt    time.Time
	ExpiresAt time.Time // the earlier of idle and absolute expiry
	EndsAt    time.Time // absolute expiry, however active the session is
}

// SignedIn reports whether the session belongs to an account.
func (s Session) SignedIn() bool { return s.AccountID != "" }

// oauthState is one OAuth round trip in progress, kept in the session.
type oauthState struct {
	Provider string `bson:"provider"`
	State    string `bson:"state"`
	Verifier string `bson:"verifier"`        // PKCE code verifier
	Intent   string `bson:"intent"`          // IntentSignIn or IntentLink
	Nonce    string `bson:"nonce,omitempty"` // OpenID Connect: the ID token must carry it
}

// NewSession starts a signed-out session and returns its cookie token.
// Sessions are counted per address, so a script cannot fill the
// collection that every request reads.
func (s *Service) NewSession(ctx context.Context, ip string) (string, Session, error) {
	if err := s.allow(ctx, "session-ip:"+ip, s.limits.SessionsPerIP); err != nil {
		return "", Session{}, err
	}
	return s.insertNewSession(ctx, "", anonSessionIdle, anonSessionAbsolute)
}

// SessionByToken returns the live session for a cookie token. An unknown
// or expired token is ErrNotFound. An idle session's expiry is pushed back
// at most once per sessionTouchEvery.
func (s *Service) SessionByToken(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNotFound
	}
	doc, err := s.findSession(ctx, hashToken(token))
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	if !now.Before(doc.ExpiresAt) {
		return Session{}, ErrNotFound
	}
	if now.Sub(doc.SeenAt) >= sessionTouchEvery {
		idle := anonSessionIdle
		if doc.AccountID != "" {
			idle = sessionIdle
		}
		doc.SeenAt = now
		doc.ExpiresAt = minTime(now.Add(idle), doc.AbsoluteAt)
		if err := s.touchSession(ctx, doc); err != nil {
			return Session{}, err
		}
		if doc.AccountID != "" {
			if err := s.touchAccount(ctx, doc.AccountID); err != nil && !errors.Is(err, ErrNotFound) {
				return Session{}, err
			}
		}
	}
	return doc.session(), nil
}

// StartSignedIn ends the session of oldToken, if any, and starts a new one
// for account a: the token changes at sign-in, so a token planted before
// sign-in is worth nothing after it.
func (s *Service) StartSignedIn(ctx context.Context, oldToken string, a AccountID) (string, Session, error) {
	if oldToken != "" {
		if err := s.deleteSession(ctx, hashToken(oldToken)); err != nil {
			return "", Session{}, err
		}
	}
	token, sess, err := s.insertNewSession(ctx, a, sessionIdle, sessionAbsolute)
	if err != nil {
		return "", Session{}, err
	}
	if err := s.touchAccount(ctx, a); err != nil && !errors.Is(err, ErrNotFound) {
		return "", Session{}, err
	}
	return token, sess, nil
}

// EndSession signs out the session of token.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.deleteSession(ctx, hashToken(token))
}

// EndAllSessions signs account a out everywhere.
func (s *Service) EndAllSessions(ctx context.Context, a AccountID) error {
	return s.deleteAccountSessions(ctx, a)
}

func (s *Service) insertNewSession(ctx context.Context, a AccountID, idle, absolute time.Duration) (string, Session, error) {
	token := randomToken(32)
	now := s.now()
	doc := sessionDoc{
		ID:         hashToken(token),
		AccountID:  a,
		CSRF:       randomToken(32),
		CreatedAt:  now,
		SeenAt:     now,
		ExpiresAt:  now.Add(idle),
		AbsoluteAt: now.Add(absolute),
	}
	if err := s.insertSession(ctx, doc); err != nil {
		return "", Session{}, fmt.Errorf("auth: new session: %w", err)
	}
	return token, doc.session(), nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
