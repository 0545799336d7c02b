package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
)

// TestInstallStatusUninstall: install in a private HOME (a Firefox profile
// with an NSS database), the agent then serves the installed certificate,
// which a client trusting only the installed CA accepts for 127.0.0.1 and
// localhost; status passes; uninstall leaves nothing and status fails.
func TestInstallStatusUninstall(t *testing.T) {
	if _, err := exec.LookPath("certutil"); err != nil {
		t.Fatal("certutil is required (libnss3-tools)")
	}
	home := t.TempDir()
	ff := filepath.Join(home, ".mozilla", "firefox", "x.default")
	os.MkdirAll(ff, 0o700)
	exec.Command("certutil", "-N", "-d", "sql:"+ff, "--empty-password").Run()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	runIn := func(args ...string) result {
		cmd := exec.Command(binary, args...)
		cmd.Env = env
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return result{out.String(), errb.String(), code}
	}
	r := runIn("install")
	if r.code != 0 || !strings.Contains(r.stdout, "trusted in: "+ff) || !strings.Contains(r.stdout, "starts at login: xdg") {
		t.Fatalf("install: %+v", r)
	}
	if r := runIn("status"); r.code != 1 || !strings.Contains(r.stdout, "FAIL listening") || !strings.Contains(r.stdout, "ok   trust "+ff) {
		t.Errorf("status without the agent: %+v", r)
	}
	manifests := checkNativeInstalled(t, home, r.stdout, runIn("status").stdout)
	// The agent serves the installed certificate.
	port := freePort(t)
	cmd := exec.Command(binary, "serve", "--port", strconv.Itoa(port), "--unattended", "--p12", gostKey, "--password-file", passwordFile(t), "--allow-origin", "https://site.example")
	cmd.Env = env
	out, _ := cmd.StdoutPipe()
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 256)
	if n, _ := out.Read(buf); !strings.Contains(string(buf[:n]), "listening") {
		t.Fatalf("serve: %s %s", buf[:n], stderr)
	}
	if strings.Contains(stderr.String(), "temporary self-signed") {
		t.Error("serve ignored the installed certificate")
	}
	caPEM, err := os.ReadFile(filepath.Join(home, ".config", "qoltanba", "tls", "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: roots}}
		ws, _, err := d.Dial("wss://"+host+":"+strconv.Itoa(port)+"/", http.Header{"Origin": {"https://site.example"}})
		if err != nil {
			t.Errorf("%s with only the installed CA trusted: %v", host, err)
			continue
		}
		ws.Close()
	}
	// status with the agent's port: everything in place.
	os.WriteFile(filepath.Join(home, ".config", "qoltanba", "config.json"), []byte(`{"port":`+strconv.Itoa(port)+`}`), 0o600)
	if r := runIn("status"); r.code != 0 || !strings.Contains(r.stdout, "ok   listening") {
		t.Errorf("status with the agent: %+v", r)
	}
	r = runIn("uninstall", "--purge")
	if r.code != 0 {
		t.Fatalf("uninstall: %+v", r)
	}
	for _, m := range manifests {
		if !strings.Contains(r.stdout, "removed the native messaging host: "+m+"\n") {
			t.Errorf("uninstall does not list %s:\n%s", m, r.stdout)
		}
		if _, err := os.Lstat(m); err == nil {
			t.Errorf("%s left after uninstall", m)
		}
	}
	for _, d := range []string{".config/google-chrome", ".config/chromium", ".config/microsoft-edge", ".config/yandex-browser", ".mozilla/native-messaging-hosts"} {
		if _, err := os.Lstat(filepath.Join(home, d)); err == nil {
			t.Errorf("%s, which install made, left after uninstall", d)
		}
	}
	if b, _ := exec.Command("certutil", "-L", "-d", "sql:"+ff).CombinedOutput(); strings.Contains(string(b), "qoltanba") {
		t.Errorf("CA left in Firefox:\n%s", b)
	}
	for _, p := range []string{filepath.Join(home, ".config", "qoltanba"), filepath.Join(home, ".config", "autostart", "qoltanba.desktop"), filepath.Join(home, ".local", "share", "qoltanba")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left after uninstall --purge", p)
		}
	}
	if r := runIn("status"); r.code != 1 {
		t.Errorf("status after uninstall: %+v", r)
	}
}

// TestInstallWithoutCertutil: a fresh Ubuntu has no certutil; install still
// makes the CA and autostart, exits 0, and says which browsers will not
// trust the agent and what to install; status says the same.
func TestInstallWithoutCertutil(t *testing.T) {
	home := t.TempDir()
	noTools := t.TempDir() // a PATH without certutil (and without systemctl)
	env := append(withoutVar(os.Environ(), "PATH="), "PATH="+noTools, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	run := func(args ...string) result {
		cmd := exec.Command(binary, args...)
		cmd.Env = env
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		cmd.Run()
		return result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
	}
	r := run("install")
	chromium := filepath.Join(home, ".pki", "nssdb")
	if r.code != 0 || !strings.Contains(r.stdout, "local CA:") || !strings.Contains(r.stdout, "starts at login: xdg") ||
		!strings.Contains(r.stderr, "certutil is missing") || !strings.Contains(r.stderr, chromium) || !strings.Contains(r.stderr, "libnss3-tools") {
		t.Fatalf("install: %+v", r)
	}
	if r := run("status"); r.code != 1 || !strings.Contains(r.stdout, "FAIL trust "+chromium+": not changed: certutil is missing; install libnss3-tools") {
		t.Errorf("status: %+v", r)
	}
}

func withoutVar(env []string, prefix string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// checkNativeInstalled: install said where it registered the Gosuslugi
// plug-in hosts (a line per browser), each manifest starts this binary
// with the official extensions' origins, and status lists every one as
// in place. It returns the manifests.
func checkNativeInstalled(t *testing.T, home, installOut, statusOut string) []string {
	t.Helper()
	exe, _ := filepath.EvalSymlinks(binary)
	exe, _ = filepath.Abs(exe)
	dirs := map[string]string{
		"Google Chrome":  filepath.Join(home, ".config", "google-chrome", "NativeMessagingHosts"),
		"Chromium":       filepath.Join(home, ".config", "chromium", "NativeMessagingHosts"),
		"Microsoft Edge": filepath.Join(home, ".config", "microsoft-edge", "NativeMessagingHosts"),
		"Yandex Browser": filepath.Join(home, ".config", "yandex-browser", "NativeMessagingHosts"),
		"Firefox":        filepath.Join(home, ".mozilla", "native-messaging-hosts"),
	}
	var manifests []string
	for browser, dir := range dirs {
		line := "the Gosuslugi plug-in hosts for " + browser + ": " + dir + " (ru.rtlabs.ifcplugin, chrome.gosuslugi.plugin, gosuslugi.plugin)"
		if !strings.Contains(installOut, line) {
			t.Errorf("install does not say %q:\n%s", line, installOut)
		}
		for _, h := range []string{"ru.rtlabs.ifcplugin", "chrome.gosuslugi.plugin", "gosuslugi.plugin"} {
			f := filepath.Join(dir, h+".json")
			manifests = append(manifests, f)
			b, err := os.ReadFile(f)
			if err != nil {
				t.Error(err)
				continue
			}
			var m struct {
				Name              string   `json:"name"`
				Path              string   `json:"path"`
				Type              string   `json:"type"`
				AllowedOrigins    []string `json:"allowed_origins"`
				AllowedExtensions []string `json:"allowed_extensions"`
			}
			if err := json.Unmarshal(b, &m); err != nil || m.Name != h || m.Path != exe || m.Type != "stdio" {
				t.Errorf("%s: %+v %v (want path %s)", f, m, err, exe)
			}
			switch {
			case browser == "Firefox" && len(m.AllowedExtensions) == 0:
				t.Errorf("%s: no allowed_extensions", f)
			case browser != "Firefox" && h == "ru.rtlabs.ifcplugin" && !slices.Equal(m.AllowedOrigins, []string{"chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/"}):
				t.Errorf("%s: allowed_origins %v", f, m.AllowedOrigins)
			}
			if !strings.Contains(statusOut, "ok   native host "+f+": starts this program\n") {
				t.Errorf("status does not list %s:\n%s", f, statusOut)
			}
		}
	}
	return manifests
}
