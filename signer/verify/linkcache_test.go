package verify

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"math/big"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer"
)

// countingCache is a LinkCache whose signature checks are counted.
func countingCache(size int) (*LinkCache, *atomic.Int64) {
	c := NewLinkCache(size)
	var n atomic.Int64
	c.check = func(raw []byte, by *x509.Certificate) error {
		n.Add(1)
		return signer.CheckSigned(raw, by)
	}
	return c, &n
}

// gostChain: NCA's GOST-2015 login key and its CA and root (2022).
func gostChain(t *testing.T) (leaf, ca, root *x509.Certificate, kp signer.KeyPair) {
	rel := func(p string) string { r, _ := filepath.Rel(ncatest.Dir, p); return r }
	kp = key(t, rel(ncatest.GOST2015FL))
	cs := certs(t, rel(ncatest.GOSTRoot2022), rel(ncatest.GOSTCA2022))
	return kp.Certificate, cs[1], cs[0], kp
}

// TestLinkCache: a link that verified is not verified again; another
// link, a forged signature or a wrong issuer is; a failed link is not
// cached; the cache keeps at most its size, dropping the least recently
// used.
func TestLinkCache(t *testing.T) {
	leaf, ca, root, _ := gostChain(t)
	c, n := countingCache(2)
	step := func(name string, cert, issuer *x509.Certificate, wantErr bool, wantCalls int64) {
		t.Helper()
		before := n.Load()
		err := c.CheckLink(cert, issuer)
		if (err != nil) != wantErr {
			t.Fatalf("%s: err %v, want error %v", name, err, wantErr)
		}
		if got := n.Load() - before; got != wantCalls {
			t.Fatalf("%s: %d verifications, want %d", name, got, wantCalls)
		}
	}
	step("leaf by CA", leaf, ca, false, 1)
	step("leaf by CA again", leaf, ca, false, 0)
	step("CA by root", ca, root, false, 1)
	step("CA by root again", ca, root, false, 0)
	if c.Len() != 2 {
		t.Fatalf("len %d, want 2", c.Len())
	}

	// The leaf with one bit of its signature changed is another link,
	// verified (and refused) every time, never cached.
	raw := bytes.Clone(leaf.Raw)
	raw[len(raw)-1] ^= 1
	forged, err := x509.ParseCertificate(raw)
	if err != nil {
		t.Fatal(err)
	}
	step("forged leaf by CA", forged, ca, true, 1)
	step("forged leaf by CA again", forged, ca, true, 1)
	step("leaf by root (wrong issuer)", leaf, root, true, 1)
	step("leaf by root again", leaf, root, true, 1)
	if c.Len() != 2 {
		t.Fatalf("failed links were cached: len %d", c.Len())
	}

	// Bounded: a third link drops the least recently used (leaf by CA
	// was used before CA by root... touch CA by root so leaf by CA is
	// the oldest).
	step("CA by root, touched", ca, root, false, 0)
	step("root by itself", root, root, false, 1)
	if c.Len() != 2 {
		t.Fatalf("len %d, want at most 2", c.Len())
	}
	step("leaf by CA, evicted", leaf, ca, false, 1)
	step("CA by root, evicted by the leaf", ca, root, false, 1)
}

// TestLinkCacheConcurrent: logins verifying the same links at once (run
// with -race) get the same answers and the cache stays bounded.
func TestLinkCacheConcurrent(t *testing.T) {
	leaf, ca, root, _ := gostChain(t)
	c, n := countingCache(1)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 4 {
				cert, issuer := leaf, ca
				if (i+j)%2 == 1 {
					cert, issuer = ca, root
				}
				if err := c.CheckLink(cert, issuer); err != nil {
					t.Error(err)
				}
				if err := c.CheckLink(leaf, root); err == nil {
					t.Error("leaf by root verified")
				}
			}
		}()
	}
	wg.Wait()
	if c.Len() != 1 || n.Load() < 2+32 {
		t.Fatalf("len %d, %d verifications", c.Len(), n.Load())
	}
}

// TestLoginLinkCache: the second login with the same GOST-2015 chain
// verifies no chain link; a login with a CRL revoking its (cached)
// certificate is still refused, and an expired one too.
func TestLoginLinkCache(t *testing.T) {
	_, ca, root, kp := gostChain(t)
	challenge := bytes.Repeat([]byte{3}, 32)
	sig, err := signer.SignLoginCMS(ctx, LoginContent(site, challenge, time2026), kp, &signer.CMSOptions{Time: time2026})
	if err != nil {
		t.Fatal(err)
	}
	c, n := countingCache(16)
	l := Login{Protocol: Qoltanba, Format: "cms", Signature: sig, Challenge: challenge, Origin: site,
		Roots: []*x509.Certificate{root, ca}, Time: time2026, LinkCache: c}
	if _, err := VerifyLogin(ctx, l); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Fatalf("first login: %d chain links verified, want 2", n.Load())
	}
	if _, err := VerifyLogin(ctx, l); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Fatalf("second login: %d chain links verified in all, want still 2", n.Load())
	}
	expired := l
	expired.CertTime = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := VerifyLogin(ctx, expired); !errors.Is(err, ErrExpired) {
		t.Fatalf("expired certificate with a cached chain: %v", err)
	}

	// Revocation with a CA of our own (NCA's CA keys are not ours to
	// sign a CRL with): cached, then revoked.
	now := time.Now()
	pki := ncatest.NewLoginPKI(t, "rp cache CA", now)
	pc, pn := countingCache(16)
	psig, err := signer.SignLoginCMS(ctx, LoginContent(site, challenge, now), signer.KeyPair{Certificate: pki.Leaf, Signer: pki.UserKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl := Login{Protocol: Qoltanba, Format: "cms", Signature: psig, Challenge: challenge, Origin: site,
		Roots: []*x509.Certificate{pki.CA}, LinkCache: pc}
	for range 2 {
		if _, err := VerifyLogin(ctx, pl); err != nil {
			t.Fatal(err)
		}
	}
	if pn.Load() != 1 || pc.Len() != 1 {
		t.Fatalf("%d verifications, %d cached, want 1 and 1", pn.Load(), pc.Len())
	}
	crlDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Minute),
		NextUpdate: now.Add(time.Hour), RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: pki.Leaf.SerialNumber, RevocationTime: now.Add(-time.Minute)}}},
		pki.CA, pki.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	crl, _ := x509.ParseRevocationList(crlDER)
	pl.CRLs = []*x509.RevocationList{crl}
	if _, err := VerifyLogin(ctx, pl); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked certificate with a cached chain: %v", err)
	}
	if pn.Load() != 1 {
		t.Fatalf("the link was verified again: %d", pn.Load())
	}
}
