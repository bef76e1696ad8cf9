package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
)

// errSiteRunning refuses to change the embedded database under the site
// that holds it.
var errSiteRunning = errors.New("the site is running on this data directory: stop the site first, " +
	"then run fanclub owner again (with MONGODB_URI it runs while the site runs)")

// owner runs the owner command: it makes the account whose verified email
// is email an owner of the site, the operator's way back in when no owner
// can sign in, and logs it in the site's audit log.
func owner(ctx context.Context, cfg config, email string, log *slog.Logger) error {
	conn, err := openDatabase(ctx, cfg, log)
	if errors.Is(err, mongodb.ErrDataDirLocked) {
		return fmt.Errorf("%w (%s)", errSiteRunning, cfg.DataDir)
	}
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	// No sign-in providers: nothing here signs anyone in, and an OpenID
	// Connect issuer need not answer for the operator to get in.
	au, err := auth.New(conn.DB, auth.Config{BaseURL: cfg.BaseURL}, mail.Log{Logger: log}, time.Now, log)
	if err != nil {
		return err
	}
	if err := au.EnsureIndexes(ctx); err != nil {
		return err
	}
	a, changed, err := au.MakeOwner(ctx, email)
	var invalid auth.ValidationError
	switch {
	case errors.As(err, &invalid):
		return fmt.Errorf("%q is not an email address", email)
	case errors.Is(err, auth.ErrNotFound):
		return fmt.Errorf("no account has the verified email %s: its owner must sign in with it once first "+
			"(an emailed sign-in link verifies it), then run fanclub owner again", email)
	case err != nil:
		return err
	case !changed:
		log.Info("already an owner; nothing changed", "email", a.Email, "name", a.Name)
		return nil
	}
	cm := community.New(conn.DB, community.DefaultLimits, time.Now, log)
	cm.RecordOperatorAction(ctx, community.AuditStaffOwner, "member", string(a.ID), a.Name, "fanclub owner")
	log.Info("the account is now an owner of the site", "email", a.Email, "name", a.Name)
	return nil
}
