// Package web serves fanclub over HTTP: the route table, the middleware
// (session, locale, CSRF, security headers), handlers that parse a
// request, make one call into auth (and later community and membership)
// and render one page, and the one place where errors become statuses.
// It is the only package that imports Fiber.
package web
