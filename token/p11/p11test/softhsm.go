// Package p11test creates real SoftHSM2 tokens for tests: one fresh token
// per test in a temporary directory (SOFTHSM2_CONF), with keys and
// certificates imported through softhsm2-util and pkcs11-tool, the tools a
// user or admin would use.
package p11test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Token is a SoftHSM2 token made for one test.
type Token struct {
	Dir, Conf, Lib string
	Label, PIN     string
	CA             *x509.Certificate
	caKey          crypto.Signer
}

// Lib returns the SoftHSM2 module path, failing the test when softhsm2 is
// not installed (.ci/run installs it).
func Lib(t testing.TB) string {
	for _, p := range []string{"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("libsofthsm2.so not found: apt-get install softhsm2")
	return ""
}

// New initialises a token labelled "qoltanba" with user PIN 1234 in a
// temporary directory and points SOFTHSM2_CONF at it for this test.
func New(t testing.TB) *Token {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	tokDir := filepath.Join(dir, "tokens")
	if err := os.MkdirAll(tokDir, 0o700); err != nil {
		t.Fatal(err)
	}
	body := "directories.tokendir = " + tokDir + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n"
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if ts, ok := t.(interface{ Setenv(string, string) }); ok {
		ts.Setenv("SOFTHSM2_CONF", conf)
	} else {
		os.Setenv("SOFTHSM2_CONF", conf)
	}
	return NewIn(t, conf, "qoltanba")
}

// NewIn initialises a token with this label and user PIN 1234 in the
// token directory of an existing SoftHSM2 configuration (a test that
// plugs a token in while a program watches that configuration).
func NewIn(t testing.TB, conf, label string) *Token {
	t.Helper()
	for _, tool := range []string{"softhsm2-util", "pkcs11-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required (softhsm2, opensc)", tool)
		}
	}
	tok := &Token{Conf: conf, Lib: Lib(t), Label: label, PIN: "1234"}
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "directories.tokendir = "); ok {
			tok.Dir = strings.TrimSpace(v)
		}
	}
	tok.run(t, "softhsm2-util", "--init-token", "--free", "--label", tok.Label, "--pin", tok.PIN, "--so-pin", "5678")
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "qoltanba token test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	tok.CA, _ = x509.ParseCertificate(der)
	tok.caKey = k
	return tok
}

func (tok *Token) run(t testing.TB, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+tok.Conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// Key is a key imported into the token.
type Key struct {
	ID    string // hex CKA_ID
	Label string
	Cert  *x509.Certificate
}

// AddRSA imports a fresh RSA-2048 key with a certificate from the test CA.
func (tok *Token) AddRSA(t testing.TB, id, label string) Key {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return tok.add(t, id, label, k)
}

// AddECDSA imports a fresh ECDSA P-256 key with a certificate.
func (tok *Token) AddECDSA(t testing.TB, id, label string) Key {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return tok.add(t, id, label, k)
}

func (tok *Token) add(t testing.TB, id, label string, key crypto.Signer) Key {
	t.Helper()
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "ТЕСТОВ ТЕСТ", SerialNumber: "IIN123456789011", Country: []string{"KZ"}},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tok.CA, key.Public(), tok.caKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile, certFile := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.der")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), 0o600)
	os.WriteFile(certFile, der, 0o600)
	tok.run(t, "softhsm2-util", "--import", keyFile, "--token", tok.Label, "--label", label, "--id", id, "--pin", tok.PIN)
	os.Remove(keyFile)
	tok.run(t, "pkcs11-tool", "--module", tok.Lib, "--token-label", tok.Label, "--login", "--pin", tok.PIN,
		"--write-object", certFile, "--type", "cert", "--id", id, "--label", label)
	return Key{ID: id, Label: label, Cert: cert}
}

// CAPEM writes the test CA to a PEM file and returns its path.
func (tok *Token) CAPEM(t testing.TB) string {
	p := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tok.CA.Raw}), 0o600)
	return p
}

// AddGeneratedECDSA makes a P-256 key pair on the token itself
// (pkcs11-tool --keypairgen), optionally with CKA_ALWAYS_AUTHENTICATE (as
// ID cards mark their signing keys), and writes a certificate for it.
func (tok *Token) AddGeneratedECDSA(t testing.TB, id, label string, alwaysAuth bool) Key {
	t.Helper()
	args := []string{"--module", tok.Lib, "--token-label", tok.Label, "--login", "--pin", tok.PIN,
		"--keypairgen", "--key-type", "EC:prime256v1", "--id", id, "--label", label}
	if alwaysAuth {
		args = append(args, "--always-auth")
	}
	tok.run(t, "pkcs11-tool", args...)
	dir := t.TempDir()
	pubFile := filepath.Join(dir, "pub.der")
	tok.run(t, "pkcs11-tool", "--module", tok.Lib, "--token-label", tok.Label, "--read-object", "--type", "pubkey", "--id", id, "--output-file", pubFile)
	der, err := os.ReadFile(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "ТЕСТОВ ТЕСТ", SerialNumber: "IIN123456789011", Country: []string{"KZ"}},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tok.CA, pub, tok.caKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(certDER)
	certFile := filepath.Join(dir, "cert.der")
	os.WriteFile(certFile, certDER, 0o600)
	tok.run(t, "pkcs11-tool", "--module", tok.Lib, "--token-label", tok.Label, "--login", "--pin", tok.PIN,
		"--write-object", certFile, "--type", "cert", "--id", id, "--label", label)
	return Key{ID: id, Label: label, Cert: cert}
}
