package main

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/internal/testkit/winetest"
	"github.com/qoltanba/qoltanba/ui"
	"github.com/qoltanba/qoltanba/update"
	"github.com/qoltanba/qoltanba/update/publish"
)

// winBuild is one release-like Windows build: the GUI qoltanba.exe and the
// console qoltanba-cli.exe, as make windows links them.
type winBuild struct{ gui, cli []byte }

// winUpdateRepo is a real TUF repository made for the test (update/publish)
// and served over HTTP on loopback, with the Windows programs v1.0.0 and
// v1.1.0 built like a release carrying its root.
type winUpdateRepo struct {
	dir     string
	repo    *publish.Repo
	signers map[string]signature.Signer
	url     string
	builds  map[string]winBuild
}

// newWinUpdateRepo makes the repository, cross-builds v1.0.0 and v1.1.0
// with its root linked in (update.linkedRoot, as make release does; the
// update watch looks every 500 ms instead of every minute:
// main.updateWatchEvery) and publishes both GUI programs, which is what
// the repository carries for windows-amd64 (update.ProgramPath).
func newWinUpdateRepo(t *testing.T) *winUpdateRepo {
	t.Helper()
	r := &winUpdateRepo{dir: t.TempDir(), signers: map[string]signature.Signer{}, builds: map[string]winBuild{}}
	pubs := map[string][]crypto.PublicKey{}
	for _, role := range publish.Roles {
		_, priv, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.signers[role], err = publish.Signer(priv); err != nil {
			t.Fatal(err)
		}
		pubs[role] = []crypto.PublicKey{priv.Public()}
	}
	repoDir := filepath.Join(r.dir, "repo")
	var err error
	if r.repo, err = publish.Init(repoDir, pubs, nil, time.Now().Add(365*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.repo.SignRoot(r.signers[metadata.ROOT]); err != nil {
		t.Fatal(err)
	}
	root, err := os.ReadFile(filepath.Join(repoDir, "1.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Four links of one cross-build: two at a time (the compiled packages
	// are shared through the build cache; a link is what is left).
	type job struct{ v, kind string }
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []string
		out  = map[job][]byte{}
		jobs = make(chan job)
	)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				b, err := crossBuild(r.dir, j.v, j.kind == "gui", base64.StdEncoding.EncodeToString(root))
				mu.Lock()
				if err != nil {
					errs = append(errs, err.Error())
				}
				out[j] = b
				mu.Unlock()
			}
		}()
	}
	for _, v := range []string{"v1.0.0", "v1.1.0"} {
		jobs <- job{v, "gui"}
		jobs <- job{v, "cli"}
	}
	close(jobs)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(strings.Join(errs, "\n"))
	}
	for _, v := range []string{"v1.0.0", "v1.1.0"} {
		r.builds[v] = winBuild{gui: out[job{v, "gui"}], cli: out[job{v, "cli"}]}
		if err := r.repo.AddTarget(update.ProgramPath(v, "windows", "amd64"), r.builds[v].gui, map[string]string{"version": v}); err != nil {
			t.Fatal(err)
		}
		if err := r.repo.AddTarget(update.CompanionPath(v, "windows", "amd64", "qoltanba-cli.exe"), r.builds[v].cli, map[string]string{"version": v}); err != nil {
			t.Fatal(err)
		}
	}
	r.commit(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(repoDir)))
	t.Cleanup(srv.Close)
	r.url = srv.URL
	return r
}

// crossBuild links cmd/qoltanba for windows-amd64 as make windows does
// (mingw cgo; the resources make put beside the package are linked in),
// with the release's -X flags.
func crossBuild(dir, v string, gui bool, root string) ([]byte, error) {
	name := "qoltanba-cli-" + v + ".exe"
	ld := "-s -w -X main.version=" + v + " -X main.updateWatchEvery=500ms -X github.com/qoltanba/qoltanba/update.linkedRoot=" + root
	if gui {
		name = "qoltanba-" + v + ".exe"
		ld += " -H windowsgui -X main.guiBinary=1"
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ld, "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOOS=windows", "GOARCH=amd64", "CC=x86_64-w64-mingw32-gcc")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("cross-building %s: %v\n%s", name, err, b)
	}
	return os.ReadFile(out)
}

func (r *winUpdateRepo) commit(t *testing.T) {
	t.Helper()
	week := time.Now().Add(7 * 24 * time.Hour)
	if err := r.repo.Commit(publish.Expiry{Targets: week, Snapshot: week, Timestamp: week},
		[]signature.Signer{r.signers[metadata.TARGETS]}, []signature.Signer{r.signers[metadata.SNAPSHOT]}, []signature.Signer{r.signers[metadata.TIMESTAMP]}); err != nil {
		t.Fatal(err)
	}
}

// flipByte changes one byte of the file the server sends for v's Windows
// program, under its signed name, and returns a func that puts it back.
func (r *winUpdateRepo) flipByte(t *testing.T, target string) (restore func()) {
	t.Helper()
	tf := r.repo.Targets.Signed.Targets[target]
	p := filepath.Join(r.repo.Dir, "targets", filepath.FromSlash(publish.TargetFile(tf.Path, tf.Hashes["sha256"])))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(b)
	bad[len(bad)/3] ^= 0x20
	if err := os.WriteFile(p, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sameFile fails the test unless the file at p holds want.
func sameFile(t *testing.T, p string, want []byte, what string) {
	t.Helper()
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: %s is not the expected build (%d bytes, want %d)", what, filepath.Base(p), len(got), len(want))
	}
}

// winAgent is a `qoltanba.exe run` under Wine whose output the test reads
// line by line, from it and from whatever program it hands its output to
// (the agent it restarts into).
type winAgent struct {
	lines  chan string
	stderr *syncbuf.Buffer
	exited chan error // the process the test started ended
}

// startWinAgent starts exe (a Windows path) with args, its output on pipes
// of the test's own: the agent a restart starts inherits them, as it would
// a log file.
func startWinAgent(t *testing.T, w *winetest.Prefix, exe string, args ...string) *winAgent {
	t.Helper()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	a := &winAgent{lines: make(chan string, 64), stderr: &syncbuf.Buffer{}, exited: make(chan error, 1)}
	cmd := w.Cmd(exe, args...)
	cmd.Stdout, cmd.Stderr = outW, errW // files: Wait waits for the process only
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	outW.Close()
	errW.Close()
	go func() {
		s := bufio.NewScanner(outR)
		for s.Scan() {
			a.lines <- s.Text()
		}
		close(a.lines)
	}()
	go func() { bufio.NewReader(errR).WriteTo(a.stderr) }()
	go func() { a.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		outR.Close()
		errR.Close()
	})
	return a
}

// waitLine waits (at most d) for a line containing want.
func (a *winAgent) waitLine(t *testing.T, want string, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case line, ok := <-a.lines:
			if !ok {
				t.Fatalf("the agent's output ended without %q\n%s", want, a.stderr)
			}
			if strings.Contains(line, want) {
				return
			}
		case <-deadline:
			t.Fatalf("no %q after %v\n%s", want, d, a.stderr)
		}
	}
}

// TestWindowsUpdate: the real Windows programs, built like a release with a
// test repository's root, update under Wine from a real TUF repository on
// loopback.
//
//   - PerUser: a copy in the user's profile (both programs, where a user
//     puts them before `qoltanba-cli.exe install`) runs `qoltanba.exe run`
//     v1.0.0; `qoltanba-cli.exe update` refuses a v1.1.0 with a changed
//     byte (both files kept, the agent keeps running), then installs the
//     true v1.1.0 over the running qoltanba.exe while a dialog is open;
//     the agent does not restart until the user has closed it, then starts
//     itself again as a detached v1.1.0 on the same port and the old
//     process ends. The agent runs in a job object that kills what is left
//     in it when it closes (internal/testkit/winetest/joblauncher): the new
//     agent outlives it.
//   - MSI: the MSI of v1.0.0 installed by msiexec only reports the update
//     (the administrator's words, exit 0) and its files stay byte for byte.
func TestWindowsUpdate(t *testing.T) {
	windowsDist(t)
	r := newWinUpdateRepo(t)
	t.Run("PerUser", func(t *testing.T) { testWindowsUpdatePerUser(t, r) })
	t.Run("MSI", func(t *testing.T) { testWindowsUpdateMSI(t, r) })
}

func testWindowsUpdatePerUser(t *testing.T, r *winUpdateRepo) {
	w := winetest.New(t, startXvfb(t))
	profile := winProfile(t, w)
	user := filepath.Base(profile)
	dir := filepath.Join(profile, "AppData", "Local", "Programs", "qoltanba")
	gui, cli := filepath.Join(dir, "qoltanba.exe"), filepath.Join(dir, "qoltanba-cli.exe")
	os.MkdirAll(dir, 0o755)
	v1 := r.builds["v1.0.0"]
	if err := os.WriteFile(gui, v1.gui, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cli, v1.cli, 0o755); err != nil {
		t.Fatal(err)
	}
	winDir := `C:\users\` + user + `\AppData\Local\Programs\qoltanba\`
	port := freePort(t)
	cfgDir := filepath.Join(profile, "AppData", "Roaming", "qoltanba")
	os.MkdirAll(cfgDir, 0o755)
	cfg := fmt.Sprintf(`{"port": %d, "updateURL": %q, "locale": "en"}`, port, r.url)
	if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	// The agent runs inside a job object that kills what is left in it
	// once the agent the test started has ended (a terminal's, a
	// launcher's): the agent it restarts into must break away.
	launcher := filepath.Join(t.TempDir(), "joblauncher.exe")
	winetest.JobLauncher(t, launcher)
	agent := startWinAgent(t, w, winetest.Win(launcher), winDir+"qoltanba.exe", "run")
	listening := "listening on wss://127.0.0.1:" + strconv.Itoa(port) + "/"
	agent.waitLine(t, "qoltanba v1.0.0 "+listening, 2*time.Minute)

	// A v1.1.0 with one byte changed on the server: refused, both
	// programs kept, and the agent keeps running v1.0.0.
	for _, target := range []string{update.ProgramPath("v1.1.0", "windows", "amd64"), update.CompanionPath("v1.1.0", "windows", "amd64", "qoltanba-cli.exe")} {
		restore := r.flipByte(t, target)
		res := w.Run(winDir+"qoltanba-cli.exe", "update")
		if want := ui.T("en", "cli-update-failed", "v1.0.0", ui.T("en", "cli-update-why-refused")); res.Code != 1 || !strings.Contains(res.Stderr, want) {
			t.Fatalf("a changed byte in %s: exit %d, want 1 and %q\nstdout: %s\nstderr: %s", target, res.Code, want, res.Stdout, res.Stderr)
		}
		sameFile(t, gui, v1.gui, "after the refused update")
		sameFile(t, cli, v1.cli, "after the refused update")
		restore()
	}
	select {
	case err := <-agent.exited:
		t.Fatalf("the agent ended after a refused update: %v\n%s", err, agent.stderr)
	case line := <-agent.lines:
		t.Fatalf("the agent said %q after a refused update\n%s", line, agent.stderr)
	case <-time.After(3 * time.Second): // six looks at the update state
	}
	if res := w.Run(winDir+"qoltanba.exe", "version"); strings.TrimSpace(res.Stdout) != "qoltanba v1.0.0" {
		t.Fatalf("version after the refused update: %+v", res)
	}

	// The true v1.1.0: qoltanba.exe, running, is replaced while a page's
	// request has the agent's dialog open.
	sc := &screen{t: t, env: w.Env, log: agent.stderr}
	ws := dialAgent(t, port, "https://evil.example")
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","locale":"en","signingParams":{},"signerParams":{"chain":[]}}}`))
	sc.window("qoltanba — evil\\.example")
	res := w.Run(winDir+"qoltanba-cli.exe", "update")
	if want := ui.T("en", "cli-update-updated", "v1.1.0"); res.Code != 0 || !strings.Contains(res.Stdout, want) {
		t.Fatalf("update: exit %d, want 0 and %q\nstdout: %s\nstderr: %s", res.Code, want, res.Stdout, res.Stderr)
	}
	v2 := r.builds["v1.1.0"]
	sameFile(t, gui, v2.gui, "after the update")
	if res := w.Run(winDir+"qoltanba.exe", "version"); strings.TrimSpace(res.Stdout) != "qoltanba v1.1.0" {
		t.Fatalf("version after the update: %+v", res)
	}
	// The console program beside it (the browsers' plug-in host) too.
	sameFile(t, cli, v2.cli, "the console program")
	if res := w.Run(winDir+"qoltanba-cli.exe", "version"); strings.TrimSpace(res.Stdout) != "qoltanba v1.1.0" {
		t.Fatalf("qoltanba-cli.exe version after the update: %+v", res)
	}

	// No restart while the dialog is open ...
	select {
	case err := <-agent.exited:
		t.Fatalf("the agent ended with its dialog open: %v\n%s", err, agent.stderr)
	case line := <-agent.lines:
		t.Fatalf("the agent said %q with its dialog open\n%s", line, agent.stderr)
	case <-time.After(3 * time.Second):
	}
	// ... the user closes it (Esc: the request is canceled) ...
	sc.key("Escape")
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, msg, err := ws.ReadMessage(); err != nil || string(msg) != `{"body":{},"status":true}` {
		t.Fatalf("the dismissed request got %s %v\n%s", msg, err, agent.stderr)
	}
	// ... and the idle agent restarts as v1.1.0, detached, on the same
	// port; the process the test started ends.
	agent.waitLine(t, "qoltanba v1.1.0 "+listening, 2*time.Minute)
	select {
	case err := <-agent.exited:
		if err != nil {
			t.Errorf("the old agent ended with %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the old agent still runs beside the new one\n%s", agent.stderr)
	}
	if log := agent.stderr.String(); !strings.Contains(log, "restarting into the updated program") || strings.Contains(log, "panic") {
		t.Errorf("the old agent's log:\n%s", log)
	}
	time.Sleep(2 * time.Second) // the job has closed: what was left in it is gone
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 10*time.Second); err != nil {
		t.Fatalf("nothing answers on the port once the old agent's job closed (the new agent died with it?): %v\n%s", err, agent.stderr)
	} else {
		c.Close()
	}
	dialAgent(t, port, "https://egov.kz").Close()
	if res := w.Run(winDir+"qoltanba-cli.exe", "status"); !strings.Contains(res.Stdout, ui.T("en", "cli-update-result-updated", "v1.1.0")) {
		t.Errorf("status after the update: %+v", res)
	}
}

func testWindowsUpdateMSI(t *testing.T, r *winUpdateRepo) {
	// The MSI of the release-like v1.0.0, made as make msi makes it.
	dist := t.TempDir()
	v1 := r.builds["v1.0.0"]
	os.MkdirAll(filepath.Join(dist, "windows"), 0o755)
	os.WriteFile(filepath.Join(dist, "qoltanba.exe"), v1.gui, 0o755)
	os.WriteFile(filepath.Join(dist, "qoltanba-cli.exe"), v1.cli, 0o755)
	os.WriteFile(filepath.Join(dist, "windows", "qoltanba.ico"), mustRead(t, filepath.Join(os.Getenv("QOLTANBA_WINDOWS_DIST"), "windows", "qoltanba.ico")), 0o644)
	msi := filepath.Join(dist, "qoltanba-1.0.0.msi")
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	rel, _ := filepath.Rel(root, dist) // wixl wants it relative
	wixl := exec.Command("wixl", "-a", "x64", "-D", "Version=1.0.0", "-D", "Dist="+rel, "-o", msi, "packaging/windows/qoltanba.wxs")
	wixl.Dir = root
	if out, err := wixl.CombinedOutput(); err != nil {
		t.Fatalf("wixl: %v %s", err, out)
	}

	w := winetest.New(t, "")
	if res := w.Run("msiexec", "/i", winetest.Win(msi), "/qn"); res.Code != 0 {
		t.Fatalf("msiexec /i: %+v", res)
	}
	cfgDir := filepath.Join(winProfile(t, w), "AppData", "Roaming", "qoltanba")
	os.MkdirAll(cfgDir, 0o755)
	if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(fmt.Sprintf(`{"updateURL": %q, "locale": "en"}`, r.url)), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := w.C("Program Files/qoltanba")
	res := w.Run(`C:\Program Files\qoltanba\qoltanba-cli.exe`, "update")
	want := ui.T("en", "cli-update-available-managed", "v1.1.0", "v1.0.0", `C:\Program Files\qoltanba\qoltanba.exe`)
	if res.Code != 0 || !strings.Contains(res.Stdout, want) {
		t.Fatalf("update of the MSI's copy: exit %d, want 0 and %q\nstdout: %s\nstderr: %s", res.Code, want, res.Stdout, res.Stderr)
	}
	sameFile(t, filepath.Join(dir, "qoltanba.exe"), v1.gui, "the MSI's qoltanba.exe")
	sameFile(t, filepath.Join(dir, "qoltanba-cli.exe"), v1.cli, "the MSI's qoltanba-cli.exe")
	for _, pat := range []string{"*.old", ".*.new"} { // what a swap leaves (selfupdate)
		if m, _ := filepath.Glob(filepath.Join(dir, pat)); len(m) > 0 {
			t.Errorf("left in Program Files: %v", m)
		}
	}
	if res := w.Run(`C:\Program Files\qoltanba\qoltanba-cli.exe`, "status"); !strings.Contains(res.Stdout, ui.T("en", "cli-update-result-available", "v1.1.0")) {
		t.Errorf("status of the MSI's copy: %+v", res)
	}
}
