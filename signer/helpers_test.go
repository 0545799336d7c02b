package signer_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

// Times at which the shared certificates were valid.
var (
	time2020 = ncatest.Time2020
	time2026 = ncatest.Time2026
)

// Shared key files, one of each kind.
var keyFiles = map[string]string{
	"RSA":         "rsa-gost2004-2020/personal/active/RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.p12",
	"RSA-AUTH":    "rsa-gost2004-2020/personal/active/AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.p12",
	"GOST2004":    "rsa-gost2004-2020/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12",
	"GOST2015":    "official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/FL/valid/GOST512_d6d1e53515d516a7d95d399b668cf09011bf118d.p12",
	"GOST2015-UL": "official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/UL_first_head/valid/GOST512_0f923a405e7a60ef08debcf4715d7f818637b82b.p12",
}

// validAt is a time at which the named key's certificate is valid.
func validAt(name string) time.Time {
	if strings.HasPrefix(name, "GOST2015") {
		return time2026
	}
	return time2020
}

// caFiles lists the CA certificates (root first) for each key family.
var caFiles = map[string][]string{
	"RSA":      {"ca-test-2018/root_rsa_test.crt", "ca-test-2018/nca_rsa_test.crt"},
	"RSA-AUTH": {"ca-test-2018/root_rsa_test.crt", "ca-test-2018/nca_rsa_test.crt"},
	"GOST2004": {"ca-test-2018/root_gost_test.crt", "ca-test-2018/nca_gost_test.crt"},
	"GOST2015": {"official-gost2015-bundle/ca/root_test_gost_2022.cer", "official-gost2015-bundle/ca/nca_gost2022_test.cer"},
}

func caFor(t testing.TB, name string) []*x509.Certificate {
	t.Helper()
	files := caFiles[name]
	if files == nil {
		files = caFiles[strings.Split(name, "-")[0]]
	}
	var out []*x509.Certificate
	for _, f := range files {
		out = append(out, readCert(t, ncatest.Path(f)))
	}
	return out
}

func readCert(t testing.TB, path string) *x509.Certificate {
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
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

func loadKey(t testing.TB, name string) signer.KeyPair {
	t.Helper()
	data, err := os.ReadFile(ncatest.Path(keyFiles[name]))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := token.ParsePKCS12(data, []byte("Qwerty12"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { token.CloseAll(keys) })
	return signer.KeyPair{Certificate: keys[0].Certificate, Signer: keys[0].Signer}
}

// writeChainPEM writes the CA certificates of a key family to a PEM file.
func writeChainPEM(t *testing.T, certs []*x509.Certificate) string {
	t.Helper()
	var b strings.Builder
	for _, c := range certs {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is required (installed by .ci/run): %v", name, err)
	}
}

func runTool(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// testPKI is a small CA made in the test, for keys and CRLs the shared
// material does not have.
type testPKI struct {
	ca    *x509.Certificate
	caKey crypto.Signer
}

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "qoltanba test CA", Country: []string{"KZ"}},
		NotBefore: time.Now().Add(-24 * time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		SubjectKeyId: []byte{1, 2, 3, 4},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &testPKI{ca: c, caKey: k}
}

func (p *testPKI) issue(t testing.TB, key crypto.Signer, serial int64, eku ...x509.ExtKeyUsage) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "ТЕСТОВ ТЕСТ", SerialNumber: "IIN123456789011", Country: []string{"KZ"}},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: eku,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, key.Public(), p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

func (p *testPKI) crl(t testing.TB, revoked ...*x509.Certificate) *x509.RevocationList {
	t.Helper()
	var entries []x509.RevocationListEntry
	for _, c := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: time.Now().Add(-time.Minute)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour),
		RevokedCertificateEntries: entries,
	}, p.ca, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

type ecdsaKey = ecdsa.PrivateKey

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
