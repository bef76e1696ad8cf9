package views

import "testing"

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"mina@example.com":    "m***@example.com",
		"m@example.com":       "m***@example.com",
		"민아@example.co.kr":    "민***@example.co.kr",
		"mina.park@kakao.com": "m***@kakao.com",
		"":                    "***",
		"@example.com":        "***",
		"not an address":      "***",
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
