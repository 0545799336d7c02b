package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"github.com/qoltanba/qoltanba/internal/testkit/testtsa"
)

var (
	binary   string // built once in TestMain
	rsaKey   = ncatest.RSASign
	gostKey  = ncatest.GOST2015Head
	gost04   = ncatest.GOST2004
	rsaCAs   = []string{"--ca", ncatest.RSARoot2018, "--ca", ncatest.RSACA2018, "--at", "2020-10-01T00:00:00Z"}
	gostCAs  = []string{"--ca", ncatest.GOSTRoot2022, "--ca", ncatest.GOSTCA2022, "--at", "2026-01-15T00:00:00Z"}
	gost04CA = []string{"--ca", ncatest.GOSTRoot2018, "--ca", ncatest.GOSTCA2018, "--at", "2020-10-01T00:00:00Z"}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "qoltanba-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "qoltanba")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// qoltanba runs the built binary with stdin and returns what it printed.
func qoltanba(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	return runBinary(t, nil, stdin, args...)
}

// qoltanbaEnv runs the built binary in env (a throwaway home).
func qoltanbaEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runBinary(t, env, nil, args...)
}

func runBinary(t *testing.T, env []string, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func (r result) mustOK(t *testing.T) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	return r
}

func passwordFile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte("Qwerty12\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func tempFile(t *testing.T, name string, data []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVersion(t *testing.T) {
	r := qoltanba(t, nil, "version").mustOK(t)
	if !strings.HasPrefix(r.stdout, "qoltanba ") {
		t.Errorf("version: %q", r.stdout)
	}
}

func TestKeys(t *testing.T) {
	pw := passwordFile(t)
	for _, tc := range []struct{ file, want string }{
		{rsaKey, "alias=11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9 algorithm=RSA cn=\"ТЕСТОВ ТЕСТ\" iin=123456789011 bin=- not-before=2020-01-28T06:23:04Z not-after=2021-01-27T06:23:04Z kind=sign state=expired\n"},
		{gostKey, "alias=0f923a405e7a60ef08debcf4715d7f818637b82b algorithm=ECGOST3410-2015-512 cn=\"ТЕСТОВ ТЕСТ\" iin=123456789011 bin=123456789021 not-before=2025-10-17T07:45:00Z not-after=2026-10-17T07:45:00Z kind=both state=expired\n"},
		{gost04, "algorithm=ECGOST34310"},
		{ncatest.RSAAuth, "kind=auth"},
	} {
		r := qoltanba(t, nil, "keys", "--p12", tc.file, "--password-file", pw).mustOK(t)
		if !strings.Contains(r.stdout, tc.want) {
			t.Errorf("keys %s:\n got %q\nwant %q", filepath.Base(tc.file), r.stdout, tc.want)
		}
	}
	// Wrong password: exit 1 and the reason.
	r := qoltanba(t, nil, "keys", "--p12", rsaKey, "--password-file", tempFile(t, "pw", []byte("nope\n")))
	if r.code != 1 || !strings.Contains(r.stderr, "wrong password") {
		t.Errorf("wrong password: %+v", r)
	}
	// Not a key file.
	r = qoltanba(t, nil, "keys", "--p12", tempFile(t, "x.p12", []byte("hello")), "--password-file", pw)
	if r.code != 1 || !strings.Contains(r.stderr, "not a key file, or a damaged one") {
		t.Errorf("junk file: %+v", r)
	}
	// A damaged key file (cut short): the same words, none of the parser's.
	cut := ncatest.Read(t, rsaKey)
	r = qoltanba(t, nil, "keys", "--p12", tempFile(t, "cut.p12", cut[:len(cut)/2]), "--password-file", pw)
	if r.code != 1 || !strings.Contains(r.stderr, "not a key file, or a damaged one") || strings.Contains(r.stderr, "ber:") || strings.Contains(r.stderr, "asn1") {
		t.Errorf("damaged file: %+v", r)
	}
	// No terminal and no password file: a usage error that says what to do.
	cmd := exec.Command(binary, "keys", "--p12", rsaKey)
	cmd.SysProcAttr = detachedFromTTY()
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "--password-file") {
		t.Errorf("no tty: %v %s", err, out)
	}
	// Passwords are never flag values.
	if r := qoltanba(t, nil, "keys", "--p12", rsaKey, "--password", "Qwerty12"); r.code != 2 {
		t.Errorf("--password accepted: %+v", r)
	}
}

// TestPasswordPrompt types the password into a real pseudo-terminal
// (script(1)) and checks it is not echoed.
func TestPasswordPrompt(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("script (bsdutils) is required")
	}
	cmd := exec.Command("script", "-qec", binary+" keys --p12 "+rsaKey, "/dev/null")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(stdout)
	var seen strings.Builder
	for !strings.Contains(seen.String(), "Password for") {
		b, err := br.ReadByte()
		if err != nil {
			t.Fatalf("no prompt: %q %v", seen.String(), err)
		}
		seen.WriteByte(b)
	}
	// The prompt is printed before echo is turned off; give the terminal a
	// moment so the typed password falls after it.
	time.Sleep(300 * time.Millisecond)
	io.WriteString(stdin, "Qwerty12\n")
	rest, _ := io.ReadAll(br)
	cmd.Wait()
	all := seen.String() + string(rest)
	if !strings.Contains(all, "iin=123456789011") {
		t.Fatalf("keys not listed: %q", all)
	}
	if strings.Contains(all, "Qwerty12") {
		t.Fatalf("password echoed: %q", all)
	}
}

func TestSignVerifyCMS(t *testing.T) {
	pw := passwordFile(t)
	doc := []byte("Договор № 1\nсумма 100 тенге\n")
	docFile := tempFile(t, "doc.txt", doc)
	for _, tc := range []struct {
		name, key string
		cas       []string
	}{{"RSA", rsaKey, rsaCAs}, {"GOST2015", gostKey, gostCAs}, {"GOST2004", gost04, gost04CA}} {
		t.Run(tc.name, func(t *testing.T) {
			// attached, PEM, stdin -> stdout
			r := qoltanba(t, doc, "sign", "--p12", tc.key, "--password-file", pw, "--format", "cms", "--pem").mustOK(t)
			if !strings.HasPrefix(r.stdout, "-----BEGIN CMS-----\n") {
				t.Fatalf("not PEM: %.40q", r.stdout)
			}
			for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
				if len(line) > 64 {
					t.Fatalf("PEM line of %d chars", len(line))
				}
			}
			signed := tempFile(t, "a.pem", []byte(r.stdout))
			v := qoltanba(t, nil, append([]string{"verify", "--format", "cms", "--in", signed}, tc.cas...)...).mustOK(t)
			if !strings.Contains(v.stdout, "VALID: 1 signer(s)") || !strings.Contains(v.stdout, "iin=123456789011") || !strings.Contains(v.stdout, "chain: trusted via") {
				t.Errorf("verify output:\n%s", v.stdout)
			}
			// detached from a file, DER to a file
			out := filepath.Join(t.TempDir(), "d.cms")
			qoltanba(t, nil, "sign", "--p12", tc.key, "--password-file", pw, "--format", "cms", "--detached", "--in", docFile, "--out", out).mustOK(t)
			qoltanba(t, nil, append([]string{"verify", "--format", "cms", "--in", out, "--data", docFile}, tc.cas...)...).mustOK(t)
			if r := qoltanba(t, nil, append([]string{"verify", "--format", "cms", "--in", out}, tc.cas...)...); r.code != 2 || !strings.Contains(r.stderr, "--data") {
				t.Errorf("detached without --data: %+v", r)
			}
			other := tempFile(t, "other.txt", append(bytes.Clone(doc), '!'))
			if r := qoltanba(t, nil, append([]string{"verify", "--format", "cms", "--in", out, "--data", other}, tc.cas...)...); r.code != 1 || !strings.Contains(r.stderr, "INVALID") {
				t.Errorf("changed document: %+v", r)
			}
			// Outside the validity period (no --at means now): invalid.
			if r := qoltanba(t, nil, "verify", "--format", "cms", "--in", signed, "--ca", tc.cas[1], "--ca", tc.cas[3]); r.code != 1 || !strings.Contains(r.stderr, "not valid at the validation time") {
				t.Errorf("expired now: %+v", r)
			}
		})
	}
	// --hash: a SHA-256 digest in hex for the RSA key.
	sum := sha256.Sum256(doc)
	r := qoltanba(t, []byte(hex.EncodeToString(sum[:])+"\n"), "sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--hash").mustOK(t)
	qoltanba(t, nil, append([]string{"verify", "--format", "cms", "--in", tempFile(t, "h.cms", []byte(r.stdout)), "--data", docFile}, rsaCAs...)...).mustOK(t)
	if r := qoltanba(t, []byte("abcd"), "sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--hash"); r.code != 1 || !strings.Contains(r.stderr, "32-byte") {
		t.Errorf("bad digest: %+v", r)
	}
	// The RSA output passes openssl.
	der := filepath.Join(t.TempDir(), "o.cms")
	qoltanba(t, doc, "sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--out", der).mustOK(t)
	chain := tempFile(t, "chain.pem", append(mustRead(t, ncatest.RSARoot2018), mustRead(t, ncatest.RSACA2018)...))
	if out, err := exec.Command("openssl", "cms", "-verify", "-inform", "DER", "-in", der, "-CAfile", chain, "-attime",
		fmt.Sprint(time.Date(2020, 10, 1, 0, 0, 0, 0, time.UTC).Unix()), "-purpose", "any", "-out", os.DevNull).CombinedOutput(); err != nil {
		t.Errorf("openssl: %v %s", err, out)
	}
}

// TestSignTSAUnreachable: a timestamp server that is down is said in
// words, not as Go's "Post ...: dial tcp ...".
func TestSignTSAUnreachable(t *testing.T) {
	r := qoltanba(t, []byte("asdasd"), "sign", "--p12", rsaKey, "--password-file", passwordFile(t), "--format", "cms", "--tsa", fmt.Sprintf("http://127.0.0.1:%d/tsp", freePort(t)), "--out", filepath.Join(t.TempDir(), "s"))
	if r.code != 1 || !strings.Contains(r.stderr, "refused the connection") || strings.Contains(r.stderr, "dial tcp") || strings.Contains(r.stderr, "Post ") {
		t.Errorf("TSA down: %+v", r)
	}
}

func TestSignWithTSA(t *testing.T) {
	tsaURL, tsaCA := startTSA(t)
	r := qoltanba(t, []byte("asdasd"), "sign", "--p12", rsaKey, "--password-file", passwordFile(t), "--format", "cms", "--tsa", tsaURL).mustOK(t)
	signed := tempFile(t, "t.cms", []byte(r.stdout))
	v := qoltanba(t, nil, append([]string{"verify", "--format", "cms", "--in", signed, "--tsa-ca", tsaCA}, rsaCAs...)...).mustOK(t)
	if !strings.Contains(v.stdout, "timestamp: ") || !strings.Contains(v.stdout, "(TSA trusted)") {
		t.Errorf("no trusted timestamp:\n%s", v.stdout)
	}
	if r := qoltanba(t, []byte("x"), "sign", "--p12", rsaKey, "--password-file", passwordFile(t), "--format", "cms", "--tsa", "http://127.0.0.1:1/"); r.code != 1 || !strings.Contains(r.stderr, "timestamp") {
		t.Errorf("TSA down: %+v", r)
	}
}

func TestSignVerifyXML(t *testing.T) {
	pw := passwordFile(t)
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?><root><!-- note --><name>NCANode</name></root>`)
	for _, tc := range []struct {
		key string
		cas []string
	}{{rsaKey, rsaCAs}, {gostKey, gostCAs}, {gost04, gost04CA}} {
		r := qoltanba(t, doc, "sign", "--p12", tc.key, "--password-file", pw, "--format", "xml").mustOK(t)
		signed := tempFile(t, "s.xml", []byte(r.stdout))
		v := qoltanba(t, nil, append([]string{"verify", "--format", "xml", "--in", signed}, tc.cas...)...).mustOK(t)
		if !strings.Contains(v.stdout, "iin=123456789011") {
			t.Errorf("verify: %s", v.stdout)
		}
		tampered := tempFile(t, "t.xml", bytes.Replace([]byte(r.stdout), []byte("NCANode"), []byte("NCAnode"), 1))
		if r := qoltanba(t, nil, append([]string{"verify", "--format", "xml", "--in", tampered}, tc.cas...)...); r.code != 1 {
			t.Errorf("tampered XML: %+v", r)
		}
	}
	if r := qoltanba(t, []byte("<a><b></a>"), "sign", "--p12", rsaKey, "--password-file", pw, "--format", "xml"); r.code != 1 || !strings.Contains(r.stderr, "syntax error") {
		t.Errorf("malformed XML: %+v", r)
	}
}

// TestVerifyKalkanSamplesCLI: the CLI accepts Kalkan's own signatures in
// the forms they come in (base64 text, DER, detached with a document).
func TestVerifyKalkanSamplesCLI(t *testing.T) {
	qoltanba(t, nil, append([]string{"verify", "--format", "cms", "--in", ncatest.Path("rsa-gost2004-2020/personal/active/RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.cms")}, rsaCAs...)...).mustOK(t)
	qoltanba(t, nil, append([]string{"verify", "--format", "xml", "--in", ncatest.Path("rsa-gost2004-2020/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.xml")}, gost04CA...)...).mustOK(t)
	r := qoltanba(t, nil, "verify", "--format", "cms", "--in", ncatest.Path("kalkan-cms/legal_entity_detached.der"), "--data", ncatest.Path("kalkan-cms/legal_entity_document.txt"),
		gostCAs[0], gostCAs[1], gostCAs[2], gostCAs[3], "--at", "2026-07-20T12:00:00Z").mustOK(t)
	if !strings.Contains(r.stdout, "bin=123456789021") || !strings.Contains(r.stdout, "timestamp: 2026-07-20T09:10:09Z (TSA not checked") {
		t.Errorf("kalkan CAdES-T:\n%s", r.stdout)
	}
	// --trust test: NCA's test CAs carried in qoltanba, no files needed;
	// with the NCA CRL of 2026-08 and 2026-07-20 (before its next update).
	r = qoltanba(t, nil, "verify", "--format", "cms", "--in", ncatest.Path("kalkan-cms/individual_attached.der"), "--trust", "test",
		"--crl", ncatest.CRL2026, "--at", "2026-07-20T12:00:00Z").mustOK(t)
	if !strings.Contains(r.stdout, "chain: trusted via") {
		t.Errorf("--trust test:\n%s", r.stdout)
	}
	if r := qoltanba(t, nil, "verify", "--format", "cms", "--in", ncatest.Path("kalkan-cms/individual_attached.der"), "--trust", "production"); r.code != 2 || !strings.Contains(r.stderr, "pki.gov.kz") {
		t.Errorf("--trust production without --ca-dir: %+v", r)
	}
	// A trust set with no anchor in it is an error, never VALID with the
	// chain unchecked: an empty directory, or one with test CAs only.
	for _, set := range []string{"production", "both"} {
		for _, dir := range []string{t.TempDir(), ncatest.Dir} {
			r := qoltanba(t, nil, "verify", "--format", "cms", "--in", ncatest.Path("kalkan-cms/individual_attached.der"), "--trust", set, "--ca-dir", dir, "--at", "2026-07-20")
			if r.code != 1 || strings.Contains(r.stdout, "VALID") || !strings.Contains(r.stderr, "pki.gov.kz") || strings.Contains(r.stderr, "WARNING") {
				t.Errorf("--trust %s --ca-dir %s: %+v", set, dir, r)
			}
		}
	}
	// --at takes a date as well as a time.
	r = qoltanba(t, nil, "verify", "--format", "cms", "--in", ncatest.Path("kalkan-cms/individual_attached.der"), "--trust", "test", "--at", "2026-07-20").mustOK(t)
	if !strings.Contains(r.stdout, "chain: trusted via") {
		t.Errorf("--at date:\n%s", r.stdout)
	}
	// No --ca: integrity only, and it says so.
	r = qoltanba(t, nil, "verify", "--format", "cms", "--in", ncatest.Path("kalkan-cms/individual_attached.der")).mustOK(t)
	if !strings.Contains(r.stderr, "WARNING") || !strings.Contains(r.stdout, "chain: not checked") {
		t.Errorf("no CA: %+v", r)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"sign", "--p12", rsaKey},
		{"sign", "--format", "cms"},
		{"sign", "--p12", rsaKey, "--format", "xml", "--detached"},
		{"verify", "--in", "x"},
		{"verify", "--format", "cms", "--at", "yesterday"},
		{"frobnicate"},
		{},
	} {
		if r := qoltanba(t, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startTSA runs a test TSA and returns its URL and a PEM file with its CA.
func startTSA(t *testing.T) (string, string) {
	tsa := testtsa.New(t)
	return tsa.URL, tsa.CAFile(t)
}

// TestCLIQuietAboutTheToolkit: commands that show no window say nothing
// about the desktop toolkit, whatever the locale (a C.UTF-8 locale made
// fyne's initialiser log three errors).
func TestCLIQuietAboutTheToolkit(t *testing.T) {
	pw := passwordFile(t)
	sig := filepath.Join(t.TempDir(), "s.cms")
	for _, locale := range [][]string{{"LC_ALL=C.UTF-8"}, {"LANG=C.UTF-8"}, {"LANG=C"}, {}, {"LANG=ru_RU.UTF-8"}} {
		for _, args := range [][]string{
			{"version"}, {"help"},
			{"keys", "--p12", rsaKey, "--password-file", pw},
			{"sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--in", pw, "--out", sig},
			{"verify", "--format", "cms", "--in", sig},
		} {
			cmd := exec.Command(binary, args...)
			cmd.Env = append(withoutLocale(os.Environ()), locale...)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			cmd.Run()
			if s := errb.String(); strings.Contains(strings.ToLower(s), "fyne") {
				t.Errorf("%v %v:\n%s", locale, args, s)
			}
		}
	}
}

func withoutLocale(env []string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, "LANG=") && !strings.HasPrefix(e, "LC_") && !strings.HasPrefix(e, "LANGUAGE=") {
			out = append(out, e)
		}
	}
	return out
}

func TestOriginCommand(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(cfg, []byte(`{"knownOrigins":[{"domain":"mybank.kz","names":{"en":"My Bank"}}]}`), 0o600)
	empty := filepath.Join(t.TempDir(), "policy.json") // a policy that sets nothing
	os.WriteFile(empty, []byte(`{}`), 0o600)
	for _, c := range []struct {
		origin string
		code   int
		out    string
	}{
		{"https://egov.kz", 0, "known: egov.kz (eGov, the e-government portal)\n"},
		{"https://online.mybank.kz", 0, "known: online.mybank.kz (My Bank)\n"},
		{"https://kindergarten.example", 1, "unknown: kindergarten.example\n"},
		{"https://egov.kz.kezek-balabaqsha-online-zapis-v-detskiy-sad.com", 2, "lookalike of egov.kz: egov.kz.kezek-balabaqsha-online-zapis-v-detskiy-sad.com — egov.kz is only part of the address: the site is really kezek-balabaqsha-online-zapis-v-detskiy-sad.com\n"},
		{"https://xn--gov-qdd.kz", 2, "lookalike of egov.kz: xn--gov-qdd.kz · the address is shown in punycode; in letters: еgov.kz — letters from another alphabet that look like egov.kz (xn--gov-qdd.kz)\n"},
		{"https://еԍоѵ.kz", 2, "lookalike of egov.kz: xn--e1as9n8w.kz · the address is shown in punycode; in letters: еԍоѵ.kz — letters from another alphabet that look like egov.kz (xn--e1as9n8w.kz)\n"},
		{"https://egvo.kz", 2, "lookalike of egov.kz: egvo.kz — egov.kz with two letters swapped (egvo.kz)\n"},
		{"https://rnybank.kz", 2, "lookalike of mybank.kz: rnybank.kz — the address uses letters or digits that only look like those of mybank.kz (rnybank.kz)\n"},
		{"https://балабақша.kz", 1, "unknown: xn--80aaaabc2e9e68a.kz · the address is shown in punycode; in letters: балабақша.kz\n"},
		{"https://xn--80aaaabc2e9e68a.xn--80ao21a", 1, "unknown: балабақша.қаз\n"},
		// A page's address, as a person pastes it, is taken for its site.
		{"https://egov.kz/", 0, "known: egov.kz (eGov, the e-government portal)\n"},
		{"https://idp.egov.kz:443/idp/sign-in?lang=ru#top", 0, "known: idp.egov.kz (eGov, the e-government portal)\n"},
		// Not a site: a usage error, with a code of its own (2 is look-alike).
		{"egov", 64, ""},
		{"https://user@egov.kz", 64, ""},
	} {
		cmd := exec.Command(binary, "origin", "--config", cfg, "--policy", empty, c.origin)
		cmd.Env = append(withoutLocale(os.Environ()), "LANG=en_US.UTF-8", "XDG_DATA_HOME="+t.TempDir())
		out, _ := cmd.Output()
		if cmd.ProcessState.ExitCode() != c.code || string(out) != c.out {
			t.Errorf("%s: exit %d %q, want %d %q", c.origin, cmd.ProcessState.ExitCode(), out, c.code, c.out)
		}
	}
	// A site the policy denies is shown as denied.
	deny := tempFile(t, "deny.json", []byte(`{"deniedOrigins":["https://evil.example"]}`))
	cmd := exec.Command(binary, "origin", "--config", cfg, "--policy", deny, "https://evil.example/login")
	cmd.Env = append(withoutLocale(os.Environ()), "LANG=en_US.UTF-8", "XDG_DATA_HOME="+t.TempDir())
	if out, _ := cmd.Output(); cmd.ProcessState.ExitCode() != 4 || !strings.HasPrefix(string(out), "denied: evil.example") {
		t.Errorf("denied by policy: exit %d %q", cmd.ProcessState.ExitCode(), out)
	}
	// --help prints the usage once.
	if r := qoltanba(t, nil, "origin", "--help"); r.code != 0 || strings.Count(r.stderr, "usage: qoltanba origin") != 1 {
		t.Errorf("origin --help: %+v", r)
	}
	ru := exec.Command(binary, "origin", "--config", cfg, "--policy", empty, "https://egvo.kz")
	ru.Env = append(withoutLocale(os.Environ()), "LANG=ru_RU.UTF-8")
	if out, _ := ru.Output(); !strings.Contains(string(out), "в имени egov.kz переставлены две буквы") {
		t.Errorf("ru: %q, want the reason in Russian", out)
	}
}

// TestOriginCommandReadsPolicy: `qoltanba origin` judges sites as serve
// does: the policy's knownOrigins count, and under a policy that sets
// them the user's own do not.
func TestOriginCommandReadsPolicy(t *testing.T) {
	dir := t.TempDir()
	cfg, pol := filepath.Join(dir, "config.json"), filepath.Join(dir, "policy.json")
	os.WriteFile(cfg, []byte(`{"knownOrigins":[{"domain":"rnybank.kz","names":{"en":"Not my bank"}}]}`), 0o600)
	os.WriteFile(pol, []byte(`{"knownOrigins":[{"domain":"mybank.kz","names":{"en":"My Bank"}}]}`), 0o600)
	for _, c := range []struct {
		origin string
		code   int
		out    string
	}{
		{"https://online.mybank.kz", 0, "known: online.mybank.kz (My Bank)\n"},
		{"https://rnybank.kz", 2, "lookalike of mybank.kz: rnybank.kz — the address uses letters or digits that only look like those of mybank.kz (rnybank.kz)\n"},
	} {
		cmd := exec.Command(binary, "origin", "--config", cfg, "--policy", pol, c.origin)
		cmd.Env = append(withoutLocale(os.Environ()), "LANG=en_US.UTF-8")
		out, _ := cmd.Output()
		if cmd.ProcessState.ExitCode() != c.code || string(out) != c.out {
			t.Errorf("%s: exit %d %q, want %d %q", c.origin, cmd.ProcessState.ExitCode(), out, c.code, c.out)
		}
	}
	os.WriteFile(cfg, []byte(`{"knownOrigins":[{"domain":"kz","names":{"en":"Everything"}}]}`), 0o600)
	cmd := exec.Command(binary, "origin", "--config", cfg, "--policy", pol, "https://kaspi.kz")
	if out, _ := cmd.CombinedOutput(); cmd.ProcessState.ExitCode() != 3 || !strings.Contains(string(out), "whole domain ending") {
		t.Errorf("a config knowing all of .kz: exit %d %q, want it refused", cmd.ProcessState.ExitCode(), out)
	}
}
