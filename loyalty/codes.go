package loyalty

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
)

// Limits of a code file.
const (
	MaxCodeFile  = 1 << 20 // bytes
	MaxCodes     = 10000   // per file
	MaxCodeChars = 100
)

// CodeLine is one refused line of a code file: its number (from 1) and
// why, as a message key.
type CodeLine struct {
	Line   int
	Reason string
	Code   string
}

// CodeFileError refuses a code file, whole: each line at fault, or
// Reason for the file itself (too big, not CSV, no codes).
type CodeFileError struct {
	Reason string
	Lines  []CodeLine
}

func (e *CodeFileError) Error() string { return "loyalty: code file refused" }

// maxLinesReported bounds the faults a refusal lists.
const maxLinesReported = 50

// codeDoc is one code of a pool: _id "<reward>:<slot>", slot counted
// from 0 in upload order; a redemption takes the next slot.
type codeDoc struct {
	ID         string    `bson:"_id"`
	Reward     string    `bson:"reward"`
	Slot       int       `bson:"slot"`
	Code       string    `bson:"code"`
	Redemption string    `bson:"redemption"`
	At         time.Time `bson:"at"`
}

func codeID(reward string, slot int) string { return fmt.Sprintf("%s:%d", reward, slot) }

// parseCodes reads a code file: one code a row, the first column,
// trimmed; blank lines are skipped (as CSV does). It refuses the file if a code is empty, too long, twice in
// the file or in pool already.
func parseCodes(r io.Reader, pool map[string]bool) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCodeFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxCodeFile {
		return nil, &CodeFileError{Reason: "loyalty_rewards.codes.too_big"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a spreadsheet's byte-order mark
	if !utf8.Valid(data) {
		return nil, &CodeFileError{Reason: "loyalty_rewards.codes.not_text"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	var codes []string
	var bad []CodeLine
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, &CodeFileError{Reason: "loyalty_rewards.codes.not_csv"}
		}
		line, _ := cr.FieldPos(0)
		code := strings.TrimSpace(rec[0])
		fault := ""
		switch {
		case code == "":
			fault = "loyalty_rewards.codes.empty"
		case utf8.RuneCountInString(code) > MaxCodeChars:
			fault = "loyalty_rewards.codes.too_long"
		case seen[code] > 0:
			fault = "loyalty_rewards.codes.duplicate"
		case pool[code]:
			fault = "loyalty_rewards.codes.in_pool"
		}
		if fault != "" {
			if len(bad) < maxLinesReported {
				bad = append(bad, CodeLine{Line: line, Reason: fault, Code: code})
			}
			continue
		}
		seen[code] = line
		codes = append(codes, code)
	}
	switch {
	case len(bad) > 0:
		return nil, &CodeFileError{Lines: bad}
	case len(codes) == 0:
		return nil, &CodeFileError{Reason: "loyalty_rewards.codes.none"}
	case len(codes) > MaxCodes:
		return nil, &CodeFileError{Reason: "loyalty_rewards.codes.too_many"}
	}
	return codes, nil
}

// uploadLease is how long an upload holds a pool against another.
const uploadLease = 2 * time.Minute

// UploadCodes adds the codes of a CSV file to a code reward's pool, all
// or none, and returns how many it added. Uploads to one pool take
// turns (a lease on the reward), so slots fill without gaps before a
// redemption may take them.
func (s *Service) UploadCodes(ctx context.Context, a auth.Account, id string, file io.Reader) (int, error) {
	if !isStaff(a) {
		return 0, ErrForbidden
	}
	if !validID(id) {
		return 0, ErrNotFound
	}
	d, until, err := s.lockPool(ctx, id)
	if err != nil {
		return 0, err
	}
	unlock := bson.M{"$set": bson.M{"lockUntil": time.Time{}}}
	defer s.rewards.UpdateOne(context.WithoutCancel(ctx), bson.M{"_id": id, "lockUntil": until}, unlock) //nolint:errcheck // the lease ends anyway
	// Slots past the pool's count are an upload that died midway.
	if _, err := s.codes.DeleteMany(ctx, bson.M{"reward": id, "slot": bson.M{"$gte": d.Codes}}); err != nil {
		return 0, wrap(err, "clear pool")
	}
	pool, err := s.poolCodes(ctx, id)
	if err != nil {
		return 0, err
	}
	codes, err := parseCodes(file, pool)
	if err != nil {
		return 0, err
	}
	now := s.now()
	for start := 0; start < len(codes); start += 1000 {
		batch := make([]any, 0, 1000)
		for i := start; i < min(start+1000, len(codes)); i++ {
			slot := d.Codes + i
			batch = append(batch, codeDoc{ID: codeID(id, slot), Reward: id, Slot: slot, Code: codes[i], At: now})
		}
		if _, err := s.codes.InsertMany(ctx, batch); err != nil {
			return 0, wrap(err, "insert codes")
		}
	}
	// The codes become redeemable at once, and only if the lease held.
	res, err := s.rewards.UpdateOne(ctx, bson.M{"_id": id, "lockUntil": until, "codes": d.Codes},
		bson.M{"$inc": bson.M{"codes": len(codes)}, "$set": bson.M{"updatedAt": now, "lockUntil": time.Time{}}})
	if err != nil {
		return 0, wrap(err, "fill pool")
	}
	if res.MatchedCount == 0 {
		return 0, ErrBusy
	}
	return len(codes), nil
}

// lockPool takes the reward's upload lease: ErrBusy while another runs.
func (s *Service) lockPool(ctx context.Context, id string) (rewardDoc, time.Time, error) {
	now := s.now()
	until := now.Add(uploadLease)
	var d rewardDoc
	err := s.rewards.FindOneAndUpdate(ctx, bson.M{"_id": id, "kind": KindCode, "lockUntil": bson.M{"$lt": now}},
		bson.M{"$set": bson.M{"lockUntil": until}}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if err == nil {
		return d, until, nil
	}
	if _, ferr := s.findRewardDoc(ctx, id); ferr != nil {
		return d, until, ferr
	}
	return d, until, ErrBusy
}

// poolCodes reads the codes of a pool, to refuse one uploaded again: a
// scan of the pool on an upload (rare, staff), never on a redemption.
// Served by index "reward_slot".
func (s *Service) poolCodes(ctx context.Context, id string) (map[string]bool, error) {
	cur, err := s.codes.Find(ctx, bson.M{"reward": id}, options.Find().SetProjection(bson.M{"code": 1}))
	if err != nil {
		return nil, wrap(err, "read pool")
	}
	var docs []codeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrap(err, "read pool")
	}
	pool := make(map[string]bool, len(docs))
	for _, d := range docs {
		pool[d.Code] = true
	}
	return pool, nil
}
