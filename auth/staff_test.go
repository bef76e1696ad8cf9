package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// staffRig is two instances of auth on one database, as two app servers
// behind a load balancer, and a way to sign people up.
type staffRig struct {
	ctx  context.Context
	a, b *auth.Service
}

func newStaffRig(t *testing.T) staffRig {
	t.Helper()
	db := mongotest.New(t)
	return staffRig{ctx: context.Background(), a: newServiceOn(t, db), b: newServiceOn(t, db.Shared())}
}

// signUp makes an account with a verified email, as an email link does.
func (r staffRig) signUp(t *testing.T, email string) auth.Account {
	t.Helper()
	a, err := r.a.SignIn(r.ctx, auth.External{Provider: "email", Subject: email, Email: email, EmailVerified: true, Name: email[:3]})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fresh is the account as stored now.
func (r staffRig) fresh(t *testing.T, a auth.Account) auth.Account {
	t.Helper()
	got, err := r.a.AccountByID(r.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func validationKey(err error, field string) string {
	var v auth.ValidationError
	if errors.As(err, &v) {
		return v[field]
	}
	return fmt.Sprint(err)
}

// TestStaffRules: only an owner appoints and removes admins and hands the
// site on; an unknown or unverified address, or someone already on the
// staff, is refused field by field; the last owner never stops being one.
func TestStaffRules(t *testing.T) {
	r := newStaffRig(t)
	owner := r.signUp(t, "own@example.com")
	minji, jun := r.signUp(t, "min@example.com"), r.signUp(t, "jun@example.com")
	unverified, err := r.a.SignIn(r.ctx, auth.External{Provider: "kakao", Subject: "k1", Email: "kak@example.com"})
	if err != nil || owner.Role != auth.RoleOwner {
		t.Fatalf("setup: %v %v", owner.Role, err)
	}

	for _, tc := range []struct{ email, want string }{
		{"nobody@example.com", "team.error.unknown_email"},
		{unverified.Email, "team.error.unknown_email"},
		{"not an email", "validation.email.invalid"},
		{"", "validation.email.required"},
		{owner.Email, "team.error.already_owner"},
	} {
		if _, err := r.a.AppointAdmin(r.ctx, owner, tc.email); validationKey(err, "email") != tc.want {
			t.Errorf("appoint %q: %v, want %s", tc.email, err, tc.want)
		}
	}
	admin, err := r.a.AppointAdmin(r.ctx, owner, " MIN@example.com ")
	if err != nil || admin.ID != minji.ID || r.fresh(t, minji).Role != auth.RoleAdmin {
		t.Fatalf("appoint: %+v %v", admin, err)
	}
	if _, err := r.a.AppointAdmin(r.ctx, owner, minji.Email); validationKey(err, "email") != "team.error.already_admin" {
		t.Errorf("appoint twice: %v", err)
	}
	// An admin runs the site but does not choose who else does.
	admin = r.fresh(t, minji)
	if _, err := r.a.AppointAdmin(r.ctx, admin, jun.Email); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("an admin appoints: %v, want ErrForbidden", err)
	}
	if _, err := r.a.RemoveAdmin(r.ctx, admin, admin.ID); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("an admin removes one: %v, want ErrForbidden", err)
	}
	if _, err := r.a.TransferOwnership(r.ctx, admin, admin.Email); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("an admin takes the site: %v, want ErrForbidden", err)
	}
	if _, err := r.a.DemoteOwner(r.ctx, admin, owner.ID); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("an admin demotes the owner: %v, want ErrForbidden", err)
	}

	// The only owner cannot step down, by any way in.
	if _, err := r.a.DemoteOwner(r.ctx, owner, owner.ID); !errors.Is(err, auth.ErrLastOwner) {
		t.Errorf("demote the last owner: %v, want ErrLastOwner", err)
	}
	if err := r.a.LeaveStaff(r.ctx, owner.ID); !errors.Is(err, auth.ErrLastOwner) {
		t.Errorf("the last owner leaves the staff: %v, want ErrLastOwner", err)
	}
	if _, err := r.a.TransferOwnership(r.ctx, owner, owner.Email); validationKey(err, "email") != "team.error.self" {
		t.Errorf("transfer to oneself: %v", err)
	}
	if n, err := r.a.CountOwners(r.ctx); n != 1 || err != nil || r.fresh(t, owner).Role != auth.RoleOwner {
		t.Fatalf("after refusals: %d owners, %v", n, err)
	}

	// Handing the site on: Jun owns it, the old owner is an admin.
	if to, err := r.a.TransferTarget(r.ctx, owner, jun.Email); err != nil || to.ID != jun.ID {
		t.Fatalf("transfer target: %+v %v", to, err)
	}
	if to, err := r.a.TransferOwnership(r.ctx, owner, jun.Email); err != nil || to.ID != jun.ID || to.Role != auth.RoleOwner {
		t.Fatalf("transfer: %+v %v", to, err)
	}
	if r.fresh(t, jun).Role != auth.RoleOwner || r.fresh(t, owner).Role != auth.RoleAdmin {
		t.Fatalf("after transfer: jun %s, old owner %s", r.fresh(t, jun).Role, r.fresh(t, owner).Role)
	}
	if _, err := r.a.AppointAdmin(r.ctx, r.fresh(t, owner), jun.Email); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("the old owner still acts as one: %v", err)
	}
	if _, err := r.a.RemoveAdmin(r.ctx, r.fresh(t, jun), owner.ID); err != nil || r.fresh(t, owner).Role != auth.RoleMember {
		t.Fatalf("remove the old owner from the staff: %v", err)
	}
	if _, err := r.a.RemoveAdmin(r.ctx, r.fresh(t, jun), owner.ID); validationKey(err, "form") != "team.error.changed" {
		t.Errorf("remove someone no longer an admin: %v", err)
	}
	if n, _ := r.a.CountOwners(r.ctx); n != 1 {
		t.Errorf("owners counted: %d, want 1", n)
	}

	// The operator's recovery: any verified address, not an unknown one.
	if _, _, err := r.a.MakeOwner(r.ctx, "nobody@example.com"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("make an unknown address owner: %v, want ErrNotFound", err)
	}
	if a, changed, err := r.a.MakeOwner(r.ctx, minji.Email); err != nil || !changed || a.Role != auth.RoleOwner {
		t.Fatalf("make owner: %+v %v %v", a, changed, err)
	}
	if _, changed, err := r.a.MakeOwner(r.ctx, minji.Email); err != nil || changed {
		t.Errorf("make an owner owner again: changed %v, %v", changed, err)
	}
	// Two owners now: either may step down, and then the other may not.
	if _, err := r.a.DemoteOwner(r.ctx, r.fresh(t, jun), minji.ID); err != nil || r.fresh(t, minji).Role != auth.RoleAdmin {
		t.Fatalf("demote the other owner: %v", err)
	}
	if _, err := r.a.DemoteOwner(r.ctx, r.fresh(t, jun), jun.ID); !errors.Is(err, auth.ErrLastOwner) {
		t.Errorf("demote the last owner again: %v", err)
	}
	if err := r.a.LeaveStaff(r.ctx, minji.ID); err != nil || r.fresh(t, minji).Role != auth.RoleMember {
		t.Errorf("an admin leaves the staff: %v", err)
	}
}

// TestLastOwnerUnderRace: five owners stepping down at once leave exactly
// one, whichever it is.
func TestLastOwnerUnderRace(t *testing.T) {
	r := newStaffRig(t)
	var owners []auth.Account
	for i := range 5 {
		a := r.signUp(t, fmt.Sprintf("ow%d@example.com", i))
		if i > 0 {
			if _, _, err := r.a.MakeOwner(r.ctx, a.Email); err != nil {
				t.Fatal(err)
			}
		}
		owners = append(owners, r.fresh(t, a))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(owners))
	for i, o := range owners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := r.a
			if i%2 == 1 {
				svc = r.b
			}
			_, errs[i] = svc.DemoteOwner(r.ctx, o, o.ID)
		}()
	}
	wg.Wait()
	left := 0
	for i, o := range owners {
		if r.fresh(t, o).Role == auth.RoleOwner {
			left++
			if !errors.Is(errs[i], auth.ErrLastOwner) {
				t.Errorf("the owner left: %v, want ErrLastOwner", errs[i])
			}
		} else if errs[i] != nil {
			t.Errorf("an owner who stepped down: %v", errs[i])
		}
	}
	if n, _ := r.a.CountOwners(r.ctx); left != 1 || n != 1 {
		t.Fatalf("%d owners left, %d counted; want 1", left, n)
	}
}

// TestStaffRolesFollowChanges: the staff each instance keeps is read
// again after a change made on either.
func TestStaffRolesFollowChanges(t *testing.T) {
	r := newStaffRig(t)
	owner, minji := r.signUp(t, "own@example.com"), r.signUp(t, "min@example.com")
	want := func(s *auth.Service, who string, roles map[auth.AccountID]auth.Role) {
		t.Helper()
		got, err := s.StaffRoles(r.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(roles) {
			t.Errorf("%s: staff %v, want %v", who, got, roles)
		}
		for id, role := range roles {
			if got[id] != role {
				t.Errorf("%s: %s is %q, want %q", who, id, got[id], role)
			}
		}
	}
	only := map[auth.AccountID]auth.Role{owner.ID: auth.RoleOwner}
	want(r.a, "a", only)
	want(r.b, "b", only)
	if _, err := r.a.AppointAdmin(r.ctx, owner, minji.Email); err != nil {
		t.Fatal(err)
	}
	both := map[auth.AccountID]auth.Role{owner.ID: auth.RoleOwner, minji.ID: auth.RoleAdmin}
	want(r.a, "a after a's change", both)
	want(r.b, "b after a's change", both)
	if _, err := r.b.RemoveAdmin(r.ctx, owner, minji.ID); err != nil {
		t.Fatal(err)
	}
	want(r.a, "a after b's change", only)
	want(r.b, "b after b's change", only)
	staff, err := r.b.Staff(r.ctx)
	if err != nil || len(staff) != 1 || staff[0].ID != owner.ID {
		t.Errorf("staff list: %+v %v", staff, err)
	}
}

// TestDeleteAccountLeavesTheStaffAgain: a role given back to an account
// after its deletion took it off the staff and before it is erased (here
// `fanclub owner` lands in between) is taken off again: the deleted
// account is no owner, and the owners counted are the live ones.
func TestDeleteAccountLeavesTheStaffAgain(t *testing.T) {
	ctx := context.Background()
	base := mongotest.New(t)
	other := newServiceOn(t, base) // the operator's command, unobserved
	var deleting, given bool
	updates := 0
	s := newServiceOn(t, base.Observed(func(op mongodb.Op) {
		if !deleting || given || op.Name != "update" || op.Collection != "accounts" {
			return
		}
		if updates++; updates == 2 { // the first takes the role; the second erases
			given = true
			if _, _, err := other.MakeOwner(ctx, "mina@x.com"); err != nil {
				t.Error(err)
			}
		}
	}))
	if _, err := s.SignIn(ctx, auth.External{Provider: "email", Subject: "owner@x.com", Email: "owner@x.com", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	mina, err := s.SignIn(ctx, auth.External{Provider: "email", Subject: "mina@x.com", Email: "mina@x.com", EmailVerified: true, Name: "Mina"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.MakeOwner(ctx, "mina@x.com"); err != nil {
		t.Fatal(err)
	}
	deleting = true
	if err := s.DeleteAccount(ctx, mina.ID); err != nil {
		t.Fatal(err)
	}
	if !given {
		t.Fatal("the role was never given back during the deletion")
	}
	var d struct {
		Role      auth.Role `bson:"role"`
		DeletedAt time.Time `bson:"deletedAt"`
	}
	if err := base.Collection("accounts").FindOne(ctx, bson.M{"_id": mina.ID}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.DeletedAt.IsZero() || d.Role != auth.RoleMember {
		t.Errorf("the account is left deleted at %v with role %q, want deleted as a member", d.DeletedAt, d.Role)
	}
	if n, err := s.CountOwners(ctx); err != nil || n != 1 {
		t.Errorf("%d owners counted (%v), want the one left", n, err)
	}
	if err := s.DeleteAccount(ctx, mustOwner(t, s).ID); !errors.Is(err, auth.ErrLastOwner) {
		t.Errorf("the owner left could delete their account: %v", err)
	}
}

// mustOwner returns the site's only owner.
func mustOwner(t *testing.T, s *auth.Service) auth.Account {
	t.Helper()
	staff, err := s.Staff(context.Background())
	if err != nil || len(staff) != 1 || staff[0].Role != auth.RoleOwner {
		t.Fatalf("staff %v (%v), want one owner", staff, err)
	}
	return staff[0]
}
