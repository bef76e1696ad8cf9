package auth

import "testing"

// TestOIDCExternal: the ID token's claims come first and userinfo fills
// in what they leave out; an email and its verified flag always come
// from the same place.
func TestOIDCExternal(t *testing.T) {
	type claims = map[string]any
	tests := []struct {
		name          string
		tok, info     claims
		email, who    string
		emailVerified bool
	}{
		{name: "all in the token", tok: claims{"sub": "1", "email": "A@x.com", "email_verified": true, "name": "A"},
			info: claims{"sub": "1", "email": "b@x.com", "email_verified": true, "name": "B"}, email: "a@x.com", emailVerified: true, who: "A"},
		{name: "all in userinfo", tok: claims{"sub": "1"}, info: claims{"sub": "1", "email": "b@x.com", "email_verified": true, "name": "B"},
			email: "b@x.com", emailVerified: true, who: "B"},
		{name: "the token's unverified email gives way to userinfo's pair",
			tok: claims{"sub": "1", "email": "a@x.com"}, info: claims{"sub": "1", "email": "b@x.com", "email_verified": true},
			email: "b@x.com", emailVerified: true},
		{name: "userinfo's flag never vouches for the token's address",
			tok: claims{"sub": "1", "email": "a@x.com"}, info: claims{"sub": "1", "email_verified": true},
			email: "a@x.com", emailVerified: false},
		{name: "verified as a string", tok: claims{"sub": "1"}, info: claims{"email": "b@x.com", "email_verified": "true"},
			email: "b@x.com", emailVerified: true},
		{name: "no flag is unverified", tok: claims{"sub": "1"}, info: claims{"email": "b@x.com"}, email: "b@x.com"},
		{name: "a nickname when there is no name", tok: claims{"sub": "1", "preferred_username": "bee"}, info: nil, who: "bee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := oidcExternal(tt.tok, tt.info)
			if e.Subject != "1" || e.Email != tt.email || e.EmailVerified != tt.emailVerified || e.Name != tt.who {
				t.Fatalf("got %+v; want email %q verified %v name %q", e, tt.email, tt.emailVerified, tt.who)
			}
		})
	}
}
