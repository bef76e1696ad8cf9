package community

import (
	"context"
	"sync"
)

// loader reads one of the indexes kept in memory (boards, feeds, threads)
// once: on first use, by one caller, whom every other caller arriving
// meanwhile waits for. A read that failed is tried again by the next
// caller.
type loader struct {
	mu      sync.Mutex
	loading *loadAttempt // nil until a read starts, or after one failed
}

// loadAttempt is a read under way or done.
type loadAttempt struct {
	done chan struct{}
	err  error
}

// load runs read unless it ran or runs already, and waits for it.
func (l *loader) load(ctx context.Context, read func(context.Context) error) error {
	l.mu.Lock()
	a := l.loading
	if a == nil {
		a = &loadAttempt{done: make(chan struct{})}
		l.loading = a
		l.mu.Unlock()
		// The read serves everyone waiting for it: one caller's
		// cancelled request must not fail it for the others.
		a.err = read(context.WithoutCancel(ctx))
		if a.err != nil {
			l.forget()
		}
		close(a.done)
	} else {
		l.mu.Unlock()
	}
	select {
	case <-a.done:
		return a.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loaded waits for a read under way and reports whether one succeeded. A
// write need not be read back into an index not loaded: its read, later,
// will see the write.
func (l *loader) loaded() bool {
	l.mu.Lock()
	a := l.loading
	l.mu.Unlock()
	if a == nil {
		return false
	}
	<-a.done
	return a.err == nil
}

// forget makes the next caller read the index again: after a read-back
// failed, the index may have missed a write.
func (l *loader) forget() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.loading = nil
}
