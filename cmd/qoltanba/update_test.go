package main

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/qoltanba/qoltanba/update"
	"github.com/qoltanba/qoltanba/update/publish"
)

// TestUpdateCommand: qoltanba v1.0.0, built like a release with a test
// repository's root, finds v1.1.0 in a real TUF repository on loopback,
// says so with --check, replaces itself with update (the new program
// runs) while a second update in another process waits and says another
// update runs, writes the data files, and status shows each result; an expired
// timestamp is refused with the version kept; a policy turns checks off.
func TestUpdateCommand(t *testing.T) {
	dir := t.TempDir()
	tr := newTestRepo(t, "-X main.updateLockWait=2s", "v1.0.0", "v1.1.0")
	repo, repoDir, builds := tr.repo, tr.dir, tr.builds
	commit := func(timestampExpires time.Time) { t.Helper(); tr.commit(t, timestampExpires) }
	commit(time.Now().Add(24 * time.Hour))
	// hold, when set, keeps the program's download waiting until closed.
	var hold atomic.Pointer[chan struct{}]
	reached := make(chan struct{}, 1)
	files := http.FileServer(http.Dir(repoDir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := hold.Load(); h != nil && strings.HasPrefix(r.URL.Path, "/targets/qoltanba/") {
			reached <- struct{}{}
			<-*h
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()

	home := filepath.Join(dir, "home")
	exe := filepath.Join(home, "bin", "qoltanba")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	if err := os.WriteFile(exe, builds["v1.0.0"], 0o755); err != nil {
		t.Fatal(err)
	}
	cfgDir := filepath.Join(home, ".config", "qoltanba")
	os.MkdirAll(cfgDir, 0o700)
	if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(`{"updateURL": "`+srv.URL+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	asUser(t, home) // root only reports: the update runs as a user
	env := append(withoutLocale(os.Environ()), "LANG=C", "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	run := func(wantCode int, args ...string) string {
		t.Helper()
		cmd := exec.Command(exe, args...)
		cmd.Env = env
		asUser(t, "", cmd)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if wantCode >= 0 && code != wantCode {
			t.Fatalf("qoltanba %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	expect := func(out string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Fatalf("want %q in:\n%s", w, out)
			}
		}
	}

	expect(run(-1, "status"), "qoltanba v1.0.0", "updates: not checked yet")
	expect(run(0, "update", "--check"), "qoltanba v1.1.0 is available (this is v1.0.0): install it with qoltanba update")
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, builds["v1.0.0"]) {
		t.Fatal("update --check changed the program")
	}
	expect(run(-1, "status"), "qoltanba v1.0.0", "v1.1.0 is available")

	// A copy where packages install (/opt) only reports, even without
	// --check (root only: it writes into /opt for the time of the test).
	if os.Geteuid() == 0 {
		optDir, err := os.MkdirTemp("/opt", "qoltanba-update-test")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(optDir)
		os.Chmod(optDir, 0o755)
		managed := filepath.Join(optDir, "qoltanba")
		if err := os.WriteFile(managed, builds["v1.0.0"], 0o755); err != nil {
			t.Fatal(err)
		}
		saved := exe
		exe = managed
		expect(run(0, "update"), "qoltanba v1.1.0 is available (this is v1.0.0). The copy "+managed+" was installed by a package or the MSI")
		if b, _ := os.ReadFile(managed); !bytes.Equal(b, builds["v1.0.0"]) {
			t.Fatal("update replaced a package's copy")
		}
		exe = saved
	}

	// Two updates at once (two terminals; or a terminal and the agent's
	// daily check): the first holds the lock while its download waits;
	// the second waits its time (2 s in this build), says another update
	// runs, and changes nothing; the state file is whole all along.
	gate := make(chan struct{})
	hold.Store(&gate)
	first := exec.Command(exe, "update")
	first.Env = env
	asUser(t, "", first)
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(30 * time.Second):
		first.Process.Kill()
		t.Fatalf("the first update did not reach the download:\n%s", firstOut.String())
	}
	stateDir := filepath.Join(home, ".local", "share", "qoltanba", "update")
	before, _ := os.ReadFile(update.StateFile(stateDir))
	expect(run(1, "update"), "another update is running (the agent's daily check or another terminal): qoltanba v1.0.0 is kept")
	expect(run(1, "update", "--check"), "another update is running")
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, builds["v1.0.0"]) {
		t.Fatal("the second update changed the program")
	}
	if after, _ := os.ReadFile(update.StateFile(stateDir)); !bytes.Equal(before, after) {
		t.Fatalf("the second update wrote the state file:\n%s", after)
	}
	hold.Store(nil)
	close(gate)
	if err := first.Wait(); err != nil {
		t.Fatalf("the first update: %v\n%s", err, firstOut.String())
	}
	expect(firstOut.String(), "updated to qoltanba v1.1.0", "data files updated: known-sites.json")
	if st, err := update.LoadState(stateDir); err != nil || st.Result != update.ResultUpdated || st.Version != "v1.1.0" {
		t.Fatalf("state after the race: %+v, %v", st, err)
	}
	expect(run(0, "version"), "qoltanba v1.1.0")
	if _, err := os.Stat(exe + ".old"); !os.IsNotExist(err) {
		t.Errorf("the old program is left after a checked update: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(home, ".local", "share", "qoltanba", "update", "data", "known-sites.json")); string(b) != `{"sites":[]}` {
		t.Fatalf("known-sites.json = %q", b)
	}
	expect(run(-1, "status"), "qoltanba v1.1.0", "updated to v1.1.0")
	expect(run(0, "update"), "qoltanba v1.1.0 is the newest version")

	// A frozen mirror: the timestamp has expired. Refused, version kept.
	repo.AddTarget(update.ProgramPath("v1.2.0", runtime.GOOS, runtime.GOARCH), builds["v1.0.0"], map[string]string{"version": "v1.2.0"})
	commit(time.Now().Add(-time.Hour))
	expect(run(1, "update"), "the update failed and qoltanba v1.1.0 is kept: what the server sent is not signed as it must be, or is out of date")
	expect(run(0, "version"), "qoltanba v1.1.0")
	expect(run(-1, "status"), "failed: what the server sent is not signed")
	// Failing again: the state keeps when the failures began (the tray
	// says so after three days).
	failed, err := update.LoadState(stateDir)
	if err != nil || failed == nil || failed.FailingSince.IsZero() {
		t.Fatalf("a failed check's state: %+v, %v", failed, err)
	}
	time.Sleep(1100 * time.Millisecond)
	run(1, "update")
	if again, _ := update.LoadState(stateDir); again == nil || !again.FailingSince.Equal(failed.FailingSince) || !again.LastCheck.After(failed.LastCheck) {
		t.Fatalf("failing again: %+v, first %+v", again, failed)
	}

	// The machine policy turns checks off.
	pol := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(pol, []byte(`{"updateChecks": "off"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	expect(run(1, "update", "--policy", pol), "update checks are turned off ("+pol+")")
	expect(run(-1, "status", "--policy", pol), "updates: checks are turned off ("+pol+")", `updateChecks       = "off"  [policy]`)
	expect(run(-1, "status"), `updateURL          = "`+srv.URL+`"  [config.json]`, `updateChecks       = "on"  [default]`)
}

// testRepo is a real TUF repository made for a test (fresh keys), with
// release-like qoltanba builds carrying its root published as targets, and
// known-sites.json as a data file.
type testRepo struct {
	dir     string
	repo    *publish.Repo
	signers map[string]signature.Signer
	builds  map[string][]byte
}

// newTestRepo builds qoltanba (nodesktop) at each version with its root
// linked in and the extra -X flags ld, and publishes the builds; commit
// makes them visible.
func newTestRepo(t *testing.T, ld string, versions ...string) *testRepo {
	t.Helper()
	dir := t.TempDir()
	tr := &testRepo{dir: filepath.Join(dir, "repo"), signers: map[string]signature.Signer{}, builds: map[string][]byte{}}
	pubs := map[string][]crypto.PublicKey{}
	for _, role := range publish.Roles {
		_, priv, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		if tr.signers[role], err = publish.Signer(priv); err != nil {
			t.Fatal(err)
		}
		pubs[role] = []crypto.PublicKey{priv.Public()}
	}
	var err error
	if tr.repo, err = publish.Init(tr.dir, pubs, nil, time.Now().Add(365*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := tr.repo.SignRoot(tr.signers[metadata.ROOT]); err != nil {
		t.Fatal(err)
	}
	root, err := os.ReadFile(filepath.Join(tr.dir, "1.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		out := filepath.Join(dir, v)
		flags := "-X main.version=" + v + " " + ld + " -X github.com/qoltanba/qoltanba/update.linkedRoot=" + base64.StdEncoding.EncodeToString(root)
		if b, err := exec.Command("go", "build", "-tags", "nodesktop", "-ldflags", flags, "-o", out, ".").CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", v, err, b)
		}
		if tr.builds[v], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
		if err := tr.repo.AddTarget(update.ProgramPath(v, runtime.GOOS, runtime.GOARCH), tr.builds[v], map[string]string{"version": v}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.repo.AddTarget("data/known-sites.json", []byte(`{"sites":[]}`), nil); err != nil {
		t.Fatal(err)
	}
	return tr
}

// commit signs targets, snapshot and timestamp (the timestamp expiring
// then).
func (tr *testRepo) commit(t *testing.T, timestampExpires time.Time) {
	t.Helper()
	week := time.Now().Add(7 * 24 * time.Hour)
	if err := tr.repo.Commit(publish.Expiry{Targets: week, Snapshot: week, Timestamp: timestampExpires},
		[]signature.Signer{tr.signers[metadata.TARGETS]}, []signature.Signer{tr.signers[metadata.SNAPSHOT]}, []signature.Signer{tr.signers[metadata.TIMESTAMP]}); err != nil {
		t.Fatal(err)
	}
}

// TestManagedInstallOnlyReports: a copy a package or an administrator
// installed is never replaced; a copy in a user's home is.
func TestManagedInstallOnlyReports(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the Program Files rule is checked under Wine")
	}
	for exe, want := range map[string]bool{
		"/usr/bin/qoltanba":                 true,
		"/usr/local/bin/qoltanba":           true,
		"/opt/qoltanba/qoltanba":            true,
		"/home/aigerim/.local/bin/qoltanba": false,
		"/home/aigerim/usr/bin/qoltanba":    false,
	} {
		if got := managedInstall(exe); got != want {
			t.Errorf("managedInstall(%s) = %v, want %v", exe, got, want)
		}
	}
	// The console build alone is never replaced by the repository's GUI
	// build (on Windows the qoltanba.exe beside it is).
	if _, ok := programToReplace("/home/aigerim/bin/qoltanba-cli.exe"); ok {
		t.Error("a lone qoltanba-cli.exe would be replaced by the GUI build")
	}
	if p, ok := programToReplace("/home/aigerim/bin/qoltanba"); !ok || p != "/home/aigerim/bin/qoltanba" {
		t.Errorf("programToReplace(qoltanba) = %s, %v", p, ok)
	}
}

func TestNextUpdateCheck(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		last *update.State
		want time.Duration
	}{
		{"never checked: soon after login", nil, 5 * time.Minute},
		{"checked an hour ago: a day after it", &update.State{LastCheck: now.Add(-time.Hour), Result: update.ResultUpToDate}, 23 * time.Hour},
		{"failed an hour ago: four hours after it", &update.State{LastCheck: now.Add(-time.Hour), Result: update.ResultFailed}, 3 * time.Hour},
		{"checked two days ago: soon", &update.State{LastCheck: now.Add(-48 * time.Hour), Result: update.ResultAvailable}, 5 * time.Minute},
		{"a clock set back: at most a day", &update.State{LastCheck: now.Add(30 * 24 * time.Hour), Result: update.ResultUpToDate}, 24 * time.Hour},
	} {
		if got := nextUpdateCheck(now, tc.last, 0); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if got := nextUpdateCheck(now, tc.last, 17*time.Minute); got != tc.want+17*time.Minute {
			t.Errorf("%s with jitter: %v", tc.name, got)
		}
	}
}
