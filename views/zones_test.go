package views

import (
	"testing"

	"fanclub/auth"
)

// TestCommonZonesLoad keeps the offered list to zones an account may save,
// so nobody picks a zone from the list and gets an error back.
func TestCommonZonesLoad(t *testing.T) {
	seen := map[string]bool{}
	for _, z := range commonZones {
		if _, ok := auth.LoadZone(z); !ok {
			t.Errorf("%q is offered but not a zone auth accepts", z)
		}
		if seen[z] {
			t.Errorf("%q is offered twice", z)
		}
		seen[z] = true
	}
	if commonZones[0] != "Asia/Seoul" {
		t.Errorf("the list starts with %q, want the brand's home, Asia/Seoul", commonZones[0])
	}
}
