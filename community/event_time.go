package community

import "time"

// localTime reads v, typed as a datetime-local value, as a wall clock
// time in loc; if it is wrong, it returns the zero time and the message
// key of what is wrong. A time the clocks skip in loc (the hour lost when summer time
// starts) or show twice (the hour repeated when it ends) is refused, not
// moved: Go would shift the first by an hour and pick one of the second,
// and the host would never see that their event moved.
func localTime(v string, loc *time.Location) (time.Time, string) {
	wall, err := time.Parse(LocalTimeLayout, v)
	if err != nil {
		return time.Time{}, "event.error.time_format"
	}
	t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), 0, 0, loc)
	switch {
	case t.Format(LocalTimeLayout) != wall.Format(LocalTimeLayout):
		return time.Time{}, "event.error.time_skipped"
	case repeated(t):
		return time.Time{}, "event.error.time_repeated"
	}
	return t, ""
}

// repeated reports whether the wall clock t shows comes round twice in
// its zone: t falls in the last stretch before the clocks go back (as long
// as they go back by), or in the first stretch after.
func repeated(t time.Time) bool {
	start, end := t.ZoneBounds()
	_, off := t.Zone()
	if !end.IsZero() {
		if _, next := end.Zone(); next < off && !t.Before(end.Add(-seconds(off-next))) {
			return true
		}
	}
	if !start.IsZero() {
		if _, prev := start.Add(-time.Second).Zone(); prev > off && t.Before(start.Add(seconds(prev-off))) {
			return true
		}
	}
	return false
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }
