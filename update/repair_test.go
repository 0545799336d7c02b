package update_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/update"
)

// crash is what the step hook panics with: Apply stops there, as a
// crash would (Apply undoes nothing in defers).
type crash struct{ step string }

// TestUpdateNeverLeavesNoProgram: at every step of a swap the program is
// there and runs (the old or the new one); a crash at each step leaves
// files the next start's Repair puts right, and after a crash of an older
// version (selfupdate's rename dance: no program, only .old) Repair puts
// the old program back.
func TestUpdateNeverLeavesNoProgram(t *testing.T) {
	oldProg, newProg := program(t, "v1.0.0"), program(t, "v1.1.0")
	check := func(exe string) error {
		if got := runVersion(t, exe); got != "qoltanba v1.1.0" {
			return errors.New(got)
		}
		return nil
	}
	steps := []string{update.StepPrepared, update.StepBackedUp, update.StepSwapped, update.StepChecked}
	if runtime.GOOS == "windows" {
		t.Skip("Windows swaps by selfupdate's two renames: tested under Wine")
	}
	// Every step, the program is there and runs.
	dir := t.TempDir()
	exe := filepath.Join(dir, "qoltanba")
	os.WriteFile(exe, oldProg, 0o755)
	var seen []string
	update.SetStepHook(func(s string) {
		seen = append(seen, s)
		if v := runVersion(t, exe); v != "qoltanba v1.0.0" && v != "qoltanba v1.1.0" {
			t.Errorf("after %s the program says %q", s, v)
		}
	})
	defer update.SetStepHook(nil)
	if err := update.Apply(exe, newProg, sha256Sum(newProg), check); err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, " ") != strings.Join(steps, " ") {
		t.Fatalf("steps %v, want %v", seen, steps)
	}
	if _, err := os.Stat(exe + ".old"); !os.IsNotExist(err) {
		t.Errorf("the backup is left after a checked swap: %v", err)
	}

	// A crash after each step; then the next start repairs.
	for i, at := range steps {
		t.Run("crash after "+at, func(t *testing.T) {
			dir := t.TempDir()
			exe := filepath.Join(dir, "qoltanba")
			os.WriteFile(exe, oldProg, 0o755)
			update.SetStepHook(func(s string) {
				if s == at {
					panic(crash{s})
				}
			})
			func() {
				defer func() {
					if r := recover(); r == nil {
						t.Fatalf("no crash at %s", at)
					} else if _, ok := r.(crash); !ok {
						panic(r)
					}
				}()
				update.Apply(exe, newProg, sha256Sum(newProg), check)
			}()
			update.SetStepHook(nil)
			want := "qoltanba v1.0.0"
			if i >= 2 { // swapped
				want = "qoltanba v1.1.0"
			}
			if got := runVersion(t, exe); got != want {
				t.Fatalf("after the crash the program says %q, want %q", got, want)
			}
			done, err := update.Repair(exe, "")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("repair: %v", done)
			if got := runVersion(t, exe); got != want {
				t.Fatalf("after the repair the program says %q, want %q", got, want)
			}
			left := listDir(t, dir)
			switch i {
			case 0, 1: // nothing but the program: the .new and the linked backup are gone
				if left != "qoltanba" {
					t.Errorf("left after the repair: %s", left)
				}
			default: // Repair cannot tell the new program was checked: the way back stays (the next update replaces it)
				if left != "qoltanba qoltanba.old" {
					t.Errorf("left after the repair: %s", left)
				}
				if b, _ := os.ReadFile(exe + ".old"); !bytes.Equal(b, oldProg) {
					t.Error("qoltanba.old is not the old program")
				}
			}
		})
	}

	t.Run("a crash between the renames (Windows' swap)", func(t *testing.T) {
		dir := t.TempDir()
		exe := filepath.Join(dir, "qoltanba")
		os.WriteFile(exe+".old", oldProg, 0o755)
		os.WriteFile(filepath.Join(dir, ".qoltanba.new"), newProg, 0o755)
		state := filepath.Join(dir, "state")
		os.MkdirAll(filepath.Join(state, "data"), 0o700)
		os.WriteFile(filepath.Join(state, ".update-state.json.123.tmp"), []byte(`{"lastCh`), 0o600)
		os.WriteFile(filepath.Join(state, "data", ".known-sites.json.9.tmp"), []byte(`{`), 0o600)
		recordSwap(t, state, exe, oldProg)
		done, err := update.Repair(exe, state)
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 4 {
			t.Errorf("repair did %v", done)
		}
		if got := runVersion(t, exe); got != "qoltanba v1.0.0" {
			t.Fatalf("after the repair the program says %q", got)
		}
		if left := listDir(t, dir); left != "qoltanba state" {
			t.Errorf("left: %s", left)
		}
		if left := listDir(t, filepath.Join(state, "data")); left != "" {
			t.Errorf("left in data: %s", left)
		}
		if left := listDir(t, state); left != "data" {
			t.Errorf("left in the state (the record is done with): %s", left)
		}
		// Nothing to do the second time.
		if done, err := update.Repair(exe, state); len(done) != 0 || err != nil {
			t.Errorf("second repair: %v, %v", done, err)
		}
	})
}

// recordSwap writes the record ApplyRecorded writes before swapping exe,
// whose old program is old.
func recordSwap(t *testing.T, state, exe string, old []byte) {
	t.Helper()
	if err := update.SaveSwapRecord(state, update.SwapRecord{Program: exe, OldSHA256: hex.EncodeToString(sha256Sum(old)), Version: "v1.1.0"}); err != nil {
		t.Fatal(err)
	}
}

// TestRepairRestoresOnlyARecordedSwap: the program is missing and only
// qoltanba.old is there. Repair puts it back only when the record of a
// swap in progress names it (its SHA-256) as the program the swap
// replaced: after a checked update (no record), or with a record of
// another program, the missing new program (an antivirus removed it) is
// not silently replaced by the older one.
func TestRepairRestoresOnlyARecordedSwap(t *testing.T) {
	oldProg, newProg := program(t, "v1.0.0"), program(t, "v1.1.0")
	for _, tc := range []struct {
		name    string
		record  []byte // the old program the record names; nil: no record
		restore bool
	}{
		{"no record (a checked update, then the new program deleted)", nil, false},
		{"a record of another old program", newProg, false},
		{"the record of this swap", oldProg, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exe := filepath.Join(dir, "qoltanba")
			state := filepath.Join(dir, "state")
			os.MkdirAll(state, 0o700)
			os.WriteFile(exe+".old", oldProg, 0o755)
			if tc.record != nil {
				recordSwap(t, state, exe, tc.record)
			}
			done, err := update.Repair(exe, state)
			t.Logf("repair: %v, %v", done, err)
			if _, serr := os.Stat(exe); (serr == nil) != tc.restore {
				t.Fatalf("program there after the repair: %v, want %v", serr == nil, tc.restore)
			}
			if !tc.restore {
				if b, _ := os.ReadFile(exe + ".old"); !bytes.Equal(b, oldProg) {
					t.Fatal("qoltanba.old changed")
				}
				if len(done) == 0 || !strings.Contains(strings.Join(done, " "), "left") {
					t.Errorf("the repair does not say why it left qoltanba.old: %v", done)
				}
			}
		})
	}
	// A full update records its swap, and clears the record once the new
	// program was checked.
	dir := t.TempDir()
	exe := filepath.Join(dir, "qoltanba")
	state := filepath.Join(dir, "state")
	os.MkdirAll(state, 0o700)
	os.WriteFile(exe, oldProg, 0o755)
	var recorded string
	update.SetStepHook(func(s string) {
		if s == update.StepSwapped {
			recorded = listDir(t, state)
		}
	})
	defer update.SetStepHook(nil)
	if err := update.ApplyRecorded(exe, newProg, sha256Sum(newProg), nil, state, "v1.1.0"); err != nil {
		t.Fatal(err)
	}
	if recorded != "swap-qoltanba.json" {
		t.Errorf("during the swap the state holds %q, want the record", recorded)
	}
	if left := listDir(t, state); left != "" {
		t.Errorf("after the swap the state holds %q", left)
	}
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

// TestUpdateLockBetweenProcesses: while another process holds the update lock,
// Lock waits its time and says ErrBusy; when that process dies (killed:
// a crash), the lock is free at once.
func TestUpdateLockBetweenProcesses(t *testing.T) {
	if dir := os.Getenv("QOLTANBA_LOCK_HELPER"); dir != "" {
		unlock, err := update.Lock(dir, 0)
		if err != nil {
			os.Stdout.WriteString("error " + err.Error() + "\n")
			os.Exit(1)
		}
		defer unlock()
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestUpdateLockBetweenProcesses$")
	cmd.Env = append(os.Environ(), "QOLTANBA_LOCK_HELPER="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "locked") {
		t.Fatalf("helper: %q", buf[:n])
	}
	start := time.Now()
	if _, err := update.Lock(dir, 300*time.Millisecond); !errors.Is(err, update.ErrBusy) {
		t.Fatalf("Lock while another process holds it = %v, want ErrBusy", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("gave up after %v, before its wait", d)
	}
	cmd.Process.Kill()
	cmd.Wait()
	unlock, err := update.Lock(dir, 5*time.Second)
	if err != nil {
		t.Fatalf("Lock after the holder died = %v", err)
	}
	// Within one process the lock is exclusive too (two opens).
	if _, err := update.Lock(dir, 0); !errors.Is(err, update.ErrBusy) {
		t.Errorf("a second Lock = %v, want ErrBusy", err)
	}
	unlock()
	if u, err := update.Lock(dir, 0); err != nil {
		t.Errorf("Lock after unlock = %v", err)
	} else {
		u()
	}
}
