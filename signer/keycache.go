package signer

import (
	"container/list"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"sync"

	"github.com/qoltanba/qoltanba/signer/internal/keycachectl"
)

// KeyCacheSize is how many parsed GOST public keys the package keeps for
// verification: about 2.5 KB each with the key's odd multiples, and 5-20 KB
// once a key verified a second time made its split tables
// (internal/gost/README.md), so some 20 MB at most when full.
const KeyCacheSize = 1024

// gostKeys is the cache every verification by a certificate's key uses.
var gostKeys = newKeyCache(KeyCacheSize)

// keyCache remembers parsed GOST public keys with their precomputed
// verification tables (built at the first verification, see
// gost.PublicKey), so that a certificate seen again — a CA's, or a
// returning user's — costs neither the parse and on-curve check nor the
// table. A key is found by the SHA-256 of the certificate's
// SubjectPublicKeyInfo, which fixes algorithm, curve and point; only keys
// that parsed are cached. The cache holds at most its size of keys and
// forgets the least recently used first; it is safe for concurrent use.
// Its keys never leave the package ([PublicKey] returns a fresh one), so
// no caller can change a key another verification uses.
type keyCache struct {
	size  int
	mu    sync.Mutex
	order *list.List // of *keyEntry, most recently used in front
	keys  map[[sha256.Size]byte]*list.Element
}

type keyEntry struct {
	spki [sha256.Size]byte
	key  *GOSTPublicKey
}

func newKeyCache(size int) *keyCache {
	if size < 1 {
		size = 1
	}
	return &keyCache{size: size, order: list.New(), keys: make(map[[sha256.Size]byte]*list.Element)}
}

// key returns cert's GOST public key, parsed once per distinct
// SubjectPublicKeyInfo.
func (c *keyCache) key(cert *x509.Certificate) (*GOSTPublicKey, error) {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	c.mu.Lock()
	if e, ok := c.keys[sum]; ok {
		c.order.MoveToFront(e)
		k := e.Value.(*keyEntry).key
		c.mu.Unlock()
		return k, nil
	}
	c.mu.Unlock()
	k, err := parseGOSTPublicKey(cert.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, err // not cached: parsed (and refused) again next time
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.keys[sum]; ok { // parsed meanwhile by another verification
		c.order.MoveToFront(e)
		return e.Value.(*keyEntry).key, nil
	}
	c.keys[sum] = c.order.PushFront(&keyEntry{spki: sum, key: k})
	for c.order.Len() > c.size {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.keys, old.Value.(*keyEntry).spki)
	}
	return k, nil
}

// verificationKey is cert's public key for verifying inside this package:
// RSA and ECDSA as crypto/x509 parsed them, GOST from gostKeys. The key
// is shared: read it, never change it, never hand it out.
func verificationKey(cert *x509.Certificate) (crypto.PublicKey, error) {
	switch cert.PublicKeyAlgorithm {
	case x509.RSA, x509.ECDSA:
		return cert.PublicKey, nil
	}
	var k *GOSTPublicKey
	var err error
	if keycachectl.Off.Load() {
		k, err = parseGOSTPublicKey(cert.RawSubjectPublicKeyInfo)
	} else {
		k, err = gostKeys.key(cert)
	}
	if err != nil {
		return nil, err // an untyped nil, not a nil *GOSTPublicKey
	}
	return k, nil
}
