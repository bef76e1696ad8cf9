package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestPath(t *testing.T) {
	b, ok := Read("app.css")
	if !ok {
		t.Fatal("app.css is not embedded")
	}
	sum := sha256.Sum256(b)
	if got, want := Path("app.css"), "/assets/app.css?v="+hex.EncodeToString(sum[:])[:8]; got != want {
		t.Errorf("Path(app.css) = %q, want %q", got, want)
	}
	if got := Path("nope.css"); got != "/assets/nope.css" {
		t.Errorf("Path(nope.css) = %q", got)
	}
	if _, ok := Read("../go.mod"); ok || strings.Contains(Path("../go.mod"), "?v=") {
		t.Error("a name outside the embedded files resolved")
	}
}
