package web

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fanclub/views"
)

// The brand's insight page and its at-risk CSV, for the site's staff
// only: requireInsightStaff answers 404 to everyone else, signed out
// included, so the page does not announce itself. The figures are
// bridged from activity, membership and community in insights_data.go.

// requireInsightStaff lets the site's owners and admins through and
// answers 404 to anyone else, signed in or not.
func (s *server) requireInsightStaff(c *fiber.Ctx) error {
	if viewer(c) == nil || !actor(c).SiteStaff() {
		return fiber.ErrNotFound
	}
	return c.Next()
}

// showInsights renders /admin/insights; ?sort= orders the at-risk list.
func (s *server) showInsights(c *fiber.Ctx) error {
	p, err := s.insights(c.UserContext(), actor(c), siteOf(c), atRiskSortOf(c.Query("sort")))
	if err != nil {
		return err
	}
	p.Chrome = s.chrome(c)
	return render(c, fiber.StatusOK, views.InsightsPage(p))
}

// downloadAtRisk sends every member at risk as a CSV file that Excel
// opens with Korean names intact.
func (s *server) downloadAtRisk(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	rows, err := s.atRiskRows(ctx, actor(c), site, atRiskSortOf(c.Query("sort")), maxAtRiskCSV)
	if err != nil {
		return err
	}
	name := "at-risk-" + s.now().In(site.Location()).Format("2006-01-02") + ".csv"
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store") // names of people: not for shared caches
	return views.AtRiskCSV(ctx, c.Response().BodyWriter(), rows.Rows)
}

// atRiskSortOf reads ?sort=; anything unknown is the default order.
func atRiskSortOf(q string) string {
	q = strings.TrimSpace(q)
	if slices.Contains(views.AtRiskSorts, q) {
		return strings.Clone(q)
	}
	return views.AtRiskSorts[0]
}
