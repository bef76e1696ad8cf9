package auth_test

import (
	"context"
	"errors"
	"testing"

	"fanclub/auth"
)

// TestNameRules: a display name typed in settings may hold any script,
// emoji and the joiners they need, but no control character, no
// bidirectional override or isolate, and not only invisible characters;
// invisible characters around a good name are dropped.
func TestNameRules(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{name: "Korean and Latin", in: "운영팀 Admin", want: "운영팀 Admin"},
		{name: "emoji with joiners", in: "Mina 👩‍💻", want: "Mina 👩‍💻"},
		{name: "Persian with a non-joiner", in: "می‌خواهم", want: "می‌خواهم"},
		{name: "a combining accent", in: "Jose\u0301", want: "Jose\u0301"},
		{name: "a heart with its variation selector", in: "Mina ❤️", want: "Mina ❤️"},
		{name: "zero-width space after a name is dropped", in: "Mina\u200b", want: "Mina"},
		{name: "byte-order mark before a name is dropped", in: "\ufeffMina", want: "Mina"},
		{name: "bell", in: "a\x07b", err: "validation.name.invalid"},
		{name: "newline", in: "Mina\nAdmin", err: "validation.name.invalid"},
		{name: "C1 control", in: "Mi\u0085na", err: "validation.name.invalid"},
		{name: "line separator", in: "Mina\u2028Admin", err: "validation.name.invalid"},
		{name: "left-to-right embedding U+202A", in: "\u202aMina", err: "validation.name.invalid"},
		{name: "right-to-left embedding U+202B", in: "Mina\u202b", err: "validation.name.invalid"},
		{name: "pop directional formatting U+202C", in: "Mi\u202cna", err: "validation.name.invalid"},
		{name: "left-to-right override U+202D", in: "\u202dMina", err: "validation.name.invalid"},
		{name: "right-to-left override U+202E", in: "nimdA \u202e운영팀", err: "validation.name.invalid"},
		{name: "left-to-right isolate U+2066", in: "\u2066Mina", err: "validation.name.invalid"},
		{name: "right-to-left isolate U+2067", in: "\u2067Mina", err: "validation.name.invalid"},
		{name: "first strong isolate U+2068", in: "\u2068Mina", err: "validation.name.invalid"},
		{name: "pop directional isolate U+2069", in: "Mina\u2069", err: "validation.name.invalid"},
		{name: "zero-width space only", in: "\u200b", err: "validation.name.invisible"},
		{name: "zero-width joiners only", in: "\u200c\u200d\u200c", err: "validation.name.invisible"},
		{name: "word joiner and byte-order mark", in: "\u2060\ufeff", err: "validation.name.invisible"},
		{name: "soft hyphen", in: "\u00ad", err: "validation.name.invisible"},
		{name: "Hangul filler", in: "\u3164", err: "validation.name.invisible"},
		{name: "halfwidth Hangul filler between spaces", in: " \uffa0 \u3164 ", err: "validation.name.invisible"},
		{name: "blank Braille pattern", in: "\u2800\u2800", err: "validation.name.invisible"},
		{name: "a combining mark alone", in: "\u0301", err: "validation.name.invisible"},
		{name: "invalid UTF-8", in: "Mi\xffna", err: "validation.name.invalid"},
		{name: "spaces only", in: " \u3000 ", err: "validation.name.required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := auth.ProfileInput{Name: tt.in}.Validate()
			var v auth.ValidationError
			switch {
			case tt.err == "" && (err != nil || got != tt.want):
				t.Errorf("Validate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			case tt.err != "" && (!errors.As(err, &v) || v["name"] != tt.err):
				t.Errorf("Validate(%q) error = %v; want %s", tt.in, err, tt.err)
			}
		})
	}
}

// TestSignUpCleansProviderNames: a name a provider reports that settings
// would refuse is cleaned at sign-up, never a reason to refuse it; one
// with nothing visible left gives way to the email's local part.
func TestSignUpCleansProviderNames(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	tests := []struct {
		provided, email, want string
	}{
		{provided: "Mina\u202e nimdA", want: "Mina nimdA"},
		{provided: "\u2066운영팀\u2069\tAdmin\n", want: "운영팀 Admin"},
		{provided: "\u200b\u3164\u200d", email: "jun@example.com", want: "jun"},
		{provided: "\x00\x07", want: "member"},
		{provided: "\ufeffHana\u200b", want: "Hana"},
	}
	for i, tt := range tests {
		a, err := s.SignIn(ctx, auth.External{Provider: "oidc", Subject: string(rune('a' + i)), Name: tt.provided, Email: tt.email})
		if err != nil || a.Name != tt.want {
			t.Errorf("sign up as %q: %q, %v; want %q", tt.provided, a.Name, err, tt.want)
		}
		if _, _, err := (auth.ProfileInput{Name: a.Name}).Validate(); err != nil {
			t.Errorf("the cleaned name %q does not pass settings: %v", a.Name, err)
		}
	}
}
