// Package fanclub_test holds the rule about which package may import
// which (STYLE.md), so a forbidden edge fails the build instead of relying
// on memory.
package fanclub_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "fanclub"

// forbidden reports why pkg may not import imp, or "" if it may.
func forbidden(pkg, imp string) string {
	top := func(p string) string {
		p = strings.TrimPrefix(p, module+"/")
		first, _, _ := strings.Cut(p, "/")
		return first
	}
	ours := strings.HasPrefix(imp, module+"/")
	from, to := top(pkg), top(imp)
	switch {
	case ours && to == "cmd":
		return "nothing imports cmd"
	case ours && to == "web" && from != "cmd":
		return "only cmd imports web"
	case ours && from == "community" && to == "membership", ours && from == "membership" && to == "community":
		return "community and membership do not know each other; web bridges them"
	case ours && from == "auth" && (to == "community" || to == "membership"):
		return "auth knows nothing of community or membership"
	case ours && to == "campaign" && from != "campaign" && from != "web" && from != "cmd":
		return "only web and cmd import campaign"
	case ours && to == "loyalty" && from != "loyalty" && from != "web" && from != "cmd":
		return "only web and cmd import loyalty"
	case ours && (from == "auth" || from == "community" || from == "membership" || from == "campaign" || from == "loyalty") && to == "views":
		return "domain packages know nothing of views"
	case ours && from == "internal" && to != "internal":
		return "internal packages lean on nothing of ours above them"
	case ours && from == "views" && to != "auth" && to != "community" && to != "membership" && to != "assets" && to != "views":
		return "views imports only domain types and assets"
	case strings.HasPrefix(imp, "github.com/gofiber/") && from != "web" && from != "cmd":
		return "Fiber stays in web (and cmd)"
	case strings.HasPrefix(imp, "github.com/a-h/templ") && from != "views" && from != "web":
		return "templ stays in views and web"
	case strings.HasPrefix(imp, "github.com/stripe/") && from != "membership" && from != "internal" && from != "cmd":
		return "Stripe's client stays in membership (web asks membership)"
	}
	return ""
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		for _, imp := range p.Imports {
			if why := forbidden(p.ImportPath, imp); why != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, why)
			}
		}
	}
}

func TestImportRulesCatchForbiddenEdges(t *testing.T) {
	for _, edge := range [][2]string{
		{"fanclub/community", "fanclub/membership"},
		{"fanclub/auth", "fanclub/community"},
		{"fanclub/views", "fanclub/web"},
		{"fanclub/auth", "github.com/gofiber/fiber/v2"},
		{"fanclub/auth", "github.com/a-h/templ"},
		{"fanclub/web", "github.com/stripe/stripe-go/v76"},
		{"fanclub/internal/mongodb", "fanclub/auth"},
		{"fanclub/web", "fanclub/cmd/fanclub"},
		{"fanclub/community", "fanclub/campaign"},
		{"fanclub/views", "fanclub/campaign"},
		{"fanclub/campaign", "fanclub/views"},
		{"fanclub/campaign", "github.com/gofiber/fiber/v2"},
		{"fanclub/community", "fanclub/loyalty"},
		{"fanclub/membership", "fanclub/loyalty"},
		{"fanclub/loyalty", "fanclub/views"},
		{"fanclub/views", "fanclub/loyalty"},
	} {
		if forbidden(edge[0], edge[1]) == "" {
			t.Errorf("%s → %s should be forbidden", edge[0], edge[1])
		}
	}
	for _, edge := range [][2]string{
		{"fanclub/cmd/fanclub", "fanclub/web"},
		{"fanclub/web", "fanclub/auth"},
		{"fanclub/views", "fanclub/auth"},
		{"fanclub/auth", "fanclub/internal/mongodb"},
		{"fanclub/web", "fanclub/campaign"},
		{"fanclub/campaign", "fanclub/community"},
		{"fanclub/campaign", "fanclub/membership"},
		{"fanclub/loyalty", "fanclub/community"},
		{"fanclub/loyalty", "fanclub/membership"},
		{"fanclub/web", "fanclub/loyalty"},
	} {
		if why := forbidden(edge[0], edge[1]); why != "" {
			t.Errorf("%s → %s should be allowed: %s", edge[0], edge[1], why)
		}
	}
}
