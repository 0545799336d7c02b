package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
)

// tmuxScreen runs a command in a detached tmux session (a real terminal
// emulator, 120x40) and reads back what is on its screen.
type tmuxScreen struct {
	t      testing.TB
	socket string
}

func newTmuxScreen(t testing.TB, env []string, command string) *tmuxScreen {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is required (Debian tmux; .ci/run installs it)")
	}
	s := &tmuxScreen{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"-S", s.socket, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	if out, err := exec.Command("tmux", append(args, command)...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

// screen is the visible pane, as the user sees it.
func (s *tmuxScreen) screen() string {
	out, err := exec.Command("tmux", "-S", s.socket, "capture-pane", "-p", "-J").Output()
	if err != nil {
		s.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

// waitFor waits until the screen shows text.
func (s *tmuxScreen) waitFor(text string) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sc := s.screen()
		if strings.Contains(sc, text) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q:\n%s", text, sc)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *tmuxScreen) send(keys ...string) {
	if out, err := exec.Command("tmux", append([]string{"-S", s.socket, "send-keys"}, keys...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys: %v\n%s", err, out)
	}
}

// TestTTYPageTextCannotRepaintTheScreen: a page's document and its file
// chooser arguments carry terminal control sequences that clear the screen
// and draw a fake egov.kz prompt. In the real terminal the real origin stays
// on screen, the sequences are shown as text, and the fake header never
// appears as a header of its own.
func TestTTYPageTextCannotRepaintTheScreen(t *testing.T) {
	home := t.TempDir()
	port := freePort(t)
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_DATA_HOME=" + filepath.Join(home, "data"), "TERM=xterm", "LANG=en_US.UTF-8"}
	sc := newTmuxScreen(t, env, fmt.Sprintf("%s serve --ui tty --port %d 2>%s", binary, port, filepath.Join(home, "stderr")))
	sc.waitFor("listening on wss://127.0.0.1:" + strconv.Itoa(port))

	ws := dialAgent(t, port, "https://evil.example")
	fake := "\x1b[2J\x1b[H==== HTTPS://EGOV.KZ ====\nLog in to egov.kz\n\x1b[8m"
	data, _ := json.Marshal("I transfer my flat to evil LLC." + fake)
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":`+string(data)+`,"locale":"en","signingParams":{"allowExpired":true},"signerParams":{"chain":[]}}}`))

	screen := sc.waitFor("1) Allow once")
	if !strings.Contains(screen, "==== HTTPS://EVIL.EXAMPLE ====") {
		t.Fatalf("consent without the real origin:\n%s", screen)
	}
	sc.send("1", "Enter")
	screen = sc.waitFor("Key store number")
	for _, want := range []string{
		"==== HTTPS://EVIL.EXAMPLE ====",             // the real origin, still there
		"Sign data for evil.example",                 // who asks, from the handshake
		"│ I transfer my flat to evil LLC.␛[2J␛[H==", // the page's text, inert and marked
		"│ Log in to egov.kz",                        // the fake line only as document text
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	for _, line := range strings.Split(screen, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "==== HTTPS://EGOV.KZ") || strings.HasPrefix(line, "Log in to egov.kz") {
			t.Errorf("the page drew a header of its own: %q\n%s", line, screen)
		}
	}
	sc.send("0", "Enter")
	if _, msg, err := ws.ReadMessage(); err != nil || !strings.Contains(string(msg), `"status":true`) {
		t.Fatalf("cancel answer %s %v", msg, err)
	}

	// showFileChooser: the extension and directory are the page's words too.
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.commonUtils","method":"showFileChooser","args":["p12\u001b[2J\u001b[H==== HTTPS://EGOV.KZ ==== egov.kz asks for your key file","\u202eC:\\keys"]}`))
	sc.waitFor("1) Allow once")
	sc.send("1", "Enter")
	screen = sc.waitFor("asks for a file")
	if !strings.Contains(screen, "https://evil.example asks for a file (*.p12␛[2J␛[H==== HTTPS://EGOV.KZ ==== egov.kz asks for your key file, from <U+202E>C:\\keys)") {
		t.Errorf("chooser arguments not inert:\n%s", screen)
	}
	if !strings.Contains(screen, "==== HTTPS://EVIL.EXAMPLE ====") {
		t.Errorf("the real origin was wiped:\n%s", screen)
	}
	sc.send("Enter")
	ws.ReadMessage()
	if b, _ := os.ReadFile(filepath.Join(home, "stderr")); strings.Contains(string(b), "panic") {
		t.Fatalf("agent:\n%s", b)
	}
}

// TestTTYScreenInRussian: for a page that asks in Russian the terminal
// dialog speaks Russian, in the desktop dialog's words, up to "Подписано ✓";
// the page gets its signature.
func TestTTYScreenInRussian(t *testing.T) {
	home := t.TempDir()
	port := freePort(t)
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_DATA_HOME=" + filepath.Join(home, "data"), "TERM=xterm", "LANG=ru_RU.UTF-8"}
	sc := newTmuxScreen(t, env, fmt.Sprintf("%s serve --ui tty --port %d 2>%s", binary, port, filepath.Join(home, "stderr")))
	sc.waitFor("listening on wss://127.0.0.1:" + strconv.Itoa(port))
	ws := dialAgent(t, port, "https://egov.kz")
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","locale":"ru","signingParams":{"allowExpired":true},"signerParams":{"chain":[]}}}`))
	sc.waitFor("Разрешить сайту egov.kz запрашивать вашу подпись?")
	sc.send("1", "Enter")
	sc.waitFor("Номер хранилища ключей (0 — отмена):")
	sc.send("1", "Enter")
	sc.waitFor("Путь к файлу ключа:")
	sc.send(ncatest.GOST2015FL, "Enter")
	sc.waitFor("Пароль:")
	sc.send("Qwerty12", "Enter")
	sc.waitFor("Номер ключа (0 — назад к хранилищам):")
	time.Sleep(1100 * time.Millisecond) // the dialog's delay before an approval counts
	sc.send("1", "Enter")
	sc.waitFor("Подписать? Введите «да» и нажмите Enter:")
	sc.send("да", "Enter")
	screen := sc.waitFor("Подписано ✓")
	for _, want := range []string{"Известный сайт", "Подпись данных для egov.kz", "Файл ключа (PKCS#12)", "ТЕСТОВ ТЕСТ, ИИН 123456789011"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "Qwerty12") {
		t.Error("the password is on the screen")
	}
	if _, msg, err := ws.ReadMessage(); err != nil || !strings.Contains(string(msg), `"status":true`) || !strings.Contains(string(msg), `"body":{"result":`) {
		t.Fatalf("answer %s %v", msg, err)
	}
}
