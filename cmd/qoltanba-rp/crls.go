package main

import (
	"bytes"
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

// crlSet is the site's revocation lists: files read at start (--crl-dir)
// and URLs (--crl-url) fetched in the background, each again before its
// nextUpdate (and at least every refresh). A fetched CRL is used only if
// a trusted CA signed it and it is not older than the one held. Until a
// URL's first CRL has come, and once a held CRL is past its nextUpdate,
// logins are refused (fail closed).
type crlSet struct {
	roots   []*x509.Certificate
	refresh time.Duration
	http    *http.Client
	log     *slog.Logger

	mu      sync.RWMutex
	files   []*x509.RevocationList
	fetched map[string]*x509.RevocationList // by URL
	urls    []string
}

// loadCRLs reads every *.crl of a directory (DER or PEM); each CRL's
// signature is checked against its issuer when a certificate is verified.
func loadCRLs(dir string) ([]*x509.RevocationList, error) {
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
		out = append(out, crl)
	}
	return out, nil
}

// List is what a login is checked against now.
func (c *crlSet) List() []*x509.RevocationList {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := append([]*x509.RevocationList(nil), c.files...)
	for _, crl := range c.fetched {
		out = append(out, crl)
	}
	return out
}

// ready reports a configured URL whose CRL has not come yet.
func (c *crlSet) ready() error {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, u := range c.urls {
		if c.fetched[u] == nil {
			return fmt.Errorf("the CRL from %s has not been loaded yet", u)
		}
	}
	return nil
}

// run keeps every URL's CRL fresh until ctx ends.
func (c *crlSet) run(ctx context.Context) {
	for _, u := range c.urls {
		go func() {
			retry := time.Minute
			for {
				wait, err := c.fetch(ctx, u)
				if err != nil {
					c.log.Warn("CRL refresh failed; the one held is used until its next update", "url", u, "err", err, "retry", retry)
					wait, retry = retry, min(2*retry, 10*time.Minute)
				} else {
					retry = time.Minute
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}()
	}
}

// fetch gets one URL's CRL and says when to look again: halfway to its
// nextUpdate, at most after refresh, at least after a second.
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
	var issuer *x509.Certificate
	for _, r := range c.roots {
		if bytes.Equal(r.RawSubject, crl.RawIssuer) && signer.CheckSigned(crl.Raw, r) == nil {
			issuer = r
		}
	}
	if issuer == nil {
		return 0, fmt.Errorf("the CRL of %q is not signed by a trusted CA", crl.Issuer.CommonName)
	}
	c.mu.Lock()
	if c.fetched == nil {
		c.fetched = map[string]*x509.RevocationList{}
	}
	if old := c.fetched[url]; old == nil || !crl.ThisUpdate.Before(old.ThisUpdate) {
		c.fetched[url] = crl
	}
	held := c.fetched[url]
	c.mu.Unlock()
	c.log.Info("CRL loaded", "url", url, "issuer", crl.Issuer.CommonName, "entries", len(crl.RevokedCertificateEntries),
		"thisUpdate", crl.ThisUpdate, "nextUpdate", crl.NextUpdate)
	wait := c.refresh
	if !held.NextUpdate.IsZero() {
		wait = min(wait, time.Until(held.NextUpdate)/2)
	}
	return max(wait, time.Second), nil
}
