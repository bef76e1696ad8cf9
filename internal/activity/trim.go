package activity

import (
	"context"
	"strconv"

	"go.mongodb.org/mongo-driver/bson"
)

// keepDays is how much of the day bitmap a rollup keeps: the figures look
// back at most a year and a quarter (a month-by-month trend of twelve
// months, each over the weeks before it), so older words only cost reads.
const keepDays = 450

// Trim drops the bitmap words wholly older than keepDays before today,
// so a rollup stays the same size however long the member stays. The
// first and last days, kinds and counts stay. It reads every rollup:
// run it from the periodic sweep, not a request.
func (r *Recorder) Trim(ctx context.Context) (int, error) {
	today := DayOf(r.now(), r.zone(ctx))
	oldest := int32((today - keepDays) >> 6) // words before this one are wholly older
	rows, err := r.readAll(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, row := range rows {
		unset := bson.M{}
		for w := range row.words {
			if w < oldest {
				unset["d."+strconv.Itoa(int(w))] = ""
			}
		}
		if len(unset) == 0 {
			continue
		}
		if err := r.unset(ctx, row.Account, unset, oldest); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// unset removes the given words of account's bitmap, in the database and
// in the copy in memory.
func (r *Recorder) unset(ctx context.Context, account string, fields bson.M, oldest int32) error {
	if r.mirror != nil {
		r.mirror.mu.Lock()
		defer r.mirror.mu.Unlock()
	}
	if err := r.stale(ctx); err != nil {
		return err
	}
	if _, err := r.coll.UpdateOne(ctx, bson.M{"_id": account}, bson.M{"$unset": fields}); err != nil {
		if r.mirror != nil {
			r.mirror.rows = nil // it may or may not have landed: read it all again
		}
		return err
	}
	if r.mirror != nil && r.mirror.rows != nil {
		if row, ok := r.mirror.rows[account]; ok {
			row = row.clone()
			for w := range row.words {
				if w < oldest {
					delete(row.words, w)
				}
			}
			r.mirror.rows[account] = row
		}
	}
	return nil
}
