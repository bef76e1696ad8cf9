package views

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCatalogsMatch keeps the languages in step: the same keys in each,
// and no empty text.
func TestCatalogsMatch(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	first := cs[Locales[0]]
	for _, l := range Locales {
		c := cs[l]
		for k, v := range c {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", l, k)
			}
			if _, ok := first[k]; !ok {
				t.Errorf("%s has %q, %s does not", l, k, Locales[0])
			}
		}
		for k := range first {
			if _, ok := c[k]; !ok {
				t.Errorf("%s has %q, %s does not", Locales[0], k, l)
			}
		}
	}
}

// keyUse finds literal keys passed to T in templates.
var keyUse = regexp.MustCompile(`\bT\(ctx,\s*"([^"]+)"`)

// TestTemplateKeysExist fails on a key a template uses that a catalog
// lacks, which would otherwise show up only as ⟦missing:…⟧ on a page.
func TestTemplateKeysExist(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.templ")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no .templ files found")
	}
	var used []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUse.FindAllSubmatch(b, -1) {
			k := string(m[1])
			used = append(used, k)
			for _, l := range Locales {
				if _, ok := cs[l][k]; !ok {
					t.Errorf("%s uses %q, missing from %s", f, k, l)
				}
			}
		}
	}
	if !slices.Contains(used, "site.name") {
		t.Errorf("key scan found %d keys but not site.name; is the pattern right?", len(used))
	}
}
