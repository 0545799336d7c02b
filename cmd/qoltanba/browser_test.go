package main

import (
	"encoding/json"
	"fmt"
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

	"github.com/qoltanba/qoltanba/internal/testkit/chromiumtest"
)

// TestBrowserTrustsInstalledAgent: after `qoltanba install` in a private
// HOME, headless Chromium (no certificate flags) opens a page that talks to
// the agent over wss, gets the greeting and an unattended basics.sign
// answer, and reports both back.
func TestBrowserTrustsInstalledAgent(t *testing.T) {
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	install := exec.Command(binary, "install", "--no-autostart")
	install.Env = env
	if b, err := install.CombinedOutput(); err != nil {
		t.Fatalf("install: %v %s", err, b)
	}
	// The test page, served on its own loopback origin.
	results := make(chan string, 4)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pageOrigin := "http://" + l.Addr().String()
	agentPort := freePort(t)
	page := `<!doctype html><meta charset="utf-8"><script>
const report = (k, v) => fetch("/result", {method: "POST", body: JSON.stringify({k, v})});
const ws = new WebSocket("wss://127.0.0.1:` + strconv.Itoa(agentPort) + `/");
let n = 0;
ws.onerror = () => report("error", "websocket error (untrusted certificate or agent down)");
ws.onmessage = (e) => {
  if (n++ === 0) {
    report("greeting", e.data);
    ws.send(JSON.stringify({module: "kz.gov.pki.knca.basics", method: "sign", args: {format: "cms", data: "aGVsbG8=",
      signingParams: {decode: true, allowExpired: true}, signerParams: {chain: []}}}));
  } else {
    report("sign", e.data);
  }
};
</script>`
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/result" {
			b, _ := io.ReadAll(r.Body)
			results <- string(b)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})}
	go srv.Serve(l)
	defer srv.Close()
	// The agent, unattended for the page's origin, with the installed certificate.
	agent := exec.Command(binary, "serve", "--port", strconv.Itoa(agentPort), "--unattended", "--p12", gostKey,
		"--password-file", passwordFile(t), "--allow-origin", pageOrigin)
	agent.Env = env
	out, _ := agent.StdoutPipe()
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { agent.Process.Kill(); agent.Wait() }()
	buf := make([]byte, 256)
	if n, _ := out.Read(buf); !strings.Contains(string(buf[:n]), "listening") {
		t.Fatalf("agent: %s", buf[:n])
	}
	chromiumtest.Start(t, env, pageOrigin+"/", 0)
	got := map[string]string{}
	deadline := time.After(60 * time.Second)
	for len(got) < 2 {
		select {
		case r := <-results:
			var m struct{ K, V string }
			json.Unmarshal([]byte(r), &m)
			if m.K == "error" {
				t.Fatalf("browser: %s", m.V)
			}
			got[m.K] = m.V
		case <-deadline:
			t.Fatalf("no answer from the browser: %v", got)
		}
	}
	if got["greeting"] != `{"result":{"version":"1.4"}}` {
		t.Errorf("greeting %q", got["greeting"])
	}
	if !strings.Contains(got["sign"], `"status":true`) || !strings.Contains(got["sign"], "BEGIN CMS") {
		t.Errorf("sign answer %.200q", got["sign"])
	}
	fmt.Fprint(io.Discard)
}
