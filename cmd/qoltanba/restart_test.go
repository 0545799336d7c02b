package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/ui"
	"github.com/qoltanba/qoltanba/update"
)

func TestTrayUpdate(t *testing.T) {
	dayAgo, fourDays := time.Now().Add(-24*time.Hour), time.Now().Add(-4*24*time.Hour)
	tests := []struct {
		name                string
		st                  *update.State
		managed, canRestart bool
		want                ui.TrayUpdate
	}{
		{"never checked", nil, false, true, ui.TrayUpdate{}},
		{"up to date", &update.State{Result: update.ResultUpToDate}, false, true, ui.TrayUpdate{}},
		{"failed", &update.State{Result: update.ResultFailed, Reason: update.ReasonUnreachable}, false, true, ui.TrayUpdate{}},
		{"failing for a day", &update.State{Result: update.ResultFailed, FailingSince: dayAgo}, false, true, ui.TrayUpdate{}},
		{"failing for four days", &update.State{Result: update.ResultFailed, FailingSince: fourDays}, false, true, ui.TrayUpdate{Note: ui.UpdateFailing, Version: "v1.0.0", Since: fourDays}},
		{"failing for four days, a package", &update.State{Result: update.ResultFailed, FailingSince: fourDays}, true, false, ui.TrayUpdate{Note: ui.UpdateFailing, Version: "v1.0.0", Since: fourDays}},
		{"available", &update.State{Result: update.ResultAvailable, Version: "v1.1.0"}, false, true, ui.TrayUpdate{Note: ui.UpdateAvailable, Version: "v1.1.0"}},
		{"available, package", &update.State{Result: update.ResultAvailable, Version: "v1.1.0"}, true, false, ui.TrayUpdate{Note: ui.UpdateAvailableManaged, Version: "v1.1.0"}},
		{"updated", &update.State{Result: update.ResultUpdated, Version: "v1.1.0"}, false, true, ui.TrayUpdate{Note: ui.UpdateInstalled, Version: "v1.1.0"}},
		{"updated, cannot restart", &update.State{Result: update.ResultUpdated, Version: "v1.1.0"}, false, false, ui.TrayUpdate{}},
		{"updated, now running", &update.State{Result: update.ResultUpdated, Version: "v1.0.0"}, false, true, ui.TrayUpdate{}},
		{"available, now running", &update.State{Result: update.ResultAvailable, Version: "v1.0.0"}, false, true, ui.TrayUpdate{}},
	}
	for _, tc := range tests {
		if got := trayUpdate(tc.st, "v1.0.0", tc.managed, tc.canRestart); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// fakeAgent is the agent's HoldIdle: busy while a dialog is open.
type fakeAgent struct {
	busy atomic.Bool
	held atomic.Int32
}

func (a *fakeAgent) HoldIdle() (func(), bool) {
	if a.busy.Load() {
		return nil, false
	}
	a.held.Add(1)
	return func() { a.held.Add(-1) }, true
}

// TestUpdateWatchRestartsWhenIdle: with the state saying a newer program
// was installed, the watch redraws the tray, does not restart while a
// dialog is open, and does once the agent is idle, holding off dialogs;
// a program that does not start as its version is not restarted into
// (and not tried again); nothing restarts a package's copy or once the
// new version runs.
func TestUpdateWatchRestartsWhenIdle(t *testing.T) {
	dir := t.TempDir()
	if err := update.SaveState(dir, update.State{LastCheck: time.Now(), Result: update.ResultUpdated, Version: "v1.1.0"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var verified []string
	verifyErr := error(nil)
	restarted := make(chan struct{}, 1)
	w := &updateWatch{exe: "/home/u/.local/bin/qoltanba", canRestart: true, running: "v1.0.0", stateDir: dir,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), every: 10 * time.Millisecond, kick: make(chan struct{}, 1),
		verify: func(exe, v string) error {
			mu.Lock()
			defer mu.Unlock()
			verified = append(verified, exe+" "+v)
			return verifyErr
		},
		restart: func() { restarted <- struct{}{} }}
	var refreshed atomic.Int32
	w.setRefresh(func() { refreshed.Add(1) })
	// An update running (holding the lock): no restart into a program it
	// may be writing, though the agent is idle.
	unlock, err := update.Lock(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.setAgent(&fakeAgent{})
	if w.step(&update.State{Result: update.ResultUpdated, Version: "v1.1.0"}) {
		t.Fatal("restarted while an update holds the lock")
	}
	select {
	case <-restarted:
		t.Fatal("restarted while an update holds the lock")
	default:
	}
	unlock()
	a := &fakeAgent{}
	a.busy.Store(true) // a dialog is open
	w.setAgent(a)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { w.run(ctx); close(done) }()
	select {
	case <-restarted:
		t.Fatal("restarted while a dialog is open")
	case <-time.After(300 * time.Millisecond): // some thirty looks
	}
	if refreshed.Load() != 1 {
		t.Errorf("tray redrawn %d times, want once", refreshed.Load())
	}
	if got := w.trayLine(); got != (ui.TrayUpdate{Note: ui.UpdateInstalled, Version: "v1.1.0"}) {
		t.Errorf("tray line %+v", got)
	}
	a.busy.Store(false) // the dialog closed
	select {
	case <-restarted:
	case <-time.After(5 * time.Second):
		t.Fatal("no restart once idle")
	}
	<-done // the watch stops once it restarts
	if a.held.Load() != 1 {
		t.Error("dialogs not held off during the restart")
	}
	mu.Lock()
	if len(verified) != 1 || verified[0] != "/home/u/.local/bin/qoltanba v1.1.0" {
		t.Errorf("verified %q", verified)
	}
	mu.Unlock()

	// A program that does not run as v1.1.0: no restart, not retried.
	verified, verifyErr = nil, errors.New("it says qoltanba v1.0.0")
	a2 := &fakeAgent{}
	w.setAgent(a2)
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { w.run(ctx2) }()
	time.Sleep(200 * time.Millisecond)
	cancel2()
	select {
	case <-restarted:
		t.Error("restarted into a program that does not start")
	default:
	}
	mu.Lock()
	if len(verified) != 1 || a2.held.Load() != 0 {
		t.Errorf("verified %d times, held %d", len(verified), a2.held.Load())
	}
	mu.Unlock()

	for _, tc := range []struct {
		name       string
		canRestart bool
		running    string
	}{{"package", false, "v1.0.0"}, {"new version runs", true, "v1.1.0"}} {
		w := &updateWatch{canRestart: tc.canRestart, running: tc.running, agent: &fakeAgent{}, log: w.log,
			verify: func(string, string) error { return nil }, restart: func() { t.Errorf("%s: restarted", tc.name) }}
		if w.step(&update.State{Result: update.ResultUpdated, Version: "v1.1.0"}) {
			t.Errorf("%s: restart", tc.name)
		}
	}
}

// TestUpdateWatchRestartsForDataFiles: data files the updater wrote after
// the agent read them restart it when idle, as itself (the program must
// name the running version); not while an update holds the lock (all its
// files count at once), not for a package's copy, and a restart that was
// refused is not tried again for the same files.
func TestUpdateWatchRestartsForDataFiles(t *testing.T) {
	stateDir := t.TempDir()
	dataDir := filepath.Join(stateDir, "data")
	os.MkdirAll(dataDir, 0o700)
	var verified []string
	verifyErr := error(nil)
	restarts := 0
	w := &updateWatch{exe: "/home/u/.local/bin/qoltanba", canRestart: true, running: "v1.0.0", stateDir: stateDir,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), dataDir: dataDir, dataSeen: dataFingerprint(dataDir),
		verify:  func(exe, v string) error { verified = append(verified, v); return verifyErr },
		restart: func() { restarts++ }}
	a := &fakeAgent{}
	w.setAgent(a)
	if w.step(nil) {
		t.Fatal("restart without a change")
	}
	// A file that is not a data file changes nothing.
	os.WriteFile(filepath.Join(dataDir, "other.json"), []byte(`{}`), 0o600)
	if w.step(nil) {
		t.Fatal("restart for a file that is not a data file")
	}
	if err := os.WriteFile(filepath.Join(dataDir, "known-sites.json"), []byte(`{"sites":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	unlock, err := update.Lock(stateDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if w.step(nil) {
		t.Fatal("restart while an update holds the lock")
	}
	unlock()
	a.busy.Store(true)
	if w.step(nil) {
		t.Fatal("restart with a dialog open")
	}
	a.busy.Store(false)
	if !w.step(&update.State{Result: update.ResultUpToDate}) || restarts != 1 || strings.Join(verified, " ") != "v1.0.0" || a.held.Load() != 1 {
		t.Fatalf("restart %d, verified %v, held %d", restarts, verified, a.held.Load())
	}

	// The program there no longer runs as this version: not restarted, and
	// not tried again for these files; new files are tried.
	w2 := &updateWatch{exe: w.exe, canRestart: true, running: "v1.0.0", stateDir: stateDir, log: w.log, dataDir: dataDir,
		dataSeen: "", verify: w.verify, restart: w.restart}
	w2.setAgent(&fakeAgent{})
	verified, verifyErr = nil, errors.New("it says qoltanba v0.9.0")
	if w2.step(nil) || w2.step(nil) || len(verified) != 1 {
		t.Fatalf("refused data restart: verified %v", verified)
	}
	os.WriteFile(filepath.Join(dataDir, "nca-ca-certs.pem"), []byte("x"), 0o600)
	if w2.step(nil) || len(verified) != 2 {
		t.Fatalf("new files after a refusal: verified %v", verified)
	}

	// A package's copy does not restart for data files.
	w3 := &updateWatch{exe: "/usr/bin/qoltanba", managed: true, running: "v1.0.0", stateDir: stateDir, log: w.log, dataDir: dataDir,
		verify: w.verify, restart: func() { t.Error("a package's copy restarted") }}
	w3.setAgent(&fakeAgent{})
	if w3.step(nil) {
		t.Error("a package's copy restarts for data files")
	}
}
