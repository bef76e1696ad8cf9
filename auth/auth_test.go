package auth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

func newService(t *testing.T) *auth.Service {
	t.Helper()
	return newServiceOn(t, mongotest.New(t))
}

// newServiceOn returns a service over db, its indexes made.
func newServiceOn(t *testing.T, db *mongodb.DB) *auth.Service {
	t.Helper()
	return newServiceAt(t, db, time.Now)
}

// newServiceAt is newServiceOn on the clock now.
func newServiceAt(t *testing.T, db *mongodb.DB, now func() time.Time) *auth.Service {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := auth.New(db, auth.Config{BaseURL: "http://club.test"}, mail.Log{Logger: log}, now, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNormaliseEmail(t *testing.T) {
	long := make([]byte, 250)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		in, want, errKey string
	}{
		{in: "  Mina@Example.COM ", want: "mina@example.com"},
		{in: "", errKey: "validation.email.required"},
		{in: "not an email", errKey: "validation.email.invalid"},
		{in: "mina@localhost", errKey: "validation.email.invalid"},
		{in: "Mina <mina@example.com>", errKey: "validation.email.invalid"},
		{in: string(long) + "@x.com", errKey: "validation.email.too_long"},
	}
	for _, tt := range tests {
		got, err := auth.NormaliseEmail(tt.in)
		var v auth.ValidationError
		switch {
		case tt.errKey == "" && (err != nil || got != tt.want):
			t.Errorf("NormaliseEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		case tt.errKey != "" && (!errors.As(err, &v) || v["email"] != tt.errKey):
			t.Errorf("NormaliseEmail(%q) error = %v; want %s", tt.in, err, tt.errKey)
		}
	}
}

func TestProfileInputValidate(t *testing.T) {
	tests := []struct {
		name   string
		in     auth.ProfileInput
		errs   map[string]string
		wantBD auth.Birthday
	}{
		{name: "minimal", in: auth.ProfileInput{Name: " 민아 "}},
		{name: "full", in: auth.ProfileInput{Name: "Mina", Locale: "ko", BirthMonth: "2", BirthDay: "29"}, wantBD: auth.Birthday{Month: 2, Day: 29}},
		{name: "empty name", in: auth.ProfileInput{Name: "   "}, errs: map[string]string{"name": "validation.name.required"}},
		{name: "61 characters", in: auth.ProfileInput{Name: string(make([]rune, 61)) + "x"}, errs: map[string]string{"name": "validation.name.too_long"}},
		{name: "60 Korean characters is fine", in: auth.ProfileInput{Name: repeat("가", 60)}},
		{name: "control character", in: auth.ProfileInput{Name: "a\x07b"}, errs: map[string]string{"name": "validation.name.invalid"}},
		{name: "unknown locale", in: auth.ProfileInput{Name: "a", Locale: "fr"}, errs: map[string]string{"locale": "validation.locale.invalid"}},
		{name: "time zone", in: auth.ProfileInput{Name: "a", TimeZone: "America/New_York"}},
		{name: "UTC", in: auth.ProfileInput{Name: "a", TimeZone: "UTC"}},
		{name: "no time zone: the browser's", in: auth.ProfileInput{Name: "a", TimeZone: ""}},
		{name: "the server's zone", in: auth.ProfileInput{Name: "a", TimeZone: "Local"}, errs: map[string]string{"time_zone": "validation.time_zone.invalid"}},
		{name: "unknown time zone", in: auth.ProfileInput{Name: "a", TimeZone: "Mars/Olympus_Mons"}, errs: map[string]string{"time_zone": "validation.time_zone.invalid"}},
		{name: "a path, not a zone", in: auth.ProfileInput{Name: "a", TimeZone: "../../etc/passwd"}, errs: map[string]string{"time_zone": "validation.time_zone.invalid"}},
		{name: "overlong time zone", in: auth.ProfileInput{Name: "a", TimeZone: "America/" + repeat("x", 60)}, errs: map[string]string{"time_zone": "validation.time_zone.invalid"}},
		{name: "31 April", in: auth.ProfileInput{Name: "a", BirthMonth: "4", BirthDay: "31"}, errs: map[string]string{"birthday": "validation.birthday.invalid"}},
		{name: "month only", in: auth.ProfileInput{Name: "a", BirthMonth: "4"}, errs: map[string]string{"birthday": "validation.birthday.invalid"}},
		{name: "month 13", in: auth.ProfileInput{Name: "a", BirthMonth: "13", BirthDay: "1"}, errs: map[string]string{"birthday": "validation.birthday.invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, bd, err := tt.in.Validate()
			var v auth.ValidationError
			if tt.errs == nil {
				if err != nil || bd != tt.wantBD {
					t.Fatalf("got %v, %v", bd, err)
				}
				return
			}
			if !errors.As(err, &v) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			for f, k := range tt.errs {
				if v[f] != k {
					t.Errorf("field %s: got %q, want %q", f, v[f], k)
				}
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func TestSignInRules(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	google := auth.External{Provider: "google", Subject: "g1", Email: "mina@example.com", EmailVerified: true, Name: "Mina"}

	first, err := s.SignIn(ctx, google)
	if err != nil || first.Role != auth.RoleOwner {
		t.Fatalf("first account: %+v, %v; want the owner", first, err)
	}
	again, err := s.SignIn(ctx, google)
	if err != nil || again.ID != first.ID {
		t.Fatalf("same identity again: %v, %v; want the same account", again.ID, err)
	}

	// Another provider reporting the same verified email is not merged.
	gh := auth.External{Provider: "github", Subject: "77", Email: "mina@example.com", EmailVerified: true}
	if _, err := s.SignIn(ctx, gh); !errors.Is(err, auth.ErrAccountExists) {
		t.Fatalf("verified email of an existing account: %v, want ErrAccountExists", err)
	}
	// An unverified one (Kakao gives no flag) matches nothing: a new account.
	kakao := auth.External{Provider: "kakao", Subject: "k9", Email: "mina@example.com"}
	other, err := s.SignIn(ctx, kakao)
	if err != nil || other.ID == first.ID || other.Role != auth.RoleMember {
		t.Fatalf("unverified email: %+v, %v; want a new member account", other, err)
	}

	// Linking: GitHub to Mina works; Kakao (Other's) cannot be moved.
	if err := s.Link(ctx, first.ID, gh); err != nil {
		t.Fatal(err)
	}
	if err := s.Link(ctx, first.ID, kakao); !errors.Is(err, auth.ErrIdentityTaken) {
		t.Fatalf("link another account's identity: %v, want ErrIdentityTaken", err)
	}
	ids, _ := s.Identities(ctx, other.ID)
	if len(ids) != 1 || ids[0].ID != "kakao:k9" {
		t.Fatalf("kakao identity moved: %+v", ids)
	}

	// Unlinking: down to one, never zero.
	if err := s.Unlink(ctx, first.ID, "github:77"); err != nil {
		t.Fatal(err)
	}
	if err := s.Unlink(ctx, first.ID, "google:g1"); !errors.Is(err, auth.ErrLastIdentity) {
		t.Fatalf("unlink the last: %v, want ErrLastIdentity", err)
	}
	if err := s.Unlink(ctx, first.ID, "kakao:k9"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("unlink someone else's identity: %v, want ErrNotFound", err)
	}
}

func TestConcurrentUnlinksLeaveOneIdentity(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	a, err := s.SignIn(ctx, auth.External{Provider: "email", Subject: "a@x.com", Email: "a@x.com", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"1", "2", "3"} {
		if err := s.Link(ctx, a.ID, auth.External{Provider: "github", Subject: sub}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, id := range []string{"email:a@x.com", "github:1", "github:2", "github:3"} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = s.Unlink(ctx, a.ID, id) }()
	}
	wg.Wait()
	ids, err := s.Identities(ctx, a.ID)
	if err != nil || len(ids) != 1 {
		t.Fatalf("after four concurrent unlinks: %d identities (%v), want exactly 1", len(ids), err)
	}
}

func TestConcurrentFirstSignUpsMakeOneOwner(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	var wg sync.WaitGroup
	roles := make(chan auth.Role, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := s.SignIn(ctx, auth.External{Provider: "github", Subject: string(rune('a' + i))})
			if err != nil {
				t.Error(err)
				return
			}
			roles <- a.Role
		}()
	}
	wg.Wait()
	close(roles)
	owners := 0
	for r := range roles {
		if r == auth.RoleOwner {
			owners++
		}
	}
	if owners != 1 {
		t.Fatalf("%d owners among 10 simultaneous first sign-ups, want 1", owners)
	}
}

func TestDeleteAccountRemovesPersonalData(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, _ := auth.New(db, auth.Config{BaseURL: "http://club.test"}, mail.Log{Logger: log}, time.Now, log)
	if _, err := s.SignIn(ctx, auth.External{Provider: "google", Subject: "owner", Name: "Owner"}); err != nil { // the site's last owner may not go
		t.Fatal(err)
	}
	a, _ := s.SignIn(ctx, auth.External{Provider: "google", Subject: "g", Email: "mina@example.com", EmailVerified: true, Name: "Mina"})
	if _, _, err := s.StartSignedIn(ctx, "", a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateProfile(ctx, a.ID, auth.ProfileInput{Name: "Mina", TimeZone: "Asia/Seoul", BirthMonth: "3", BirthDay: "1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMailPreference(ctx, a.ID, auth.MailAll); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	for coll, filter := range map[string]bson.M{
		"identities": {"accountId": a.ID}, "sessions": {"accountId": a.ID},
		"accounts": {"_id": a.ID, "$or": bson.A{bson.M{"email": bson.M{"$exists": true}}, bson.M{"name": "Mina"}, bson.M{"birthMonth": bson.M{"$exists": true}}, bson.M{"birthdaySetAt": bson.M{"$exists": true}}, bson.M{"timeZone": bson.M{"$exists": true}}, bson.M{"mail": bson.M{"$exists": true}}}},
	} {
		if n, _ := db.Collection(coll).CountDocuments(ctx, filter); n != 0 {
			t.Errorf("%s still holds %d personal documents", coll, n)
		}
	}
	if _, err := s.AccountByID(ctx, a.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("deleted account still found: %v", err)
	}
	// The same person can come back as a new account.
	b, err := s.SignIn(ctx, auth.External{Provider: "google", Subject: "g", Email: "mina@example.com", EmailVerified: true})
	if err != nil || b.ID == a.ID {
		t.Errorf("sign in after deletion: %v, %v", b.ID, err)
	}
}

// TestDeleteAccountRefusesTheLastOwner: auth itself refuses to delete
// the site's only live owner, whoever asks; a second owner lifts it, and
// an owner deleted no longer counts.
func TestDeleteAccountRefusesTheLastOwner(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, _ := auth.New(db, auth.Config{BaseURL: "http://club.test"}, mail.Log{Logger: log}, time.Now, log)
	owner, _ := s.SignIn(ctx, auth.External{Provider: "google", Subject: "o", Name: "Owner"})
	if err := s.DeleteAccount(ctx, owner.ID); !errors.Is(err, auth.ErrLastOwner) {
		t.Fatalf("deleting the only owner: %v, want ErrLastOwner", err)
	}
	if _, err := s.AccountByID(ctx, owner.ID); err != nil {
		t.Fatalf("the only owner is gone: %v", err)
	}
	second, _ := s.SignIn(ctx, auth.External{Provider: "google", Subject: "s", Name: "Second", Email: "second@x.com", EmailVerified: true})
	if _, _, err := s.MakeOwner(ctx, "second@x.com"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(ctx, owner.ID); err != nil {
		t.Fatalf("deleting one of two owners: %v", err)
	}
	if err := s.DeleteAccount(ctx, second.ID); !errors.Is(err, auth.ErrLastOwner) {
		t.Fatalf("deleting the owner left: %v, want ErrLastOwner", err)
	}
}

func TestTimeZoneStored(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	a, err := s.SignIn(ctx, auth.External{Provider: "github", Subject: "1", Name: "Mina"})
	if err != nil {
		t.Fatal(err)
	}
	zone := func() string {
		t.Helper()
		acc, err := s.AccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return acc.TimeZone
	}
	if got := zone(); got != "" { // a document without the field, as all were before it existed
		t.Fatalf("new account's zone %q, want none", got)
	}
	if err := s.UpdateProfile(ctx, a.ID, auth.ProfileInput{Name: "Mina", TimeZone: "Asia/Seoul"}); err != nil {
		t.Fatal(err)
	}
	if got := zone(); got != "Asia/Seoul" {
		t.Fatalf("zone %q after saving Asia/Seoul", got)
	}
	if x, err := s.ExportAccount(ctx, a.ID); err != nil || x.Account.TimeZone != "Asia/Seoul" {
		t.Fatalf("export holds zone %q, %v; want Asia/Seoul", x.Account.TimeZone, err)
	}
	var v auth.ValidationError
	if err := s.UpdateProfile(ctx, a.ID, auth.ProfileInput{Name: "Mina", TimeZone: "Local"}); !errors.As(err, &v) {
		t.Fatalf("saving Local: %v, want a ValidationError", err)
	}
	if got := zone(); got != "Asia/Seoul" {
		t.Fatalf("zone %q after a refused change, want Asia/Seoul kept", got)
	}
	if err := s.UpdateProfile(ctx, a.ID, auth.ProfileInput{Name: "Mina"}); err != nil {
		t.Fatal(err)
	}
	if got := zone(); got != "" {
		t.Fatalf("zone %q after choosing the browser's", got)
	}
}

func TestMailPreference(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, _ := auth.New(db, auth.Config{BaseURL: "http://club.test"}, mail.Log{Logger: log}, time.Now, log)
	a, err := s.SignIn(ctx, auth.External{Provider: "github", Subject: "1", Name: "Mina"})
	if err != nil {
		t.Fatal(err)
	}
	stored := func() (auth.MailPreference, bool) {
		t.Helper()
		var d struct {
			Mail *auth.MailPreference `bson:"mail"`
		}
		if err := db.Collection("accounts").FindOne(ctx, bson.M{"_id": a.ID}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		if d.Mail == nil {
			return "", false
		}
		return *d.Mail, true
	}

	if p, ok := stored(); ok {
		t.Fatalf("a new account stores mail %q; want no field, as for accounts from before", p)
	}
	if got, _ := s.AccountByID(ctx, a.ID); got.Mail != auth.MailNone {
		t.Fatalf("no field reads as %q, want none", got.Mail)
	}
	for _, p := range []auth.MailPreference{auth.MailStatus, auth.MailAll, auth.MailNone} {
		if err := s.SetMailPreference(ctx, a.ID, p); err != nil {
			t.Fatal(err)
		}
		if got, _ := stored(); got != p {
			t.Fatalf("stored %q, want %q", got, p)
		}
		if got, _ := s.AccountByID(ctx, a.ID); got.Mail != p {
			t.Fatalf("read %q, want %q", got.Mail, p)
		}
	}
	for _, forged := range []auth.MailPreference{"", "weekly", "ALL"} {
		var v auth.ValidationError
		if err := s.SetMailPreference(ctx, a.ID, forged); !errors.As(err, &v) || v["mail"] != "validation.mail.invalid" {
			t.Errorf("%q: %v, want a validation error on mail", forged, err)
		}
	}
	if got, _ := stored(); got != auth.MailNone {
		t.Fatalf("after refused values stored %q", got)
	}
	if err := s.SetMailPreference(ctx, "no-such-account", auth.MailAll); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("unknown account: %v, want ErrNotFound", err)
	}
}

// TestEveryVerifiedEmailMatches: a new sign-in is asked to link when its
// verified email is any verified email of an account: its primary one, one
// added in settings, or one a linked provider vouches for. Unlinking,
// a provider reporting another address and deleting the account keep that
// in step.
func TestEveryVerifiedEmailMatches(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	s := newServiceOn(t, db)
	if _, err := s.SignIn(ctx, auth.External{Provider: "email", Subject: "owner@x.com", Email: "owner@x.com", EmailVerified: true}); err != nil {
		t.Fatal(err) // the first account owns the site, and the last owner is not deleted
	}
	mina, err := s.SignIn(ctx, auth.External{Provider: "email", Subject: "mina@x.com", Email: "mina@x.com", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []auth.External{
		{Provider: "email", Subject: "work@x.com", Email: "work@x.com", EmailVerified: true}, // added in settings
		{Provider: "github", Subject: "7", Email: "gh@x.com", EmailVerified: true},
		{Provider: "kakao", Subject: "k", Email: "kakao@x.com"}, // Kakao gives no verified flag
	} {
		if err := s.Link(ctx, mina.ID, ext); err != nil {
			t.Fatal(err)
		}
	}
	// signIn signs in as a new Google identity reporting email verified,
	// and reports whether it was asked to link to an existing account.
	n := 0
	signIn := func(t *testing.T, email string) bool {
		t.Helper()
		n++
		a, err := s.SignIn(ctx, auth.External{Provider: "google", Subject: "g" + strconv.Itoa(n), Email: email, EmailVerified: true})
		if errors.Is(err, auth.ErrAccountExists) {
			return true
		}
		if err != nil || a.ID == mina.ID {
			t.Fatalf("sign in with %s: %v, %v", email, a.ID, err)
		}
		return false
	}
	tests := []struct {
		name, email string
		asked       bool
	}{
		{name: "the primary email", email: "mina@x.com", asked: true},
		{name: "an address added in settings", email: "work@x.com", asked: true},
		{name: "an address a linked provider vouches for", email: "gh@x.com", asked: true},
		{name: "an address a linked provider reports unverified", email: "kakao@x.com"},
		{name: "nobody's address", email: "new@x.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signIn(t, tt.email); got != tt.asked {
				t.Fatalf("asked to link: %v, want %v", got, tt.asked)
			}
		})
	}

	t.Run("an unlinked address matches no more", func(t *testing.T) {
		if err := s.Unlink(ctx, mina.ID, "email:work@x.com"); err != nil {
			t.Fatal(err)
		}
		if signIn(t, "work@x.com") {
			t.Fatal("asked to link with an address the account no longer has")
		}
	})
	t.Run("a provider reporting another address moves the match", func(t *testing.T) {
		if _, err := s.SignIn(ctx, auth.External{Provider: "github", Subject: "7", Email: "gh.new@x.com", EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
		if signIn(t, "gh@x.com") {
			t.Fatal("the address GitHub stopped reporting still matches")
		}
		if !signIn(t, "gh.new@x.com") {
			t.Fatal("the address GitHub reports now does not match")
		}
	})
	t.Run("a deleted account keeps no address", func(t *testing.T) {
		if err := s.DeleteAccount(ctx, mina.ID); err != nil {
			t.Fatal(err)
		}
		filter := bson.M{"$or": bson.A{bson.M{"accountIds": mina.ID}, bson.M{"_id": bson.M{"$in": bson.A{"mina@x.com", "gh.new@x.com"}}}}}
		if n, _ := db.Collection("account_emails").CountDocuments(ctx, filter); n != 0 {
			t.Fatalf("account_emails keeps %d documents of the deleted account", n)
		}
		if signIn(t, "mina@x.com") {
			t.Fatal("the deleted account's address still matches")
		}
	})
}

// TestBackfillAccountEmails: accounts stored before account_emails existed
// are matched by their verified emails once the backfill has run, which
// may run twice.
func TestBackfillAccountEmails(t *testing.T) {
	ctx := context.Background()
	db := mongotest.New(t)
	s := newServiceOn(t, db)
	now := time.Now()
	if _, err := db.Collection("accounts").InsertMany(ctx, []any{
		bson.M{"_id": "old", "name": "Old", "email": "old@x.com", "emailVerified": true, "role": "owner", "identities": 2, "createdAt": now, "lastSeenAt": now},
		bson.M{"_id": "gone", "name": "", "role": "member", "identities": 0, "createdAt": now, "deletedAt": now},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("identities").InsertMany(ctx, []any{
		bson.M{"_id": "email:old@x.com", "provider": "email", "subject": "old@x.com", "accountId": "old", "email": "old@x.com", "emailVerified": true, "linkedAt": now},
		bson.M{"_id": "github:1", "provider": "github", "subject": "1", "accountId": "old", "email": "old.gh@x.com", "emailVerified": true, "linkedAt": now},
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.BackfillAccountEmails(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i, email := range []string{"old@x.com", "old.gh@x.com"} {
		_, err := s.SignIn(ctx, auth.External{Provider: "google", Subject: strconv.Itoa(i), Email: email, EmailVerified: true})
		if !errors.Is(err, auth.ErrAccountExists) {
			t.Errorf("%s: %v, want ErrAccountExists", email, err)
		}
	}
	if n, _ := db.Collection("account_emails").CountDocuments(ctx, bson.M{}); n != 2 {
		t.Errorf("%d account_emails documents, want 2", n)
	}
}

// TestSignInScansNothing: on the embedded store, a sign-in, new or
// returning, and the check of its verified email against every account's
// are lookups by _id, never a read of a whole collection.
func TestSignInScansNothing(t *testing.T) {
	ctx := context.Background()
	var counting bool
	var scans []string
	db := mongotest.NewObserved(t, func(op mongodb.Op) {
		if counting && op.Scan {
			scans = append(scans, op.Name+" "+op.Collection)
		}
	})
	s := newServiceOn(t, db)
	owner := auth.External{Provider: "email", Subject: "owner@x.com", Email: "owner@x.com", EmailVerified: true}
	if _, err := s.SignIn(ctx, owner); err != nil {
		t.Fatal(err)
	}
	counting = true
	if _, err := s.SignIn(ctx, auth.External{Provider: "google", Subject: "1", Email: "new@x.com", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(ctx, auth.External{Provider: "google", Subject: "2", Email: "owner@x.com", EmailVerified: true}); !errors.Is(err, auth.ErrAccountExists) {
		t.Fatalf("existing email: %v", err)
	}
	if _, err := s.SignIn(ctx, owner); err != nil {
		t.Fatal(err)
	}
	if len(scans) > 0 {
		t.Fatalf("sign-ins read whole collections: %v", scans)
	}
}
