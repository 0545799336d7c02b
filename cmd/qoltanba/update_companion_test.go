//go:build unix

package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/update"
)

// TestUpdateCompanionFailureKeepsUpdated: when the program was swapped
// but a companion (Windows' qoltanba-cli.exe; here a Linux stand-in) does
// not run, the check is still "updated" (run restarts into the new
// program), the companion's failure is recorded apart, and the next check
// swaps the companion alone, leaving the program on disk as it is.
func TestUpdateCompanionFailureKeepsUpdated(t *testing.T) {
	script := func(v string) []byte { return []byte("#!/bin/sh\necho qoltanba " + v + "\n") }
	tr := newTestRepo(t, "")
	prog := update.ProgramPath("v1.1.0", runtime.GOOS, runtime.GOARCH)
	comp := update.CompanionPath("v1.1.0", runtime.GOOS, runtime.GOARCH, "qoltanba-cli")
	custom := map[string]string{"version": "v1.1.0"}
	if err := tr.repo.AddTarget(prog, script("v1.1.0"), custom); err != nil {
		t.Fatal(err)
	}
	if err := tr.repo.AddTarget(comp, script("v0.0.1"), custom); err != nil { // does not name v1.1.0: the swap is rolled back
		t.Fatal(err)
	}
	tr.commit(t, time.Now().Add(24*time.Hour))
	srv := httptest.NewServer(http.FileServer(http.Dir(tr.dir)))
	defer srv.Close()
	root, err := os.ReadFile(filepath.Join(tr.dir, "1.root.json"))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	exe, cli := filepath.Join(dir, "qoltanba"), filepath.Join(dir, "qoltanba-cli")
	for _, p := range []string{exe, cli} {
		if err := os.WriteFile(p, script("v1.0.0"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	savedComp, savedVersion := companionsOf, version
	companionsOf, version = func(string) []string { return []string{"qoltanba-cli"} }, "v1.0.0"
	defer func() { companionsOf, version = savedComp, savedVersion }()
	u := updateRun{cfg: agent.Config{UpdateURL: srv.URL}, exe: exe, stateDir: filepath.Join(dir, "state"),
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), root: root}
	says := func(p, want string) {
		t.Helper()
		if err := runsAs(want)(p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}

	st, err := u.once(context.Background())
	if err != nil || st.Result != update.ResultUpdated || st.Version != "v1.1.0" || st.CompanionError == "" {
		t.Fatalf("a check whose companion fails: %+v, %v; want updated to v1.1.0 with the companion's error", st, err)
	}
	t.Logf("companion: %s", st.CompanionError)
	says(exe, "v1.1.0")
	says(cli, "v1.0.0")
	if saved, err := update.LoadState(u.stateDir); err != nil || saved.Result != update.ResultUpdated || saved.CompanionError == "" {
		t.Fatalf("state file: %+v, %v", saved, err)
	}

	// The repository gets a companion that runs: the next check (still by
	// the old program) swaps it alone.
	if err := tr.repo.AddTarget(comp, script("v1.1.0"), custom); err != nil {
		t.Fatal(err)
	}
	tr.commit(t, time.Now().Add(24*time.Hour))
	before, _ := os.Stat(exe)
	st, err = u.once(context.Background())
	if err != nil || st.Result != update.ResultUpdated || st.Version != "v1.1.0" || st.CompanionError != "" {
		t.Fatalf("the next check: %+v, %v", st, err)
	}
	says(cli, "v1.1.0")
	if after, _ := os.Stat(exe); !os.SameFile(before, after) {
		t.Error("the program, already the signed one, was swapped again")
	}
}
