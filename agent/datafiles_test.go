package agent

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseKnownSites(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string // domains; nil with err
		err      string
	}{
		{"one site", `{"sites":[{"domain":"Portal.Corp.KZ.","names":{"kk":"Портал","ru":"Портал","en":"Portal"}}]}`, []string{"portal.corp.kz"}, ""},
		{"empty list", `{"sites":[]}`, []string{}, ""},
		{"built-in kept out", `{"sites":[{"domain":"egov.kz","names":{"en":"x"}}]}`, []string{}, ""},
		{"no sites key", `{}`, nil, "no \"sites\""},
		{"unknown key", `{"sites":[],"code":"x"}`, nil, "unknown field"},
		{"unknown key in entry", `{"sites":[{"domain":"a.corp.kz","names":{},"path":"/x"}]}`, nil, "unknown field"},
		{"trailing data", `{"sites":[]} {}`, nil, "data after"},
		{"not JSON", `sites: egov`, nil, "invalid character"},
		{"look-alike of a built-in", `{"sites":[{"domain":"egov-kz.com","names":{"en":"x"}}]}`, nil, "looks like egov.kz"},
		{"whole ending", `{"sites":[{"domain":"com.kz","names":{"en":"x"}}]}`, nil, "whole domain ending"},
		{"an address", `{"sites":[{"domain":"https://a.corp.kz/","names":{"en":"x"}}]}`, nil, "domain name only"},
		{"too large", `{"sites":[]}` + strings.Repeat(" ", MaxDataFileBytes), nil, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKnownSites([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var doms []string
			for _, k := range got {
				doms = append(doms, k.Domain)
			}
			if strings.Join(doms, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("domains = %v, want %v", doms, tc.want)
			}
		})
	}
}

// testCert makes a self-signed certificate, a CA or not, in PEM.
func testCert(t testing.TB, cn string, ca bool) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		BasicConstraintsValid: true, IsCA: ca}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestParseCACerts(t *testing.T) {
	root, root2, leaf := testCert(t, "NCA ROOT", true), testCert(t, "NCA GOST", true), testCert(t, "A PERSON", false)
	cat := func(b ...[]byte) string { return string(bytes.Join(b, nil)) }
	for _, tc := range []struct {
		name, in string
		cas      []string
		skipped  int
		err      string
	}{
		{"two CAs", cat(root, root2), []string{"NCA ROOT", "NCA GOST"}, 0, ""},
		{"duplicate kept once", cat(root, root), []string{"NCA ROOT"}, 0, ""},
		{"leaf ignored", cat(root, leaf), []string{"NCA ROOT"}, 1, ""},
		{"only a leaf", cat(leaf), nil, 1, ""},
		{"empty", "", nil, 0, "no certificate"},
		{"not PEM", "hello", nil, 0, "not a PEM"},
		{"trailing text", cat(root, []byte("junk")), nil, 0, "not a PEM"},
		{"a key block", cat(root, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")), nil, 0, "not a CERTIFICATE"},
		{"broken certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", nil, 0, "x509"},
		{"too large", cat(root) + strings.Repeat("\n", MaxDataFileBytes), nil, 0, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cas, skipped, err := ParseCACerts([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || cas != nil {
					t.Fatalf("err = %v, cas %d, want %q", err, len(cas), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cas {
				if !c.IsCA {
					t.Errorf("%s is not a CA", c.Subject)
				}
				names = append(names, c.Subject.CommonName)
			}
			if strings.Join(names, ",") != strings.Join(tc.cas, ",") || len(skipped) != tc.skipped {
				t.Fatalf("cas = %v skipped %v, want %v and %d", names, skipped, tc.cas, tc.skipped)
			}
		})
	}
}

func TestLoadDataFiles(t *testing.T) {
	site := `{"sites":[{"domain":"portal.corp.kz","names":{"en":"Portal"}}]}`
	ca := string(testCert(t, "NCA ROOT", true))
	for _, tc := range []struct {
		name    string
		files   map[string]string
		sites   int
		cas     int
		modules bool
		logs    []string // in the log
	}{
		{"none", nil, 0, 0, false, nil},
		{"all good", map[string]string{KnownSitesFile: site, NCACACertsFile: ca, TokenModulesFile: `{"modules":[]}`}, 1, 1, true, nil},
		{"bad sites, good CAs", map[string]string{KnownSitesFile: `{"sites":[{"domain":"egov.kz.evil.com","names":{}}]}`, NCACACertsFile: ca}, 0, 1, false, []string{KnownSitesFile}},
		{"bad CAs, good sites", map[string]string{KnownSitesFile: site, NCACACertsFile: "junk"}, 1, 0, false, []string{NCACACertsFile}},
		{"leaf among CAs logged", map[string]string{NCACACertsFile: ca + string(testCert(t, "LEAF", false))}, 0, 1, false, []string{"not a CA certificate", "LEAF"}},
		{"test CA not a production one", map[string]string{NCACACertsFile: ca + string(testCert(t, "NCA TEST GOST", true))}, 0, 1, false, []string{"a test CA", "NCA TEST GOST"}},
		{"too large", map[string]string{KnownSitesFile: site + strings.Repeat(" ", MaxDataFileBytes)}, 0, 0, false, []string{"larger than"}},
		{"a folder instead of a file", map[string]string{KnownSitesFile + "/x": ""}, 0, 0, false, []string{KnownSitesFile}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, b := range tc.files {
				p := filepath.Join(dir, n)
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(b), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var log bytes.Buffer
			d := LoadDataFiles(dir, slog.New(slog.NewTextHandler(&log, nil)))
			if len(d.KnownSites) != tc.sites || len(d.ProductionCAs) != tc.cas || (d.TokenModules != nil) != tc.modules {
				t.Fatalf("got %d sites, %d CAs, modules %v", len(d.KnownSites), len(d.ProductionCAs), d.TokenModules != nil)
			}
			unused := map[string]string{"bad sites, good CAs": KnownSitesFile, "bad CAs, good sites": NCACACertsFile, "too large": KnownSitesFile, "a folder instead of a file": KnownSitesFile}
			if strings.Join(d.Unused, ",") != unused[tc.name] {
				t.Errorf("unused = %v", d.Unused)
			}
			for _, w := range tc.logs {
				if !strings.Contains(log.String(), w) {
					t.Errorf("log lacks %q:\n%s", w, log.String())
				}
			}
			if tc.logs == nil && log.Len() > 0 {
				t.Errorf("unexpected log:\n%s", log.String())
			}
		})
	}
}

func TestDataFilesApply(t *testing.T) {
	d := DataFiles{KnownSites: []KnownService{{Domain: "portal.corp.kz"}, {Domain: "mine.corp.kz"}}}
	own := KnownService{Domain: "mine.corp.kz", Names: map[string]string{"en": "Mine"}}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"added", Config{}, "portal.corp.kz,mine.corp.kz"},
		{"config's entry kept first", Config{KnownOrigins: []KnownService{own}}, "mine.corp.kz,portal.corp.kz"},
		{"policy replaces everything", Config{KnownOrigins: []KnownService{own}, Managed: map[PolicyKey]bool{PolicyKnownOrigins: true}}, "mine.corp.kz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := d.Apply(tc.cfg)
			var doms []string
			for _, k := range got.KnownOrigins {
				doms = append(doms, k.Domain)
			}
			if strings.Join(doms, ",") != tc.want {
				t.Fatalf("known = %v, want %s", doms, tc.want)
			}
			if got.KnownOrigins[0].Domain == "mine.corp.kz" && got.KnownOrigins[0].Names["en"] != "Mine" {
				t.Errorf("the config's own entry was replaced")
			}
			if Classify(Origin{Scheme: "https", Host: "portal.corp.kz", Port: 443}, got.KnownOrigins).Class == OriginKnown != strings.Contains(tc.want, "portal") {
				t.Errorf("Classify disagrees with the list")
			}
		})
	}
}

func FuzzParseKnownSites(f *testing.F) {
	f.Add([]byte(`{"sites":[{"domain":"portal.corp.kz","names":{"kk":"x"}}]}`))
	f.Add([]byte(`{"sites":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sites, err := ParseKnownSites(b)
		if err != nil && sites != nil {
			t.Fatal("sites with an error")
		}
		// What is accepted passes the config's own checks again.
		if _, err := CheckKnownOrigins(sites); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzParseCACerts(f *testing.F) {
	f.Add(testCert(f, "NCA ROOT", true))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cas, _, err := ParseCACerts(b)
		if err != nil && cas != nil {
			t.Fatal("CAs with an error")
		}
		for _, c := range cas {
			if !c.IsCA || !c.BasicConstraintsValid {
				t.Fatal("a certificate that is not a CA was kept")
			}
		}
	})
}
