package auth_test

import (
	"context"
	"errors"
	"testing"

	"fanclub/auth"
)

// TestSeedAccountSignsInByEmailLink checks that a seeded account is one a
// person can sign into with an emailed link, with the role it was given.
func TestSeedAccountSignsInByEmailLink(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	member, err := s.SeedAccount(ctx, "Minji.Kim@example.com", "김민지", auth.RoleMember, "ko")
	if err != nil || member.Role != auth.RoleMember || member.Email != "minji.kim@example.com" || !member.EmailVerified {
		t.Fatalf("seed member: %+v, %v", member, err)
	}
	owner, err := s.SeedAccount(ctx, "admin@example.com", "운영팀 Admin", auth.RoleOwner, "")
	if err != nil || owner.Role != auth.RoleOwner {
		t.Fatalf("seed owner: %+v, %v", owner, err)
	}

	// What a used email link does: the identity leads to the seeded account.
	for _, want := range []auth.Account{member, owner} {
		got, err := s.SignIn(ctx, auth.External{Provider: "email", Subject: want.Email, Email: want.Email, EmailVerified: true})
		if err != nil || got.ID != want.ID || got.Role != want.Role || got.Name != want.Name {
			t.Errorf("email link for %s: %+v, %v; want the seeded account", want.Email, got, err)
		}
	}
	if a, err := s.AccountByEmail(ctx, "minji.kim@example.com"); err != nil || a.ID != member.ID || a.Locale != "ko" {
		t.Errorf("AccountByEmail: %+v, %v", a, err)
	}

	if _, err := s.SeedAccount(ctx, "minji.kim@example.com", "Minji", auth.RoleMember, ""); !errors.Is(err, auth.ErrAccountExists) {
		t.Errorf("seed a used address: %v, want ErrAccountExists", err)
	}
	if _, err := s.SeedAccount(ctx, "boss@example.com", "Boss", auth.RoleOwner, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("seed a second owner: %v, want ErrForbidden", err)
	}
	var v auth.ValidationError
	if _, err := s.SeedAccount(ctx, "no-name@example.com", " ", auth.RoleMember, ""); !errors.As(err, &v) {
		t.Errorf("seed without a name: %v, want a validation error", err)
	}
	// The owner is taken, so a later sign-up is a member.
	later, err := s.SignIn(ctx, auth.External{Provider: "github", Subject: "1"})
	if err != nil || later.Role != auth.RoleMember {
		t.Errorf("sign-up after the seed: %+v, %v; want a member", later, err)
	}
}
