package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/internal/testkit/chromiumtest"
)

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func build(t *testing.T, dir, pkg, name string) string {
	out := filepath.Join(dir, name)
	if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v %s", pkg, err, b)
	}
	return out
}

// startLine runs a program and waits for its first stdout line.
func startLine(t *testing.T, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	logf, _ := os.Create(filepath.Join(t.TempDir(), filepath.Base(name)+".log")) // kept for debugging with -v
	cmd.Stderr = logf
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatalf("%s did not start: %v", name, err)
	}
	return cmd
}

// cdp is a minimal Chrome DevTools Protocol client: evaluate JavaScript in
// the page.
type cdp struct {
	ws *websocket.Conn
	id int
}

func (c *cdp) eval(t *testing.T, expr string) string {
	c.id++
	c.ws.WriteJSON(map[string]any{"id": c.id, "method": "Runtime.evaluate", "params": map[string]any{"expression": expr, "returnByValue": true}})
	for {
		var m struct {
			ID     int
			Result struct {
				Result struct{ Value any }
			}
		}
		c.ws.SetReadDeadline(time.Now().Add(20 * time.Second))
		if err := c.ws.ReadJSON(&m); err != nil {
			t.Fatal(err)
		}
		if m.ID == c.id {
			return fmt.Sprint(m.Result.Result.Value)
		}
	}
}

// TestBrowserLogins: headless Chromium on the demo site clicks both login
// buttons; `qoltanba serve --unattended` with a shared NCA key signs. With
// the site's defaults (origin from --listen, no --allow-ncalayer-login) the
// NCALayer login is refused with its message and the qoltanba login lands
// on the page showing IIN123456789011.
func TestBrowserLogins(t *testing.T) {
	dir := t.TempDir()
	qoltanba := build(t, dir, "../qoltanba", "qoltanba")
	rp := build(t, dir, ".", "qoltanba-rp")
	home := filepath.Join(dir, "home")
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	if b, err := func() ([]byte, error) {
		c := exec.Command(qoltanba, "install", "--no-autostart")
		c.Env = env
		return c.CombinedOutput()
	}(); err != nil {
		t.Fatalf("install: %v %s", err, b)
	}
	agentPort, rpPort := freePort(t), freePort(t)
	site := "http://127.0.0.1:" + strconv.Itoa(rpPort)
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("Qwerty12\n"), 0o600)
	startLine(t, env, qoltanba, "serve", "--port", strconv.Itoa(agentPort), "--unattended", "--p12",
		ncatest.GOST2015FL,
		"--password-file", pw, "--allow-origin", site)
	startLine(t, env, rp, "--listen", "127.0.0.1:"+strconv.Itoa(rpPort), "--agent-port", strconv.Itoa(agentPort),
		"--trust", "test", "--verify-time", "2026-01-15T00:00:00Z") // the test CAs qoltanba carries
	debugPort := freePort(t)
	chromiumtest.Start(t, env, site+"/", debugPort)
	var wsURL string
	for i := 0; wsURL == ""; i++ {
		if i > 100 {
			t.Fatal("no DevTools endpoint")
		}
		time.Sleep(100 * time.Millisecond)
		r, err := http.Get("http://127.0.0.1:" + strconv.Itoa(debugPort) + "/json")
		if err != nil {
			continue
		}
		var targets []struct{ Type, URL, WebSocketDebuggerURL string }
		json.NewDecoder(r.Body).Decode(&targets)
		r.Body.Close()
		for _, tg := range targets {
			if tg.Type == "page" && strings.HasPrefix(tg.URL, site) {
				wsURL = tg.WebSocketDebuggerURL
			}
		}
	}
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	c := &cdp{ws: ws}
	for _, button := range []string{"n", "q"} {
		c.eval(t, `document.getElementById("msg") && (document.getElementById("msg").textContent = "")`)
		c.eval(t, `fetch("/").then(() => {})`) // same session cookie for both logins
		if got := c.eval(t, `location.pathname`); got != "/" {
			c.eval(t, `location.href = "/"`)
			time.Sleep(500 * time.Millisecond)
		}
		for i := 0; i < 50 && c.eval(t, `typeof document.getElementById("`+button+`").onclick`) != "function"; i++ {
			time.Sleep(100 * time.Millisecond) // the module script is still loading
		}
		c.eval(t, `document.getElementById("`+button+`").click()`)
		var iin, msg string
		for i := 0; i < 100 && iin == ""; i++ {
			time.Sleep(100 * time.Millisecond)
			iin = c.eval(t, `(document.getElementById("iin") || {}).textContent || ""`)
			msg = c.eval(t, `(document.getElementById("msg") || {}).textContent || ""`)
			if msg != "" {
				break
			}
		}
		if button == "n" { // by default the site requires the login bound to it
			if iin != "" || !strings.Contains(msg, "only the qoltanba login") {
				t.Fatalf("NCALayer login without --allow-ncalayer-login: iin %q, message %q", iin, msg)
			}
			continue
		}
		if iin != "123456789011" {
			t.Fatalf("button %s: no login (message %q, at %s)", button, msg, c.eval(t, "location.href"))
		}
	}
}
