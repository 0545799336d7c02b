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

	"github.com/qoltanba/qoltanba/update"
)

// debUpdateOnlyReports: the installed /usr/bin/qoltanba — test-deb's
// package, v0.1.0, carrying the root of the test repository repoDir that
// make test-deb made with qoltanba-release and that offers v0.2.0 — is
// asked to update from that repository, served on loopback, by root (who
// could write /usr/bin): with --check and without, it says v0.2.0 exists
// and that the administrator updates the package, exits 0, writes no data
// file, and leaves the installed program byte for byte as the package put
// it, with nothing beside it; status shows the result.
func debUpdateOnlyReports(t *testing.T, deb, repoDir string) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("the package's copy asked to update: %v", time.Since(start).Round(time.Millisecond)) }()
	const exe = "/usr/bin/qoltanba"
	pkg := t.TempDir()
	if out, err := exec.Command("dpkg-deb", "-x", deb, pkg).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v\n%s", err, out)
	}
	want, err := os.ReadFile(filepath.Join(pkg, "usr", "bin", "qoltanba"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, want) {
		t.Fatal("the installed program is not the package's")
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(repoDir)))
	defer srv.Close()
	home := t.TempDir()
	cfgDir := filepath.Join(home, ".config", "qoltanba")
	os.MkdirAll(cfgDir, 0o700)
	if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(`{"updateURL": "`+srv.URL+`/"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(withoutLocale(os.Environ()), "LANG=C", "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	run := func(args ...string) (int, string) {
		cmd := exec.Command(exe, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), string(out)
	}
	report := "qoltanba v0.2.0 is available (this is v0.1.0). The copy /usr/bin/qoltanba was installed by a package or the MSI: the administrator updates it by updating the package"
	for _, args := range [][]string{{"update", "--check"}, {"update"}} {
		code, out := run(args...)
		if code != 0 || !strings.Contains(out, report) {
			t.Errorf("qoltanba %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
	}
	if _, out := run("status"); !strings.Contains(out, "v0.2.0 is available") {
		t.Errorf("status:\n%s", out)
	}
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, want) {
		t.Error("update changed the package's program")
	}
	if _, out := run("version"); strings.TrimSpace(out) != "qoltanba v0.1.0" {
		t.Errorf("after update the program says %q", out)
	}
	// Nothing beside the program, and no data file (the update's folders
	// may be made, empty).
	left, _ := filepath.Glob("/usr/bin/.qoltanba.new*")
	if _, err := os.Lstat(exe + ".old"); !os.IsNotExist(err) {
		left = append(left, exe+".old")
	}
	if files, _ := os.ReadDir(filepath.Join(home, ".local", "share", "qoltanba", "update", "data")); len(files) > 0 {
		left = append(left, "update/data/"+files[0].Name())
	}
	if len(left) > 0 {
		t.Errorf("left after a package's copy was asked to update: %v", left)
	}
	stateDir := filepath.Join(home, ".local", "share", "qoltanba", "update")
	if st, err := update.LoadState(stateDir); err != nil || st == nil || st.Result != update.ResultAvailable || st.Version != "v0.2.0" {
		t.Errorf("state: %+v, %v", st, err)
	}
}
