package agent

import (
	"context"
	"sync"
	"time"
)

// queue lets one prompt be on screen at a time; the others wait in order.
// Each origin may have at most perOrigin requests waiting or shown.
type queue struct {
	slot      chan struct{}
	perOrigin int

	mu      sync.Mutex
	pending map[string]int
	total   int
	// gate, while a restart waits for the dialog on screen to close, holds
	// requests that arrive meanwhile back (they count in gated), so that a
	// page cannot postpone the restart forever by asking again and again;
	// it opens when the restart is abandoned, or after gateFor at most.
	gate    chan struct{}
	gated   int
	gateFor time.Duration
}

func newQueue(perOrigin int) *queue {
	if perOrigin <= 0 {
		perOrigin = 3
	}
	return &queue{slot: make(chan struct{}, 1), perOrigin: perOrigin, pending: map[string]int{}, gateFor: 2 * time.Minute}
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
	gate := q.gate
	if gate != nil {
		q.gated++
	}
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
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
		}
		q.mu.Lock()
		q.gated--
		q.mu.Unlock()
		if ctx.Err() != nil {
			leave()
			return nil, ctx.Err()
		}
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

// tryHold takes the prompt slot when no request is shown or waits for it
// (requests held back by the gate do not count), so that none starts until
// release; false when one does, and then the gate closes: requests that
// arrive from now on wait behind the hold, not before it.
func (q *queue) tryHold() (release func(), ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.total != q.gated {
		q.closeGate()
		return nil, false
	}
	select {
	case q.slot <- struct{}{}:
	default:
		q.closeGate()
		return nil, false
	}
	q.total++
	return func() {
		q.mu.Lock()
		q.total--
		q.openGate(q.gate)
		q.mu.Unlock()
		<-q.slot
	}, true
}

// closeGate holds new requests back for gateFor at most. Called with mu held.
func (q *queue) closeGate() {
	if q.gate != nil {
		return
	}
	g := make(chan struct{})
	q.gate = g
	time.AfterFunc(q.gateFor, func() {
		q.mu.Lock()
		q.openGate(g)
		q.mu.Unlock()
	})
}

// openGate lets the requests g held back go on. Called with mu held.
func (q *queue) openGate(g chan struct{}) {
	if g != nil && q.gate == g {
		close(g)
		q.gate = nil
	}
}

// HoldIdle is for a restart into a new version: when the agent is idle, it
// takes the dialog slot so that no dialog opens until release (requests
// arriving meanwhile wait in the queue); ok is false while a request waits
// for or shows a dialog, and then requests that arrive from now on wait
// behind the restart (for two minutes at most, or until a HoldIdle that
// succeeds is released): a page asking again and again cannot postpone it.
func (a *Agent) HoldIdle() (release func(), ok bool) { return a.queue.tryHold() }
