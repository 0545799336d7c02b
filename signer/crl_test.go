package signer_test

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

var ncaCRL = ncatest.CRL2026

// TestNCACRL reads NCA's own test GOST CRL, whose TBS names its signature
// algorithm without parameters and whose outer identifier has NULL ones
// (crypto/x509 alone refuses it), and checks its GOST signature with the
// issuing CA; a CRL whose two algorithms really differ is still refused.
func TestNCACRL(t *testing.T) {
	data := ncatest.Read(t, ncaCRL)
	ca := readCert(t, ncatest.Path("official-gost2015-bundle/ca/nca_gost2022_test.cer"))
	crl, err := signer.ParseCRL(data, ca)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(crl.RevokedCertificateEntries); n != 195 || crl.Number.Cmp(big.NewInt(166)) != 0 ||
		!crl.ThisUpdate.Equal(time.Date(2026, 8, 11, 3, 49, 19, 0, time.UTC)) {
		t.Errorf("%d entries, number %v, this update %v", n, crl.Number, crl.ThisUpdate)
	}
	// Every key of the official bundle is on it: the revoked/ ones since
	// the day they were issued (2025-10-17), the valid/ ones since NCA
	// withdrew the bundle on 2026-05-06. At the bundle's time (2026-01-15)
	// exactly the revoked/ ones are revoked.
	files, _ := filepath.Glob(ncatest.Path("official-gost2015-bundle/Gost2015_*/*/*/*.p12"))
	if len(files) != 12 {
		t.Fatalf("%d bundle keys", len(files))
	}
	for _, f := range files {
		cert := loadKeyFile(t, f).Certificate
		var when time.Time
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
				when = e.RevocationTime
			}
		}
		if revoked := strings.Contains(f, "/revoked/"); when.IsZero() || when.Before(time2026) != revoked {
			t.Errorf("%s: revoked on %v", strings.TrimPrefix(f, ncatest.Dir), when)
		}
	}
	// Signed by someone else: refused.
	other := readCert(t, ncatest.Path("official-gost2015-bundle/ca/root_test_gost_2022.cer"))
	if _, err := signer.ParseCRL(data, other); err == nil {
		t.Error("a CRL checked against the wrong issuer")
	}
	// The outer algorithm changed to another GOST OID (…3.1, not …3.2): refused.
	bad := bytes.Clone(data)
	i := bytes.LastIndex(bad, []byte{0x06, 0x0a, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x02, 0x03, 0x02})
	if i < 0 {
		t.Fatal("no outer algorithm found")
	}
	bad[i+11] = 0x01
	if _, err := signer.ParseCRL(bad, nil); err == nil || !strings.Contains(err.Error(), "don't match") {
		t.Errorf("different algorithms: %v", err)
	}
	// A byte of the TBS changed: the signature fails.
	tampered := bytes.Clone(data)
	tampered[200] ^= 1
	if _, err := signer.ParseCRL(tampered, ca); err == nil {
		t.Error("a tampered CRL passed")
	}
	// Current until its next update, stale after it, and said so.
	if err := signer.CRLCurrent(crl, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Error(err)
	}
	err = signer.CRLCurrent(crl, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	if !errors.Is(err, signer.ErrStaleRevocation) || !strings.Contains(err.Error(), "no. 166") || !strings.Contains(err.Error(), "2027-02-07") {
		t.Errorf("stale: %v", err)
	}
}

func loadKeyFile(t *testing.T, path string) signer.KeyPair {
	t.Helper()
	keys, err := token.ParsePKCS12(ncatest.Read(t, path), []byte(ncatest.Password))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { token.CloseAll(keys) })
	return signer.KeyPair{Certificate: keys[0].Certificate, Signer: keys[0].Signer}
}

// FuzzParseCRL: any bytes give a CRL or an error, never a panic.
func FuzzParseCRL(f *testing.F) {
	data, err := os.ReadFile(ncaCRL)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:300])
	f.Add([]byte("-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		signer.ParseCRL(b, nil)
	})
}

// TestCRLOfItsIssuerOnly: a CRL counts only for the certificates of its
// own issuer (name, key identifier, signature) and only until its
// nextUpdate. Another trusted CA's CRL, a stale one, one with the issuer's
// name but another key, or a delta CRL alone never make a certificate
// pass where its issuer's CRL is required, and never hide a revocation.
func TestCRLOfItsIssuerOnly(t *testing.T) {
	now := time.Now()
	const url = "http://crl.example.kz/a.crl"
	a := ncatest.NewLoginPKI(t, "CA A", now).NamingCRL(t, url)
	b := ncatest.NewLoginPKI(t, "CA B", now)
	aRevokes := a.CRL(t, 2, now.Add(-time.Minute), now.Add(time.Hour), 42)
	aClean := a.CRL(t, 3, now.Add(-time.Minute), now.Add(time.Hour))
	aStale := a.CRL(t, 1, now.Add(-2*time.Hour), now.Add(-time.Hour), 42)
	bRevokes := b.CRL(t, 9, now.Add(-time.Minute), now.Add(time.Hour), 42)
	bClean := b.CRL(t, 10, now.Add(-time.Minute), now.Add(time.Hour))
	// A's name, signed by B's key: with A's key identifier, then B's.
	forge := func(ski []byte) *x509.RevocationList {
		issuer := &x509.Certificate{RawSubject: a.CA.RawSubject, SubjectKeyId: ski, PublicKey: b.CAKey.Public(),
			KeyUsage: x509.KeyUsageCRLSign}
		der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(5),
			ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour)}, issuer, b.CAKey)
		if err != nil {
			t.Fatal(err)
		}
		crl, _ := x509.ParseRevocationList(der)
		return crl
	}
	forgedSameKeyID, forgedOtherKeyID := forge(a.CA.SubjectKeyId), forge(b.CA.SubjectKeyId)
	delta := func(revoked ...int64) *x509.RevocationList {
		var entries []x509.RevocationListEntry
		for _, s := range revoked {
			entries = append(entries, x509.RevocationListEntry{SerialNumber: big.NewInt(s), RevocationTime: now.Add(-time.Minute)})
		}
		der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(4), ThisUpdate: now.Add(-time.Minute),
			NextUpdate: now.Add(time.Hour), RevokedCertificateEntries: entries,
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 27}, Critical: true, Value: []byte{2, 1, 3}}}}, a.CA, a.CAKey)
		if err != nil {
			t.Fatal(err)
		}
		crl, _ := x509.ParseRevocationList(der)
		return crl
	}
	// A's own CRLs of a narrower scope, validly signed: only CA
	// certificates (issuing distribution point, critical), or with a
	// critical extension nobody here understands.
	withExt := func(id asn1.ObjectIdentifier, value []byte) *x509.RevocationList {
		der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(6), ThisUpdate: now.Add(-time.Minute),
			NextUpdate: now.Add(time.Hour), ExtraExtensions: []pkix.Extension{{Id: id, Critical: true, Value: value}}}, a.CA, a.CAKey)
		if err != nil {
			t.Fatal(err)
		}
		crl, _ := x509.ParseRevocationList(der)
		return crl
	}
	caOnly := withExt(asn1.ObjectIdentifier{2, 5, 29, 28}, []byte{0x30, 0x03, 0x82, 0x01, 0xff}) // onlyContainsCACerts
	unknownCritical := withExt(asn1.ObjectIdentifier{1, 2, 3, 4}, []byte{0x05, 0x00})
	l := func(crls ...*x509.RevocationList) []*x509.RevocationList { return crls }
	for _, tc := range []struct {
		name string
		crls []*x509.RevocationList
		urls []string
		want error
	}{
		{"no CRL", nil, nil, nil},
		{"its issuer's CRL revokes it", l(aRevokes), nil, signer.ErrRevoked},
		{"its issuer's CRL does not list it", l(aClean), []string{url}, nil},
		{"another CA's CRL is not its issuer's", l(bClean), nil, nil},
		{"another CA's CRL at its CRL URL", l(bClean), []string{url}, signer.ErrStaleRevocation},
		{"another CA's CRL listing its serial", l(bRevokes), nil, nil},
		{"nothing from its CRL URL", nil, []string{url}, signer.ErrStaleRevocation},
		{"another CA's CRL does not hide its issuer's", l(bClean, aRevokes), []string{url}, signer.ErrRevoked},
		{"stale CRL of its issuer", l(aStale), nil, signer.ErrStaleRevocation},
		{"stale CRL at its CRL URL", l(aStale), []string{url}, signer.ErrStaleRevocation},
		{"stale and current: the current one counts", l(aStale, aClean), nil, nil},
		{"its issuer's name, another key, same key id", l(forgedSameKeyID), nil, signer.ErrStaleRevocation},
		{"its issuer's name, another key id", l(forgedOtherKeyID), []string{url}, signer.ErrStaleRevocation},
		{"a forgery beside the real CRL", l(forgedOtherKeyID, aRevokes), nil, signer.ErrRevoked},
		{"a delta CRL alone does not cover it", l(delta()), []string{url}, signer.ErrStaleRevocation},
		{"a delta CRL revokes it", l(aClean, delta(42)), []string{url}, signer.ErrRevoked},
		{"another CRL URL", l(bClean), []string{"http://crl.example.kz/b.crl"}, nil},
		{"its issuer's CA-only CRL at its CRL URL", l(caOnly), []string{url}, signer.ErrStaleRevocation},
		{"its issuer's CA-only CRL", l(caOnly), nil, signer.ErrStaleRevocation},
		{"a CRL with a critical extension not understood", l(unknownCritical), []string{url}, signer.ErrStaleRevocation},
		{"a CA-only CRL beside the complete one", l(caOnly, aRevokes), []string{url}, signer.ErrRevoked},
		{"a CA-only CRL beside a clean complete one", l(caOnly, aClean), []string{url}, nil},
	} {
		_, err := signer.VerifyChain(a.Leaf, signer.ChainOptions{Roots: []*x509.Certificate{a.CA, b.CA}, CRLs: tc.crls, CRLURLs: tc.urls, Time: now})
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	// CRLIssuer finds the CA that issued a CRL among the trusted ones.
	cas := []*x509.Certificate{b.CA, a.CA}
	if ca, err := signer.CRLIssuer(aClean, cas); err != nil || ca != a.CA {
		t.Errorf("issuer of A's CRL: %v %v", ca, err)
	}
	for _, crl := range l(forgedSameKeyID, forgedOtherKeyID) {
		if ca, err := signer.CRLIssuer(crl, cas); err == nil {
			t.Errorf("a forged CRL is issued by %s", ca.Subject)
		}
	}
	if _, err := signer.CRLIssuer(bClean, []*x509.Certificate{a.CA}); err == nil {
		t.Error("B's CRL issued by A")
	}
}
