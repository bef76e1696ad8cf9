package views

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"fanclub/auth"
)

// Each language is a folder of catalogs, one per area of the site
// (locales/en/site.json, locales/en/groups.json…), merged at load.
//
//go:embed locales
var localeFiles embed.FS

// Locales are the languages fanclub speaks, the default first.
var Locales = []string{"en", "ko"}

// Catalog maps message keys to text in one language.
type Catalog map[string]string

// Catalogs holds every language's messages.
type Catalogs map[string]Catalog

// LoadCatalogs reads the embedded catalogs.
func LoadCatalogs() (Catalogs, error) {
	cs := Catalogs{}
	for _, l := range Locales {
		files, err := fs.Glob(localeFiles, "locales/"+l+"/*.json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("views: no catalogs for %s", l)
		}
		c := Catalog{}
		for _, f := range files {
			b, err := localeFiles.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("views: catalog %s: %w", f, err)
			}
			var part Catalog
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("views: catalog %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := c[k]; dup {
					return nil, fmt.Errorf("views: catalog %s: key %q is defined twice", f, k)
				}
				c[k] = v
			}
		}
		cs[l] = c
	}
	return cs, nil
}

type ctxKey struct{}

type i18nCtx struct {
	locale  string
	catalog Catalog
}

// WithLocale returns a context whose T speaks locale.
func (cs Catalogs) WithLocale(ctx context.Context, locale string) context.Context {
	c, ok := cs[locale]
	if !ok {
		locale, c = Locales[0], cs[Locales[0]]
	}
	return context.WithValue(ctx, ctxKey{}, i18nCtx{locale: locale, catalog: c})
}

// Missing marks a key with no text, so a test can find it in any page.
const Missing = "⟦missing:"

// T translates key in the context's language. Arguments come in pairs,
// name then value, and replace {name} in the text. {club} is the club's
// name in that language (see WithSite), so no text names the product
// where the brand's name belongs.
func T(ctx context.Context, key string, args ...string) string {
	ic, _ := ctx.Value(ctxKey{}).(i18nCtx)
	s, ok := ic.catalog[key]
	if !ok {
		return Missing + key + "⟧"
	}
	if strings.Contains(s, "{club}") {
		st, _ := ctx.Value(siteKey{}).(auth.Site)
		args = append(args[:len(args):len(args)], "club", st.Name(ic.locale))
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// LocaleOf returns the context's language.
func LocaleOf(ctx context.Context) string {
	ic, _ := ctx.Value(ctxKey{}).(i18nCtx)
	if ic.locale == "" {
		return Locales[0]
	}
	return ic.locale
}

// HasLocale reports whether ctx already carries a language.
func HasLocale(ctx context.Context) bool {
	_, ok := ctx.Value(ctxKey{}).(i18nCtx)
	return ok
}

type siteKey struct{}

// WithSite returns a context whose T names the club as st does.
func WithSite(ctx context.Context, st auth.Site) context.Context {
	return context.WithValue(ctx, siteKey{}, st)
}
