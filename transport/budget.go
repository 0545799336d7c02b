package transport

import (
	"runtime/debug"
	"sync"
	"time"
)

// budget counts the request bytes the server holds in memory — messages
// being read, queued, decoded, and the documents of requests being handled
// (waiting for consent or in the dialog) — in total and per site (the
// registrable domain of the page's origin, see siteOf: one page's
// subdomains are one site). A message that would pass either bound is not
// buffered: its connection gets the protocol's busy answer (or is closed),
// so the agent's memory is bounded by the budget, not by the number of
// connections times the message size limit. A site's share is half the
// budget: one site, however many subdomains its pages open, leaves room
// for another site's request as large as its own.
type budget struct {
	total   int64
	perSite int64

	mu     sync.Mutex
	used   int64
	bySite map[string]int64
	// changed is closed (and replaced) whenever bytes are given back, to
	// wake readers waiting for room.
	changed chan struct{}
	// peak is the largest use since the last collection; when use falls
	// back near zero after a burst, freed memory goes back to the system.
	peak      int64
	freeing   bool // a collection is scheduled
	freeAfter int64
	freeOS    func()
}

// DefaultRequestMemory is the budget's default: 256 MiB in all, half of
// it for one site (room for one 50 MB document: its 70 MB base64 message
// reserved whole, then its decoded bytes).
const DefaultRequestMemory = 256 << 20

func newBudget(total int64) *budget {
	if total <= 0 {
		total = DefaultRequestMemory
	}
	return &budget{total: total, perSite: total / 2, bySite: map[string]int64{}, changed: make(chan struct{}),
		freeAfter: largeMessage, freeOS: debug.FreeOSMemory}
}

// take reserves n bytes for site; false when that would pass a bound.
func (b *budget) take(site string, n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.total || b.bySite[site]+n > b.perSite {
		return false
	}
	b.used += n
	b.bySite[site] += n
	b.peak = max(b.peak, b.used)
	return true
}

// takeWait is take, waiting up to wait for room to be given back.
func (b *budget) takeWait(site string, n int64, wait time.Duration) bool {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		b.mu.Lock()
		ok := b.used+n <= b.total && b.bySite[site]+n <= b.perSite
		if ok {
			b.used += n
			b.bySite[site] += n
			b.peak = max(b.peak, b.used)
		}
		changed := b.changed
		b.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}

// give returns n bytes. When the budget empties after holding a large
// amount, the garbage is collected and returned to the system half a
// second later (once for a burst of releases): an agent that idles for
// hours after a burst of large documents should not keep their pages.
func (b *budget) give(site string, n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	if b.bySite[site] -= n; b.bySite[site] <= 0 {
		delete(b.bySite, site)
	}
	close(b.changed)
	b.changed = make(chan struct{})
	if b.used < b.freeAfter/8 && b.peak >= b.freeAfter && !b.freeing {
		b.freeing = true
		time.AfterFunc(500*time.Millisecond, func() {
			b.mu.Lock()
			b.peak, b.freeing = b.used, false
			b.mu.Unlock()
			b.freeOS()
		})
	}
	b.mu.Unlock()
}

// inUse reports the bytes held (tests).
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// lease is what one message holds of the budget; it grows as the message
// is read and decoded and is returned whole when its answer is written.
type lease struct {
	b    *budget
	site string
	n    int64
}

func (b *budget) lease(site string) *lease { return &lease{b: b, site: site} }

// grow reserves n more bytes; false (and nothing reserved) when the
// budget has no room.
func (l *lease) grow(n int64) bool {
	if l == nil {
		return true
	}
	if !l.b.take(l.site, n) {
		return false
	}
	l.n += n
	return true
}

// growWait is grow, waiting up to wait for room.
func (l *lease) growWait(n int64, wait time.Duration) bool {
	if !l.b.takeWait(l.site, n, wait) {
		return false
	}
	l.n += n
	return true
}

// shrink returns n of the bytes the lease holds.
func (l *lease) shrink(n int64) {
	n = min(n, l.n)
	l.n -= n
	l.b.give(l.site, n)
}

// release returns everything the lease holds (safe to call twice).
func (l *lease) release() {
	if l == nil || l.n == 0 {
		return
	}
	l.b.give(l.site, l.n)
	l.n = 0
}
