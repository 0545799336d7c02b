package agent

import (
	"context"
	"sync"
)

// queue lets one prompt be on screen at a time; the others wait in order.
// Each origin may have at most perOrigin requests waiting or shown.
type queue struct {
	slot      chan struct{}
	perOrigin int

	mu      sync.Mutex
	pending map[string]int
	total   int
}

func newQueue(perOrigin int) *queue {
	if perOrigin <= 0 {
		perOrigin = 3
	}
	return &queue{slot: make(chan struct{}, 1), perOrigin: perOrigin, pending: map[string]int{}}
}

// acquire waits for the prompt slot. It fails with ErrBusy when the origin
// already has its share queued, and with ctx's error when the caller goes
// away (a page that closed its connection leaves the queue).
func (q *queue) acquire(ctx context.Context, origin string) (release func(), err error) {
	q.mu.Lock()
	if q.pending[origin] >= q.perOrigin {
		q.mu.Unlock()
		return nil, ErrBusy
	}
	q.pending[origin]++
	q.total++
	q.mu.Unlock()
	leave := func() {
		q.mu.Lock()
		q.pending[origin]--
		if q.pending[origin] == 0 {
			delete(q.pending, origin)
		}
		q.total--
		q.mu.Unlock()
	}
	select {
	case q.slot <- struct{}{}:
		return func() { <-q.slot; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}

// waiting is the number of requests queued behind the one on screen.
func (q *queue) waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.total <= 1 {
		return 0
	}
	return q.total - 1
}

// tryHold takes the prompt slot when no request waits or is shown, so
// that none starts until release; false when one does.
func (q *queue) tryHold() (release func(), ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.total != 0 {
		return nil, false
	}
	select {
	case q.slot <- struct{}{}:
	default:
		return nil, false
	}
	q.total++
	return func() {
		q.mu.Lock()
		q.total--
		q.mu.Unlock()
		<-q.slot
	}, true
}

// Idle reports that no request waits for or shows a dialog.
func (a *Agent) Idle() bool {
	a.queue.mu.Lock()
	defer a.queue.mu.Unlock()
	return a.queue.total == 0
}

// HoldIdle is for a restart into a new version: when the agent is idle, it
// takes the dialog slot so that no dialog opens until release (requests
// arriving meanwhile wait in the queue); ok is false while a request waits
// for or shows a dialog.
func (a *Agent) HoldIdle() (release func(), ok bool) { return a.queue.tryHold() }
