// Package views holds fanclub's templ components and pages, and the
// Korean and English message catalogs. It does no I/O: each page takes one
// typed struct that the web layer fills.
package views
