package community

import (
	"context"
	"sync"
)

// loader reads one of the indexes kept in memory (boards, feeds, threads)
// once: on first use, by one caller, whom every other caller arriving
// meanwhile waits for. A read that failed is tried again by the next
// caller, and so is one forgotten after a write could not be read back
// into it. Each read makes a value of its own, so a late read-back into a
// forgotten value changes nothing anyone reads.
type loader[T any] struct {
	mu      sync.Mutex
	current *loadAttempt[T] // nil until a read starts, or after it failed or was forgotten
}

// loadAttempt is a read under way or done, and what it read.
type loadAttempt[T any] struct {
	done  chan struct{}
	err   error
	value T
}

// load runs read unless it ran or runs already, waits for it, and returns
// what it read.
func (l *loader[T]) load(ctx context.Context, read func(context.Context) (T, error)) (T, error) {
	l.mu.Lock()
	a := l.current
	if a == nil {
		a = &loadAttempt[T]{done: make(chan struct{})}
		l.current = a
		l.mu.Unlock()
		// The read serves everyone waiting for it: one caller's
		// cancelled request must not fail it for the others.
		a.value, a.err = read(context.WithoutCancel(ctx))
		if a.err != nil {
			l.forget(a)
		}
		close(a.done)
	} else {
		l.mu.Unlock()
	}
	select {
	case <-a.done:
	default:
		select {
		case <-a.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	return a.value, a.err
}

// loaded waits for a read under way and returns the attempt it made, if
// it succeeded; nil if there was none. A write need not be read back into
// an index not loaded: its read, later, will see the write.
func (l *loader[T]) loaded() *loadAttempt[T] {
	l.mu.Lock()
	a := l.current
	l.mu.Unlock()
	if a == nil {
		return nil
	}
	<-a.done
	if a.err != nil {
		return nil
	}
	return a
}

// forget makes the next caller read the index again, if a is still the
// current read: after a write could not be read back into it.
func (l *loader[T]) forget(a *loadAttempt[T]) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.current == a {
		l.current = nil
	}
}
