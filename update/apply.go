package update

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// stepHook, when set (tests: export_test.go), is called after each step
// of Apply with the step's name: a test stops there as a crash would and
// looks at what is on disk.
var stepHook func(step string)

func step(name string) {
	if stepHook != nil {
		stepHook(name)
	}
}

// The steps of Apply, in order (the hook's names).
const (
	StepPrepared  = "prepared"    // the new program is written beside the old one (.NAME.new), checked
	StepBackedUp  = "backed-up"   // the old program is also at exe.old (Unix: a hard link)
	StepSwapped   = "swapped"     // exe is the new program
	StepChecked   = "checked"     // the new program ran and named its version
	StepRolledBak = "rolled-back" // the new program did not: the old one is back at exe
)

// newPath is where selfupdate writes the new program on Windows:
// .NAME.new beside it. On Unix the new program gets a name of its own
// (newPattern: os.CreateTemp's, made exclusively), never one another
// user could have put there.
func newPath(exe string) string {
	return filepath.Join(filepath.Dir(exe), "."+filepath.Base(exe)+".new")
}

// newPattern is the os.CreateTemp pattern of the new program on Unix.
func newPattern(exe string) string { return "." + filepath.Base(exe) + ".new.*" }

// Apply replaces the program at exe with data, which is checked once more
// against sum (the SHA-256 TUF verified) once written beside exe. The old
// program is kept as exe.old until check (nil: none) accepts the new one;
// when check fails, or the swap does, the old one is put back. On Unix
// there is no moment without a program at exe: the old one is linked to
// exe.old and the new one renamed over exe, which is atomic (commit,
// apply_*.go); the program and its folder must be this user's own and
// writable by no one else (ErrUnsafePath). Windows cannot replace a
// running program, so selfupdate renames it away first; Repair puts it
// back after a crash between the two renames.
//
// Apply records no swap (SwapRecord): Repair then never puts exe.old
// back. ApplyRecorded does.
func Apply(exe string, data, sum []byte, check func(exe string) error) error {
	return ApplyRecorded(exe, data, sum, check, "", "")
}

// ApplyRecorded is Apply that records the swap of exe to version in
// stateDir (SwapRecord, written atomically before the swap, removed when
// the new program was checked or the old one is back), so that Repair
// may put exe.old back after a crash — and only then.
func ApplyRecorded(exe string, data, sum []byte, check func(exe string) error, stateDir, version string) error {
	old := exe + ".old"
	next, err := prepare(exe, old, data, sum)
	if err != nil {
		return err
	}
	step(StepPrepared)
	if stateDir != "" {
		oldSum, err := fileSHA256(exe)
		if err == nil {
			err = saveSwap(stateDir, SwapRecord{Program: exe, OldSHA256: oldSum, NewSHA256: hex.EncodeToString(sum), Version: version, Started: time.Now().UTC()})
		}
		if err != nil {
			_ = os.Remove(next)
			return fmt.Errorf("update: recording the swap of %s: %w (the old version is kept)", exe, err)
		}
	}
	if err := commit(exe, old, next, sum); err != nil {
		clearSwap(stateDir, exe)
		return err
	}
	step(StepSwapped)
	if check == nil {
		_ = os.Remove(old)
		clearSwap(stateDir, exe)
		return nil
	}
	if cerr := check(exe); cerr != nil {
		if err := rollback(exe, old); err != nil {
			return fmt.Errorf("update: the new %s does not run (%v), and putting the old one back failed: %w", exe, cerr, err)
		}
		clearSwap(stateDir, exe)
		step(StepRolledBak)
		return fmt.Errorf("update: the new %s does not run (%w): the old version is back", exe, cerr)
	}
	step(StepChecked)
	_ = os.Remove(old) // Windows: the running old program cannot be removed; the next update does
	clearSwap(stateDir, exe)
	return nil
}
