package signer

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer/internal/keycachectl"
)

func keyCacheCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := pem.Decode(b); p != nil {
		b = p.Bytes
	} else if d, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b))); err == nil {
		b = d
	}
	c, err := x509.ParseCertificate(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// verifiesLink checks cert's signature with a key from the cache, as
// checkSignedBy does.
func verifiesLink(t *testing.T, cert *x509.Certificate, k *GOSTPublicKey) bool {
	t.Helper()
	var rs rawSigned
	if _, err := asn1.Unmarshal(cert.Raw, &rs); err != nil {
		t.Fatal(err)
	}
	return k.Verify(gostScheme(k.Alg).Digest(rs.TBS.FullBytes), rs.Signature.RightAlign())
}

func TestKeyCache(t *testing.T) {
	root := keyCacheCert(t, ncatest.GOSTRoot2022) // GOST-2015, self-signed
	ca := keyCacheCert(t, ncatest.GOSTCA2022)     // GOST-2015, signed by root
	old := keyCacheCert(t, ncatest.GOSTRoot2018)  // GOST-2004, self-signed
	c := newKeyCache(2)

	k1, err := c.key(root)
	if err != nil {
		t.Fatal(err)
	}
	if k2, _ := c.key(root); k2 != k1 {
		t.Error("the same certificate gave another key object: not cached")
	}
	if want, _ := PublicKey(root); !k1.Equal(want) {
		t.Error("cached key differs from the certificate's key")
	}
	kca, err := c.key(ca)
	if err != nil {
		t.Fatal(err)
	}
	if kca == k1 || kca.Equal(k1) {
		t.Error("another certificate gave the same key")
	}
	if !verifiesLink(t, ca, k1) || !verifiesLink(t, root, k1) {
		t.Error("the root's cached key does not verify the CA and the root")
	}
	if verifiesLink(t, ca, kca) {
		t.Error("the CA's own key verifies the CA certificate: keys mixed up")
	}

	// Bounded: with root used again, ca is the least recently used, and
	// a third key evicts it.
	c.key(root)
	kold, err := c.key(old)
	if err != nil {
		t.Fatal(err)
	}
	if kold.Alg != GOST2004 || !verifiesLink(t, old, kold) {
		t.Errorf("GOST-2004 root: alg %v or its key does not verify it", kold.Alg)
	}
	if n := c.len(); n != 2 {
		t.Errorf("cache holds %d keys, want at most 2", n)
	}
	if k, _ := c.key(root); k != k1 {
		t.Error("the recently used key was evicted")
	}
	if k, _ := c.key(ca); k == kca {
		t.Error("the least recently used key was not evicted")
	}

	// A key that does not parse is refused and not cached.
	bad := *root
	bad.RawSubjectPublicKeyInfo = append([]byte(nil), root.RawSubjectPublicKeyInfo...)
	bad.RawSubjectPublicKeyInfo[len(bad.RawSubjectPublicKeyInfo)-1] ^= 1 // the point leaves the curve
	before := c.len()
	c2 := newKeyCache(4)
	if _, err := c2.key(&bad); err == nil {
		t.Error("a point off the curve was accepted")
	}
	if c2.len() != 0 || c.len() != before {
		t.Error("a refused key was cached")
	}
	if k, err := verificationKey(&bad); err == nil || k != nil {
		t.Errorf("verificationKey of a bad key: %v, %v; want an error and an untyped nil", k, err)
	}
}

// TestKeyCacheConcurrent: verifications sharing a small cache (keys evicted
// and parsed again all the time) all succeed; run with -race.
func TestKeyCacheConcurrent(t *testing.T) {
	root := keyCacheCert(t, ncatest.GOSTRoot2022)
	ca := keyCacheCert(t, ncatest.GOSTCA2022)
	old := keyCacheCert(t, ncatest.GOSTRoot2018)
	c := newKeyCache(2)
	type link struct{ cert, by *x509.Certificate }
	links := []link{{ca, root}, {root, root}, {old, old}}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 6 {
				l := links[(g+i)%len(links)]
				k, err := c.key(l.by)
				if err != nil {
					errs <- err.Error()
					return
				}
				if !verifiesLink(t, l.cert, k) {
					errs <- "a link did not verify with a cached key"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := c.len(); n > 2 {
		t.Errorf("cache holds %d keys, want at most 2", n)
	}
}

// TestKeyCacheOff: with keycachectl.Off (the …/uncached benchmarks) every
// verification parses the key afresh and the shared cache is not touched.
func TestKeyCacheOff(t *testing.T) {
	root := keyCacheCert(t, ncatest.GOSTRoot2022)
	on1, err := verificationKey(root)
	if err != nil {
		t.Fatal(err)
	}
	if on2, _ := verificationKey(root); on2 != on1 {
		t.Error("the shared cache did not return the same key")
	}
	keycachectl.Off.Store(true)
	defer keycachectl.Off.Store(false)
	off1, _ := verificationKey(root)
	off2, _ := verificationKey(root)
	if off1 == on1 || off1 == off2 {
		t.Error("with the cache off a cached key came back")
	}
	if !off1.(*GOSTPublicKey).Equal(on1) {
		t.Error("the key parsed afresh differs from the cached one")
	}
}

// len is how many keys the cache holds.
func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
