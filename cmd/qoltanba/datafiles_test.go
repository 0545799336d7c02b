package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
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

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer/verify/trust"
)

// The update's known-sites.json (where `qoltanba update` writes it) makes
// its sites known to `qoltanba origin`, and their look-alikes look-alikes;
// a bad file leaves the built-in sites and a machine policy's knownOrigins
// replaces it as it replaces the config's.
func TestOriginReadsKnownSitesDataFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json") // none: defaults
	empty := filepath.Join(dir, "policy-empty.json")
	os.WriteFile(empty, []byte(`{}`), 0o600)
	pol := filepath.Join(dir, "policy-known.json")
	os.WriteFile(pol, []byte(`{"knownOrigins":[{"domain":"other.kz","names":{"en":"Other"}}]}`), 0o600)
	good := `{"sites":[{"domain":"mybank.kz","names":{"kk":"Менің банкім","ru":"Мой банк","en":"My Bank"}}]}`
	for _, c := range []struct {
		name, file, policy, origin string
		code                       int
		out                        string
	}{
		{"known from the file", good, empty, "https://online.mybank.kz", 0, "known: online.mybank.kz (My Bank)\n"},
		{"look-alike of the file's site", good, empty, "https://rnybank.kz", 2, "lookalike of mybank.kz: rnybank.kz — the address uses letters or digits that only look like those of mybank.kz (rnybank.kz)\n"},
		{"no file: unknown", "", empty, "https://rnybank.kz", 1, "unknown: rnybank.kz\n"},
		{"bad file: built-in data", `{"sites":[{"domain":"mybank.kz","names":{}}],"x":1}`, empty, "https://rnybank.kz", 1, "unknown: rnybank.kz\n"},
		{"bad file keeps the built-in look-alikes", `not json`, empty, "https://egvo.kz", 2, "lookalike of egov.kz: egvo.kz — egov.kz with two letters swapped (egvo.kz)\n"},
		{"policy's knownOrigins replace the file", good, pol, "https://rnybank.kz", 1, "unknown: rnybank.kz\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := t.TempDir()
			if c.file != "" {
				d := filepath.Join(data, "qoltanba", "update", "data")
				os.MkdirAll(d, 0o700)
				if err := os.WriteFile(filepath.Join(d, "known-sites.json"), []byte(c.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(binary, "origin", "--config", cfg, "--policy", c.policy, c.origin)
			cmd.Env = append(withoutLocale(os.Environ()), "LANG=en_US.UTF-8", "XDG_DATA_HOME="+data)
			out, _ := cmd.Output()
			if cmd.ProcessState.ExitCode() != c.code || string(out) != c.out {
				t.Errorf("exit %d %q, want %d %q", cmd.ProcessState.ExitCode(), out, c.code, c.out)
			}
		})
	}
}

// `verify --trust production` without --ca-dir takes the production CAs of
// the update's nca-ca-certs.pem; NCA's test CAs there are not ones.
func TestVerifyReadsCACertsDataFile(t *testing.T) {
	data := t.TempDir()
	d := filepath.Join(data, "qoltanba", "update", "data")
	os.MkdirAll(d, 0o700)
	run := func() (int, string) {
		cmd := exec.Command(binary, "verify", "--format", "cms", "--in", ncatest.Path("kalkan-cms/individual_attached.der"), "--trust", "production", "--at", "2026-07-20")
		cmd.Env = append(withoutLocale(os.Environ()), "LANG=en_US.UTF-8", "XDG_DATA_HOME="+data)
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	if code, out := run(); code != 2 || !strings.Contains(out, "pki.gov.kz") {
		t.Fatalf("no data file: exit %d %s, want the --ca-dir usage error", code, out)
	}
	// NCA's test CAs (TEST in their names) are never production anchors.
	var testCAs []byte
	for _, c := range trust.TestCAs() {
		testCAs = append(testCAs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	os.WriteFile(filepath.Join(d, "nca-ca-certs.pem"), testCAs, 0o600)
	if code, out := run(); code != 2 || !strings.Contains(out, "pki.gov.kz") {
		t.Fatalf("test CAs in the data file: exit %d %s, want the --ca-dir usage error", code, out)
	}
	// A production CA (not this signature's): the chain is checked
	// against it and fails, never "no CA" nor VALID.
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "NCA ROOT"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(d, "nca-ca-certs.pem"), append(testCAs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...), 0o600)
	code, out := run()
	if code != 1 || strings.Contains(out, "pki.gov.kz") || strings.Contains(out, "VALID") && !strings.Contains(out, "INVALID") {
		t.Fatalf("a production CA in the data file: exit %d %s, want the chain checked against it and refused", code, out)
	}
}

// status says what the data files add, and which it does not use.
func TestStatusShowsDataFiles(t *testing.T) {
	data, conf := t.TempDir(), t.TempDir()
	d := filepath.Join(data, "qoltanba", "update", "data")
	os.MkdirAll(d, 0o700)
	os.WriteFile(filepath.Join(d, "known-sites.json"), []byte(`{"sites":[{"domain":"mybank.kz","names":{"en":"My Bank"}}]}`), 0o600)
	os.WriteFile(filepath.Join(d, "token-modules.json"), []byte(`{"modules":[{"name":"x","storage":"PKCS12","linux":["/tmp/evil.so"]}]}`), 0o600)
	policy := filepath.Join(conf, "policy.json")
	os.WriteFile(policy, []byte(`{}`), 0o600)
	cmd := exec.Command(binary, "status", "--policy", policy)
	cmd.Env = append(withoutLocale(os.Environ()), "LANG=en_US.UTF-8", "XDG_DATA_HOME="+data, "XDG_CONFIG_HOME="+conf)
	out, _ := cmd.Output()
	for _, want := range []string{"update data: 1 known sites, 0 production CA certificates, 0 token modules added", "update data: token-modules.json not used"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}
