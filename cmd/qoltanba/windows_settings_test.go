package main

import (
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/winetest"
)

// TestWindowsSettings runs the GUI qoltanba.exe under Wine on a virtual
// display and changes its settings as a user would, from the keyboard: the
// tray's Settings… opens the window (ui.Settings drawn by winui), a
// language is picked from the list, a wrong timeout is refused (nothing
// written, the window stays), a right one is written to config.json in the
// user's profile and the language to ui.json, and Esc closes the window.
func TestWindowsSettings(t *testing.T) {
	gui, _ := windowsDist(t)
	display := startXvfb(t)
	w := winetest.New(t, display)
	port := freePort(t)
	stderr, _ := startWin(t, w, gui, port, "run", "--port", strconv.Itoa(port))
	sc := &screen{t: t, env: w.Env, keep: os.Getenv("QOLTANBA_SCREENSHOTS_DIR"), log: stderr}
	dir := filepath.Join(winProfile(t, w), "AppData", "Roaming", "qoltanba")
	configFile, prefsFile := filepath.Join(dir, "config.json"), filepath.Join(dir, "ui.json")
	before, _ := os.ReadFile(configFile)

	// The tray menu (right click on Wine's stand-in for the notification
	// area), from its bottom: Quit, About, Settings….
	var tray []string
	for i := 0; len(tray) == 0; i++ {
		if i > 200 {
			t.Fatalf("no tray icon\n%s", stderr)
		}
		time.Sleep(100 * time.Millisecond)
		cmd := exec.Command("xdotool", "search", "--name", "^Wine System Tray$")
		cmd.Env = w.Env
		out, _ := cmd.Output()
		tray = strings.Fields(string(out))
	}
	time.Sleep(2 * time.Second) // the icon takes its menu a moment after it shows
	sc.xdo("mousemove", "--window", tray[0], "8", "8", "click", "3")
	time.Sleep(time.Second)
	// Under Xvfb, Wine's menu acts on neither Enter nor a click alone
	// (Enter takes it out of its keyboard mode, then a click on the item
	// Up highlighted chooses it).
	sc.key("Up", "Up", "Up")
	time.Sleep(500 * time.Millisecond)
	x, y := highlighted(t, w.Env)
	sc.key("Return")
	time.Sleep(time.Second)
	sc.xdo("mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	title := "(Баптаулар|Настройки|Settings)…"
	id := sc.window(title)
	sc.capture(id, "windows-settings")

	// The focus is on the language: the next in the list (Қазақша after
	// "automatic"); then Tab to the TSA, Tab to the timeout.
	sc.key("Down", "Tab", "Tab", "End")
	for range 10 {
		sc.key("BackSpace")
	}
	sc.typeText("5") // no unit: refused
	sc.key("Return") // Save is the default button
	time.Sleep(time.Second)
	sc.capture(id, "windows-settings-invalid")
	if after, _ := os.ReadFile(configFile); string(after) != string(before) {
		t.Fatalf("a wrong timeout was written: %s", after)
	}
	if b, _ := os.ReadFile(prefsFile); strings.Contains(string(b), `"locale"`) {
		t.Errorf("a refused save kept the language: %s", b)
	}
	sc.window(title) // still open

	sc.key("BackSpace")
	sc.typeText("2m")
	sc.key("Return")
	var cfg struct {
		PromptTimeout string `json:"promptTimeout"`
		TSAURL        string `json:"tsaURL"`
	}
	var prefs struct {
		Strings map[string]string `json:"strings"`
	}
	for i := 0; ; i++ {
		b, _ := os.ReadFile(configFile)
		p, _ := os.ReadFile(prefsFile)
		json.Unmarshal(b, &cfg)
		json.Unmarshal(p, &prefs)
		if cfg.PromptTimeout == "2m0s" && prefs.Strings["locale"] == "kk" {
			break
		}
		if i > 50 {
			t.Fatalf("not saved: config.json %s, ui.json %s\n%s", b, p, stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.HasPrefix(cfg.TSAURL, "http") {
		t.Errorf("the TSA URL was lost: %q", cfg.TSAURL)
	}
	time.Sleep(500 * time.Millisecond) // let it paint the status
	sc.capture(id, "windows-settings-saved")
	sc.key("Escape")
	sc.gone(title, id)
	// The agent is still there.
	dialAgent(t, port, "https://egov.kz")
}

// highlighted is where the highlighted item of an open menu is on the
// screen: the first row of the selection colour near the top left corner,
// where the tray's menu opens.
func highlighted(t *testing.T, env []string) (x, y int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "menu.png")
	cmd := exec.Command("import", "-window", "root", "-crop", "420x240+0+0", "+repage", path)
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, b)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		n, first := 0, 0
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r>>8 < 0x80 && g>>8 > 0x60 && bl>>8 > 0xc0 {
				if n == 0 {
					first = x
				}
				n++
			}
		}
		if n > 100 { // a row of the selection, not the tray icon's blue dot
			return first + 20, y + 4
		}
	}
	t.Fatal("no menu item highlighted")
	return 0, 0
}
