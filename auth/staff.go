package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// MaxStaff bounds the staff: a site has a handful, and reads them at once.
const MaxStaff = 1000

// staffID is the _id of the site document that counts the owners and
// versions the staff.
const staffID = "staff"

// staffDoc counts the site's owners, so that taking the role from one is
// refused atomically while only one is left (there are no transactions to
// count and write in one step), and carries a version that moves with
// every change to who is staff, so that every instance knows when the
// staff it keeps in memory is stale.
type staffDoc struct {
	ID      string `bson:"_id"`
	Owners  int    `bson:"owners"`
	Version int64  `bson:"version"`
}

// staffCache is the staff as last read, under the version it was read at.
type staffCache struct {
	mu      sync.Mutex
	version int64
	roles   map[AccountID]Role // nil until read
}

// StaffRoles returns the role of each of the site's owners and admins. It
// is read once and kept until the staff changes, on this instance or
// another: a page naming twenty people asks it once, for one lookup by
// _id of the staff's version. The map is shared: callers only read it.
func (s *Service) StaffRoles(ctx context.Context) (map[AccountID]Role, error) {
	v, err := s.staffVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.staff.mu.Lock()
	if s.staff.roles != nil && s.staff.version == v {
		defer s.staff.mu.Unlock()
		return s.staff.roles, nil
	}
	s.staff.mu.Unlock()
	// Read after the version: a change landing in between moves the
	// version again, and the next call reads once more.
	docs, err := s.findStaff(ctx)
	if err != nil {
		return nil, err
	}
	roles := make(map[AccountID]Role, len(docs))
	for _, d := range docs {
		roles[d.ID] = d.Role
	}
	s.staff.mu.Lock()
	defer s.staff.mu.Unlock()
	if s.staff.roles == nil || v >= s.staff.version {
		s.staff.version, s.staff.roles = v, roles
	}
	return roles, nil
}

// Staff returns the site's owners and then its admins, each by name.
func (s *Service) Staff(ctx context.Context) ([]Account, error) {
	docs, err := s.findStaff(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Account, len(docs))
	for i, d := range docs {
		out[i] = d.account()
	}
	slices.SortFunc(out, func(a, b Account) int {
		return cmp.Or(cmp.Compare(staffRank(a.Role), staffRank(b.Role)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

func staffRank(r Role) int {
	if r == RoleOwner {
		return 0
	}
	return 1
}

// CountOwners returns how many owners the site has.
func (s *Service) CountOwners(ctx context.Context) (int, error) {
	d, err := s.staffState(ctx)
	return d.Owners, err
}

// AppointAdmin makes the member whose verified email is email a site
// admin. Only an owner may. An address no account has verified, or one
// already on the staff, is a ValidationError on "email".
func (s *Service) AppointAdmin(ctx context.Context, by Account, email string) (Account, error) {
	a, err := s.staffCandidate(ctx, by, email)
	if err != nil {
		return Account{}, err
	}
	switch a.Role {
	case RoleOwner:
		return Account{}, ValidationError{"email": "team.error.already_owner"}
	case RoleAdmin:
		return Account{}, ValidationError{"email": "team.error.already_admin"}
	}
	return s.changeRole(ctx, a, RoleMember, RoleAdmin)
}

// RemoveAdmin makes the admin id a plain member again. Only an owner may.
// Someone who is no longer an admin is a ValidationError on "form".
func (s *Service) RemoveAdmin(ctx context.Context, by Account, id AccountID) (Account, error) {
	return s.staffChange(ctx, by, id, RoleAdmin, RoleMember)
}

// DemoteOwner makes the owner id an admin; an owner may do it to another
// owner or to themselves, but never to the last owner (ErrLastOwner).
func (s *Service) DemoteOwner(ctx context.Context, by Account, id AccountID) (Account, error) {
	return s.staffChange(ctx, by, id, RoleOwner, RoleAdmin)
}

// TransferTarget returns the account that TransferOwnership would hand
// the site to, changing nothing: for the page that asks to confirm.
func (s *Service) TransferTarget(ctx context.Context, by Account, email string) (Account, error) {
	a, err := s.staffCandidate(ctx, by, email)
	switch {
	case err != nil:
		return Account{}, err
	case a.ID == by.ID:
		return Account{}, ValidationError{"email": "team.error.self"}
	case a.Role == RoleOwner:
		return Account{}, ValidationError{"email": "team.error.already_owner"}
	}
	return a, nil
}

// TransferOwnership hands the site to the account whose verified email is
// email: it becomes an owner and by, who must be one, an admin. The new
// owner is made first, so the site is never without one.
func (s *Service) TransferOwnership(ctx context.Context, by Account, email string) (to Account, err error) {
	a, err := s.TransferTarget(ctx, by, email)
	if err != nil {
		return Account{}, err
	}
	if to, err = s.changeRole(ctx, a, a.Role, RoleOwner); err != nil {
		return Account{}, err
	}
	if _, err := s.changeRole(ctx, by, RoleOwner, RoleAdmin); err != nil {
		return to, err // both are owners: nothing is lost, and the old owner may step down later
	}
	return to, nil
}

// MakeOwner makes the account whose verified email is email an owner,
// whoever asks: it is the server operator's way back in when no owner can
// sign in (fanclub owner <email>). It reports false for someone who was
// an owner already. An address no live account has verified is ErrNotFound.
func (s *Service) MakeOwner(ctx context.Context, email string) (Account, bool, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return Account{}, false, err
	}
	d, err := s.findAccountByVerifiedEmail(ctx, email)
	if err != nil {
		return Account{}, false, err
	}
	a := d.account()
	if a.Role == RoleOwner {
		return a, false, nil
	}
	a, err = s.changeRole(ctx, a, a.Role, RoleOwner)
	return a, err == nil, err
}

// LastOwner reports whether account a is the site's only owner: deleting
// it would leave a site nobody may run, so it must hand ownership on
// first. It is for what a page shows; LeaveStaff is what refuses.
func (s *Service) LastOwner(ctx context.Context, a AccountID) (bool, error) {
	d, err := s.findAccount(ctx, a)
	if err != nil || d.Role != RoleOwner {
		return false, err
	}
	n, err := s.CountOwners(ctx)
	return n <= 1, err
}

// LeaveStaff makes account id a plain member if it is an owner or admin,
// before the account is deleted: the site's last owner is refused with
// ErrLastOwner, and every instance stops showing the account as staff.
func (s *Service) LeaveStaff(ctx context.Context, id AccountID) error {
	d, err := s.findAccount(ctx, id)
	if err != nil || (d.Role != RoleOwner && d.Role != RoleAdmin) {
		return err
	}
	_, err = s.changeRole(ctx, d.account(), d.Role, RoleMember)
	return err
}

// staffCandidate finds the account a staff change names by email, once by
// is known to be an owner.
func (s *Service) staffCandidate(ctx context.Context, by Account, email string) (Account, error) {
	if by.Role != RoleOwner {
		return Account{}, ErrForbidden
	}
	email, err := NormaliseEmail(email)
	if err != nil {
		return Account{}, err
	}
	d, err := s.findAccountByVerifiedEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return Account{}, ValidationError{"email": "team.error.unknown_email"}
	}
	return d.account(), err
}

// staffChange moves account id from role from to role to on an owner's
// word.
func (s *Service) staffChange(ctx context.Context, by Account, id AccountID, from, to Role) (Account, error) {
	if by.Role != RoleOwner {
		return Account{}, ErrForbidden
	}
	d, err := s.findAccount(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if d.Role != from {
		return Account{}, ValidationError{"form": "team.error.changed"}
	}
	return s.changeRole(ctx, d.account(), from, to)
}

// changeRole moves account a from role from to role to. Taking the owner
// role away is counted first, and refused with ErrLastOwner while only
// one owner is counted; giving it is counted after the account has it. A
// failure in between leaves the count one short, which can only refuse a
// demotion, never allow the last one. A role that changed meanwhile is a
// ValidationError on "form".
func (s *Service) changeRole(ctx context.Context, a Account, from, to Role) (Account, error) {
	if from == to {
		return a, nil
	}
	if _, err := s.staffState(ctx); err != nil { // the count exists before it is moved
		return Account{}, err
	}
	if from == RoleOwner {
		if err := s.countOwners(ctx, -1); err != nil {
			return Account{}, err
		}
	}
	res, err := s.accounts.UpdateOne(ctx, bson.M{"_id": a.ID, "role": from, "deletedAt": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"role": to}})
	if err == nil && res.MatchedCount == 0 {
		err = ValidationError{"form": "team.error.changed"}
	}
	if err != nil {
		if from == RoleOwner {
			if rerr := s.countOwners(ctx, 1); rerr != nil {
				return Account{}, errors.Join(err, rerr)
			}
		}
		return Account{}, wrapRole(err)
	}
	inc := 0
	if to == RoleOwner {
		inc = 1
	}
	if err := s.countOwners(ctx, inc); err != nil {
		return Account{}, err
	}
	s.log.InfoContext(ctx, "site role changed", "account", a.ID, "from", from, "to", to)
	a.Role = to
	return a, nil
}

func wrapRole(err error) error {
	var v ValidationError
	if errors.As(err, &v) {
		return err
	}
	return fmt.Errorf("auth: change role: %w", err)
}

// countOwners adds n (1, 0 or -1) to the owners' count and moves the
// staff's version. Taking one away applies only while more than one is
// counted, and is ErrLastOwner otherwise.
func (s *Service) countOwners(ctx context.Context, n int) error {
	filter := bson.M{"_id": staffID}
	if n < 0 {
		filter["owners"] = bson.M{"$gt": -n}
	}
	res, err := s.site.UpdateOne(ctx, filter, bson.M{"$inc": bson.M{"owners": n, "version": 1}})
	if err != nil {
		return fmt.Errorf("auth: count owners: %w", err)
	}
	if res.MatchedCount == 0 {
		return ErrLastOwner
	}
	return nil
}

// staffState returns the staff document, counting the owners into a new
// one on a site that has none yet (one from before owners were counted).
// Every change of role makes sure of it before it writes the role, so a
// count made here either misses a change whose own count follows, or is
// refused as a duplicate of the document that change made.
func (s *Service) staffState(ctx context.Context) (staffDoc, error) {
	var d staffDoc
	err := s.site.FindOne(ctx, bson.M{"_id": staffID}).Decode(&d)
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return d, staffErr(err, "read staff")
	}
	// Served by index "accounts_role"; once per site.
	n, err := s.accounts.CountDocuments(ctx, bson.M{"role": RoleOwner, "deletedAt": bson.M{"$exists": false}})
	if err != nil {
		return d, fmt.Errorf("auth: count owners: %w", err)
	}
	d = staffDoc{ID: staffID, Owners: int(n)}
	if _, err := s.site.InsertOne(ctx, d); mongodb.IsDuplicateKey(err) {
		return s.staffState(ctx)
	} else if err != nil {
		return d, fmt.Errorf("auth: count owners: %w", err)
	}
	return d, nil
}

// staffVersion is the staff's version; 0 before the first change.
func (s *Service) staffVersion(ctx context.Context) (int64, error) {
	var d staffDoc
	err := s.site.FindOne(ctx, bson.M{"_id": staffID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return d.Version, staffErr(err, "read staff")
}

// findStaff reads the live owners and admins. Served by index
// "accounts_role".
func (s *Service) findStaff(ctx context.Context) ([]accountDoc, error) {
	cur, err := s.accounts.Find(ctx, bson.M{"role": bson.M{"$in": bson.A{RoleOwner, RoleAdmin}}, "deletedAt": bson.M{"$exists": false}},
		options.Find().SetLimit(MaxStaff))
	if err != nil {
		return nil, fmt.Errorf("auth: find staff: %w", err)
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("auth: find staff: %w", err)
	}
	return docs, nil
}

func staffErr(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("auth: %s: %w", what, err)
}
