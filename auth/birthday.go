package auth

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// BirthdayChangeGap is how long a birthday stays as entered before it may
// be changed again: once a year, so that a birthday cannot be moved to
// today for its reward (shop programmes learned this the hard way).
const BirthdayChangeGap = 365 * 24 * time.Hour

// maxBirthdayTries bounds how often saveBirthday decides again when
// another save of the same account's birthday came between its read and
// its write.
const maxBirthdayTries = 3

// birthdayChange decides whether an account whose birthday is old, last
// entered or changed at setAt, may have birthday b at now, and when its
// birthday was then last set. Saving the same date changes nothing.
// Entering one the first time is always allowed. Clearing is always
// allowed (a member may withdraw it) and keeps setAt, so clearing and
// entering another date is a change like any other: within
// BirthdayChangeGap of the last, it is refused.
func birthdayChange(old Birthday, setAt time.Time, b Birthday, now time.Time) (time.Time, bool) {
	switch {
	case b == old:
		return setAt, true
	case b.IsZero():
		return setAt, true
	case setAt.IsZero():
		return now, true // the first entry, or one stored before changes were recorded
	case now.Before(setAt.Add(BirthdayChangeGap)):
		return setAt, false
	}
	return now, true
}

// BirthdayLockedUntil is when account a's birthday may next be changed
// to another date; zero when it may be now.
func BirthdayLockedUntil(a Account, now time.Time) time.Time {
	if a.BirthdaySetAt.IsZero() {
		return time.Time{}
	}
	if until := a.BirthdaySetAt.Add(BirthdayChangeGap); now.Before(until) {
		return until
	}
	return time.Time{}
}

// saveBirthday sets the fields in set and birthday b on account a, if b
// may be saved (birthdayChange). The write is conditional on the
// birthday's last change being the one read, so of two saves at once the
// second decides again on what the first stored.
func (s *Service) saveBirthday(ctx context.Context, a AccountID, b Birthday, set bson.M) error {
	for try := 0; try < maxBirthdayTries; try++ {
		d, err := s.findAccount(ctx, a)
		if err != nil {
			return err
		}
		old := Birthday{Month: d.BirthMonth, Day: d.BirthDay}
		setAt, ok := birthdayChange(old, d.BirthdaySetAt, b, s.now())
		if !ok {
			return ValidationError{"birthday": "validation.birthday.once_a_year"}
		}
		if b == old {
			return s.updateAccount(ctx, a, set)
		}
		set["birthMonth"], set["birthDay"] = b.Month, b.Day
		cond := bson.M{"birthdaySetAt": d.BirthdaySetAt}
		if d.BirthdaySetAt.IsZero() {
			cond = bson.M{"birthdaySetAt": bson.M{"$exists": false}}
		}
		if !setAt.IsZero() {
			set["birthdaySetAt"] = setAt
		}
		saved, err := s.updateAccountIf(ctx, a, cond, set)
		if err != nil || saved {
			return err
		}
	}
	return fmt.Errorf("auth: save birthday of %s: it keeps changing", a)
}
