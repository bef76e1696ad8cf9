// Command fanclub runs the fanclub site.
//
//	fanclub [serve] [-addr :8080] [-data ./data]
//	fanclub seed [-data ./data]
//	fanclub reconcile [-data ./data]
//	fanclub owner <email> [-data ./data]
//	fanclub help
//
// With no MONGODB_URI it starts an embedded database under ./data. seed
// fills an empty database with a demo club in Korean and English. owner
// makes the account with that verified email an owner of the site; on the
// embedded database, run it while the site is stopped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"fanclub/auth"
	"fanclub/campaign"
	"fanclub/community"
	"fanclub/internal/activity"
	"fanclub/internal/jobs"
	"fanclub/internal/mail"
	"fanclub/internal/mongodb"
	"fanclub/loyalty"
	"fanclub/membership"
	"fanclub/views"
	"fanclub/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fanclub:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var email string
	if cmd == "owner" {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return errors.New("usage: fanclub owner <email> [-data dir]")
		}
		email, args = args[0], args[1:]
	}
	cfg, err := loadConfig(args, getenv)
	if cmd == "help" || errors.Is(err, flag.ErrHelp) {
		usage(stderr)
		return nil
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	switch cmd {
	case "serve":
		if cfg.BaseURLDerived {
			log.Info("FANCLUB_BASE_URL is not set, so the site takes its address from FANCLUB_ADDR: open it at this url, "+
				"or set FANCLUB_BASE_URL to the address people open (e.g. https://club.example.com)", "url", cfg.BaseURL)
		}
		return serve(ctx, cfg, log, stderr)
	case "seed":
		return seed(ctx, cfg, log)
	case "reconcile":
		return reconcile(ctx, cfg, log)
	case "owner":
		return owner(ctx, cfg, email, log)
	default:
		return fmt.Errorf("unknown command %q (want serve, seed, reconcile or owner; fanclub -h says more)", cmd)
	}
}

// serve runs the site until ctx ends. Mail with no SMTP server goes to the
// log, and its links to out on lines of their own.
func serve(ctx context.Context, cfg config, log *slog.Logger, out io.Writer) error {
	conn, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())

	var sender mail.Sender = mail.Log{Logger: log, Out: out}
	if cfg.SMTP.Host != "" {
		sender = mail.NewSMTP(cfg.SMTP)
	}
	// Every mail carries the club's name, read when it is sent.
	var au *auth.Service
	mailer := mail.Branded{Next: sender, Brand: func(ctx context.Context, l string) mail.Brand { return au.MailBrand(ctx, l) }}
	au, err = auth.New(conn.DB, auth.Config{BaseURL: cfg.BaseURL, Providers: cfg.Providers}, mailer, time.Now, log)
	if err != nil {
		return err
	}
	if err := au.EnsureIndexes(ctx); err != nil {
		return err
	}
	// Every sign of engagement is reported to one activity record, in
	// the call that makes it; days are counted in the site's time zone.
	rec := activity.New(conn.DB, au.Zone, time.Now, log)
	if err := rec.EnsureIndexes(ctx); err != nil {
		return err
	}
	// On the embedded store the record's copy in memory comes back from
	// the snapshot the last clean stop saved, before anything records;
	// it is saved again once the last request and job are done (the
	// deferred calls run in reverse: this one just before the database
	// closes).
	if err := rec.Resume(ctx); err != nil {
		log.Warn("could not take the activity snapshot; the record will be read whole", "err", err)
	}
	defer func() {
		if err := rec.Suspend(context.Background()); err != nil {
			log.Warn("could not save the activity snapshot; the next start reads the record whole", "err", err)
		}
	}()
	au.ReportTo(rec)
	// The queue is built before the services that enqueue on it and
	// register its handlers, and runs only once they have.
	queue := jobs.New(conn.DB, time.Now, log)
	if err := queue.EnsureIndexes(ctx); err != nil {
		return err
	}
	cm := community.New(conn.DB, cfg.Limits, time.Now, log)
	if err := cm.EnsureIndexes(ctx); err != nil {
		return err
	}
	// The loyalty programme hears from community what members did; it
	// reaches membership (tiers its rewards and grades include) once
	// that exists, below.
	lp := loyalty.New(conn.DB, loyalty.Deps{Accounts: au, Community: cm, Jobs: queue, Zone: au.Zone}, time.Now, log)
	if err := lp.EnsureIndexes(ctx); err != nil {
		return err
	}
	cm.Deliver(community.Delivery{Jobs: queue, Accounts: au, Mail: mailer, BaseURL: cfg.BaseURL, Activity: rec, Points: lp})
	if err := mongodb.Migrate(ctx, conn.DB, migrations(au, cm), time.Now, log); err != nil {
		return err
	}
	ms := membership.New(conn.DB, cfg.Billing, time.Now, log)
	if err := ms.EnsureIndexes(ctx); err != nil {
		return err
	}
	// The premium figures' copy of the subscriptions, likewise.
	if err := ms.ResumeFigures(ctx); err != nil {
		log.Warn("could not take the subscriptions' snapshot; they will be read whole", "err", err)
	}
	defer func() {
		if err := ms.SuspendFigures(context.Background()); err != nil {
			log.Warn("could not save the subscriptions' snapshot; the next start reads them whole", "err", err)
		}
	}()
	ms.Deliver(membership.Delivery{Jobs: queue, Accounts: au, Mail: mailer, Activity: rec})
	lp.Use(ms)
	// Campaigns act through the services above, on the one activity
	// record, and send on the one queue.
	cp := campaign.New(conn.DB, campaign.Deps{Accounts: au, Community: cm, Membership: ms, Activity: rec, Jobs: queue,
		Mail: mailer, BaseURL: cfg.BaseURL}, time.Now, log)
	if err := cp.EnsureIndexes(ctx); err != nil {
		return err
	}
	catalogs, err := views.LoadCatalogs()
	if err != nil {
		return err
	}
	app, err := web.New(web.Config{BaseURL: cfg.BaseURL, TrustedProxies: cfg.TrustedProxies, ImageHosts: cfg.ImageHosts,
		MailOn: cfg.SMTP.Host != ""},
		web.Deps{Auth: au, Community: cm, Membership: ms, Catalogs: catalogs, Log: log, Ready: conn.Ping, Activity: rec,
			Campaigns: cp, Loyalty: lp})
	if err != nil {
		return err
	}
	defer runJobs(ctx, queue)() // stopped before the database closes
	go sweep(ctx, au, cm, queue, log)

	methods := []string{"email link"}
	for _, p := range au.Providers() {
		methods = append(methods, p.Name)
	}
	mailTo := "the log (FANCLUB_SMTP_HOST not set)"
	if cfg.SMTP.Host != "" {
		mailTo = cfg.SMTP.Host
	}
	billing := "off (STRIPE_SECRET_KEY not set)"
	if ms.BillingOn() {
		billing = "Stripe"
		if cfg.Billing.APIBase != "" {
			billing = "Stripe API at " + cfg.Billing.APIBase
		}
	}
	log.Info("fanclub is up", "url", cfg.BaseURL, "listen", cfg.Addr,
		"sign-in", strings.Join(methods, ", "), "mail", mailTo, "billing", billing)

	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.Addr) }()
	defer keepUp(ctx, au, cm, ms, rec, lp, queue, log)() // stopped before the database closes
	defer celebrate(ctx, lp, queue, log)()               // likewise
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// No new connection is taken, requests in flight finish (a vote is
	// several writes), and only then do the deferred calls stop the jobs
	// and close the database, which waits for the write under way.
	log.Info("shutting down")
	return app.ShutdownWithTimeout(30 * time.Second)
}

// migrations are the changes to stored data this version needs, oldest
// first: each runs once per database, at the first start that has it.
func migrations(au *auth.Service, cm *community.Service) []mongodb.Migration {
	return []mongodb.Migration{
		{ID: "2026-12-05 reaction sets", Run: cm.BackfillReactionSets},
		{ID: "2026-12-05 account emails", Run: au.BackfillAccountEmails},
		{ID: "2026-12-06 idea shipments", Run: cm.BackfillShipments},
		{ID: "2026-12-06 account join days", Run: au.BackfillJoined},
	}
}

// openDatabase connects to MONGODB_URI, or starts the embedded server.
func openDatabase(ctx context.Context, cfg config, log *slog.Logger) (*mongodb.Conn, error) {
	if cfg.MongoURI != "" {
		conn, err := mongodb.Connect(ctx, cfg.MongoURI)
		if err != nil {
			return nil, err
		}
		log.Info("database: MongoDB", "database", conn.DB.Name())
		return conn, nil
	}
	conn, err := mongodb.StartEmbedded(ctx, cfg.DataDir, log)
	if errors.Is(err, mongodb.ErrDataDirLocked) {
		return nil, fmt.Errorf("%w (stop the other fanclub, or set FANCLUB_DATA_DIR)", err)
	}
	if err != nil {
		return nil, err
	}
	log.Info("database: embedded FerretDB (SQLite)", "dir", cfg.DataDir)
	return conn, nil
}

// repairSettle is how long the repair of drifted counters waits between
// its two surveys (community.RepairDrift): far longer than a write takes
// between its document and its counter. Tests shorten it.
var repairSettle = 10 * time.Second

// keepUp reads the boards and feeds, the subscriptions behind the
// premium figures and the activity record into memory, then repairs the
// counters a crash may have left wrong and trims the activity record, at
// once and every day after, until the returned function is called, which
// waits for the work under way to stop. Of several instances, one at a
// time repairs.
func keepUp(ctx context.Context, au *auth.Service, cm *community.Service, ms *membership.Service, rec *activity.Recorder,
	lp *loyalty.Service, queue *jobs.Queue, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		start := time.Now()
		if err := cm.Warm(ctx); err != nil {
			log.Warn("could not read the boards and feeds into memory; the first pages will", "err", err)
		} else {
			log.Info("boards and feeds in memory", "took", time.Since(start).Round(time.Millisecond))
		}
		if err := ms.WarmFigures(ctx); err != nil {
			log.Warn("could not read the subscriptions into memory; the first premium figures will", "err", err)
		}
		start = time.Now()
		if err := rec.Warm(ctx); err != nil {
			log.Warn("could not read the activity record into memory; the first insight page will", "err", err)
		} else {
			log.Info("activity record in memory", "took", time.Since(start).Round(time.Millisecond))
		}
		for {
			ran, err := queue.Exclusive(ctx, "repair-counters", func(ctx context.Context) error {
				start := time.Now()
				fixed, bells, err := cm.RepairDrift(ctx, repairSettle)
				logRepairs(log, fixed)
				if err != nil {
					return err
				}
				log.Info("counters checked", "groups_repaired", len(fixed), "unread_counts_repaired", bells,
					"took", time.Since(start).Round(time.Millisecond))
				return nil
			})
			if err != nil && ctx.Err() == nil {
				log.Warn("could not check the counters; trying again tomorrow", "err", err)
			} else if !ran {
				log.Info("counters are being checked by another instance")
			}
			// A record may land after its account was deleted (a request
			// under way meanwhile): forget such records again.
			if gone, err := au.DeletedAccounts(ctx); err != nil && ctx.Err() == nil {
				log.Warn("could not list deleted accounts; trying again tomorrow", "err", err)
			} else if n, err := rec.ForgetAll(ctx, gone); err != nil && ctx.Err() == nil {
				log.Warn("could not forget deleted accounts' activity; trying again tomorrow", "err", err)
			} else if n > 0 {
				log.Info("deleted accounts' activity forgotten", "accounts", n)
			}
			// Those who agreed to news two years ago are told so, once.
			if n, err := au.RemindNewsConsent(ctx); err != nil && ctx.Err() == nil {
				log.Warn("could not remind everyone of their news consent; trying again tomorrow", "reminded", n, "err", err)
			} else if n > 0 {
				log.Info("news consent reminded", "accounts", n)
			}
			// Trimming twice at once does the same thing twice: no lease.
			if n, err := rec.Trim(ctx); err != nil && ctx.Err() == nil {
				log.Warn("could not trim the activity record; trying again tomorrow", "err", err)
			} else if n > 0 {
				log.Info("activity record trimmed", "accounts", n)
			}
			// Points expire, grades are reviewed on their day, balances a
			// crash left apart from their ledger are rebuilt, and
			// redemptions it left under way settled, by one instance a day.
			if _, err := queue.Exclusive(ctx, "loyalty-daily", func(ctx context.Context) error {
				expired, err := lp.Expire(ctx)
				if err != nil {
					return err
				}
				moved, err := lp.Review(ctx)
				if err != nil {
					return err
				}
				mended, err := lp.Reconcile(ctx)
				log.Info("points expired, grades reviewed, balances reconciled", "accounts_expired", expired,
					"grades_moved", moved, "balances_mended", mended)
				if err != nil {
					return err
				}
				// Redemptions a crash left under way are completed or given back.
				settled, err := lp.SettleRedemptions(ctx)
				log.Info("redemptions settled", "redemptions", settled)
				return err
			}); err != nil && ctx.Err() == nil {
				log.Warn("could not expire or reconcile points; trying again tomorrow", "err", err)
			}
			// The week's referral counts per network: older days go.
			if err := lp.SweepReferralNetworks(ctx); err != nil && ctx.Err() == nil {
				log.Warn("could not sweep the referral counts; trying again tomorrow", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(24 * time.Hour):
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// logRepairs says what a repair set right, group by group: counters
// drift only after a crash, so each is worth a line.
func logRepairs(log *slog.Logger, fixed map[community.GroupID]community.Repairs) {
	for g, r := range fixed {
		log.Warn("counters repaired", "group", g, "groups", r.Groups, "posts", r.Posts, "comments", r.Comments, "members", r.Members,
			"ideas", r.Ideas, "ballots", r.Ballots, "reactions", r.Reactions, "events", r.Events)
	}
}

// runJobs runs the queue's due jobs every five seconds until the returned
// function is called, which waits for the job in hand to be recorded.
func runJobs(ctx context.Context, queue *jobs.Queue) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		queue.Run(ctx, 5*time.Second)
	}()
	return func() {
		cancel()
		<-done
	}
}

// sweep deletes expired sessions, links, invitations and counters, and
// finished jobs, every ten minutes: the embedded server has no TTL indexes.
func sweep(ctx context.Context, au *auth.Service, cm *community.Service, queue *jobs.Queue, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := au.Sweep(ctx); err != nil {
				log.Warn("sweep failed", "err", err)
			}
			if err := cm.SweepEmailInvitations(ctx); err != nil {
				log.Warn("sweep of invitations failed", "err", err)
			}
			if err := queue.Sweep(ctx); err != nil {
				log.Warn("sweep of finished jobs failed", "err", err)
			}
		}
	}
}

// reconcile recounts every group's counters and every account's unread
// notices from the documents and repairs those that drifted, e.g.
// after a crash between a write and its count. Run it when the site is
// quiet: a write landing between its count and its repair can leave a
// counter one off, which the next run puts right.
func reconcile(ctx context.Context, cfg config, log *slog.Logger) error {
	conn, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	cm := community.New(conn.DB, community.DefaultLimits, time.Now, log)
	fixed, err := cm.ReconcileAll(ctx)
	if err != nil {
		return err
	}
	logRepairs(log, fixed)
	bells, err := cm.ReconcileUnread(ctx)
	if err != nil {
		return err
	}
	// Points balances from their ledger (accounts that moved in the last
	// minute are left for the daily run).
	au, err := auth.New(conn.DB, auth.Config{}, mail.Log{Logger: log}, time.Now, log)
	if err != nil {
		return err
	}
	lp := loyalty.New(conn.DB, loyalty.Deps{Accounts: au, Community: cm, Zone: au.Zone}, time.Now, log)
	balances, err := lp.Reconcile(ctx)
	if err != nil {
		return err
	}
	log.Info("reconciled", "groups_repaired", len(fixed), "unread_counts_repaired", bells, "points_balances_repaired", balances)
	return nil
}
