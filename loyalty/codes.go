package loyalty

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
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

// codeKey is a code as its uniqueness goes: trimmed, and letters in one
// case, as shops mostly read codes.
func codeKey(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// parseCodes reads a code file: one code a row, the first column,
// trimmed; blank lines are skipped (as CSV does). It refuses the file if
// a code is empty, too long or twice in the file, and returns the codes
// with the line of each.
func parseCodes(r io.Reader) (codes []string, lines []int, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCodeFile+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxCodeFile {
		return nil, nil, &CodeFileError{Reason: "loyalty_rewards.codes.too_big"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a spreadsheet's byte-order mark
	if !utf8.Valid(data) {
		return nil, nil, &CodeFileError{Reason: "loyalty_rewards.codes.not_text"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	var bad []CodeLine
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, &CodeFileError{Reason: "loyalty_rewards.codes.not_csv"}
		}
		line, _ := cr.FieldPos(0)
		code := strings.TrimSpace(rec[0])
		fault := ""
		switch {
		case code == "":
			fault = "loyalty_rewards.codes.empty"
		case utf8.RuneCountInString(code) > MaxCodeChars:
			fault = "loyalty_rewards.codes.too_long"
		case seen[codeKey(code)] > 0:
			fault = "loyalty_rewards.codes.duplicate"
		}
		if fault != "" {
			if len(bad) < maxLinesReported {
				bad = append(bad, CodeLine{Line: line, Reason: fault, Code: code})
			}
			continue
		}
		seen[codeKey(code)] = line
		codes, lines = append(codes, code), append(lines, line)
	}
	switch {
	case len(bad) > 0:
		return nil, nil, &CodeFileError{Lines: bad}
	case len(codes) == 0:
		return nil, nil, &CodeFileError{Reason: "loyalty_rewards.codes.none"}
	case len(codes) > MaxCodes:
		return nil, nil, &CodeFileError{Reason: "loyalty_rewards.codes.too_many"}
	}
	return codes, lines, nil
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
	if err := s.clearPool(ctx, id, d.Codes); err != nil {
		return 0, err
	}
	codes, lines, err := parseCodes(file)
	if err != nil {
		return 0, err
	}
	if err := s.claimCodes(ctx, id, d.Codes, codes, lines); err != nil {
		return 0, err
	}
	now := s.now()
	for start := 0; start < len(codes); start += codeBatch {
		batch := make([]any, 0, codeBatch)
		for i := start; i < min(start+codeBatch, len(codes)); i++ {
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

// codeBatch is how many codes one insert writes.
const codeBatch = 1000

// codeValueDoc holds a code's value across the site (collection
// "reward_code_values", _id = codeKey of the code), so each code is
// handed out once, ever, whichever pool it was uploaded to.
type codeValueDoc struct {
	ID     string `bson:"_id"`
	Reward string `bson:"reward"`
	Slot   int    `bson:"slot"`
}

// clearPool deletes the codes, and their values, of slots from on: what
// an upload that died midway left. A scan of the values, on an upload
// (rare, staff).
func (s *Service) clearPool(ctx context.Context, reward string, from int) error {
	past := bson.M{"reward": reward, "slot": bson.M{"$gte": from}}
	if _, err := s.codeValues.DeleteMany(ctx, past); err != nil {
		return wrap(err, "clear pool")
	}
	_, err := s.codes.DeleteMany(ctx, past)
	return wrap(err, "clear pool")
}

// claimCodes inserts the value of each code, for slots from on: a unique
// _id, so a code in any pool already is refused, by line, and the values
// this upload inserted are deleted again (all or none).
func (s *Service) claimCodes(ctx context.Context, reward string, from int, codes []string, lines []int) error {
	var taken []int // indexes into codes
	for start := 0; start < len(codes); start += codeBatch {
		batch := make([]any, 0, codeBatch)
		for i := start; i < min(start+codeBatch, len(codes)); i++ {
			batch = append(batch, codeValueDoc{ID: codeKey(codes[i]), Reward: reward, Slot: from + i})
		}
		_, err := s.codeValues.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
			for _, we := range bwe.WriteErrors {
				if we.Code != duplicateKey {
					return wrap(err, "insert code values")
				}
				taken = append(taken, start+we.Index)
			}
		} else if err != nil {
			return wrap(err, "insert code values")
		}
	}
	if len(taken) == 0 {
		return nil
	}
	if err := s.clearPool(ctx, reward, from); err != nil {
		return err
	}
	return s.codesTaken(ctx, reward, codes, lines, taken)
}

// duplicateKey is the server's code for a unique key refused.
const duplicateKey = 11000

// codesTaken refuses the file for the codes at taken (indexes into
// codes), each already in a pool: this one, or another reward's.
func (s *Service) codesTaken(ctx context.Context, reward string, codes []string, lines []int, taken []int) error {
	taken = taken[:min(len(taken), maxLinesReported)]
	keys := make([]string, len(taken))
	for i, t := range taken {
		keys[i] = codeKey(codes[t])
	}
	cur, err := s.codeValues.Find(ctx, bson.M{"_id": bson.M{"$in": keys}})
	if err != nil {
		return wrap(err, "read code values")
	}
	var docs []codeValueDoc
	if err := cur.All(ctx, &docs); err != nil {
		return wrap(err, "read code values")
	}
	owner := make(map[string]string, len(docs))
	for _, d := range docs {
		owner[d.ID] = d.Reward
	}
	fe := &CodeFileError{}
	for i, t := range taken {
		reason := "loyalty_rewards.codes.other_reward"
		if owner[keys[i]] == reward {
			reason = "loyalty_rewards.codes.in_pool"
		}
		fe.Lines = append(fe.Lines, CodeLine{Line: lines[t], Reason: reason, Code: codes[t]})
	}
	slices.SortFunc(fe.Lines, func(a, b CodeLine) int { return a.Line - b.Line })
	return fe
}
