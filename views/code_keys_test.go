package views

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fanclub/community"
)

// keyShape is what a catalog key looks like: dotted lower-case words.
var keyShape = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// notKeys are string literals in the code that look like catalog keys
// and are something else.
var notKeys = map[string]string{
	"event.news":    "a job kind (community/event_notify.go)",
	"event.mail":    "a job kind (community/event_notify.go)",
	"event.remind":  "a job kind (community/event_notify.go)",
	"idea.announce": "a job kind (community/idea_notify.go)",
	"idea.mail":     "a job kind (community/idea_notify.go)",
}

// source is one file of the module's code, test files and generated
// templ output aside.
type source struct {
	path string
	text []byte
}

// moduleSources reads every .go and .templ file of the module.
func moduleSources(t *testing.T) []source {
	t.Helper()
	var out []source
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != ".." && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") ||
			!(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".templ")) {
			return nil
		}
		b, err := os.ReadFile(path)
		out = append(out, source{path: path, text: b})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d source files; is the walk right?", len(out))
	}
	return out
}

// stringLiterals returns the strings written in a source: every string
// token of a Go file, and every double-quoted string of a templ file
// (whose Go expressions and attributes quote them alike).
func stringLiterals(src source) []string {
	if strings.HasSuffix(src.path, ".templ") {
		var out []string
		for _, m := range templString.FindAllSubmatch(src.text, -1) {
			out = append(out, string(m[1]))
		}
		return out
	}
	var out []string
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile(src.path, -1, len(src.text)), src.text, nil, 0)
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.STRING {
			if s, err := strconv.Unquote(lit); err == nil {
				out = append(out, s)
			}
		}
	}
}

var templString = regexp.MustCompile(`"((?:[^"\\\n]|\\.)*)"`)

// TestCodeKeysExist fails on any string in the code, outside tests, that
// has the shape of a catalog key and the prefix of one (validation.,
// team., flash.…) but no text in some language: such a key shows as
// ⟦missing:…⟧ on a page. Catalog keys are written out as literals
// wherever they are chosen: message keys of validation errors in the
// domain packages, flashes and error pages in web, T calls in views.
func TestCodeKeysExist(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]bool{}
	for k := range cs[Locales[0]] {
		area, _, _ := strings.Cut(k, ".")
		areas[area] = true
	}
	for _, a := range community.AuditActions {
		notKeys[string(a)] = "an audit action, whose key is actionKey's"
	}
	checked := map[string]bool{}
	for _, src := range moduleSources(t) {
		for _, s := range stringLiterals(src) {
			area, _, _ := strings.Cut(s, ".")
			if !keyShape.MatchString(s) || !areas[area] || notKeys[s] != "" {
				continue
			}
			checked[s] = true
			for _, l := range Locales {
				if _, ok := cs[l][s]; !ok {
					t.Errorf("%s uses %q, missing from %s", src.path, s, l)
				}
			}
		}
	}
	for _, k := range []string{"site.name", "validation.name.required", "error.404", "flash.profile_saved"} {
		if !checked[k] {
			t.Errorf("the scan checked %d keys but not %s; is it right?", len(checked), k)
		}
	}
}

// keyPrefix finds keys built at run time: key("prefix.", x) and
// "prefix." + x.
var keyPrefix = regexp.MustCompile(`(?:\bkey\(\s*"([a-z][a-z0-9_.]*\.)"|"([a-z][a-z0-9_.]*\.)"\s*\+)`)

// TestDynamicPrefixesListed fails on a key the code builds from a prefix
// whose values dynamicKeys does not list, so TestDynamicKeysExist checks
// every key the code can build.
func TestDynamicPrefixesListed(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	keys, all := dynamicKeys(), slices.Collect(maps.Keys(cs[Locales[0]]))
	found := 0
	for _, src := range moduleSources(t) {
		for _, m := range keyPrefix.FindAllSubmatch(src.text, -1) {
			prefix := string(m[1]) + string(m[2])
			if !slices.ContainsFunc(all, func(k string) bool { return strings.HasPrefix(k, prefix) }) {
				continue // not a catalog key: a field path, a file name
			}
			found++
			if !slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, prefix) }) {
				t.Errorf("%s builds keys from %q; list its values in dynamicKeys", src.path, prefix)
			}
		}
	}
	if found < 10 {
		t.Errorf("found only %d places building keys; is the pattern right?", found)
	}
}
