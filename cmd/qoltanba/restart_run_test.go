//go:build linux

package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/update"
)

// TestRunRestartsIntoUpdateWhenIdle: a per-user `qoltanba run` v1.0.0 in
// a real terminal has a dialog open when its program is replaced by
// v1.1.0 and the update state says so (as `qoltanba update` leaves it):
// it does not restart mid-dialog; once the dialog is answered it starts
// again as v1.1.0, in the same terminal, on the same port. Then the
// update's known-sites.json arrives: the agent restarts once idle and
// its next dialog names the site.
func TestRunRestartsIntoUpdateWhenIdle(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"v1.0.0", "v1.1.0"} {
		ld := "-X main.version=" + v + " -X main.updateWatchEvery=100ms"
		if b, err := exec.Command("go", "build", "-tags", "nodesktop", "-ldflags", ld, "-o", filepath.Join(dir, v), ".").CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", v, err, b)
		}
	}
	home := t.TempDir()
	exe := filepath.Join(home, "bin", "qoltanba")
	install := func(v string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, v))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(exe), 0o755)
		if err := os.WriteFile(exe+".new", b, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(exe+".new", exe); err != nil { // as selfupdate swaps
			t.Fatal(err)
		}
	}
	install("v1.0.0")
	port := freePort(t)
	stderr := filepath.Join(home, "stderr")
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_DATA_HOME=" + filepath.Join(home, "data"), "TERM=xterm", "LANG=en_US.UTF-8"}
	sc := newTmuxScreen(t, env, fmt.Sprintf("%s run --port %d 2>%s", exe, port, stderr))
	sc.waitFor("qoltanba v1.0.0 listening on wss://127.0.0.1:" + strconv.Itoa(port))

	ws := dialAgent(t, port, "https://evil.example")
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","locale":"en","signingParams":{"allowExpired":true},"signerParams":{"chain":[]}}}`))
	sc.waitFor("1) Allow once")

	install("v1.1.0")
	if err := update.SaveState(filepath.Join(home, "data", "qoltanba", "update"), update.State{LastCheck: time.Now().UTC(), Result: update.ResultUpdated, Version: "v1.1.0"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // some twenty looks at the state
	if s := sc.screen(); strings.Contains(s, "v1.1.0 listening") || !strings.Contains(s, "1) Allow once") {
		t.Fatalf("restarted mid-dialog:\n%s", s)
	}
	sc.send("1", "Enter")
	sc.waitFor("Key store number")
	sc.send("0", "Enter") // the user cancels: the dialog closes
	if _, msg, err := ws.ReadMessage(); err != nil || !strings.Contains(string(msg), `"status":true`) {
		t.Fatalf("cancel answer %s %v", msg, err)
	}
	sc.waitFor("qoltanba v1.1.0 listening on wss://127.0.0.1:" + strconv.Itoa(port))
	log, _ := os.ReadFile(stderr)
	if !strings.Contains(string(log), "restarting into the updated program") || strings.Contains(string(log), "panic") {
		t.Errorf("log:\n%s", log)
	}
	// The new agent serves, and does not restart again.
	dialAgent(t, port, "https://evil.example").Close()
	time.Sleep(500 * time.Millisecond)
	if n := strings.Count(sc.screen(), "listening on wss://127.0.0.1:"+strconv.Itoa(port)); n != 2 {
		t.Errorf("%d starts:\n%s", n, sc.screen())
	}

	// Data files: the updater writes a known-sites.json while a dialog for
	// a site it names is open. The agent does not restart mid-dialog; once
	// the dialog is answered it starts again (the same v1.1.0) and the
	// next dialog names the site.
	starts := func() int {
		b, _ := os.ReadFile(stderr)
		return strings.Count(string(b), "msg=listening url=wss://127.0.0.1:"+strconv.Itoa(port)+"/")
	}
	if n := starts(); n != 2 {
		t.Fatalf("%d starts in the log before the data file", n)
	}
	sign := `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","locale":"en","signingParams":{"allowExpired":true},"signerParams":{"chain":[]}}}`
	ws = dialAgent(t, port, "https://online.mybank.kz")
	ws.WriteMessage(websocket.TextMessage, []byte(sign))
	sc.waitFor("qoltanba does not know this site")
	dataDir := filepath.Join(home, "data", "qoltanba", "update", "data")
	os.MkdirAll(dataDir, 0o700)
	tmp := filepath.Join(dataDir, ".known-sites.json.1.tmp")
	if err := os.WriteFile(tmp, []byte(`{"sites":[{"domain":"mybank.kz","names":{"kk":"Менің банкім","ru":"Мой банк","en":"My Bank"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dataDir, "known-sites.json")); err != nil { // as the updater writes it
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if n := starts(); n != 2 {
		t.Fatalf("restarted mid-dialog for a data file (%d starts)", n)
	}
	sc.send("1", "Enter")
	sc.waitFor("Key store number")
	sc.send("0", "Enter")
	if _, msg, err := ws.ReadMessage(); err != nil || !strings.Contains(string(msg), `"status":true`) {
		t.Fatalf("cancel answer %s %v", msg, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for starts() < 3 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := starts(); n != 3 {
		b, _ := os.ReadFile(stderr)
		t.Fatalf("%d starts after the data file, want 3:\n%s", n, b)
	}
	if b, _ := os.ReadFile(stderr); !strings.Contains(string(b), "restarting to read the updated data files") {
		t.Errorf("log:\n%s", b)
	}
	ws = dialAgent(t, port, "https://online.mybank.kz")
	ws.WriteMessage(websocket.TextMessage, []byte(sign))
	sc.waitFor("Known site: My Bank")
	sc.send("1", "Enter")
	sc.waitFor("Key store number")
	sc.send("0", "Enter")
	if _, msg, err := ws.ReadMessage(); err != nil || !strings.Contains(string(msg), `"status":true`) {
		t.Fatalf("cancel answer %s %v", msg, err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := starts(); n != 3 {
		t.Errorf("%d starts: the agent restarts again for the same data files", n)
	}
}

// TestRunUpdatesItself: `run` v1.0.0 (a per-user copy, its first daily
// check moments after start in this build) finds v1.1.0 in a real TUF
// repository on loopback, verifies and swaps it in, writes the data file
// and restarts into it with nothing open; v1.1.0's own check finds it
// newest and does not restart again.
func TestRunUpdatesItself(t *testing.T) {
	tr := newTestRepo(t, "-X main.updateFirstCheck=300ms -X main.updateWatchEvery=100ms", "v1.0.0", "v1.1.0")
	tr.commit(t, time.Now().Add(24*time.Hour))
	srv := httptest.NewServer(http.FileServer(http.Dir(tr.dir)))
	defer srv.Close()
	home := t.TempDir()
	exe := filepath.Join(home, "bin", "qoltanba")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	if err := os.WriteFile(exe, tr.builds["v1.0.0"], 0o755); err != nil {
		t.Fatal(err)
	}
	cfgDir := filepath.Join(home, "config", "qoltanba")
	os.MkdirAll(cfgDir, 0o700)
	if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(`{"updateURL": "`+srv.URL+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	stderr := filepath.Join(home, "stderr")
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_DATA_HOME=" + filepath.Join(home, "data"), "TERM=xterm", "LANG=en_US.UTF-8"}
	sc := newTmuxScreen(t, env, fmt.Sprintf("%s run --port %d 2>%s", exe, port, stderr))
	sc.waitFor("qoltanba v1.0.0 listening on wss://127.0.0.1:" + strconv.Itoa(port))
	sc.waitFor("qoltanba v1.1.0 listening on wss://127.0.0.1:" + strconv.Itoa(port))
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, tr.builds["v1.1.0"]) {
		t.Fatal("the program running as v1.1.0 is not the repository's v1.1.0")
	}
	if b, _ := os.ReadFile(filepath.Join(home, "data", "qoltanba", "update", "data", "known-sites.json")); string(b) != `{"sites":[]}` {
		t.Errorf("known-sites.json = %q", b)
	}
	dialAgent(t, port, "https://egov.kz").Close()
	time.Sleep(1500 * time.Millisecond) // v1.1.0's own first check, and more
	if n := strings.Count(sc.screen(), "listening on wss://127.0.0.1:"+strconv.Itoa(port)); n != 2 {
		t.Errorf("%d starts, want 2:\n%s", n, sc.screen())
	}
	st, err := update.LoadState(filepath.Join(home, "data", "qoltanba", "update"))
	if err != nil || st == nil || st.Result != update.ResultUpToDate {
		t.Errorf("state after v1.1.0's check: %+v, %v", st, err)
	}
	if b, _ := os.ReadFile(stderr); strings.Contains(string(b), "panic") {
		t.Errorf("log:\n%s", b)
	}
}
