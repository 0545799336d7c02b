package update_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/winetest"
	"github.com/qoltanba/qoltanba/update"
	"github.com/qoltanba/qoltanba/update/publish"
)

// TestWindowsSwapUnderWine: a Windows program (testdata/winupdater, built
// for windows-amd64) replaces ITSELF while it runs — the case selfupdate's
// rename swap exists for, since Windows cannot overwrite a running .exe —
// from the real TUF repository on loopback, under Wine; the new program
// runs. A target with a changed byte is refused and the program kept; a
// crash between the two renames is repaired.
func TestWindowsSwapUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no Wine")
	}
	dir := t.TempDir()
	builds := map[string][]byte{}
	for _, v := range []string{"v1.0.0", "v1.1.0", "v1.2.0"} {
		out := filepath.Join(dir, v+".exe")
		winetest.GoWindows(t, "build", "-trimpath", "-ldflags", "-X main.version="+v, "-o", out, "./testdata/winupdater")
		var err error
		if builds[v], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	}
	r := newRepo(t)
	for _, v := range []string{"v1.0.0", "v1.1.0"} {
		if err := r.AddTarget(update.ProgramPath(v, "windows", "amd64"), builds[v], map[string]string{"version": v}); err != nil {
			t.Fatal(err)
		}
	}
	r.commit(t, time.Now().Add(24*time.Hour))

	w := winetest.New(t, "")
	exe := w.C("users/Public/qoltanba/qoltanba.exe")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	if err := os.WriteFile(exe, builds["v1.0.0"], 0o755); err != nil {
		t.Fatal(err)
	}
	rootFile := filepath.Join(dir, "root.json")
	os.WriteFile(rootFile, r.root1, 0o644)
	state := filepath.Join(dir, "state")
	winExe := `C:\users\Public\qoltanba\qoltanba.exe`
	run := func(args ...string) winetest.Result {
		t.Helper()
		return w.Run(winExe, args...)
	}
	if res := run("version"); strings.TrimSpace(res.Stdout) != "qoltanba v1.0.0" {
		t.Fatalf("before: %+v", res)
	}
	res := run("update", r.srv.URL, winetest.Win(rootFile), winetest.Win(state))
	if res.Code != 0 || !strings.Contains(res.Stdout, "updated to v1.1.0") {
		t.Fatalf("update under Wine: %+v", res)
	}
	if res := run("version"); strings.TrimSpace(res.Stdout) != "qoltanba v1.1.0" {
		t.Fatalf("after the swap the program says %+v", res)
	}

	// v1.2.0 with a changed byte on the server: refused, v1.1.0 kept.
	if err := r.AddTarget(update.ProgramPath("v1.2.0", "windows", "amd64"), builds["v1.2.0"], map[string]string{"version": "v1.2.0"}); err != nil {
		t.Fatal(err)
	}
	r.commit(t, time.Now().Add(24*time.Hour))
	tf := r.Targets.Signed.Targets[update.ProgramPath("v1.2.0", "windows", "amd64")]
	p := filepath.Join(r.Dir, "targets", filepath.FromSlash(publish.TargetFile(tf.Path, tf.Hashes["sha256"])))
	b, _ := os.ReadFile(p)
	b[len(b)/3] ^= 0x20
	os.WriteFile(p, b, 0o644)
	res = run("update", r.srv.URL, winetest.Win(rootFile), winetest.Win(state))
	if res.Code == 0 || !strings.Contains(res.Stderr, "hash") {
		t.Fatalf("a changed byte under Wine: %+v", res)
	}
	if res := run("version"); strings.TrimSpace(res.Stdout) != "qoltanba v1.1.0" {
		t.Fatalf("after the refused update the program says %+v", res)
	}

	// A crash between selfupdate's two renames: no qoltanba.exe, the old
	// one as qoltanba.exe.old, the new one still .qoltanba.exe.new. Without
	// the record of the swap, another copy's repair (as qoltanba-cli.exe
	// does for the qoltanba.exe beside it) leaves qoltanba.exe.old (a new
	// program deleted later is not silently replaced by an older one);
	// with the record, whose old SHA-256 is the file's, it puts the old
	// one back and removes the new one.
	if err := os.Rename(exe, exe+".old"); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(filepath.Dir(exe), ".qoltanba.exe.new"), builds["v1.2.0"], 0o755)
	os.WriteFile(filepath.Join(filepath.Dir(exe), "helper.exe"), builds["v1.0.0"], 0o755)
	res = w.Run(`C:\users\Public\qoltanba\helper.exe`, "repair", winExe, winetest.Win(state))
	if res.Code != 0 || !strings.Contains(res.Stdout, "no record") {
		t.Fatalf("repair without a record under Wine: %+v", res)
	}
	if _, err := os.Stat(exe); !os.IsNotExist(err) {
		t.Fatalf("the old program was put back without a record: %v", err)
	}
	old := sha256.Sum256(builds["v1.1.0"])
	if err := update.SaveSwapRecord(state, update.SwapRecord{Program: exe, OldSHA256: hex.EncodeToString(old[:]), Version: "v1.2.0"}); err != nil {
		t.Fatal(err)
	}
	res = w.Run(`C:\users\Public\qoltanba\helper.exe`, "repair", winExe, winetest.Win(state))
	if res.Code != 0 || !strings.Contains(res.Stdout, "back at") {
		t.Fatalf("repair under Wine: %+v", res)
	}
	if res := run("version"); strings.TrimSpace(res.Stdout) != "qoltanba v1.1.0" {
		t.Fatalf("after the repair the program says %+v", res)
	}
	for _, p := range []string{exe + ".old", filepath.Join(filepath.Dir(exe), ".qoltanba.exe.new")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is left after the repair: %v", p, err)
		}
	}
}
