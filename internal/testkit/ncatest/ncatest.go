// Package ncatest is the NCA test material every test package uses: where
// testdata/nca is (carried in the repository), the key files, CA certificates and samples
// in it, their password, and the fixed clocks at which each generation of
// keys is valid (most of them have expired by now).
//
// Paths are absolute, found from the module root, so a test in any
// package names the same file the same way.
package ncatest

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Password of every NCA test key file.
const Password = "Qwerty12"

// Times at which the keys are valid: the official GOST-2015 bundle
// (2025-10-17 to 2026-10-17) and the 2020 RSA/GOST-2004 keys.
var (
	Time2026 = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	Time2020 = time.Date(2020, 9, 10, 12, 0, 0, 0, time.UTC)
)

// Dir is NCA's test material, testdata/nca at the repository's root (its
// README says where each file comes from).
var Dir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "nca")
}()

// Path names a file of the test material.
func Path(rel string) string { return filepath.Join(Dir, filepath.FromSlash(rel)) }

// Key files.
var (
	// GOST2015FL is an individual's GOST 34.10-2015-512 key (ТЕСТОВ ТЕСТ, IIN 123456789011), login and signing.
	GOST2015FL = Path("official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/FL/valid/GOST512_d6d1e53515d516a7d95d399b668cf09011bf118d.p12")
	// GOST2015Head is a legal entity's first head (АО "ТЕСТ", BIN 123456789021): the longest subject.
	GOST2015Head = Path("official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/UL_first_head/valid/GOST512_0f923a405e7a60ef08debcf4715d7f818637b82b.p12")
	// RSAAuth and RSASign are the 2020 RSA pair (login; signing).
	RSAAuth = Path("rsa-gost2004-2020/personal/active/AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.p12")
	RSASign = Path("rsa-gost2004-2020/personal/active/RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.p12")
	// GOST2004 is an organisation's GOST 34.310-2004 key of 2020.
	GOST2004 = Path("rsa-gost2004-2020/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12")
)

// CA certificates: the GOST-2015 test chain and the 2018 test roots and
// intermediates.
var (
	GOSTRoot2022 = Path("official-gost2015-bundle/ca/root_test_gost_2022.cer")
	GOSTCA2022   = Path("official-gost2015-bundle/ca/nca_gost2022_test.cer")
	RSARoot2018  = Path("ca-test-2018/root_rsa_test.crt")
	RSACA2018    = Path("ca-test-2018/nca_rsa_test.crt")
	GOSTRoot2018 = Path("ca-test-2018/root_gost_test.crt")
	GOSTCA2018   = Path("ca-test-2018/nca_gost_test.crt")
	// CRL2026 is NCA's test GOST CRL of 2026-08-11, listing every revoked/
	// certificate of the official bundle.
	CRL2026 = Path("crl-2026-08/nca_gost2022_test.crl")
)

// Read returns a file of the test material, failing the test when it is
// not there.
func Read(tb interface {
	Helper()
	Fatal(...any)
}, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Certs reads certificate files of the test material (PEM or DER, one
// certificate a file), failing the test on any that does not parse.
func Certs(tb interface {
	Helper()
	Fatal(...any)
}, paths ...string) []*x509.Certificate {
	tb.Helper()
	var out []*x509.Certificate
	for _, p := range paths {
		b := Read(tb, p)
		if blk, _ := pem.Decode(b); blk != nil {
			b = blk.Bytes
		}
		c, err := x509.ParseCertificate(b)
		if err != nil {
			tb.Fatal(p, err)
		}
		out = append(out, c)
	}
	return out
}
