// Package assets holds the site's static files (stylesheets and scripts),
// embedded in the binary, and names them with a content hash so browsers
// may cache them for good. It knows nothing of HTTP: the web layer serves
// Files, and templates link with Path.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
)

// Files are the embedded static files, under their folder: css/app.css,
// js/ideas.js, img/favicon.png.
//
//go:embed css js img
var Files embed.FS

// versions maps a file's public name ("app.css") to where it lives in
// Files and the first 8 hex digits of its SHA-256. It is computed once
// from the embedded files and never changes.
var versions = hashFiles(Files)

type version struct {
	file string // path in Files
	hash string
}

func hashFiles(fsys embed.FS) map[string]version {
	m := map[string]version{}
	// The embedded tree cannot fail to walk; an error would leave the
	// map short, and Path then links without a version.
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fsys.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[path.Base(p)] = version{file: p, hash: hex.EncodeToString(sum[:])[:8]}
		return nil
	})
	return m
}

// Path returns the URL of the asset name ("app.css"), with its content
// hash as a query so a changed file gets a new URL. An unknown name gets
// the plain URL.
func Path(name string) string {
	v, ok := versions[name]
	if !ok {
		return "/assets/" + name
	}
	return "/assets/" + name + "?v=" + v.hash
}

// Read returns the content of the asset that Path(name) links to, and
// false if there is none.
func Read(name string) ([]byte, bool) {
	v, ok := versions[name]
	if !ok {
		return nil, false
	}
	b, err := Files.ReadFile(v.file)
	return b, err == nil
}
