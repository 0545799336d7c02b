package verify

import (
	"container/list"
	"crypto/sha256"
	"crypto/x509"
	"sync"

	"github.com/qoltanba/qoltanba/signer"
)

// DefaultLinkCacheSize is how many verified chain links the shared cache
// of VerifyLogin keeps (Login.LinkCache nil).
const DefaultLinkCacheSize = 4096

// sharedLinks is the cache every Login without its own LinkCache uses.
var sharedLinks = NewLinkCache(DefaultLinkCacheSize)

// LinkCache remembers chain links whose signature verified: a
// certificate signed by its issuer's key. A site's logins come from few
// CAs, so with the links cached a login with a known chain costs one
// signature verification (the login's own) instead of three. Only the
// signature is remembered: validity, CA flags and revocation (CRLs,
// OCSP) are checked on every login. A link is found by the SHA-256 of
// the issuer's certificate, of the subject's certificate and of the
// subject's signature bytes, and is cached only after it verified; a
// link that failed is verified again next time. The cache holds at most
// its size of links and forgets the least recently used first. It is
// safe for concurrent use.
type LinkCache struct {
	size  int
	check func(raw []byte, by *x509.Certificate) error // signer.CheckSigned; tests count calls

	mu    sync.Mutex
	order *list.List // of linkKey, most recently used in front
	links map[linkKey]*list.Element
}

type linkKey struct{ issuer, subject, signature [sha256.Size]byte }

// NewLinkCache makes a cache of at most size verified links (size < 1: 1).
func NewLinkCache(size int) *LinkCache {
	if size < 1 {
		size = 1
	}
	return &LinkCache{size: size, check: signer.CheckSigned, order: list.New(), links: make(map[linkKey]*list.Element)}
}

// CheckLink verifies cert's signature by issuer, from the cache when this
// very link verified before (signer.ChainOptions.CheckLink).
func (c *LinkCache) CheckLink(cert, issuer *x509.Certificate) error {
	k := linkKey{sha256.Sum256(issuer.Raw), sha256.Sum256(cert.Raw), sha256.Sum256(cert.Signature)}
	c.mu.Lock()
	if e, ok := c.links[k]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	if err := c.check(cert.Raw, issuer); err != nil {
		return err // not cached: tried again next time
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.links[k]; ok { // verified meanwhile by another login
		c.order.MoveToFront(e)
		return nil
	}
	c.links[k] = c.order.PushFront(k)
	for c.order.Len() > c.size {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.links, old.Value.(linkKey))
	}
	return nil
}

// Len is how many links the cache holds.
func (c *LinkCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
