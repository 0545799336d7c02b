package signer_test

import (
	"bytes"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/ncatest"
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
