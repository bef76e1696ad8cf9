// Package auth owns who a person is: accounts, the identities (sign-in
// methods) linked to them, sign-in through OAuth/OpenID Connect providers
// and emailed links, and server-side sessions with their CSRF secret.
//
// It knows nothing of HTTP or HTML: the web layer hands it tokens, query
// values and addresses, and gets plain values or one of the errors in
// errors.go. The linking rules (SignIn, Link, Unlink) live here and only
// here.
package auth
