package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// openssl runs OpenSSL with the gost engine (Debian libengine-gost-openssl).
func opensslGOST(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestRussianGOSTInterop: Russian GOST R 34.10-2012 keys (256 and 512
// bits, several parameter sets) made by OpenSSL with the gost engine, both
// ways: qoltanba loads OpenSSL's PKCS#12 and its CMS passes `openssl cms
// -verify`; `qoltanba verify` accepts CMS made by `openssl cms -sign`; a
// changed document fails; --profile kz is refused for them.
func TestRussianGOSTInterop(t *testing.T) {
	if out, err := exec.Command("openssl", "engine", "gost").CombinedOutput(); err != nil {
		t.Fatalf("the OpenSSL gost engine is required (Debian libengine-gost-openssl; installed by .ci/run): %v %s", err, out)
	}
	pw := passwordFile(t)
	for _, tc := range []struct{ alg, paramset, name string }{
		{"gost2012_256", "A", "256-A"}, {"gost2012_256", "B", "256-B"}, {"gost2012_256", "TCA", "256-tc26A"},
		{"gost2012_512", "A", "512-A"}, {"gost2012_512", "B", "512-B"}, {"gost2012_512", "C", "512-C"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			key, cert, p12 := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.p12")
			opensslGOST(t, "genpkey", "-engine", "gost", "-algorithm", tc.alg, "-pkeyopt", "paramset:"+tc.paramset, "-out", key)
			opensslGOST(t, "req", "-engine", "gost", "-new", "-x509", "-key", key, "-subj", "/CN=Ivanov Ivan/C=RU", "-days", "30", "-out", cert)
			opensslGOST(t, "pkcs12", "-engine", "gost", "-export", "-inkey", key, "-in", cert, "-out", p12, "-passout", "pass:Qwerty12")
			r := qoltanba(t, nil, "keys", "--p12", p12, "--password-file", pw).mustOK(t)
			if !strings.Contains(r.stdout, "algorithm=GOST3410-2012-"+tc.alg[len(tc.alg)-3:]) {
				t.Errorf("keys: %s", r.stdout)
			}
			doc := tempFile(t, "doc.txt", []byte("Договор поставки № 7\n"))
			ours := filepath.Join(dir, "ours.cms")
			qoltanba(t, nil, "sign", "--p12", p12, "--password-file", pw, "--format", "cms", "--profile", "ru", "--in", doc, "--out", ours).mustOK(t)
			opensslGOST(t, "cms", "-verify", "-engine", "gost", "-inform", "DER", "-in", ours, "-CAfile", cert, "-binary", "-out", os.DevNull)
			// And detached, the way a document goes to a Russian counterpart.
			det := filepath.Join(dir, "det.cms")
			qoltanba(t, nil, "sign", "--p12", p12, "--password-file", pw, "--format", "cms", "--detached", "--in", doc, "--out", det).mustOK(t)
			opensslGOST(t, "cms", "-verify", "-engine", "gost", "-inform", "DER", "-in", det, "-content", doc, "-CAfile", cert, "-binary", "-out", os.DevNull)
			// OpenSSL's CMS, verified by qoltanba.
			theirs := filepath.Join(dir, "theirs.cms")
			opensslGOST(t, "cms", "-sign", "-engine", "gost", "-signer", cert, "-inkey", key, "-in", doc, "-outform", "DER", "-binary", "-nodetach", "-out", theirs)
			v := qoltanba(t, nil, "verify", "--format", "cms", "--in", theirs, "--ca", cert).mustOK(t)
			if !strings.Contains(v.stdout, "VALID: 1 signer(s)") || !strings.Contains(v.stdout, `cn="Ivanov Ivan"`) {
				t.Errorf("verify OpenSSL's CMS:\n%s", v.stdout)
			}
			theirsDet := filepath.Join(dir, "theirs-det.cms")
			opensslGOST(t, "cms", "-sign", "-engine", "gost", "-signer", cert, "-inkey", key, "-in", doc, "-outform", "DER", "-binary", "-out", theirsDet)
			qoltanba(t, nil, "verify", "--format", "cms", "--in", theirsDet, "--data", doc, "--ca", cert).mustOK(t)
			if r := qoltanba(t, nil, "verify", "--format", "cms", "--in", theirsDet, "--data", tempFile(t, "x", []byte("другой\n")), "--ca", cert); r.code != 1 {
				t.Errorf("a changed document: %+v", r)
			}
			if r := qoltanba(t, nil, "sign", "--p12", p12, "--password-file", pw, "--format", "cms", "--profile", "kz", "--in", doc); r.code != 2 || !strings.Contains(r.stderr, "would not verify") {
				t.Errorf("--profile kz with a Russian key: %+v", r)
			}
		})
	}
	// NCA's keys are kz; --profile ru is refused for them.
	if r := qoltanba(t, nil, "sign", "--p12", gostKey, "--password-file", pw, "--format", "cms", "--profile", "ru", "--in", tempFile(t, "d", []byte("x"))); r.code != 2 {
		t.Errorf("--profile ru with an NCA key: %+v", r)
	}
	qoltanba(t, []byte("x"), "sign", "--p12", gostKey, "--password-file", pw, "--format", "cms", "--profile", "kz").mustOK(t)
}
