//go:build linux

package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUpdateAsRootOnlyReports: root running qoltanba update with a user's
// environment (sudo -E; a root job) only reports, and neither creates nor
// deletes anything through the links the user planted in its update
// folder (update.lock to a file root would create, tuf and data to
// folders root would write in and clean).
func TestUpdateAsRootOnlyReports(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("root only")
	}
	dir := t.TempDir()
	tr := newTestRepo(t, "", "v1.0.0", "v1.1.0")
	tr.commit(t, time.Now().Add(24*time.Hour))
	srv := httptest.NewServer(http.FileServer(http.Dir(tr.dir)))
	defer srv.Close()

	exe := filepath.Join(dir, "bin", "qoltanba")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	if err := os.WriteFile(exe, tr.builds["v1.0.0"], 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(dir, "etc")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, ".known-sites.json.1.tmp"), []byte("keep"), 0o644)
	home := filepath.Join(dir, "home")
	state := filepath.Join(home, ".local", "share", "qoltanba", "update")
	os.MkdirAll(state, 0o700)
	os.MkdirAll(filepath.Join(home, ".config", "qoltanba"), 0o700)
	os.WriteFile(filepath.Join(home, ".config", "qoltanba", "config.json"), []byte(`{"updateURL": "`+srv.URL+`"}`), 0o644)
	for name, target := range map[string]string{"update.lock": filepath.Join(outside, "nologin"), "tuf": outside, "data": outside} {
		if err := os.Symlink(target, filepath.Join(state, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := filepath.Walk(home, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 65534, 65534)
	}); err != nil {
		t.Fatal(err)
	}
	before := listing(t, outside)

	cmd := exec.Command(exe, "update")
	cmd.Env = append(withoutLocale(os.Environ()), "LANG=C", "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("qoltanba update as root: %v\n%s", err, out)
	}
	if want := "qoltanba v1.1.0 is available (this is v1.0.0). root does not update a per-user copy (" + exe + "): run qoltanba update as that user"; !strings.Contains(string(out), want) {
		t.Fatalf("qoltanba update as root said\n%s\nwant %q", out, want)
	}
	if after := listing(t, outside); after != before {
		t.Fatalf("root wrote or deleted through the user's links: %s, was %s", after, before)
	}
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, tr.builds["v1.0.0"]) {
		t.Fatal("root replaced the program")
	}
	for name := range map[string]bool{"update.lock": true, "tuf": true, "data": true} {
		if fi, err := os.Lstat(filepath.Join(state, name)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s in the user's folder changed: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "update-state.json")); err == nil {
		t.Error("root wrote the user's state file")
	}
}

func listing(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			names = append(names, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	return strings.Join(names, " ")
}
