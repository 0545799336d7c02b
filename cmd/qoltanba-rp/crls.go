package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/signer"
)

// Back-off of a URL whose fetch failed or whose CRL was refused: from
// crlRetryMin, doubling, up to crlRetryMax; up to crlRetryMaxStale while
// the URL has no current CRL (its CA's certificates are refused until one
// comes), and never past the held CRL's nextUpdate.
const (
	crlRetryMin      = time.Minute
	crlRetryMax      = time.Hour
	crlRetryMaxStale = 10 * time.Minute
)

// crlSet is the site's revocation lists: files read at start (--crl-dir)
// and URLs (--crl-url) fetched in the background, each again before its
// nextUpdate (and at least every refresh).
//
// A fetched CRL is kept only if a trusted CA issued it (issuer name, key
// identifier and signature: signer.CRLIssuer), it is current and complete
// (not a delta, no narrower scope: signer.CRLScope); it
// replaces the URL's held CRL only if it is of the same CA and not older,
// or if the held one is past its nextUpdate. Anything else is refused,
// logged, and the held CRL kept; the URL is tried again with back-off.
// Which certificates a CRL speaks for is decided where certificates are
// checked (signer.ChainOptions): only its own issuer's, only until its
// nextUpdate, and a certificate naming one of the URLs must have a current
// CRL of its issuer. Until every URL's first CRL has come, logins are
// refused (fail closed).
type crlSet struct {
	roots   []*x509.Certificate
	refresh time.Duration
	http    *http.Client
	log     *slog.Logger
	// now and sleep are the clock (nil: time.Now, time.After).
	now   func() time.Time
	sleep func(time.Duration) <-chan time.Time

	mu    sync.RWMutex
	files []*x509.RevocationList
	held  map[string]heldCRL // by URL
	// replaced are expired CRLs of a CA whose URL now serves another CA's
	// (by that CA's certificate): still listed, so that the CA's
	// certificates fail closed rather than go unchecked.
	replaced map[string]*x509.RevocationList
	urls     []string
}

// heldCRL is a URL's CRL and the CA that issued it.
type heldCRL struct {
	crl *x509.RevocationList
	ca  *x509.Certificate
}

func (c *crlSet) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (c *crlSet) after(d time.Duration) <-chan time.Time {
	if c.sleep != nil {
		return c.sleep(d)
	}
	return time.After(d)
}

// loadCRLs reads every *.crl of a directory (DER or PEM). Each must be
// issued by one of cas (name, key identifier, signature); a CRL already
// past its nextUpdate is kept (its CA's certificates are refused as
// unchecked until a current one is given) and logged.
func loadCRLs(dir string, cas []*x509.Certificate, log *slog.Logger) ([]*x509.RevocationList, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.crl"))
	if err != nil {
		return nil, err
	}
	var out []*x509.RevocationList
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		crl, err := signer.ParseCRL(b, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if _, err := signer.CRLIssuer(crl, cas); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if err := signer.CRLCurrent(crl, time.Now()); err != nil && log != nil {
			log.Warn("CRL file is out of date; its CA's certificates are refused until a current one is given", "file", f, "err", err)
		}
		out = append(out, crl)
	}
	return out, nil
}

// List is what a login is checked against now: the files and every URL's
// held CRL (also one past its nextUpdate, or replaced by another CA's, so
// that its CA's certificates fail closed instead of going unchecked).
func (c *crlSet) List() []*x509.RevocationList {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := append([]*x509.RevocationList(nil), c.files...)
	for _, h := range c.held {
		out = append(out, h.crl)
	}
	for _, crl := range c.replaced {
		out = append(out, crl)
	}
	return out
}

// URLs are the CRL URLs kept fresh: a certificate naming one of them as
// its CRL distribution point needs its issuer's current CRL.
func (c *crlSet) URLs() []string {
	if c == nil {
		return nil
	}
	return c.urls
}

// ready reports a configured URL whose CRL has not come yet.
func (c *crlSet) ready() error {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, u := range c.urls {
		if _, ok := c.held[u]; !ok {
			return fmt.Errorf("the CRL from %s has not been loaded yet", u)
		}
	}
	return nil
}

// run keeps every URL's CRL fresh until ctx ends.
func (c *crlSet) run(ctx context.Context) {
	for _, u := range c.urls {
		go c.keep(ctx, u)
	}
}

// keep fetches one URL at its CRL's pace, and with back-off while it
// fails or serves a CRL that is refused.
func (c *crlSet) keep(ctx context.Context, u string) {
	retry := crlRetryMin
	for {
		wait, err := c.fetch(ctx, u)
		if err != nil {
			wait = c.retryWait(u, retry)
			retry = min(2*retry, crlRetryMax)
			c.log.Warn("CRL not taken; the one held is kept", "url", u, "err", err, "retry", wait)
		} else {
			retry = crlRetryMin
		}
		select {
		case <-ctx.Done():
			return
		case <-c.after(wait):
		}
	}
}

// retryWait is how long to wait after a failure, retry being the back-off
// reached: no later than the held CRL's nextUpdate while it is current,
// and at most crlRetryMaxStale once it is not.
func (c *crlSet) retryWait(u string, retry time.Duration) time.Duration {
	c.mu.RLock()
	h, ok := c.held[u]
	c.mu.RUnlock()
	now := c.clock()
	if !ok || signer.CRLCurrent(h.crl, now) != nil {
		return min(retry, crlRetryMaxStale)
	}
	if !h.crl.NextUpdate.IsZero() {
		return min(retry, max(h.crl.NextUpdate.Sub(now), time.Second))
	}
	return retry
}

// fetch gets one URL's CRL and says when to look again: halfway to its
// nextUpdate, at most after refresh, at least after a second (only the
// URL's CA, by making CRLs current that briefly, can make it that often).
func (c *crlSet) fetch(ctx context.Context, url string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, signer.MaxCRLSize+1))
	if err != nil {
		return 0, err
	}
	crl, err := signer.ParseCRL(b, nil)
	if err != nil {
		return 0, err
	}
	ca, err := signer.CRLIssuer(crl, c.roots)
	if err != nil {
		return 0, fmt.Errorf("refused: %w", err)
	}
	now := c.clock()
	if err := signer.CRLCurrent(crl, now); err != nil {
		return 0, fmt.Errorf("refused: %w", err)
	}
	// The CA's own delta or narrower-scope CRL is validly signed and
	// newer, but it is not the complete CRL this URL stands for: taken,
	// it would push out the complete one (and, being newer, keep it out).
	if signer.IsDeltaCRL(crl) {
		return 0, fmt.Errorf("refused: CRL %v of %q is a delta CRL, not a complete one", crl.Number, ca.Subject.CommonName)
	}
	if err := signer.CRLScope(crl); err != nil {
		return 0, fmt.Errorf("refused: %w", err)
	}
	c.mu.Lock()
	h, ok := c.held[url]
	switch {
	case ok && !h.ca.Equal(ca) && signer.CRLCurrent(h.crl, now) == nil:
		err = fmt.Errorf("refused: a CRL of %q, but this URL's CRL is of %q and current until %s", ca.Subject.CommonName,
			h.ca.Subject.CommonName, h.crl.NextUpdate.UTC().Format(time.RFC3339))
	case ok && h.ca.Equal(ca) && older(crl, h.crl):
		err = fmt.Errorf("refused: CRL %v of %q (this update %s) is older than the one held (%v, %s)", crl.Number, ca.Subject.CommonName,
			crl.ThisUpdate.UTC().Format(time.RFC3339), h.crl.Number, h.crl.ThisUpdate.UTC().Format(time.RFC3339))
	default:
		if c.held == nil {
			c.held, c.replaced = map[string]heldCRL{}, map[string]*x509.RevocationList{}
		}
		if ok && !h.ca.Equal(ca) {
			c.replaced[string(h.ca.Raw)] = h.crl
		}
		delete(c.replaced, string(ca.Raw))
		c.held[url] = heldCRL{crl, ca}
	}
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	c.log.Info("CRL loaded", "url", url, "issuer", crl.Issuer.CommonName, "entries", len(crl.RevokedCertificateEntries),
		"thisUpdate", crl.ThisUpdate, "nextUpdate", crl.NextUpdate)
	wait := c.refresh
	if !crl.NextUpdate.IsZero() {
		wait = min(wait, crl.NextUpdate.Sub(now)/2)
	}
	return max(wait, time.Second), nil
}

// older: made before held, or with a lower CRL number.
func older(crl, held *x509.RevocationList) bool {
	if crl.ThisUpdate.Before(held.ThisUpdate) {
		return true
	}
	return crl.Number != nil && held.Number != nil && crl.Number.Cmp(held.Number) < 0
}
