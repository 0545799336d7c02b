package main

// Tests of the Windows build under Wine. `make test-windows` (part of make
// test) cross-builds dist/qoltanba.exe (GUI), dist/qoltanba-cli.exe
// (console) and the MSI, then runs these with QOLTANBA_WINDOWS_DIST and
// QOLTANBA_WINDOWS_MSI set; each test gets a fresh WINEPREFIX. What
// Windows holds afterwards (registry values, root stores, files) is read
// with Wine's reg.exe and from the prefix's drive C:, not from our code.

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/internal/testkit/winetest"
)

// windowsDist returns the GUI and console programs make test-windows built.
func windowsDist(t *testing.T) (gui, cli string) {
	t.Helper()
	dir := os.Getenv("QOLTANBA_WINDOWS_DIST")
	if dir == "" {
		t.Skip("make test-windows (part of make test) builds the Windows programs and runs this under Wine")
	}
	gui, cli = filepath.Join(dir, "qoltanba.exe"), filepath.Join(dir, "qoltanba-cli.exe")
	for _, p := range []string{gui, cli} {
		if _, err := os.Stat(p); err != nil {
			t.Fatal(err)
		}
	}
	return gui, cli
}

// winArgs turns the Linux paths among args into Windows ones.
func winArgs(args ...string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.HasPrefix(a, "/") {
			a = winetest.Win(a)
		}
		out[i] = a
	}
	return out
}

// TestWindowsCLI: qoltanba-cli.exe lists the NCA keys exactly as the Linux
// build does, signs CMS and XML that the Linux build and openssl accept,
// verifies what the Linux build signed, and fails with the right exit codes.
func TestWindowsCLI(t *testing.T) {
	gui, cli := windowsDist(t)
	w := winetest.New(t, "")
	pw := passwordFile(t)
	win := func(args ...string) winetest.Result {
		t.Helper()
		return w.Run(cli, winArgs(args...)...)
	}
	for _, k := range []string{rsaKey, gostKey, gost04} {
		r := win("keys", "--p12", k, "--password-file", pw)
		want := qoltanba(t, nil, "keys", "--p12", k, "--password-file", pw).mustOK(t)
		if r.Code != 0 || r.Stdout != want.stdout {
			t.Errorf("keys %s on Windows (exit %d):\n got %q\nwant %q\n%s", filepath.Base(k), r.Code, r.Stdout, want.stdout, r.Stderr)
		}
	}
	if r := win("keys", "--p12", rsaKey, "--password-file", tempFile(t, "bad", []byte("nope\n"))); r.Code != 1 || !strings.Contains(r.Stderr, "wrong password") {
		t.Errorf("wrong password: %+v", r)
	}
	if r := win("sign", "--format", "cms"); r.Code != 2 {
		t.Errorf("sign without a key: %+v", r)
	}

	doc := tempFile(t, "doc.txt", []byte("Договор № 1\r\nсумма 100 тенге\r\n"))
	for _, tc := range []struct {
		name, key string
		cas       []string
	}{{"RSA", rsaKey, rsaCAs}, {"GOST2015", gostKey, gostCAs}, {"GOST2004", gost04, gost04CA}} {
		out := filepath.Join(t.TempDir(), tc.name+".cms")
		if r := win("sign", "--p12", tc.key, "--password-file", pw, "--format", "cms", "--detached", "--in", doc, "--out", out); r.Code != 0 {
			t.Fatalf("%s: sign on Windows: %+v", tc.name, r)
		}
		v := qoltanba(t, nil, append([]string{"verify", "--format", "cms", "--in", out, "--data", doc}, tc.cas...)...).mustOK(t)
		if !strings.Contains(v.stdout, "iin=123456789011") {
			t.Errorf("%s: Linux verify of the Windows signature:\n%s", tc.name, v.stdout)
		}
		// And the other way round: Windows verifies a Linux signature.
		linux := filepath.Join(t.TempDir(), tc.name+".linux.cms")
		qoltanba(t, nil, "sign", "--p12", tc.key, "--password-file", pw, "--format", "cms", "--in", doc, "--out", linux).mustOK(t)
		if r := win(append([]string{"verify", "--format", "cms", "--in", linux}, tc.cas...)...); r.Code != 0 || !strings.Contains(r.Stdout, "VALID: 1 signer(s)") {
			t.Errorf("%s: Windows verify of a Linux signature: %+v", tc.name, r)
		}
		xmlOut := filepath.Join(t.TempDir(), tc.name+".xml")
		xmlIn := tempFile(t, "in.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><root><name>Балабақша</name></root>`))
		if r := win("sign", "--p12", tc.key, "--password-file", pw, "--format", "xml", "--in", xmlIn, "--out", xmlOut); r.Code != 0 {
			t.Fatalf("%s: XML sign on Windows: %+v", tc.name, r)
		}
		qoltanba(t, nil, append([]string{"verify", "--format", "xml", "--in", xmlOut}, tc.cas...)...).mustOK(t)
		// A changed document fails on Windows with exit 1.
		if r := win(append([]string{"verify", "--format", "cms", "--in", out, "--data", tempFile(t, "x", []byte("other"))}, tc.cas...)...); r.Code != 1 || !strings.Contains(r.Stderr, "INVALID") {
			t.Errorf("%s: changed document: %+v", tc.name, r)
		}
	}
	// The RSA signature made on Windows passes openssl.
	der := filepath.Join(t.TempDir(), "o.cms")
	if r := win("sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--in", doc, "--out", der); r.Code != 0 {
		t.Fatalf("sign: %+v", r)
	}
	chain := tempFile(t, "chain.pem", append(mustRead(t, ncatest.RSARoot2018), mustRead(t, ncatest.RSACA2018)...))
	if out, err := exec.Command("openssl", "cms", "-verify", "-inform", "DER", "-in", der, "-CAfile", chain, "-attime",
		fmt.Sprint(time.Date(2020, 10, 1, 0, 0, 0, 0, time.UTC).Unix()), "-purpose", "any", "-out", os.DevNull).CombinedOutput(); err != nil {
		t.Errorf("openssl: %v %s", err, out)
	}
	// The GUI build answers commands too, in the console it was started from.
	if r := w.Run(gui, "version"); r.Code != 0 || !strings.HasPrefix(r.Stdout, "qoltanba ") {
		t.Errorf("qoltanba.exe version: %+v", r)
	}

	// Token modules are found where vendors install them (System32, their
	// Program Files folder; of versioned names the newest), loaded, and
	// read across Cryptoki's packed Windows structures.
	winetest.FakeModule(t, w.C("windows/system32/rtPKCS11ECP.dll"))
	for _, v := range []string{"3", "10", "9"} {
		winetest.FakeModule(t, w.C("Program Files/VNPT-CA/vnptca_p11_v"+v+".dll"))
	}
	r := w.Run(cli, "tokens")
	for _, want := range []string{`module rutoken (C:\windows\system32\rtPKCS11ECP.dll) storage=RutokenStore`,
		`module vnpt (C:\Program Files\VNPT-CA\vnptca_p11_v10.dll) storage=VNPT-CA`,
		`slot=7 label="KAZTOKEN TEST" manufacturer="qoltanba tests" model="Kaztoken" serial=0123456789 storage=VNPT-CA pin="count low"`} {
		if !strings.Contains(strings.ToLower(r.Stdout), strings.ToLower(want)) {
			t.Errorf("tokens lacks %q:\n%s%s", want, r.Stdout, r.Stderr)
		}
	}

	// Where no window can be made (here: no display at all) the agent
	// still serves and refuses requests plainly, with no stack trace for
	// anyone to see.
	port := freePort(t)
	stderr, _ := startWin(t, w, gui, port, "run", "--port", strconv.Itoa(port))
	d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	ws, _, err := d.Dial("wss://127.0.0.1:"+strconv.Itoa(port)+"/", http.Header{"Origin": {"https://egov.kz"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.ReadMessage() // greeting
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"aGVsbG8=","signingParams":{"decode":true},"signerParams":{"chain":[]}}}`))
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, msg, err := ws.ReadMessage()
	if err != nil || strings.Contains(string(msg), `"status":true`) || !strings.Contains(string(msg), "cannot be shown") {
		t.Errorf("a request without a desktop: %s %v", msg, err)
	}
	if log := stderr.String(); !strings.Contains(log, "the desktop dialogs cannot be shown") || strings.Contains(log, "goroutine ") || strings.Contains(log, "panic") {
		t.Errorf("log without a desktop:\n%s", log)
	}
}

// winProfile is the Linux path of the Wine user's profile (C:\users\NAME).
func winProfile(t *testing.T, w *winetest.Prefix) string {
	t.Helper()
	m, _ := filepath.Glob(w.C("users/*/AppData/Roaming"))
	for _, d := range m {
		if !strings.Contains(d, "/Public/") {
			return filepath.Dir(filepath.Dir(d))
		}
	}
	t.Fatalf("no user profile in %s", w.C("users"))
	return ""
}

// caOf reads an installed CA: the certificate and its SHA-1 thumbprint as
// the Windows store names it.
func caOf(t *testing.T, path string) (*x509.Certificate, string) {
	t.Helper()
	blk, _ := pem.Decode(mustRead(t, path))
	if blk == nil {
		t.Fatalf("%s: no PEM", path)
	}
	ca, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(ca.Raw)
	return ca, strings.ToUpper(fmt.Sprintf("%x", sum))
}

// startWin runs a Windows program that serves (serve or run) under Wine
// and waits until it listens on port; stop ends it.
func startWin(t *testing.T, w *winetest.Prefix, exe string, port int, args ...string) (stderr *syncbuf.Buffer, stop func()) {
	t.Helper()
	cmd := w.Cmd(exe, args...)
	stderr = &syncbuf.Buffer{}
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() { once.Do(func() { cmd.Process.Kill(); cmd.Wait() }) }
	t.Cleanup(stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "listening on wss://127.0.0.1:"+strconv.Itoa(port)) {
		t.Fatalf("%s %v under Wine did not start: %q %v\n%s", filepath.Base(exe), args, line, err, stderr)
	}
	return stderr, stop
}

// winServe starts `serve --unattended` with the GOST key for
// https://site.example under Wine; stop ends it.
func winServe(t *testing.T, w *winetest.Prefix, exe string, port int) (stop func()) {
	t.Helper()
	_, stop = startWin(t, w, exe, port, winArgs("serve", "--port", strconv.Itoa(port), "--unattended", "--p12", gostKey,
		"--password-file", passwordFile(t), "--allow-origin", "https://site.example")...)
	return stop
}

// TestWindowsInstall: install for one user puts the CA in the user's root
// store and the GUI program in the user's Run key; the agent serves a
// certificate that chains to that CA; status says so; uninstall takes all
// of it away again.
func TestWindowsInstall(t *testing.T) {
	_, cli := windowsDist(t)
	w := winetest.New(t, "")
	port := freePort(t)
	profile := winProfile(t, w)
	cfgDir := filepath.Join(profile, "AppData", "Roaming", "qoltanba")
	os.MkdirAll(cfgDir, 0o755)
	os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(fmt.Sprintf(`{"port":%d}`, port)), 0o644)

	// The official IFCPlugin is registered for Chrome: install records its
	// value, uninstall sets it back.
	ifcKey, ifcValue := `HKCU\Software\Google\Chrome\NativeMessagingHosts\ru.rtlabs.ifcplugin`, `C:\Program Files\IFCPlugin\ru.rtlabs.ifcplugin.json`
	if r := w.Run("reg", "add", ifcKey, "/ve", "/t", "REG_SZ", "/d", ifcValue, "/f"); r.Code != 0 {
		t.Fatalf("reg add: %+v", r)
	}
	r := w.Run(cli, "install")
	if r.Code != 0 || !strings.Contains(r.Stdout, "trusted in: the system store") {
		t.Fatalf("install: %+v", r)
	}
	if !strings.Contains(r.Stdout, "note: "+ifcKey+" named "+ifcValue+"; qoltanba uninstall puts it back") {
		t.Errorf("install does not say it replaced IFCPlugin's value:\n%s", r.Stdout)
	}
	// Windows' own question about the certificate is announced before it comes.
	if i := strings.Index(r.Stdout, `Windows will now ask "Do you want to install this certificate?"`); i < 0 || i > strings.Index(r.Stdout, "trusted in") {
		t.Errorf("no warning before Windows' question:\n%s", r.Stdout)
	}
	ca, thumb := caOf(t, filepath.Join(cfgDir, "tls", "ca.pem"))
	if !w.RootHas("HKCU", thumb) {
		t.Errorf("the CA %s is not in the user's root store", thumb)
	}
	if w.RootHas("HKLM", thumb) {
		t.Errorf("a per-user install put the CA in the machine's root store")
	}
	// The logon entry starts the GUI program (no console window), not the
	// console one that ran install.
	wantRun := `"` + winetest.Win(filepath.Join(filepath.Dir(cli), "qoltanba.exe")) + `" run`
	if _, v, ok := w.Reg(`HKCU\Software\Microsoft\Windows\CurrentVersion\Run`, "qoltanba"); !ok || v != wantRun {
		t.Errorf("Run value %q, want %q", v, wantRun)
	}
	r = w.Run(cli, "status")
	if r.Code != 1 || !strings.Contains(r.Stdout, "FAIL listening") || !strings.Contains(r.Stdout, "ok   trust system store: for this user") {
		t.Errorf("status before the agent runs: %+v", r)
	}
	// The Gosuslugi plug-in hosts: a key per browser and host in HKCU
	// naming a manifest in the user's qoltanba directory, which starts the
	// console program.
	checkWinNativeHosts(t, w, "HKCU", filepath.Join(cfgDir, "native-messaging"), `\AppData\Roaming\qoltanba\native-messaging\`, winetest.Win(cli), r.Stdout)
	winServe(t, w, cli, port)
	signAs(t, port, ca, "https://site.example")
	if r := w.Run(cli, "status"); r.Code != 0 {
		t.Errorf("status with the agent running: %+v", r)
	}

	if r := w.Run(cli, "uninstall"); r.Code != 0 {
		t.Fatalf("uninstall: %+v", r)
	}
	if w.RootHas("HKCU", thumb) {
		t.Errorf("the CA is still in the user's root store after uninstall")
	}
	if _, _, ok := w.Reg(`HKCU\Software\Microsoft\Windows\CurrentVersion\Run`, "qoltanba"); ok {
		t.Error("the Run value is still there after uninstall")
	}
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		if _, err := os.Stat(filepath.Join(cfgDir, "tls", f)); err == nil {
			t.Errorf("%s left after uninstall", f)
		}
	}
	if v, ok := regDefault(w, ifcKey); !ok || v != ifcValue {
		t.Errorf("IFCPlugin's value is not back: %q %v", v, ok)
	}
	w.Run("reg", "delete", ifcKey, "/f")
	checkWinNativeGone(t, w, "HKCU")
	if _, err := os.Stat(filepath.Join(cfgDir, "native-messaging")); err == nil {
		t.Error("the manifests' directory is left after uninstall")
	}
}

// winNativeKeys are the browsers' keys for native messaging hosts.
var winNativeKeys = []string{`Software\Google\Chrome\NativeMessagingHosts`, `Software\Chromium\NativeMessagingHosts`,
	`Software\Microsoft\Edge\NativeMessagingHosts`, `Software\Yandex\YandexBrowser\NativeMessagingHosts`, `Software\Mozilla\NativeMessagingHosts`}

var winNativeHosts = []string{"ru.rtlabs.ifcplugin", "chrome.gosuslugi.plugin", "gosuslugi.plugin"}

// regDefault is a key's default value (reg query KEY /ve).
func regDefault(w *winetest.Prefix, key string) (string, bool) {
	r := w.Run("reg", "query", key, "/ve")
	if r.Code != 0 {
		return "", false
	}
	for _, line := range strings.Split(r.Stdout, "\n") {
		if _, v, ok := strings.Cut(line, "REG_SZ"); ok {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// checkWinNativeHosts: each browser's key (in hive) names the manifest
// (the Chromium browsers' or Firefox's) in dir — whose Windows path ends
// in suffix — the manifest starts exe with the official extensions, and
// status lists each key as in place.
func checkWinNativeHosts(t *testing.T, w *winetest.Prefix, hive, dir, suffix, exe, status string) {
	t.Helper()
	for _, k := range winNativeKeys {
		firefox := strings.Contains(k, "Mozilla")
		for _, h := range winNativeHosts {
			key := hive + `\` + k + `\` + h
			name := h + ".json"
			if firefox {
				name = h + ".firefox.json"
			}
			v, ok := regDefault(w, key)
			if !ok || !strings.HasSuffix(strings.ToLower(v), strings.ToLower(suffix+name)) {
				t.Errorf("%s = %q, %v; want …%s", key, v, ok, suffix+name)
			}
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Error(err)
				continue
			}
			var m struct {
				Name              string   `json:"name"`
				Path              string   `json:"path"`
				AllowedOrigins    []string `json:"allowed_origins"`
				AllowedExtensions []string `json:"allowed_extensions"`
			}
			if err := json.Unmarshal(b, &m); err != nil || m.Name != h || !strings.EqualFold(m.Path, exe) || firefox != (len(m.AllowedExtensions) > 0) || firefox == (len(m.AllowedOrigins) > 0) {
				t.Errorf("%s: %+v %v (want path %s)", name, m, err, exe)
			}
			if !strings.Contains(status, "ok   native host "+key+": starts this program") {
				t.Errorf("status does not list %s", key)
			}
		}
	}
}

// checkWinNativeGone: no browser key for the hosts is left in hive.
func checkWinNativeGone(t *testing.T, w *winetest.Prefix, hive string) {
	t.Helper()
	for _, k := range winNativeKeys {
		for _, h := range winNativeHosts {
			if _, _, ok := w.Reg(hive+`\`+k+`\`+h, ""); ok {
				t.Errorf("%s\\%s\\%s left after uninstall", hive, k, h)
			}
		}
	}
}

// installedVersions lists the versions of qoltanba that Windows' "Apps"
// list (the Uninstall key) holds.
func installedVersions(t *testing.T, w *winetest.Prefix) []string {
	const uninstall = `HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall`
	var out []string
	for _, line := range strings.Split(w.Run("reg", "query", uninstall).Stdout, "\n") {
		k := strings.TrimSpace(line)
		if !strings.HasPrefix(strings.ToUpper(k), `HKEY_LOCAL_MACHINE\SOFTWARE\MICROSOFT\WINDOWS\CURRENTVERSION\UNINSTALL\`) {
			continue
		}
		if _, name, _ := w.Reg(k, "DisplayName"); name == "qoltanba" {
			_, v, _ := w.Reg(k, "DisplayVersion")
			out = append(out, v)
		}
	}
	return out
}

// TestWindowsMSI: msiexec installs the MSI silently for every user
// (Program Files, the HKLM Run entry, Firefox's enterprise-roots policy,
// the Start menu, the CA in the machine's root store); every user's agent
// serves the machine's certificate; a newer MSI replaces it keeping the CA;
// msiexec /x removes everything.
func TestWindowsMSI(t *testing.T) {
	windowsDist(t)
	msi := os.Getenv("QOLTANBA_WINDOWS_MSI")
	if _, err := os.Stat(msi); err != nil {
		t.Fatalf("QOLTANBA_WINDOWS_MSI: %v", err)
	}
	w := winetest.New(t, "")
	if r := w.Run("msiexec", "/i", winetest.Win(msi), "/qn"); r.Code != 0 {
		t.Fatalf("msiexec /i: %+v", r)
	}
	if v := installedVersions(t, w); len(v) != 1 {
		t.Errorf("products registered: %v", v)
	}
	dir := w.C("Program Files/qoltanba")
	for _, f := range []string{"qoltanba.exe", "qoltanba-cli.exe"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}
	if _, v, ok := w.Reg(`HKLM\Software\Microsoft\Windows\CurrentVersion\Run`, "qoltanba"); !ok || v != `"C:\Program Files\qoltanba\qoltanba.exe" run` {
		t.Errorf("HKLM Run value %q", v)
	}
	if _, v, ok := w.Reg(`HKLM\Software\Policies\Mozilla\Firefox\Certificates`, "ImportEnterpriseRoots"); !ok || v != "0x1" {
		t.Errorf("Firefox policy %q %v", v, ok)
	}
	// Windows puts a per-machine shortcut in the common Start menu; Wine's
	// msi puts it in the installing user's.
	shortcuts := []string{w.C("ProgramData/Microsoft/Windows/Start Menu/Programs/qoltanba.lnk"),
		filepath.Join(winProfile(t, w), "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/qoltanba.lnk")}
	if !fileExists(shortcuts[0]) && !fileExists(shortcuts[1]) {
		t.Errorf("no Start menu entry: %v", shortcuts)
	}
	caPath := w.C("ProgramData/qoltanba/tls/ca.pem")
	ca, thumb := caOf(t, caPath)
	if !w.RootHas("HKLM", thumb) {
		t.Errorf("the CA %s is not in the machine's root store", thumb)
	}
	// Any user's agent (no per-user install) serves the machine's certificate.
	cli := `C:\Program Files\qoltanba\qoltanba-cli.exe`
	port := freePort(t)
	stop := winServe(t, w, cli, port)
	signAs(t, port, ca, "https://site.example")
	r := w.Run(cli, "status")
	if !strings.Contains(r.Stdout, "installed for every user of this machine") ||
		!strings.Contains(r.Stdout, "ok   trust system store: for every user of this machine") {
		t.Errorf("status: %+v", r)
	}
	// The Gosuslugi plug-in hosts for every user: HKLM keys naming the
	// manifests beside the programs.
	checkWinNativeHosts(t, w, "HKLM", dir, `C:\Program Files\qoltanba\`, cli, r.Stdout)
	stop() // a running agent keeps its files until Windows restarts (README, Known limits)

	// A newer build replaces this one: one product registered, the CA in
	// ProgramData trusted and no other (Windows keeps the CA through an
	// upgrade; Wine's msi removes the old product without telling it, so
	// there the CA is made anew).
	newer := filepath.Join(t.TempDir(), "newer.msi")
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	dist, _ := filepath.Rel(root, os.Getenv("QOLTANBA_WINDOWS_DIST")) // wixl wants it relative
	wixl := exec.Command("wixl", "-a", "x64", "-D", "Version=0.255.0", "-D", "Dist="+dist, "-o", newer, "packaging/windows/qoltanba.wxs")
	wixl.Dir = root
	if out, err := wixl.CombinedOutput(); err != nil {
		t.Fatalf("wixl: %v %s", err, out)
	}
	if r := w.Run("msiexec", "/i", winetest.Win(newer), "/qn"); r.Code != 0 {
		t.Fatalf("upgrade: %+v", r)
	}
	_, after := caOf(t, caPath)
	if !w.RootHas("HKLM", after) || (after != thumb && w.RootHas("HKLM", thumb)) {
		t.Errorf("after the upgrade: CA %s (was %s); trusted %v, old one trusted %v", after, thumb, w.RootHas("HKLM", after), w.RootHas("HKLM", thumb))
	}
	if r := w.Run(cli, "version"); r.Code != 0 || !strings.Contains(r.Stdout, "qoltanba") {
		t.Errorf("the upgraded program: %+v", r)
	}
	if v := installedVersions(t, w); len(v) != 1 || v[0] != "0.255.0" {
		t.Errorf("products registered after the upgrade: %v", v)
	}
	if _, v, _ := w.Reg(`HKLM\Software\Microsoft\Windows\CurrentVersion\Run`, "qoltanba"); v == "" {
		t.Error("the upgrade lost the Run value")
	}
	if v, ok := regDefault(w, `HKLM\Software\Google\Chrome\NativeMessagingHosts\ru.rtlabs.ifcplugin`); !ok || v != `C:\Program Files\qoltanba\ru.rtlabs.ifcplugin.json` {
		t.Errorf("after the upgrade the IFCPlugin host is %q %v", v, ok)
	}

	if r := w.Run("msiexec", "/x", winetest.Win(newer), "/qn"); r.Code != 0 {
		t.Fatalf("msiexec /x: %+v", r)
	}
	if w.RootHas("HKLM", after) {
		t.Error("the CA is still in the machine's root store after msiexec /x")
	}
	if v := installedVersions(t, w); len(v) != 0 {
		t.Errorf("still registered after msiexec /x: %v", v)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("%s left after msiexec /x", dir)
	}
	if _, err := os.Stat(w.C("ProgramData/qoltanba")); err == nil {
		t.Error("ProgramData\\qoltanba left after msiexec /x")
	}
	for _, s := range shortcuts {
		if fileExists(s) {
			t.Errorf("%s left after msiexec /x", s)
		}
	}
	checkWinNativeGone(t, w, "HKLM")
	for _, k := range [][2]string{{`HKLM\Software\Microsoft\Windows\CurrentVersion\Run`, "qoltanba"}, {`HKLM\Software\Policies\Mozilla\Firefox\Certificates`, "ImportEnterpriseRoots"}} {
		if _, _, ok := w.Reg(k[0], k[1]); ok {
			t.Errorf("%s\\%s left after msiexec /x", k[0], k[1])
		}
	}
}

// freshKeyFile writes a PKCS#12 key file (RSA-2048, AES, the test
// password) whose certificate is valid now, as NCA issues them: the
// owner's name and IIN, signing and client-auth usages. It returns the
// file and its CA (PEM).
func freshKeyFile(t *testing.T) (p12File, caFile string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST)"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(48 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:   pkix.Name{CommonName: "ТЕСТОВ ТЕСТ", SerialNumber: "IIN123456789011", Country: []string{"KZ"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	p12, err := gopkcs12.Modern2023.Encode(key, cert, []*x509.Certificate{ca}, ncatest.Password)
	if err != nil {
		t.Fatal(err)
	}
	return tempFile(t, "RSA256_test.p12", p12), tempFile(t, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
}

// TestWindowsDialogs runs the GUI qoltanba.exe under Wine on a virtual
// display and answers pages' requests through its Win32 dialogs, driven
// from the keyboard as a user would: the first-use question for a known
// site (allowed once) and for a look-alike (Esc blocks), the signing dialog
// (key file path, a wrong password, the right one, Sign), in kk, ru and en.
// The XML signature each page gets back is checked; every window is
// captured (docs/screenshots/windows-*.png with make screenshots).
func TestWindowsDialogs(t *testing.T) {
	gui, _ := windowsDist(t)
	display := startXvfb(t)
	w := winetest.New(t, display)
	keyFile, caFile := freshKeyFile(t)
	port := freePort(t)
	stderr, _ := startWin(t, w, gui, port, "run", "--port", strconv.Itoa(port))
	sc := &screen{t: t, env: w.Env, keep: os.Getenv("QOLTANBA_SCREENSHOTS_DIR"), log: stderr}
	answer := func(ws *websocket.Conn) string {
		ws.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, msg, err := ws.ReadMessage()
		if err != nil {
			// Say which windows are open (a dialog that did not close).
			cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", ".")
			cmd.Env = w.Env
			ids, _ := cmd.Output()
			for _, id := range strings.Fields(string(ids)) {
				t.Logf("open window: %q", sc.xdo("getwindowname", id))
			}
			t.Fatalf("no answer: %v\n%s", err, stderr)
		}
		return string(msg)
	}
	xml := `<payment><payer>IIN123456789011</payer><amount currency=\"KZT\">15000</amount><purpose>Балабақша</purpose></payment>`
	signXML := func(locale string) []byte {
		return []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml","data":"` + xml + `","signingParams":{},"signerParams":{"chain":[]},"locale":"` + locale + `"}}`)
	}
	for _, l := range []string{"kk", "ru", "en"} {
		ws := dialAgent(t, port, "https://idp.egov.kz")
		ws.WriteMessage(websocket.TextMessage, signXML(l))
		id := sc.window("qoltanba — idp\\.egov\\.kz")
		sc.capture(id, "windows-consent-known-"+l)
		sc.key("space") // Allow once has the focus
		sc.gone("qoltanba — idp\\.egov\\.kz", id)
		id = sc.window("qoltanba — idp\\.egov\\.kz")
		sc.capture(id, "windows-dialog-empty-"+l)
		sc.typeText(winetest.Win(keyFile))
		sc.key("Return")
		sc.typeText("wrong")
		sc.key("Return")
		time.Sleep(time.Second)
		sc.capture(id, "windows-wrong-password-"+l)
		sc.typeText(ncatest.Password)
		sc.key("Return")
		time.Sleep(2 * time.Second) // Sign waits a second after a change
		sc.capture(id, "windows-keys-listed-"+l)
		sc.key("space") // Sign has the focus once it is enabled
		got := answer(ws)
		var ans struct {
			Body   struct{ Result []string }
			Status bool
		}
		if json.Unmarshal([]byte(got), &ans); !ans.Status || len(ans.Body.Result) != 1 {
			t.Fatalf("%s: answer %.300s\n%s", l, got, stderr)
		}
		signed := tempFile(t, "signed.xml", []byte(ans.Body.Result[0]))
		if r := qoltanba(t, nil, "verify", "--format", "xml", "--in", signed, "--ca", caFile); r.code != 0 || !strings.Contains(r.stdout, "iin=123456789011") {
			t.Errorf("%s: the signature the page got: %+v", l, r)
		}
		sc.gone("qoltanba — idp\\.egov\\.kz")

		fake := map[string]string{"kk": "com", "ru": "net", "en": "org"}[l]
		ws = dialAgent(t, port, "https://egov.kz.kezek-balabaqsha-online."+fake)
		ws.WriteMessage(websocket.TextMessage, signXML(l))
		id = sc.window("qoltanba — egov\\.kz\\.kezek-.*")
		sc.capture(id, "windows-consent-lookalike-"+l)
		// Esc dismisses: this request is canceled (NCALayer's empty
		// answer), nothing remembered.
		sc.key("Escape")
		if got := answer(ws); got != `{"body":{},"status":true}` {
			t.Errorf("%s: a dismissed look-alike got %s", l, got)
		}
		sc.gone("qoltanba — egov\\.kz\\.kezek-.*")
	}
	// The tray icon (in Wine's stand-in for the taskbar's notification
	// area) opens its menu on a right click.
	tray := sc.xdo("search", "--name", "^Wine System Tray$")
	sc.xdo("mousemove", "--window", strings.Fields(tray)[0], "8", "8", "click", "3")
	time.Sleep(time.Second)
	sc.capture("root", "windows-tray-menu")
	sc.key("Escape")
	// The agent is still there after the dialogs closed.
	dialAgent(t, port, "https://egov.kz")
}
