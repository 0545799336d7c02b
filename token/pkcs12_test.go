package token

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/qoltanba/qoltanba/signer"
)

var testPassword = []byte("Qwerty12")

func sharedKeyFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(ncatest.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && filepath.Ext(p) == ".p12" {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) < 20 {
		t.Fatalf("want the 20 shared NCA key files, found %d (%v)", len(files), err)
	}
	return files
}

func TestSharedNCAKeyFiles(t *testing.T) {
	for _, f := range sharedKeyFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			keys, err := ParsePKCS12(data, testPassword)
			if err != nil {
				t.Fatal(err)
			}
			defer CloseAll(keys)
			if len(keys) != 1 {
				t.Fatalf("got %d keys, want 1", len(keys))
			}
			k := keys[0]
			base := strings.TrimSuffix(filepath.Base(f), ".p12")
			if !strings.HasSuffix(base, "_"+k.Alias) {
				t.Errorf("alias %q does not match file name %s", k.Alias, base)
			}
			want := map[string]signer.KeyAlgorithm{"GOST512": signer.GOST2015, "GOSTKNCA": signer.GOST2004, "RSA256": signer.RSA, "AUTH": signer.RSA}[strings.Split(base, "_")[0]]
			if k.Algorithm != want {
				t.Errorf("algorithm %v, want %v", k.Algorithm, want)
			}
			if !strings.Contains(k.Certificate.Subject.SerialNumber, "IIN") && !strings.Contains(k.Certificate.Subject.String(), "BIN") {
				t.Errorf("unexpected subject %v", k.Certificate.Subject)
			}
			// The key signs and the signature verifies against the certificate.
			assertSigns(t, k)
		})
	}
}

// assertSigns signs a digest with k and verifies it with the certificate's key.
func assertSigns(t *testing.T, k *Key) {
	t.Helper()
	pub, err := signer.PublicKey(k.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signer.SchemeFor(pub)
	if err != nil {
		t.Fatal(err)
	}
	digest := s.Digest([]byte("qoltanba"))
	sig, err := k.Signer.Sign(rand.Reader, digest, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.VerifyDigest(pub, s, digest, sig); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	digest[0] ^= 1
	if err := signer.VerifyDigest(pub, s, digest, sig); err == nil {
		t.Fatal("signature over another digest verified")
	}
}

func TestWrongPassword(t *testing.T) {
	files := sharedKeyFiles(t)
	for _, pw := range []string{"Qwerty13", "", "qwerty12", "Qwerty12 "} {
		data, _ := os.ReadFile(files[0])
		_, err := ParsePKCS12(data, []byte(pw))
		if !errors.Is(err, ErrWrongPassword) {
			t.Errorf("password %q: got %v, want ErrWrongPassword", pw, err)
		}
	}
}

func TestCorruptInput(t *testing.T) {
	data, err := os.ReadFile(sharedKeyFiles(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":     nil,
		"text":      []byte("this is not a key file\n"),
		"random":    randomBytes(t, 2000),
		"too large": make([]byte, MaxPKCS12Size+1),
	}
	for _, n := range []int{1, 10, 100, len(data) / 2, len(data) - 1} {
		cases["truncated "+strconv.Itoa(n)] = data[:n]
	}
	for _, off := range []int{5, 40, 200, 900, 1500, len(data) - 30, len(data) - 3} {
		c := bytes.Clone(data)
		c[off] ^= 0x5a
		cases["flipped "+strconv.Itoa(off)] = c
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			keys, err := ParsePKCS12(in, testPassword)
			if err == nil {
				CloseAll(keys)
				t.Fatal("corrupt input accepted")
			}
		})
	}
	if _, err := ParsePKCS12(make([]byte, MaxPKCS12Size+1), testPassword); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize: got %v", err)
	}
	if _, err := ParsePKCS12([]byte("junk"), testPassword); !errors.Is(err, ErrNotPKCS12) {
		t.Errorf("junk: got %v", err)
	}
}

func TestGoPKCS12Encoders(t *testing.T) {
	ca, caKey := testCA(t)
	leafKeys := map[string]crypto.Signer{
		"rsa":  mustRSA(t),
		"p256": mustEC(t, elliptic.P256()),
		"p384": mustEC(t, elliptic.P384()),
	}
	encoders := map[string]*gopkcs12.Encoder{
		"Modern2023": gopkcs12.Modern2023, "Modern2026": gopkcs12.Modern2026,
		"LegacyRC2": gopkcs12.LegacyRC2, "LegacyDES": gopkcs12.LegacyDES, "Passwordless": gopkcs12.Passwordless,
	}
	for kn, key := range leafKeys {
		leaf := testLeaf(t, ca, caKey, key)
		for en, enc := range encoders {
			t.Run(kn+"/"+en, func(t *testing.T) {
				pw := "pässwörd-Ұ"
				if en == "Passwordless" {
					pw = ""
				}
				pfx, err := enc.Encode(key, leaf, []*x509.Certificate{ca}, pw)
				if err != nil {
					t.Fatal(err)
				}
				keys, err := ParsePKCS12(pfx, []byte(pw))
				if err != nil {
					t.Fatal(err)
				}
				defer CloseAll(keys)
				if len(keys) != 1 || !keys[0].Certificate.Equal(leaf) {
					t.Fatalf("got %d keys, want the leaf", len(keys))
				}
				if len(keys[0].Chain) != 1 || !keys[0].Chain[0].Equal(ca) {
					t.Errorf("chain not found: %d", len(keys[0].Chain))
				}
				assertSigns(t, keys[0])
				if pw != "" {
					if _, err := ParsePKCS12(pfx, []byte("wrong")); !errors.Is(err, ErrWrongPassword) {
						t.Errorf("wrong password: %v", err)
					}
				}
			})
		}
	}
}

// TestOpenSSLFiles reads key files written by the openssl command (modern
// OpenSSL 3 defaults: PBES2/PBKDF2/AES-256-CBC, HMAC-SHA256; and -legacy).
func TestOpenSSLFiles(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("openssl is required (installed by .ci/run)")
	}
	dir := t.TempDir()
	pw := "Qwerty12"
	for _, kt := range []struct{ name, newkey string }{
		{"rsa", "rsa:2048"}, {"p256", "ec -pkeyopt ec_paramgen_curve:P-256"}, {"p384", "ec -pkeyopt ec_paramgen_curve:P-384"},
	} {
		for _, mode := range []string{"modern", "legacy", "aes128-sha512"} {
			t.Run(kt.name+"/"+mode, func(t *testing.T) {
				key, crt, p12 := filepath.Join(dir, kt.name+".key"), filepath.Join(dir, kt.name+".crt"), filepath.Join(dir, kt.name+mode+".p12")
				run(t, "openssl req -x509 -newkey "+kt.newkey+" -nodes -keyout "+key+" -out "+crt+" -subj /CN=qoltanba-test -days 2")
				args := "openssl pkcs12 -export -inkey " + key + " -in " + crt + " -out " + p12 + " -passout pass:" + pw + " -name testkey"
				switch mode {
				case "legacy":
					args += " -legacy"
				case "aes128-sha512":
					args += " -keypbe AES-128-CBC -certpbe AES-128-CBC -macalg sha512"
				}
				run(t, args)
				data, err := os.ReadFile(p12)
				if err != nil {
					t.Fatal(err)
				}
				keys, err := ParsePKCS12(data, []byte(pw))
				if err != nil {
					t.Fatal(err)
				}
				defer CloseAll(keys)
				if len(keys) != 1 || keys[0].Alias != "testkey" {
					t.Fatalf("keys: %v", keys)
				}
				assertSigns(t, keys[0])
			})
		}
	}
}

func TestCloseWipes(t *testing.T) {
	data, _ := os.ReadFile(sharedKeyFiles(t)[0])
	keys, err := ParsePKCS12(data, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	gs := keys[0].Signer.(*signer.GOSTSigner)
	keys[0].Close()
	if keys[0].Signer != nil {
		t.Fatal("signer kept after Close")
	}
	if !gs.Wiped() {
		t.Fatal("private scalar not zeroed")
	}
}

// fuzzMaxIter bounds the fuzz targets' key derivations, so a mutated
// input spends its time in the parsers, not in hashing (thousands of
// executions a second instead of a dozen).
const fuzzMaxIter = 16

// FuzzParsePKCS12 runs the whole reader over mutated files made with one
// KDF iteration, and over the structure of the real NCA files (their own
// iteration counts are over fuzzMaxIter, so their MACs are refused before
// any hashing).
func FuzzParsePKCS12(f *testing.F) {
	ca, caKey := testCA(f)
	key := mustEC(f, elliptic.P256())
	leaf := testLeaf(f, ca, caKey, key)
	for _, enc := range []*gopkcs12.Encoder{gopkcs12.Passwordless, gopkcs12.LegacyRC2.WithIterations(1),
		gopkcs12.LegacyDES.WithIterations(1), gopkcs12.Modern2023.WithIterations(1)} {
		pw := "pw"
		if enc == gopkcs12.Passwordless {
			pw = ""
		}
		pfx, err := enc.Encode(key, leaf, []*x509.Certificate{ca}, pw)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(pfx, pw)
	}
	for _, file := range sharedKeyFiles(f)[:3] {
		data, _ := os.ReadFile(file)
		f.Add(data, "Qwerty12")
	}
	f.Fuzz(func(t *testing.T, data []byte, pw string) {
		r, err := parsePKCS12(data, []byte(pw), fuzzMaxIter)
		if err != nil {
			return
		}
		keys, err := r.keys()
		if err == nil {
			if len(keys) == 0 {
				t.Fatal("no error and no keys")
			}
			CloseAll(keys)
		}
	})
}

// FuzzPKCS8Key runs the private-key parser (below the KDF) over the
// decrypted keys of every shared NCA file: RSA, GOST 34.310-2004 and
// GOST 34.10-2015.
func FuzzPKCS8Key(f *testing.F) {
	for _, file := range sharedKeyFiles(f) {
		data, _ := os.ReadFile(file)
		r, err := parsePKCS12(data, []byte("Qwerty12"), maxIterations)
		if err != nil {
			f.Fatal(err)
		}
		for _, rk := range r.rawKeys {
			f.Add(bytes.Clone(rk.pkcs8))
		}
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		s, err := signer.ParsePKCS8PrivateKey(der)
		if err == nil && s == nil {
			t.Fatal("no error and no key")
		}
	})
}

// --- helpers

func run(t *testing.T, cmdline string) {
	t.Helper()
	f := strings.Fields(cmdline)
	out, err := exec.Command(f[0], f[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmdline, err, out)
	}
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func mustRSA(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustEC(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testCA(t testing.TB) (*x509.Certificate, crypto.Signer) {
	k := mustEC(t, elliptic.P256())
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "qoltanba test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c, k
}

func testLeaf(t testing.TB, ca *x509.Certificate, caKey crypto.Signer, key crypto.Signer) *x509.Certificate {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "ТЕСТОВ ТЕСТ", SerialNumber: "IIN123456789011"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}
