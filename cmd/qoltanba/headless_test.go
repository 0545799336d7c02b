//go:build linux

package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
)

// noDisplayEnv is a throwaway home with no display.
func noDisplayEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
}

// TestRunWithNeitherDisplayNorTerminal: `run` (make run) at a login with
// no display and no terminal starts anyway, says why no one can be asked,
// and pages get an answer (a refusal), not a hang; --ui desktop without a
// display is a one-line error, not a stack trace.
func TestRunWithNeitherDisplayNorTerminal(t *testing.T) {
	port := freePort(t)
	cmd := exec.Command(binary, "run", "--port", strconv.Itoa(port))
	cmd.Env = noDisplayEnv(t)
	cmd.SysProcAttr = detachedFromTTY()
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "listening on") {
		t.Fatalf("run did not start: %q %v\n%s", line, err, stderr)
	}
	if !stderr.WaitFor("no display and no terminal", 5*time.Second) {
		t.Errorf("the log does not say why no one is asked:\n%s", stderr)
	}
	ws := dialAgent(t, port, "https://egov.kz")
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"aGVsbG8=","signingParams":{"decode":true},"signerParams":{"chain":[]}}}`))
	_, msg, err := ws.ReadMessage()
	if err != nil || strings.Contains(string(msg), `"status":true`) {
		t.Errorf("a page's request: %s %v", msg, err)
	}

	// No display at all, a DISPLAY whose server is gone, and one whose
	// socket answers but is no X server (GLFW panicked with a stack trace
	// at the first window).
	os.MkdirAll("/tmp/.X11-unix", 0o1777)
	var fake net.Listener
	fakeDisplay := ""
	for n := 90; n < 100 && fake == nil; n++ { // a display number no server holds
		if l, err := net.Listen("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			fake, fakeDisplay = l, fmt.Sprintf("DISPLAY=:%d", n)
		}
	}
	if fake == nil {
		t.Fatal("no free X display number in 90..99")
	}
	defer fake.Close()
	go func() {
		for {
			c, err := fake.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	for _, env := range [][]string{noDisplayEnv(t), append(noDisplayEnv(t), "DISPLAY=:97"), append(noDisplayEnv(t), fakeDisplay)} {
		r := runBinary(t, env, nil, "serve", "--ui", "desktop", "--port", strconv.Itoa(freePort(t)))
		if r.code != 1 || strings.Contains(r.stderr, "goroutine") || !strings.Contains(r.stderr, "needs a display") {
			t.Errorf("--ui desktop without a display: %+v", r)
		}
	}
}

// TestHeadlessBuild: -tags nodesktop links neither OpenGL nor X11 (the
// full build does: the check can fail), and its agent works without them.
func TestHeadlessBuild(t *testing.T) {
	headless := filepath.Join(t.TempDir(), "qoltanba")
	if out, err := exec.Command("go", "build", "-tags", "nodesktop", "-o", headless, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	graphics := func(bin string) []string {
		out, err := exec.Command("ldd", bin).CombinedOutput()
		if err != nil && !strings.Contains(string(out), "not a dynamic executable") {
			t.Fatalf("ldd %s: %v\n%s", bin, err, out)
		}
		var libs []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "libGL") || strings.Contains(l, "libX11") {
				libs = append(libs, strings.TrimSpace(l))
			}
		}
		return libs
	}
	if libs := graphics(binary); len(libs) == 0 {
		t.Fatal("the full build links no libGL/libX11: the check below proves nothing")
	}
	if libs := graphics(headless); len(libs) != 0 {
		t.Errorf("the headless build links %v", libs)
	}
	c := exec.Command(headless, "serve", "--ui", "desktop")
	c.Env = append(noDisplayEnv(t), "DISPLAY=:0")
	if out, err := c.CombinedOutput(); err == nil || !strings.Contains(string(out), "nodesktop") {
		t.Errorf("headless --ui desktop: %v %s", err, out)
	}
	// Its agent signs (unattended) like the full build's.
	port := freePort(t)
	srv := exec.Command(headless, "serve", "--port", strconv.Itoa(port), "--unattended", "--p12", gostKey,
		"--password-file", passwordFile(t), "--allow-origin", "https://site.example")
	srv.Env = noDisplayEnv(t)
	out, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.Contains(line, "listening on") {
		t.Fatalf("headless serve: %q %v", line, err)
	}
	signAs(t, port, nil, "https://site.example")
}
