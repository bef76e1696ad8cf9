package web

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"fanclub/auth"
)

// TestViewerZone asks a tiny route which zone a request's times would be
// shown in, for each combination of a signed-in account's choice and the
// browser's tz cookie.
func TestViewerZone(t *testing.T) {
	s := &server{}
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		if c.Query("signed_in") != "" {
			c.Locals(viewerKey{}, &auth.Account{ID: "a", TimeZone: c.Query("account_zone")})
		}
		if z := c.Query("site_zone"); z != "" {
			c.Locals(siteKey{}, auth.Site{TimeZone: z})
		}
		if loc := s.viewerZone(c); loc != nil {
			return c.SendString(loc.String())
		}
		return c.SendString("the event's own zone")
	})
	scenarios := []struct {
		name, query, cookie, want string
	}{
		{"the account's zone beats the cookie", "signed_in=1&account_zone=Asia/Seoul", "America%2FNew_York", "Asia/Seoul"},
		{"the account's zone without a cookie", "signed_in=1&account_zone=Europe/Paris", "", "Europe/Paris"},
		{"the cookie when the account has none", "signed_in=1", "America%2FNew_York", "America/New_York"},
		{"the cookie when signed out", "", "Asia%2FTokyo", "Asia/Tokyo"},
		{"an unencoded cookie", "", "Asia/Tokyo", "Asia/Tokyo"},
		{"a plus sign stays a plus", "", "Etc%2FGMT%2B5", "Etc/GMT+5"},
		{"an account zone that no longer loads falls back to the cookie", "signed_in=1&account_zone=Gone/Zone", "UTC", "UTC"},
		{"neither", "signed_in=1", "", "the event's own zone"},
		{"the site's zone when neither", "signed_in=1&site_zone=Europe/Berlin", "", "Europe/Berlin"},
		{"the cookie beats the site's zone", "site_zone=Europe/Berlin", "Asia%2FTokyo", "Asia/Tokyo"},
		{"the site's zone after an unknown cookie", "site_zone=Europe/Berlin", "Mars%2FOlympus_Mons", "Europe/Berlin"},
		{"an unknown zone", "", "Mars%2FOlympus_Mons", "the event's own zone"},
		{"the server's zone", "", "Local", "the event's own zone"},
		{"a path", "", "..%2F..%2Fetc%2Fpasswd", "the event's own zone"},
		{"bad escaping", "", "Asia%2", "the event's own zone"},
		{"over 64 characters", "", "America%2F" + strings.Repeat("x", 60), "the event's own zone"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/?"+sc.query, nil)
			if sc.cookie != "" {
				req.Header.Set("Cookie", zoneCookie+"="+sc.cookie)
			}
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if string(body) != sc.want {
				t.Errorf("times shown in %q, want %q", body, sc.want)
			}
		})
	}
	// Every cached zone is filed under its own name, though names came
	// from request buffers that were reused since.
	s.zones.Range(func(k, v any) bool {
		if k.(string) != v.(*time.Location).String() {
			t.Errorf("zone %q cached as %q", v.(*time.Location), k)
		}
		return true
	})
}
