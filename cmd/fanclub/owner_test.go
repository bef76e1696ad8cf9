package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
)

// seedPeople makes an owner and a member with verified emails on db, as
// if they had signed in by email link.
func seedPeople(t *testing.T, db *mongodb.DB) {
	t.Helper()
	au, err := auth.New(db, auth.Config{BaseURL: "http://club.test"}, mail.Log{Logger: discardLog()}, time.Now, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := au.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := au.SeedAccount(ctx, "gone@example.com", "Gone", auth.RoleOwner, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := au.SeedAccount(ctx, "mina@example.com", "Mina", auth.RoleMember, ""); err != nil {
		t.Fatal(err)
	}
}

func roleOf(t *testing.T, db *mongodb.DB, email string) auth.Role {
	t.Helper()
	var d struct{ Role auth.Role }
	if err := db.Collection("accounts").FindOne(context.Background(), bson.M{"email": email}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d.Role
}

// TestOwnerOnEmbeddedStore: `fanclub owner <email>` is refused while the
// site runs on the data directory, and while no account has the email;
// with the site stopped it makes the account an owner and logs it.
func TestOwnerOnEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	addr, dir := freeAddr(t), t.TempDir()
	env := map[string]string{"FANCLUB_ADDR": addr, "FANCLUB_BASE_URL": "http://" + addr, "FANCLUB_DATA_DIR": dir}
	getenv := func(k string) string { return env[k] }

	conn, err := mongodb.StartEmbedded(ctx, dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	seedPeople(t, conn.DB)
	if err := conn.Close(ctx); err != nil {
		t.Fatal(err)
	}

	stop := startServe(t, addr, getenv, io.Discard)
	err = run(ctx, []string{"owner", "mina@example.com"}, getenv, io.Discard)
	if !errors.Is(err, errSiteRunning) || !strings.Contains(err.Error(), "stop the site first") {
		t.Errorf("owner while the site runs: %v, want a refusal saying to stop the site", err)
	}
	stop()

	for _, args := range [][]string{{"owner"}, {"owner", "-data", dir}} {
		if err := run(ctx, args, getenv, io.Discard); err == nil || !strings.Contains(err.Error(), "usage: fanclub owner <email>") {
			t.Errorf("%v: %v, want the usage", args, err)
		}
	}
	err = run(ctx, []string{"owner", "nobody@example.com"}, getenv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no account has the verified email nobody@example.com") {
		t.Errorf("owner of an unknown address: %v", err)
	}
	log := &syncBuffer{}
	if err := run(ctx, []string{"owner", "Mina@Example.com"}, getenv, log); err != nil {
		t.Fatalf("owner: %v", err)
	}
	if !strings.Contains(log.String(), "the account is now an owner") {
		t.Errorf("log lacks the change:\n%s", log)
	}
	log = &syncBuffer{}
	if err := run(ctx, []string{"owner", "mina@example.com", "-data", dir}, getenv, log); err != nil || !strings.Contains(log.String(), "already an owner") {
		t.Errorf("owner again: %v\n%s", err, log)
	}

	conn, err = mongodb.StartEmbedded(ctx, dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if r := roleOf(t, conn.DB, "mina@example.com"); r != auth.RoleOwner {
		t.Errorf("mina is %s, want owner", r)
	}
	if n, _ := conn.DB.Collection("audit_log").CountDocuments(ctx, bson.M{"action": "staff.owner", "subject": "Mina", "actor": ""}); n != 1 {
		t.Errorf("%d audit entries for the operator's change, want 1", n)
	}
}

// TestOwnerOnMongoDB: with MONGODB_URI the command runs beside whatever
// else uses the database.
func TestOwnerOnMongoDB(t *testing.T) {
	db := mongotest.New(t)
	seedPeople(t, db)
	u, err := url.Parse(mongotest.Conn(t).URI)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db.Name()
	getenv := func(k string) string { return map[string]string{"MONGODB_URI": u.String()}[k] }
	err = run(context.Background(), []string{"owner", "nobody@example.com"}, getenv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no account has the verified email") {
		t.Errorf("owner of an unknown address: %v", err)
	}
	if err := run(context.Background(), []string{"owner", "mina@example.com"}, getenv, io.Discard); err != nil {
		t.Fatalf("owner: %v", err)
	}
	if roleOf(t, db, "mina@example.com") != auth.RoleOwner || roleOf(t, db, "gone@example.com") != auth.RoleOwner {
		t.Errorf("after owner: mina %s, the first owner %s; want both owners", roleOf(t, db, "mina@example.com"), roleOf(t, db, "gone@example.com"))
	}
}
