package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
)

// TestSets: the carried test CAs are exactly the shared material's CA
// certificates; the production set never has a test CA and needs a
// directory; both merges without duplicates.
func TestSets(t *testing.T) {
	carried := TestCAs()
	if len(carried) != 6 {
		t.Fatalf("%d carried test CAs", len(carried))
	}
	shared, _ := filepath.Glob(ncatest.Path("*/ca/*.cer"))
	more, _ := filepath.Glob(ncatest.Path("ca-test-2018/*.crt"))
	for _, f := range append(shared, more...) {
		c := parse(ncatest.Read(t, f))
		found := false
		for _, have := range carried {
			found = found || have.Equal(c)
		}
		if !found || !IsTest(c) || !c.IsCA {
			t.Errorf("%s: carried %v, test %v", filepath.Base(f), found, IsTest(c))
		}
	}
	for _, tc := range []struct {
		set  Set
		dir  string
		want int
		err  bool
	}{
		{Test, "", 6, false},
		{Test, ncatest.Dir, 6, false}, // the same six, not twice
		{Production, "", 0, true},
		// A directory with test CAs only: no production anchor, an error
		// (never a set that silently checks nothing).
		{Production, ncatest.Dir, 0, true},
		{Both, ncatest.Dir, 0, true},
		{Production, t.TempDir(), 0, true},
		{"staging", "", 0, true},
	} {
		got, err := Load(tc.set, tc.dir)
		if (err != nil) != tc.err || len(got) != tc.want {
			t.Errorf("Load(%s, %q): %d CAs, %v", tc.set, tc.dir, len(got), err)
		}
	}
	// A production CA in the directory (here: a made-up one named without TEST).
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "prod.pem"), prodCA(t), 0o644)
	if got, err := Load(Production, dir); err != nil || len(got) != 1 || IsTest(got[0]) {
		t.Errorf("production: %d", len(got))
	}
	if got, err := Load(Both, dir); len(got) != 7 || err != nil {
		t.Errorf("both: %d", len(got))
	}
}

func prodCA(t *testing.T) []byte {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
