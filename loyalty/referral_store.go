package loyalty

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/auth"
	"fanclub/internal/mongodb"
)

// referralColls are the referrals' collections.
type referralColls struct {
	referrals *mongodb.Collection // referrals: _id = the friend
	referrers *mongodb.Collection // referrers: _id = the member; their code and counts
	codes     *mongodb.Collection // referral_codes: _id = a code; its member
	networks  *mongodb.Collection // referral_networks: _id = network|day; referrals counted
	// gone: a hash of each mailbox and sign-in of a referred friend who
	// deleted their account, _id = the hash, so their next sign-up
	// through a link is flagged as someone who had an account.
	gone *mongodb.Collection // referred_before
}

func newReferralColls(db *mongodb.DB) referralColls {
	return referralColls{referrals: db.Collection("referrals"), referrers: db.Collection("referrers"),
		codes: db.Collection("referral_codes"), networks: db.Collection("referral_networks"),
		gone: db.Collection("referred_before")}
}

// ensureIndexes: the review's two lists are read by status and date and
// by date, the network counts swept by day; everything else by _id.
func (rc referralColls) ensureIndexes(ctx context.Context) error {
	for _, c := range []*mongodb.Collection{rc.referrers, rc.codes, rc.gone} {
		if err := mongodb.EnsureIndexes(ctx, c); err != nil {
			return err
		}
	}
	if err := mongodb.EnsureIndexes(ctx, rc.networks, // the sweep's
		mongo.IndexModel{Keys: bson.D{{Key: "day", Value: 1}}, Options: options.Index().SetName("day")}); err != nil {
		return err
	}
	return mongodb.EnsureIndexes(ctx, rc.referrals,
		mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("status_at")},
		mongo.IndexModel{Keys: bson.D{{Key: "at", Value: -1}}, Options: options.Index().SetName("at")})
}

type referrerDoc struct {
	ID        auth.AccountID `bson:"_id"`
	Code      string         `bson:"code"`
	Joined    int            `bson:"joined"`
	Qualified int            `bson:"qualified"`
}

type referralCodeDoc struct {
	ID      string         `bson:"_id"`
	Account auth.AccountID `bson:"account"`
}

// codeAlphabet has no letters that read alike (0/o, 1/l/i).
const (
	codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	codeLen      = 12 // about 59 bits: not to be guessed
)

func newCode() string {
	b := make([]byte, codeLen)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// validCode reports whether code could be one newCode made: anything
// else is not looked up.
func validCode(code string) bool {
	if len(code) != codeLen {
		return false
	}
	for i := 0; i < len(code); i++ {
		if strings.IndexByte(codeAlphabet, code[i]) < 0 {
			return false
		}
	}
	return true
}

// referrerOf returns account's referrer document, making its code first
// if need be: the code is claimed (a unique _id), then the member's
// document; of two requests at once, the one whose document lands wins
// and the other's code is dropped.
func (s *Service) referrerOf(ctx context.Context, account auth.AccountID) (referrerDoc, error) {
	var d referrerDoc
	err := s.ref.referrers.FindOne(ctx, bson.M{"_id": account}).Decode(&d)
	if err == nil || !errors.Is(err, mongo.ErrNoDocuments) {
		return d, err
	}
	code := newCode()
	if _, err := s.ref.codes.InsertOne(ctx, referralCodeDoc{ID: code, Account: account}); err != nil {
		return d, fmt.Errorf("loyalty: claim referral code: %w", err)
	}
	d = referrerDoc{ID: account, Code: code}
	_, err = s.ref.referrers.InsertOne(ctx, d)
	if mongodb.IsDuplicateKey(err) {
		if _, err := s.ref.codes.DeleteOne(ctx, bson.M{"_id": code}); err != nil {
			return d, err
		}
		err = s.ref.referrers.FindOne(ctx, bson.M{"_id": account}).Decode(&d)
	}
	return d, err
}

// codeOwner returns the member whose code it is.
func (s *Service) codeOwner(ctx context.Context, code string) (auth.AccountID, error) {
	if !validCode(code) {
		return "", ErrNotFound
	}
	var d referralCodeDoc
	err := s.ref.codes.FindOne(ctx, bson.M{"_id": code}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", ErrNotFound
	}
	return d.Account, err
}

// countReferrer adds one to a member's count of friends (joined or
// qualified).
func (s *Service) countReferrer(ctx context.Context, referrer auth.AccountID, count string) error {
	_, err := s.ref.referrers.UpdateOne(ctx, bson.M{"_id": referrer}, bson.M{"$inc": bson.M{count: 1}})
	return err
}

// countNetwork counts a referral from network today and returns how
// many came from it in the last networkDays days, this one included:
// one upsert and one read of networkDays documents by _id.
func (s *Service) countNetwork(ctx context.Context, network string, now time.Time) (int, error) {
	days := lastDays(now)
	ids := make([]string, len(days))
	for i, d := range days {
		ids[i] = network + "|" + d
	}
	inc := func() error {
		_, err := s.ref.networks.UpdateOne(ctx, bson.M{"_id": ids[0]},
			bson.M{"$inc": bson.M{"n": 1}, "$setOnInsert": bson.M{"day": days[0]}}, options.Update().SetUpsert(true))
		return err
	}
	err := inc()
	if mongodb.IsDuplicateKey(err) { // another upsert made it first
		err = inc()
	}
	if err != nil {
		return 0, fmt.Errorf("loyalty: count network: %w", err)
	}
	cur, err := s.ref.networks.Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil {
		return 0, err
	}
	var ds []struct {
		N int `bson:"n"`
	}
	if err := cur.All(ctx, &ds); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range ds {
		n += d.N
	}
	return n, nil
}

// SweepReferralNetworks forgets the network counts older than a week:
// for the daily upkeep.
func (s *Service) SweepReferralNetworks(ctx context.Context) error {
	_, err := s.ref.networks.DeleteMany(ctx, bson.M{"day": bson.M{"$lt": lastDays(s.now())[networkDays-1]}})
	return err
}

func (s *Service) findReferral(ctx context.Context, friend auth.AccountID) (Referral, error) {
	var r Referral
	err := s.ref.referrals.FindOne(ctx, bson.M{"_id": friend}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return r, ErrNotFound
	}
	return r, err
}

// insertReferral inserts r, reporting false if the friend was referred
// already.
func (s *Service) insertReferral(ctx context.Context, r Referral) (bool, error) {
	_, err := s.ref.referrals.InsertOne(ctx, r)
	if mongodb.IsDuplicateKey(err) {
		return false, nil
	}
	return err == nil, err
}

// unset is the condition that field is not set.
func unset(field string) bson.M { return bson.M{field: bson.M{"$exists": false}} }

// moveReferral sets set on friend's referral if its status is from and
// it meets cond; it reports whether it did.
func (s *Service) moveReferral(ctx context.Context, friend auth.AccountID, from ReferralStatus, cond bson.M, set map[string]any) (bool, error) {
	return s.moveReferralFrom(ctx, friend, []ReferralStatus{from}, cond, set)
}

func (s *Service) moveReferralFrom(ctx context.Context, friend auth.AccountID, from []ReferralStatus, cond bson.M, set map[string]any) (bool, error) {
	filter := bson.M{"_id": friend, "status": bson.M{"$in": from}}
	for k, v := range cond {
		filter[k] = v
	}
	res, err := s.ref.referrals.UpdateOne(ctx, filter, bson.M{"$set": set})
	if err != nil {
		return false, fmt.Errorf("loyalty: update referral: %w", err)
	}
	return res.MatchedCount == 1, nil
}

// unqualify puts a referral whose awards failed back as it was before
// claimRewards moved it (at is the claim's awardedAt), for the friend's
// next taking part to try again.
func (s *Service) unqualify(ctx context.Context, friend auth.AccountID, from ReferralStatus, at time.Time) error {
	_, err := s.ref.referrals.UpdateOne(ctx, bson.M{"_id": friend, "awardedAt": at},
		bson.M{"$set": bson.M{"status": from}, "$unset": bson.M{"awardedAt": ""}})
	return err
}

// flaggedReferrals are the referrals waiting for review, oldest first.
func (s *Service) flaggedReferrals(ctx context.Context, limit int64) ([]Referral, error) {
	return s.listReferrals(ctx, bson.M{"status": ReferralFlagged}, bson.D{{Key: "status", Value: 1}, {Key: "at", Value: 1}}, limit)
}

// recentReferrals are the latest referrals, newest first.
func (s *Service) recentReferrals(ctx context.Context, limit int64) ([]Referral, error) {
	return s.listReferrals(ctx, bson.M{}, bson.D{{Key: "at", Value: -1}}, limit)
}

func (s *Service) listReferrals(ctx context.Context, filter bson.M, sort bson.D, limit int64) ([]Referral, error) {
	cur, err := s.ref.referrals.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("loyalty: list referrals: %w", err)
	}
	var out []Referral
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("loyalty: list referrals: %w", err)
	}
	return out, nil
}

// traceKeys are the hashes that stand for a person's mailboxes (as
// mailbox() folds them) and sign-ins: no address or subject is kept of
// an account that was deleted.
func traceKeys(t auth.Traces) []string {
	var keys []string
	add := func(s string) {
		sum := sha256.Sum256([]byte(s))
		keys = append(keys, hex.EncodeToString(sum[:]))
	}
	for _, e := range t.Emails {
		add("mailbox:" + mailbox(e.Address))
	}
	for _, id := range t.Identities {
		add("identity:" + id)
	}
	return keys
}

// rememberReferred keeps the hashes of a referred friend's traces as
// their account goes.
func (s *Service) rememberReferred(ctx context.Context, t auth.Traces) error {
	for _, k := range traceKeys(t) {
		if _, err := s.ref.gone.InsertOne(ctx, bson.M{"_id": k, "at": s.now()}); err != nil && !mongodb.IsDuplicateKey(err) {
			return wrap(err, "remember a referred friend")
		}
	}
	return nil
}

// referredBefore reports whether any of t's traces belonged to a
// referred friend who deleted their account: lookups by _id.
func (s *Service) referredBefore(ctx context.Context, t auth.Traces) (bool, error) {
	keys := traceKeys(t)
	if len(keys) == 0 {
		return false, nil
	}
	n, err := s.ref.gone.CountDocuments(ctx, bson.M{"_id": bson.M{"$in": keys}})
	return n > 0, wrap(err, "look up referred friends")
}
