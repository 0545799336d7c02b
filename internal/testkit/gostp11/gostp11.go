// Package gostp11 makes Russian GOST R 34.10-2012 "tokens" for tests: a
// PKCS#11 module of our own (c/gostp11.c, a test module and nothing else:
// its keys are PEM files) that signs through OpenSSL's gost engine, with
// keys and certificates made by `openssl ... -engine gost`. SoftHSM2 has no
// GOST, and a Rutoken or JaCarta cannot be plugged into CI.
//
// The module is built with gcc against miekg/pkcs11's Cryptoki headers and
// libcrypto (Debian libssl-dev, libengine-gost-openssl; .ci/run installs
// both). Each Token gets its own build of the library, so two tests never
// share a module's state (its PIN counter lives as long as the process has
// the library loaded, as a real token's lives in the token).
package gostp11

import (
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed c/gostp11.c
var source []byte

// Token is one test token: a module library and its configuration.
type Token struct {
	Dir   string
	Label string // token label (default "RUTOKEN TEST")
	Model string // token model (default "Rutoken ECP 2.0")
	PIN   string // user PIN (default "12345678")
	Tries int    // wrong PINs before it locks (default 3)
	// Mechanisms the token offers: "raw" (CKM_GOSTR3410, CKM_GOSTR3410_512
	// over a hash), "hash" (CKM_GOSTR3410_WITH_GOSTR3411_12_256/512 over
	// the data), or both (the default, as Rutoken ECP 2.0 and JaCarta GOST).
	Mechanisms string
	CA         *x509.Certificate
	CAFile     string // the CA certificate (PEM)
	Keys       []Key

	caKey  string
	copies int
}

// Key is a GOST key pair on the token.
type Key struct {
	ID       string // hex CKA_ID
	Label    string
	Alg      string // gost2012_256 or gost2012_512
	KeyFile  string // PEM private key (OpenSSL's)
	CertFile string // PEM certificate
	Cert     *x509.Certificate
}

// Require fails the test when OpenSSL's gost engine is missing.
func Require(t testing.TB) {
	t.Helper()
	if out, err := exec.Command("openssl", "engine", "gost").CombinedOutput(); err != nil {
		t.Fatalf("the OpenSSL gost engine is required (Debian libengine-gost-openssl; installed by .ci/run): %v %s", err, out)
	}
}

// OpenSSL runs openssl with args and fails the test on an error.
func OpenSSL(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// New makes an empty token with a GOST-2012-256 test CA (made by OpenSSL).
func New(t testing.TB) *Token {
	t.Helper()
	Require(t)
	dir := t.TempDir()
	tok := &Token{Dir: dir, Label: "RUTOKEN TEST", Model: "Rutoken ECP 2.0", PIN: "12345678", Tries: 3, Mechanisms: "raw hash",
		caKey: filepath.Join(dir, "ca.key"), CAFile: filepath.Join(dir, "ca.pem")}
	OpenSSL(t, "genpkey", "-engine", "gost", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A", "-out", tok.caKey)
	OpenSSL(t, "req", "-engine", "gost", "-new", "-x509", "-key", tok.caKey, "-subj", "/CN=qoltanba GOST test CA/O=Test/C=RU",
		"-days", "30", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", tok.CAFile)
	tok.CA = readCert(t, tok.CAFile)
	return tok
}

// AddKey makes a key (alg gost2012_256 or gost2012_512, OpenSSL's paramset
// name: A, B, C, TCA...) with a certificate from the test CA, for subject
// (an OpenSSL -subj, e.g. "/CN=Иванов Иван/SNILS=.../C=RU"; "" = a default).
func (tok *Token) AddKey(t testing.TB, id, label, alg, paramset, subject string) Key {
	t.Helper()
	if subject == "" {
		subject = "/CN=Иванов Иван Иванович/O=ООО Ромашка/C=RU"
	}
	n := len(tok.Keys)
	k := Key{ID: id, Label: label, Alg: alg,
		KeyFile: filepath.Join(tok.Dir, fmt.Sprintf("key%d.pem", n)), CertFile: filepath.Join(tok.Dir, fmt.Sprintf("cert%d.pem", n))}
	csr := filepath.Join(tok.Dir, fmt.Sprintf("req%d.pem", n))
	ext := filepath.Join(tok.Dir, "ext.cnf")
	os.WriteFile(ext, []byte("keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=clientAuth,emailProtection\n"), 0o600)
	OpenSSL(t, "genpkey", "-engine", "gost", "-algorithm", alg, "-pkeyopt", "paramset:"+paramset, "-out", k.KeyFile)
	OpenSSL(t, "req", "-engine", "gost", "-new", "-key", k.KeyFile, "-utf8", "-subj", subject, "-out", csr)
	OpenSSL(t, "x509", "-engine", "gost", "-req", "-in", csr, "-CA", tok.CAFile, "-CAkey", tok.caKey, "-set_serial", fmt.Sprint(1000+n),
		"-days", "30", "-extfile", ext, "-out", k.CertFile)
	k.Cert = readCert(t, k.CertFile)
	tok.Keys = append(tok.Keys, k)
	return k
}

// Module writes the token's configuration, points GOSTP11_CONF at it for
// this test, and returns the path of a fresh copy of the module: a new
// "token" with the fields as they are now (the module reads them at its
// first C_Initialize).
func (tok *Token) Module(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "label %s\nmodel %s\nserial 0123456789\npin %s\ntries %d\nmechanisms %s\n", tok.Label, tok.Model, tok.PIN, tok.Tries, tok.Mechanisms)
	for i, k := range tok.Keys {
		der := filepath.Join(tok.Dir, fmt.Sprintf("cert%d.der", i))
		os.WriteFile(der, k.Cert.Raw, 0o600)
		fmt.Fprintf(&b, "key %s %s %s %s\n", k.ID, k.KeyFile, der, k.Label)
	}
	conf := filepath.Join(tok.Dir, "gostp11.conf")
	if err := os.WriteFile(conf, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if ts, ok := t.(interface{ Setenv(string, string) }); ok {
		ts.Setenv("GOSTP11_CONF", conf)
	} else {
		os.Setenv("GOSTP11_CONF", conf)
	}
	lib := buildModule(t, filepath.Join(tok.Dir, "libgostp11.so"))
	// A copy of its own each time: a library dlopened again under the
	// same path would be the one already loaded, with its state.
	tok.copies++
	own := filepath.Join(tok.Dir, fmt.Sprintf("libgostp11-%d.so", tok.copies))
	data, err := os.ReadFile(lib)
	if err == nil {
		err = os.WriteFile(own, data, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	return own
}

// Conf is the configuration file Module wrote (for a child process's
// GOSTP11_CONF).
func (tok *Token) Conf() string { return filepath.Join(tok.Dir, "gostp11.conf") }

// buildModule compiles gostp11.c to out (a library of the token's own: a
// second dlopen of one path would share the first one's state).
func buildModule(t testing.TB, out string) string {
	t.Helper()
	if _, err := os.Stat(out); err == nil {
		return out
	}
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/miekg/pkcs11").Output()
	if err != nil {
		t.Fatalf("locating miekg/pkcs11's headers: %v", err)
	}
	src := filepath.Join(filepath.Dir(out), "gostp11.c")
	os.WriteFile(src, source, 0o644)
	// OpenSSL 3 marks the engine and EC_KEY calls deprecated; the gost
	// engine of Debian 12 is an engine, not a provider, so they are what works.
	if b, err := exec.Command("gcc", "-shared", "-fPIC", "-O1", "-Wall", "-Wno-deprecated-declarations",
		"-I", strings.TrimSpace(string(dir)), "-o", out, src, "-lcrypto").CombinedOutput(); err != nil {
		t.Fatalf("building the GOST test module (needs gcc and libssl-dev): %v\n%s", err, b)
	}
	return out
}

func readCert(t testing.TB, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM certificate", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}
