package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/internal/testkit/testtsa"
	"github.com/qoltanba/qoltanba/token/p11/p11test"
)

// Screen size of the virtual display: a common laptop screen, the smallest
// the dialog must fit.
const screenW, screenH = 1366, 768

// startXvfb runs a virtual X display for the test.
func startXvfb(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"Xvfb", "import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required (xvfb, imagemagick, xdotool; installed by .ci/run)", tool)
		}
	}
	// Xvfb picks a free display itself and writes its number once it
	// accepts clients (-displayfd): a number chosen here could be taken,
	// or left as a stale socket by a killed server, and its socket file is
	// no sign that this server started.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", screenW, screenH), "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if _, err := strconv.Atoi(n); err != nil {
			t.Fatalf("Xvfb did not start (it wrote %q)", n)
		}
		return ":" + n
	case <-time.After(10 * time.Second):
		t.Fatal("Xvfb did not start in 10 s")
	}
	return ""
}

// screen drives the virtual display with xdotool and captures windows.
type screen struct {
	t    *testing.T
	env  []string
	keep string // QOLTANBA_SCREENSHOTS_DIR
	log  *syncbuf.Buffer
}

func (s *screen) xdo(args ...string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = s.env
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("xdotool %v: %v\n%s", args, err, s.log)
	}
	return strings.TrimSpace(string(out))
}

// window waits for a visible window whose whole title matches the
// pattern and gives it the keyboard.
func (s *screen) window(title string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+title+"$")
		cmd.Env = s.env
		out, _ := cmd.Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			id := ids[len(ids)-1]
			s.xdo("windowfocus", "--sync", id)
			time.Sleep(600 * time.Millisecond) // let it paint
			return id
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no window %q\n%s", title, s.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// gone waits until no window has this title (or, with an id, until that
// window is gone).
func (s *screen) gone(title string, id ...string) {
	s.t.Helper()
	for range 100 {
		cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+title+"$")
		cmd.Env = s.env
		out, _ := cmd.Output()
		ids := strings.Fields(string(out))
		if len(ids) == 0 || (len(id) > 0 && !slices.Contains(ids, id[0])) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("window %q stayed open", title)
}

func (s *screen) typeText(text string) { s.xdo("type", "--delay", "2", text) }
func (s *screen) key(k ...string)      { s.xdo(append([]string{"key", "--delay", "50"}, k...)...) }

// capture saves the window as name.png (kept with make screenshots) and
// checks it is a picture: not blank, and no wider or taller than the
// screen.
func (s *screen) capture(id, name string) {
	s.t.Helper()
	path := filepath.Join(s.t.TempDir(), name+".png")
	args := []string{"-window", id, path}
	if id == "root" { // a menu: the screen's top left corner, where it opens
		args = []string{"-window", "root", "-crop", "420x240+0+0", "+repage", path}
	}
	// A window is mapped before it is painted: under load the first
	// capture may be one colour. It is taken again for up to 10 s; a
	// window that never paints still fails.
	var w, h, ncolors int
	for deadline := time.Now().Add(10 * time.Second); ; {
		w, h, ncolors = s.grab(args, path)
		if ncolors >= 20 || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if ncolors < 20 || w > screenW || h > screenH || w < 300 {
		s.t.Errorf("%s: %dx%d with %d colours", name, w, h, ncolors)
	}
	if s.keep != "" {
		data, _ := os.ReadFile(path)
		os.WriteFile(filepath.Join(s.keep, name+".png"), data, 0o644)
	}
}

// grab runs import with args (writing path) and returns the picture's
// size and how many colours a sample of its pixels has.
func (s *screen) grab(args []string, path string) (w, h, ncolors int) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "import", args...)
	cmd.Env = s.env
	if b, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("import: %v %s", err, b)
	}
	f, err := os.Open(path)
	if err != nil {
		s.t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		s.t.Fatal(err)
	}
	colors := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	return b.Dx(), b.Dy(), len(colors)
}

// flakyTSA answers every other request after 3 s with an error (the
// dialog shows "signing", then the failure), the others through a real
// test TSA (the retry succeeds).
func flakyTSA(t *testing.T) string {
	real := testtsa.New(t)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if n.Add(1)%2 == 1 {
			time.Sleep(3 * time.Second)
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		resp, err := http.Post(real.URL, r.Header.Get("Content-Type"), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestDesktopScreenshots runs `qoltanba run` on a virtual display and
// walks the dialogs through every state in kk, ru, en and vi (with
// Vietnam's portals), driven from the keyboard (xdotool) by pages' real
// requests: the first-use question for a known site, an unknown one and a
// look-alike; the signing dialog empty, with a wrong password, with no
// token, with a token asking for its PIN, with a key list that has a key
// it cannot use, signing, failed at the timestamp server, and signed. Each
// window is captured and checked (not blank, within the screen); make
// screenshots keeps them in docs/screenshots.
func TestDesktopScreenshots(t *testing.T) {
	display := startXvfb(t)
	home := t.TempDir()
	cfgDir := filepath.Join(home, "config", "qoltanba")
	os.MkdirAll(cfgDir, 0o700)
	// The token appears only later: SoftHSM2 with an empty token directory.
	tokDir := filepath.Join(home, "tokens")
	os.MkdirAll(tokDir, 0o700)
	conf := filepath.Join(home, "softhsm2.conf")
	os.WriteFile(conf, []byte("directories.tokendir = "+tokDir+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600)
	lib := p11test.Lib(t)
	os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(fmt.Sprintf(`{"allowedOrigins":["https://egov.kz","https://dichvucong.gov.vn"],"tsaURL":%q,
		"pkcs11Modules":[{"name":"kaztoken","storage":"AKKaztokenStore","path":%q}]}`, flakyTSA(t), lib)), 0o600)
	port := freePort(t)
	cmd := exec.Command(binary, "run", "--port", strconv.Itoa(port))
	env := []string{"DISPLAY=" + display, "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"), "PATH=" + os.Getenv("PATH"), "SOFTHSM2_CONF=" + conf, "LANG=C.UTF-8"}
	cmd.Env = env
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.Contains(line, "listening") {
		t.Fatalf("run did not start: %q %v\n%s", line, err, stderr)
	}
	sc := &screen{t: t, env: env, keep: os.Getenv("QOLTANBA_SCREENSHOTS_DIR"), log: stderr}
	answer := func(ws *websocket.Conn) string {
		ws.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("no answer: %v\n%s", err, stderr)
		}
		return string(msg)
	}
	signXML := func(locale, xml string) string {
		return `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml","data":"` + xml + `","signingParams":{},"signerParams":{"chain":[]},"locale":"` + locale + `"}}`
	}
	var tok *p11test.Token
	for _, l := range []string{"kk", "ru", "en", "vi"} {
		// Kazakhstan's sites in kk, ru and en; Vietnam's in vi (issue 25):
		// the national portal's sign-in, a look-alike of it, and a
		// document of its own.
		fake := map[string]string{"kk": "com", "ru": "net", "en": "org"}[l]
		known, lookalike, tokenSite := "idp.egov.kz", "egov.kz.kezek-balabaqsha-online-zapis-v-detskiy-sad."+fake, "egov.kz"
		xml := `<payment><payer>IIN123456789011</payer><amount currency=\"KZT\">15000</amount><purpose>Балабақша</purpose></payment>`
		if l == "vi" {
			known, lookalike, tokenSite = "xacthuc.dichvucong.gov.vn", "dichvucong.gov.vn.tra-cuu-ho-so-truc-tuyen.com", "dichvucong.gov.vn"
			xml = `<hoso><nguoinop>Nguyễn Văn An</nguoinop><thutuc>Đăng ký khai sinh</thutuc><lephi donvi=\"VND\">8000</lephi></hoso>`
		}
		knownTitle, tokenTitle := "qoltanba — "+regexp.QuoteMeta(known), "qoltanba — "+regexp.QuoteMeta(tokenSite)
		lookalikeTitle := "qoltanba — " + regexp.QuoteMeta(lookalike[:strings.IndexByte(lookalike, '-')+1]) + ".*"
		// The first-use question: a known site (focus on Allow once)...
		ws := dialAgent(t, port, "https://"+known)
		ws.WriteMessage(websocket.TextMessage, []byte(signXML(l, xml)))
		id := sc.window(knownTitle)
		sc.capture(id, "consent-known-"+l)
		sc.key("space") // Allow once
		sc.gone(knownTitle, id)
		// ...then the dialog, empty: a key file, its path, its password.
		id = sc.window(knownTitle)
		sc.capture(id, "dialog-empty-"+l)
		sc.typeText(ncatest.GOST2015FL)
		sc.key("Return")
		sc.typeText("wrong")
		sc.key("Return")
		time.Sleep(500 * time.Millisecond)
		sc.capture(id, "wrong-password-"+l)
		sc.key("Escape")
		if got := answer(ws); got != `{"body":{},"status":true}` {
			t.Errorf("%s: cancel answered %s", l, got)
		}
		sc.gone(knownTitle)

		// An unknown site (allowed once, then its dialog canceled), and a
		// look-alike (the focus on Block; Esc dismisses the question, for
		// this request only).
		ws = dialAgent(t, port, "https://kindergarten.example")
		ws.WriteMessage(websocket.TextMessage, []byte(signXML(l, xml)))
		id = sc.window("qoltanba — kindergarten\\.example")
		sc.capture(id, "consent-unknown-"+l)
		sc.key("space")
		sc.gone("qoltanba — kindergarten\\.example", id)
		sc.window("qoltanba — kindergarten\\.example")
		sc.key("Escape")
		answer(ws)
		sc.gone("qoltanba — kindergarten\\.example")
		ws = dialAgent(t, port, "https://"+lookalike)
		ws.WriteMessage(websocket.TextMessage, []byte(signXML(l, xml)))
		id = sc.window(lookalikeTitle)
		sc.capture(id, "consent-lookalike-"+l)
		sc.key("Escape")
		if got := answer(ws); got != `{"body":{},"status":true}` { // NCALayer's "canceled"
			t.Errorf("%s: a dismissed look-alike got %s", l, got)
		}
		sc.gone(lookalikeTitle)
		// Esc canceled this request only: nothing remembered for the site.
		if b, _ := os.ReadFile(filepath.Join(home, "data", "qoltanba", "permissions.json")); strings.Contains(string(b), lookalike) {
			t.Errorf("%s: Esc on the consent was remembered: %s", l, b)
		}

		// Tokens: none plugged in, then one appears and asks for its PIN;
		// its key list has a key the site cannot use; signing with a
		// timestamp: slow, failing, retried, signed.
		if tok != nil {
			os.RemoveAll(tokDir)
			os.MkdirAll(tokDir, 0o700)
		}
		ws = dialAgent(t, port, "https://"+tokenSite)
		ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"allowedStorages":["AKKaztokenStore"],"format":"cms","data":"MTEK","signingParams":{"decode":true,"tsaProfile":{}},"signerParams":{"chain":[],"extKeyUsageOids":["1.3.6.1.5.5.7.3.2"]},"locale":"`+l+`"}}`))
		id = sc.window(tokenTitle)
		sc.capture(id, "token-none-"+l)
		tok = screenshotToken(t, conf)
		time.Sleep(3 * time.Second) // the dialog looks again every 2 s
		sc.capture(id, "token-pin-"+l)
		sc.typeText(tok.PIN)
		sc.key("Return")
		time.Sleep(1500 * time.Millisecond) // Sign waits a second after a change
		sc.capture(id, "keys-listed-"+l)
		sc.key("space") // Sign has the focus once it is enabled
		time.Sleep(800 * time.Millisecond)
		sc.capture(id, "signing-"+l)
		time.Sleep(3 * time.Second)
		sc.capture(id, "error-tsa-"+l)
		sc.key("space") // Try again
		time.Sleep(300 * time.Millisecond)
		sc.capture(id, "signed-"+l)
		if got := answer(ws); !strings.Contains(got, `"result":["-----BEGIN CMS-----`) {
			t.Errorf("%s: signing answered %.200s\n%s", l, got, stderr)
		}
		sc.gone(tokenTitle)
	}
	if !stderr.WaitFor("no system tray", 5*time.Second) {
		t.Errorf("no tray message in the log:\n%s", stderr)
	}
	// A second copy on the same port shows why it cannot start.
	second := exec.Command(binary, "run", "--port", strconv.Itoa(port))
	second.Env = env
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { second.Process.Kill(); second.Wait() }()
	id := sc.window("qoltanba")
	sc.capture(id, "port-taken")
	// The agent is still there after the dialogs closed.
	if _, _, err := (&websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}).Dial("wss://127.0.0.1:"+strconv.Itoa(port)+"/", http.Header{"Origin": {"https://egov.kz"}}); err != nil {
		t.Errorf("agent gone after the dialogs: %v", err)
	}
}

// screenshotToken makes a SoftHSM2 token in the directory conf names: a
// login-and-signing RSA key and a key without the usage the page asks for.
func screenshotToken(t *testing.T, conf string) *p11test.Token {
	tok := p11test.NewIn(t, conf, "ТЕСТ")
	tok.AddRSA(t, "01", "auth")
	tok.AddGeneratedECDSA(t, "02", "sign", false)
	return tok
}
