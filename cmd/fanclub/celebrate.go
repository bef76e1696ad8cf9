package main

import (
	"context"
	"log/slog"
	"time"

	"fanclub/internal/jobs"
	"fanclub/loyalty"
)

// celebrateEvery is how often the birthday and anniversary rewards are
// given: hourly, so a member's day is celebrated within an hour of its
// midnight in their zone.
const celebrateEvery = time.Hour

// celebrate gives the birthday and anniversary rewards due
// (loyalty.Celebrate), at once and every celebrateEvery after, until the
// returned function is called, which waits for the run under way. Of
// several instances, one at a time runs it; a second run gives nothing
// twice anyway. A run after the site was down catches up the day it
// missed (loyalty.CelebrateLate).
func celebrate(ctx context.Context, lp *loyalty.Service, queue *jobs.Queue, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			ran, err := queue.Exclusive(ctx, "loyalty-birthdays", func(ctx context.Context) error {
				n, err := lp.Celebrate(ctx)
				if n > 0 {
					log.Info("birthdays and anniversaries rewarded", "members", n)
				}
				return err
			})
			if err != nil && ctx.Err() == nil {
				log.Warn("could not reward birthdays and anniversaries; trying again in an hour", "err", err)
			} else if !ran {
				log.Debug("birthdays and anniversaries are being rewarded by another instance")
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(celebrateEvery):
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
