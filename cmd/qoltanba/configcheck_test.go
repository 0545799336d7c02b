package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStatusChecksConfigAsServe: a config.json that stops serve (here a
// productionCAFiles entry that does not exist, as in a copied example)
// fails status as well, naming the problem, instead of "no problem".
func TestStatusChecksConfigAsServe(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "config", "qoltanba")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"productionCAFiles":["/etc/qoltanba/no-such-ca.cer"]}`), 0o600)
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"))
	s := qoltanbaEnv(t, env, "serve", "--port", "0", "--unattended", "--p12", gostKey, "--password-file", passwordFile(t), "--allow-origin", "https://a.example")
	if s.code != 1 || !strings.Contains(s.stderr, "productionCAFiles") {
		t.Fatalf("serve: %+v", s)
	}
	r := qoltanbaEnv(t, env, "status")
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL configuration: productionCAFiles") || !strings.Contains(r.stderr, "will not start") {
		t.Errorf("status: %+v", r)
	}
}

// TestUnattendedExpiredKeySaysSo: serve --unattended with a key that has
// expired says so at start (each request would get "no key matches").
func TestUnattendedExpiredKeySaysSo(t *testing.T) {
	_, _, stderr := startServe(t, "--unattended", "--p12", gostKey, "--password-file", passwordFile(t), "--allow-origin", "https://a.example")
	if !stderr.WaitFor("is not valid now (valid 2025-10-17 to 2026-10-17)", 5*time.Second) {
		t.Errorf("no word of the expired key:\n%s", stderr)
	}
}

// TestRunHelpSaysRun: run's usage names run, not serve.
func TestRunHelpSaysRun(t *testing.T) {
	if r := qoltanba(t, nil, "run", "--help"); r.code != 0 || !strings.Contains(r.stderr, "usage: qoltanba run ") || strings.Contains(r.stderr, "qoltanba serve") {
		t.Errorf("run --help: %+v", r)
	}
}
