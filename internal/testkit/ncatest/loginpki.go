package ncatest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

// LoginPKI is a throwaway CA and a login certificate it issued (serial
// 42, "ТЕСТОВ ТЕСТ", IIN 123456789011, client auth), both valid an hour
// either side of now: for tests that revoke it in CRLs of their own.
type LoginPKI struct {
	CA      *x509.Certificate
	CAKey   *ecdsa.PrivateKey
	Leaf    *x509.Certificate
	UserKey *ecdsa.PrivateKey
}

// NewLoginPKI makes a LoginPKI whose CA is named caName.
func NewLoginPKI(tb testing.TB, caName string, now time.Time) LoginPKI {
	tb.Helper()
	var p LoginPKI
	var err error
	if p.CAKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: caName},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, p.CAKey.Public(), p.CAKey)
	if err != nil {
		tb.Fatal(err)
	}
	if p.CA, err = x509.ParseCertificate(der); err != nil {
		tb.Fatal(err)
	}
	if p.UserKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		tb.Fatal(err)
	}
	der, err = x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(42),
		Subject:   pkix.Name{CommonName: "ТЕСТОВ ТЕСТ", SerialNumber: "IIN123456789011"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, p.CA, p.UserKey.Public(), p.CAKey)
	if err != nil {
		tb.Fatal(err)
	}
	if p.Leaf, err = x509.ParseCertificate(der); err != nil {
		tb.Fatal(err)
	}
	return p
}

// NamingCRL returns a copy of p whose login certificate (the same serial
// and key) names crlURL as its CRL distribution point, as NCA's do.
func (p LoginPKI) NamingCRL(tb testing.TB, crlURL string) LoginPKI {
	tb.Helper()
	tmpl := *p.Leaf
	tmpl.CRLDistributionPoints = []string{crlURL}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, p.CA, p.UserKey.Public(), p.CAKey)
	if err != nil {
		tb.Fatal(err)
	}
	if p.Leaf, err = x509.ParseCertificate(der); err != nil {
		tb.Fatal(err)
	}
	return p
}

// CRL is a CRL of p's CA, current from thisUpdate to nextUpdate, listing
// the given serials as revoked a minute before thisUpdate.
func (p LoginPKI) CRL(tb testing.TB, number int64, thisUpdate, nextUpdate time.Time, revoked ...int64) *x509.RevocationList {
	tb.Helper()
	var entries []x509.RevocationListEntry
	for _, s := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: big.NewInt(s), RevocationTime: thisUpdate.Add(-time.Minute)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(number), ThisUpdate: thisUpdate,
		NextUpdate: nextUpdate, RevokedCertificateEntries: entries}, p.CA, p.CAKey)
	if err != nil {
		tb.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		tb.Fatal(err)
	}
	return crl
}
