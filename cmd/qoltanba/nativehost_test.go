package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	binenc "encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/chromiumtest"
	"github.com/qoltanba/qoltanba/internal/testkit/ifcext"
	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/transport"
)

func TestNativeHostArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/"}, "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/"},
		{[]string{"chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/", "--parent-window=1234"}, "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/"},
		{[]string{"/usr/lib/mozilla/native-messaging-hosts/ru.rtlabs.ifcplugin.json", "ifcplugin@rtlabs.ru"}, "moz-extension://ifcplugin@rtlabs.ru"},
		{[]string{"chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/", "sign"}, ""},
		{[]string{"serve"}, ""},
		{[]string{"sign", "x.json"}, ""},
		{[]string{"x.json", "not an id!"}, ""},
	} {
		got, ok := nativeHostArgs(tc.args)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%q: %q %v", tc.args, got, ok)
		}
	}
}

func nmFrame(b []byte) []byte {
	return append(binenc.NativeEndian.AppendUint32(nil, uint32(len(b))), b...)
}

func readNMFrames(t *testing.T, out []byte) []map[string]any {
	t.Helper()
	var res []map[string]any
	for len(out) >= 4 {
		n := binenc.NativeEndian.Uint32(out)
		var m map[string]any
		if err := json.Unmarshal(out[4:4+n], &m); err != nil {
			t.Fatal(err)
		}
		res = append(res, m)
		out = out[4+n:]
	}
	return res
}

// TestNativeHostWithoutAgent: started as Chrome starts it with no agent
// running, the host answers each request with IFCPlugin's "plug-in could
// not be initialised" code, says why on stderr, and exits when the
// browser closes the pipe.
func TestNativeHostWithoutAgent(t *testing.T) {
	env := append(os.Environ(), "XDG_RUNTIME_DIR="+t.TempDir(), "LANG=en_US.UTF-8", "LC_ALL=")
	in := slicesJoin(nmFrame([]byte(`{"func_name":"version","params":{}}`)), nmFrame([]byte(`{"func_name":"create","params":{}}`)), []byte{1, 0})
	cmd := exec.Command(binary, "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/")
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	answers := readNMFrames(t, out.Bytes())
	if len(answers) != 2 || answers[0]["error_code"] != float64(0xA3) || answers[1]["error_code"] != float64(0xA3) {
		t.Errorf("answers: %v", answers)
	}
	if !strings.Contains(errb.String(), "not running") || strings.Count(errb.String(), "not running") != 1 {
		t.Errorf("stderr: %s", errb.String())
	}
	// Not an extension: refused.
	if r := qoltanbaEnv(t, env, "native-host", "https://evil.example"); r.code != exitUsage {
		t.Errorf("native-host https://: %+v", r)
	}
}

func slicesJoin(b ...[]byte) []byte { return bytes.Join(b, nil) }

// ruKeyFile makes a Russian GOST R 34.10-2012 key file with OpenSSL's gost
// engine; it returns the .p12 and the certificate (PEM).
func ruKeyFile(t *testing.T) (p12, cert string) {
	t.Helper()
	dir := t.TempDir()
	key := filepath.Join(dir, "key.pem")
	cert, p12 = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.p12")
	opensslGOST(t, "genpkey", "-engine", "gost", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A", "-out", key)
	opensslGOST(t, "req", "-engine", "gost", "-utf8", "-new", "-x509", "-key", key, "-days", "30", "-out", cert,
		"-subj", "/C=RU/SNILS=12345678901/INN=007707049388/CN=Иванов Иван Иванович")
	opensslGOST(t, "pkcs12", "-engine", "gost", "-export", "-inkey", key, "-in", cert, "-out", p12, "-passout", "pass:Qwerty12")
	return p12, cert
}

// TestGosuslugiSequenceInChromium: real headless Chromium loads a test
// extension that takes the official IFCPlugin extension's path; the page
// runs Gosuslugi's sequence; Chromium starts the built qoltanba as the
// ru.rtlabs.ifcplugin host (the manifest `qoltanba install` wrote, in the
// profile's NativeMessagingHosts with the test extension admitted), which relays to `qoltanba serve --unattended
// --allow-origin chrome-extension://<the test extension>`. Every
// signature (signTypes 3-6 over a random challenge) passes `openssl cms
// -verify -engine gost` and `qoltanba verify`; changed ones do not.
func TestGosuslugiSequenceInChromium(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Fatal("chromium is required (Debian chromium, installed by .ci/run)")
	}
	p12, certPEM := ruKeyFile(t)
	extOrigin := "chrome-extension://" + ifcext.ExtensionID
	runtimeDir, err := os.MkdirTemp("", "qoltanba-rt-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(runtimeDir, 0o700)
	t.Cleanup(func() { os.RemoveAll(runtimeDir) })
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_RUNTIME_DIR="+runtimeDir)

	// The agent.
	port := freePort(t)
	agentCmd := exec.Command(binary, "serve", "--port", strconv.Itoa(port), "--unattended", "--p12", p12,
		"--password-file", passwordFile(t), "--allow-origin", extOrigin)
	agentCmd.Env = env
	agentErr := &syncbuf.Buffer{}
	agentCmd.Stderr = agentErr
	stdout, _ := agentCmd.StdoutPipe()
	if err := agentCmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { agentCmd.Process.Signal(os.Interrupt); agentCmd.Wait() })
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || !strings.Contains(line, "listening") {
		t.Fatalf("serve: %q %v\n%s", line, err, agentErr)
	}
	if !agentErr.WaitFor("native messaging door", 5*time.Second) {
		t.Fatalf("no native messaging door:\n%s", agentErr)
	}

	// The page's server: the page, a random challenge, the results.
	chal := make([]byte, 32)
	rand.Read(chal)
	challenge := "esia-login-" + hex.EncodeToString(chal)
	results := make(chan []byte, 1)
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(filepath.Join(ifcext.Dir(), "page"))))
	mux.HandleFunc("/challenge", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, challenge) })
	mux.HandleFunc("/result", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		select {
		case results <- b:
		default:
		}
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	// The host manifest as `qoltanba install` writes it (Chromium's
	// per-user place), given to the test profile with the test extension
	// admitted beside the official one: Chromium reads a profile's own
	// NativeMessagingHosts, and only the official extension's signing key
	// gives the official id.
	install := exec.Command(binary, "install", "--no-autostart")
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	installed, err := os.ReadFile(filepath.Join(home, "config", "chromium", "NativeMessagingHosts", "ru.rtlabs.ifcplugin.json"))
	if err != nil {
		t.Fatalf("install wrote no IFCPlugin host for Chromium: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(installed, &m); err != nil {
		t.Fatal(err)
	}
	origins, _ := m["allowed_origins"].([]any)
	if m["path"] != binary || m["type"] != "stdio" || len(origins) == 0 || origins[0] != "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/" {
		t.Fatalf("installed manifest: %s", installed)
	}
	m["allowed_origins"] = append(origins, extOrigin+"/")
	manifest, _ := json.Marshal(m)
	t.Cleanup(func() {
		u := exec.Command(binary, "uninstall")
		u.Env = env
		u.Run()
	})
	chromiumtest.StartWith(t, env, "http://"+l.Addr().String()+"/", []string{
		"--load-extension=" + ifcext.Dir(), "--disable-extensions-except=" + ifcext.Dir()}, func(profile string) {
		dir := filepath.Join(profile, "NativeMessagingHosts")
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(filepath.Join(dir, "ru.rtlabs.ifcplugin.json"), manifest, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	var got struct {
		Error     string                    `json:"error"`
		Challenge string                    `json:"challenge"`
		Steps     map[string]map[string]any `json:"steps"`
		Sigs      map[string]map[string]any `json:"sigs"`
	}
	select {
	case b := <-results:
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("the page reported nothing\nagent:\n%s", agentErr)
	}
	if got.Error != "" || got.Challenge != challenge {
		t.Fatalf("page: %q (challenge %q)\nsteps: %v\nagent:\n%s", got.Error, got.Challenge, got.Steps, agentErr)
	}
	for _, step := range []string{"create", "version", "get_list_info", "get_list_certs", "load_x509_from_container", "get_x509_info", "free_x509"} {
		if got.Steps[step]["error_code"] != float64(0) {
			t.Errorf("%s: %v", step, got.Steps[step])
		}
	}
	if c := got.Steps["unknown"]["error_code"]; c != float64(0x11) {
		t.Errorf("an unknown function: %v", got.Steps["unknown"])
	}
	info := got.Steps["get_x509_info"]["cert_info"].(map[string]any)
	if subj := info["cert_subject"].(string); !strings.Contains(subj, "SNILS=12345678901\n") || !strings.Contains(subj, "CN=Иванов Иван Иванович") {
		t.Errorf("subject %q", subj)
	}
	dir := t.TempDir()
	content := tempFile(t, "challenge", []byte(challenge))
	for _, st := range []string{"3", "4", "5", "6"} {
		s := got.Sigs[st]
		if s["error_code"] != float64(0) {
			t.Fatalf("sign %s: %v\nagent:\n%s", st, s, agentErr)
		}
		der, err := base64.StdEncoding.DecodeString(s["sign_value"].(string))
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, "sig"+st+".cms")
		os.WriteFile(f, der, 0o600)
		detached := st == "4" || st == "6"
		args := []string{"cms", "-verify", "-engine", "gost", "-inform", "DER", "-in", f, "-CAfile", certPEM, "-binary", "-out", os.DevNull}
		vargs := []string{"verify", "--format", "cms", "--in", f, "--ca", certPEM}
		if detached {
			args = append(args, "-content", content)
			vargs = append(vargs, "--data", content)
		}
		opensslGOST(t, args...)
		if r := qoltanba(t, nil, vargs...); r.code != 0 || !strings.Contains(r.stdout, "VALID: 1 signer(s)") {
			t.Errorf("qoltanba verify signType %s: %+v", st, r)
		}
		// Tampered: a changed signature value, and for detached a changed
		// challenge, are refused by both.
		bad := bytes.Clone(der)
		bad[len(bad)-5] ^= 0x55
		badFile := tempFile(t, "bad"+st, bad)
		badArgs := append([]string{}, args...)
		badArgs[6] = badFile
		if out, err := exec.Command("openssl", badArgs...).CombinedOutput(); err == nil {
			t.Errorf("openssl accepted a changed signature %s: %s", st, out)
		}
		badV := append([]string{}, vargs...)
		badV[4] = badFile
		if r := qoltanba(t, nil, badV...); r.code == 0 {
			t.Errorf("qoltanba verify accepted a changed signature %s", st)
		}
		if detached {
			other := tempFile(t, "other", []byte(challenge+"!"))
			if out, err := exec.Command("openssl", "cms", "-verify", "-engine", "gost", "-inform", "DER", "-in", f, "-CAfile", certPEM,
				"-binary", "-content", other, "-out", os.DevNull).CombinedOutput(); err == nil {
				t.Errorf("openssl accepted another challenge for %s: %s", st, out)
			}
		}
	}
	// The agent signed for the extension, and said so in the audit log.
	log, _ := os.ReadFile(filepath.Join(home, "data", "qoltanba", "audit.jsonl"))
	if strings.Count(string(log), `"origin":"`+extOrigin+`","method":"ifc.sign"`) != 4 {
		t.Errorf("audit log:\n%s", log)
	}
}

// TestNativeHostProtocol: a known extension speaks its own protocol; any
// other is told by its first frame.
func TestNativeHostProtocol(t *testing.T) {
	h := func(origin string) *nativeHost {
		o, err := agent.ParseOrigin(origin)
		if err != nil {
			t.Fatal(err)
		}
		return &nativeHost{origin: o}
	}
	gos := `{"id":"1","node":"","module":"crypto","method":{"type":"certificates"}}`
	ifc := `{"func_name":"version","params":{}}`
	for _, tc := range []struct{ origin, first, want string }{
		{"chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha", gos, transport.HostIFCPlugin},
		{"chrome-extension://jabjbhgjaidecageckilhonbggakppme", ifc, transport.HostGosplugin},
		{"chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", gos, transport.HostGosplugin},
		{"chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ifc, transport.HostIFCPlugin},
		{"chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not json", transport.HostIFCPlugin},
	} {
		if got := h(tc.origin).protocol([]byte(tc.first)); got != tc.want {
			t.Errorf("%s %s: %s", tc.origin, tc.first, got)
		}
	}
}
