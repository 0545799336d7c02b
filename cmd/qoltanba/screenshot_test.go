package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"image"
	_ "image/png"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// startXvfb runs a virtual X display for the test.
func startXvfb(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"Xvfb", "import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required (xvfb, imagemagick, xdotool; installed by .ci/run)", tool)
		}
	}
	n := 90 + rand.IntN(400)
	display := ":" + strconv.Itoa(n)
	x := exec.Command("Xvfb", display, "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			return display
		}
		if i > 100 {
			t.Fatal("Xvfb did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDesktopScreenshots runs `qoltanba run` on a virtual display, sends a
// basics.sign from a WebSocket client, and captures the dialog in each
// language. With QOLTANBA_SCREENSHOTS_DIR set (make screenshots) the PNGs
// are kept there.
func TestDesktopScreenshots(t *testing.T) {
	display := startXvfb(t)
	home := t.TempDir()
	cfgDir := filepath.Join(home, "config", "qoltanba")
	os.MkdirAll(cfgDir, 0o700)
	os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(`{"allowedOrigins":["https://egov.kz"]}`), 0o600)
	port := freePort(t)
	cmd := exec.Command(binary, "run", "--port", strconv.Itoa(port))
	env := []string{"DISPLAY=" + display, "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_DATA_HOME=" + filepath.Join(home, "data"), "PATH=" + os.Getenv("PATH")}
	cmd.Env = env
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.Contains(line, "listening") {
		t.Fatalf("run did not start: %q %v\n%s", line, err, stderr)
	}
	title := "qoltanba: https://egov.kz"
	keep := os.Getenv("QOLTANBA_SCREENSHOTS_DIR")
	for _, locale := range []string{"kk", "ru", "en"} {
		d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
		ws, _, err := d.Dial("wss://127.0.0.1:"+strconv.Itoa(port)+"/", http.Header{"Origin": {"https://egov.kz"}})
		if err != nil {
			t.Fatal(err)
		}
		ws.ReadMessage()
		ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml","data":"<payment><payer>IIN123456789011</payer><amount currency=\"KZT\">15000</amount></payment>","signingParams":{},"signerParams":{"chain":[]},"locale":"`+locale+`"}}`))
		find := exec.Command("xdotool", "search", "--sync", "--onlyvisible", "--name", title)
		find.Env = env
		done := make(chan error, 1)
		go func() { done <- find.Run() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%s: dialog window not found: %v\n%s", locale, err, stderr)
			}
		case <-time.After(20 * time.Second):
			find.Process.Kill()
			t.Fatalf("%s: no dialog window\n%s", locale, stderr)
		}
		time.Sleep(800 * time.Millisecond) // let it paint
		png := filepath.Join(t.TempDir(), "dialog-"+locale+".png")
		cap := exec.Command("import", "-window", "root", png)
		cap.Env = env
		if b, err := cap.CombinedOutput(); err != nil {
			t.Fatalf("import: %v %s", err, b)
		}
		checkScreenshot(t, png)
		if keep != "" {
			b, _ := os.ReadFile(png)
			os.WriteFile(filepath.Join(keep, "dialog-"+locale+".png"), b, 0o644)
		}
		ws.Close() // the page goes away: the dialog closes
		gone := exec.Command("sh", "-c", "for i in $(seq 50); do xdotool search --onlyvisible --name '"+title+"' >/dev/null || exit 0; sleep 0.1; done; exit 1")
		gone.Env = env
		if err := gone.Run(); err != nil {
			t.Errorf("%s: the dialog stayed open after the page left", locale)
		}
	}
	if !stderr.waitFor("no system tray", 5*time.Second) {
		t.Errorf("no tray message in the log:\n%s", stderr)
	}
	// A second copy on the same port shows why it cannot start, and stays
	// until the user closes that window.
	second := exec.Command(binary, "run", "--port", strconv.Itoa(port))
	second.Env = env
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { second.Process.Kill(); second.Wait() }()
	find := exec.Command("xdotool", "search", "--sync", "--onlyvisible", "--name", "^qoltanba$")
	find.Env = env
	errWin := make(chan error, 1)
	go func() { errWin <- find.Run() }()
	select {
	case err := <-errWin:
		if err != nil {
			t.Errorf("no error window for a taken port: %v", err)
		} else if keep != "" {
			time.Sleep(time.Second)
			cap := exec.Command("import", "-window", "root", filepath.Join(keep, "port-taken.png"))
			cap.Env = env
			cap.Run()
		}
	case <-time.After(20 * time.Second):
		find.Process.Kill()
		t.Error("no error window for a taken port")
	}
	// The agent is still there after the dialogs closed.
	if _, _, err := (&websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}).Dial("wss://127.0.0.1:"+strconv.Itoa(port)+"/", http.Header{"Origin": {"https://egov.kz"}}); err != nil {
		t.Errorf("agent gone after the dialogs: %v", err)
	}
}

// checkScreenshot: a real picture, not a blank screen.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	colors := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	if b.Dx() != 1024 || len(colors) < 20 {
		t.Errorf("%s: %dx%d with %d colours: blank?", path, b.Dx(), b.Dy(), len(colors))
	}
}
