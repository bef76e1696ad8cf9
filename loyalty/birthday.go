package loyalty

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"fanclub/auth"
)

// Birthdays and anniversaries: on a member's birthday, in their time
// zone, the birthday reward and a notice, once a year; on the
// anniversary of their joining the club, the anniversary reward. Each
// award's thing is "<account>:<year>" (the year of the day, in the
// member's zone), so the ledger gives it once a year however often the
// job runs, on however many instances.

// CelebrateLate is how long after its day (in the member's zone) a
// birthday or an anniversary is still rewarded: a run that catches up
// after the site was down rewards what it missed within the last day.
const CelebrateLate = 24 * time.Hour

// birthdayNotice is how long before a birthday it must have been entered
// or changed to be rewarded that year; one entered or changed later is
// celebrated from the next year.
const birthdayNotice = 30 // days

// celebration is a birthday or an anniversary due.
type celebration struct {
	Earning Earning // EarnBirthday or EarnAnniversary
	Year    int     // the calendar year of its day, in the member's zone
	Years   int     // an anniversary's years since joining
}

// thing is the award's thing for account's celebration: once a year.
func (c celebration) thing(account auth.AccountID) string {
	return string(account) + ":" + strconv.Itoa(c.Year)
}

// celebrations returns what account a celebrates at now in zone loc (its
// own, see memberZone): the birthday and the anniversary whose day, in
// loc, began at or before now and ended less than late ago. A birthday
// entered or changed within birthdayNotice days before its day is not
// rewarded; 29 February is celebrated on 28 February in other years; an
// anniversary needs a year at least. It reads no clock and no database.
func celebrations(a auth.Account, loc *time.Location, now time.Time, late time.Duration) []celebration {
	var out []celebration
	now = now.In(loc)
	joined := a.CreatedAt.In(loc)
	// From the day that was under way late ago to today: one day, or
	// two while yesterday ended less than late ago.
	for day := dayStart(now.Add(-late), loc); !day.After(now); day = day.AddDate(0, 0, 1) {
		if !a.Birthday.IsZero() && isDay(day, time.Month(a.Birthday.Month), a.Birthday.Day) &&
			!a.BirthdaySetAt.After(day.AddDate(0, 0, -birthdayNotice)) {
			out = append(out, celebration{Earning: EarnBirthday, Year: day.Year()})
		}
		if !a.CreatedAt.IsZero() && day.Year() > joined.Year() && isDay(day, joined.Month(), joined.Day()) {
			out = append(out, celebration{Earning: EarnAnniversary, Year: day.Year(), Years: day.Year() - joined.Year()})
		}
	}
	return out
}

// dayStart is the midnight that began t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// isDay reports whether day is the day m/d of its year: 29 February is
// 28 February in a year without it.
func isDay(day time.Time, m time.Month, d int) bool {
	if m == time.February && d == 29 && !leap(day.Year()) {
		d = 28
	}
	return day.Month() == m && day.Day() == d
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// memberZone is the zone a's days are counted in: its own, else the
// site's.
func memberZone(a auth.Account, site *time.Location) *time.Location {
	if loc, ok := auth.LoadZone(a.TimeZone); ok {
		return loc
	}
	return site
}

// Celebrate gives the birthday and anniversary rewards due now, each with
// a notice, and reports how many it gave. It does nothing unless the
// programme is on and gives points for one of them. Running it again,
// or on two instances, gives nothing twice (the ledger's ids) and tells
// nobody twice (the notices' ids); cmd runs it hourly under a lease.
//
// It reads every account once, whole, from a cursor: on the embedded
// store any query does, and at the 5,000 accounts a club of this size
// has that is well under a second an hour. Only the few celebrated cost
// more: a ledger lookup by _id, the award's writes and the notice.
func (s *Service) Celebrate(ctx context.Context) (int, error) {
	rules, err := s.Rules(ctx)
	if err != nil {
		return 0, err
	}
	gift := rules.On && rules.BirthdayGift != ""
	if rules.Rule(EarnBirthday).Points <= 0 && rules.Rule(EarnAnniversary).Points <= 0 && !gift {
		return 0, nil
	}
	site, now := s.zone(ctx), s.now()
	type due struct {
		account auth.Account
		c       celebration
	}
	var dues []due
	// Collected first, and awarded after the cursor is closed, so no
	// write waits on the read.
	err = s.d.Accounts.EachAccount(ctx, func(a auth.Account) error {
		for _, c := range celebrations(a, memberZone(a, site), now, CelebrateLate) {
			if rules.Rule(c.Earning).Points > 0 || (gift && c.Earning == EarnBirthday) {
				dues = append(dues, due{a, c})
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range dues {
		gave, err := s.celebrate(ctx, d.account.ID, d.c)
		if err != nil {
			return n, err
		}
		if d.c.Earning == EarnBirthday && gift {
			given, err := s.birthdayGift(ctx, d.account, d.c, rules.BirthdayGift)
			if err != nil {
				return n, err
			}
			gave = gave || given
		}
		if gave {
			n++
		}
	}
	return n, nil
}

// birthdayGift gives the member the birthday's reward, free, once a
// year (its redemption's token comes from the member and the year), and
// tells them. A reward sold out or archived meanwhile gives nothing and
// is logged: the birthday's points, if any, stand.
func (s *Service) birthdayGift(ctx context.Context, member auth.Account, c celebration, reward string) (bool, error) {
	sum := sha256.Sum256([]byte("birthday-gift:" + c.thing(member.ID)))
	rd, err := s.Grant(ctx, member, reward, hex.EncodeToString(sum[:16]))
	if errors.Is(err, ErrSoldOut) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrLimitReached) || errors.Is(err, ErrFailed) ||
		errors.Is(err, ErrEventFull) || errors.Is(err, ErrAlreadyGoing) || errors.Is(err, ErrEventClosed) {
		s.log.WarnContext(ctx, "birthday gift not given", "account", member.ID, "reward", reward, "err", err)
		return false, nil
	} else if err != nil {
		return false, err
	}
	if rd.State != StateDone {
		return false, nil
	}
	return true, s.d.Community.NotifyBirthdayGift(ctx, member.ID, c.Year, rd.Name)
}

// celebrate gives account celebration c's reward, once, and tells them.
// The notice follows the ledger's entry, not this call's award: a run
// that stopped between the award and the notice tells them on the next.
func (s *Service) celebrate(ctx context.Context, account auth.AccountID, c celebration) (bool, error) {
	d := Deed{Earning: c.Earning, Thing: c.thing(account)}
	e, err := s.entry(ctx, awardID(d.Earning, d.Thing))
	gave := false
	if errors.Is(err, ErrNotFound) {
		if gave, err = s.Award(ctx, account, d); err != nil {
			return false, err
		}
		e, err = s.entry(ctx, awardID(d.Earning, d.Thing))
	}
	if errors.Is(err, ErrNotFound) {
		return false, nil // nothing given: the rules changed meanwhile, or the day's cap
	} else if err != nil {
		return false, err
	}
	if e.Account != account {
		return false, nil
	}
	if c.Earning == EarnBirthday {
		err = s.d.Community.NotifyBirthday(ctx, account, c.Year, e.Points)
	} else {
		err = s.d.Community.NotifyAnniversary(ctx, account, c.Year, c.Years, e.Points)
	}
	return gave, err
}
