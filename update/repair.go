package update

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Repair puts right what an update cut short (a crash, a power cut, a
// killed process) left at the program exe and in stateDir ("" for either: not
// there). Call it holding the lock (Lock): then no update is writing.
//
//   - exe is missing but exe.old is there (a crash between the two renames
//     of selfupdate's swap, which Windows uses): exe.old is put back only
//     when the swap record in stateDir (SwapRecord, ApplyRecorded) is
//     there and exe.old hashes to the old program it names; otherwise it
//     is left, and the returned lines say why (a new program deleted
//     later, by an antivirus say, is not silently replaced by the older).
//   - exe.old is the same file as exe (Unix: the backup link of a swap
//     that had not happened yet): it is removed. An exe.old that differs
//     is kept: it is the only way back from an unchecked new program, and
//     the next update replaces it.
//   - .NAME.new and .NAME.new.* (a new program never swapped in), exe.bad (Windows'
//     rollback), .*.tmp files of the state and data files and *.part
//     downloads are removed — only when the state directory and its
//     folders are this user's own (CheckStateDir).
//
// It returns what it did, for the log.
func Repair(exe, stateDir string) ([]string, error) {
	var done []string
	var errs []error
	remove := remover(&done, &errs)
	if stateDir != "" {
		// Only in a state directory that is this user's own: a link or
		// another's folder is left as it is (root deletes nothing there).
		if err := CheckStateDir(stateDir); err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
			stateDir = ""
		}
	}
	if exe != "" {
		d, e := repairProgram(exe, stateDir)
		done, errs = append(done, d...), append(errs, e...)
	}
	if stateDir != "" {
		for _, pattern := range []string{
			filepath.Join(stateDir, ".*.tmp"),
			filepath.Join(stateDir, "data", ".*.tmp"),
			filepath.Join(stateDir, "tuf", "download", "*.part"),
		} {
			m, _ := filepath.Glob(pattern)
			for _, p := range m {
				remove(p)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return done, fmt.Errorf("update: repairing after an interrupted update: %w", err)
	}
	return done, nil
}

// oldIsRecorded: the swap record in stateDir names old's content as the
// program the swap replaced (nil), or why not.
func oldIsRecorded(exe, old, stateDir string) error {
	if stateDir == "" {
		return errNoSwapRecord
	}
	r, err := loadSwap(stateDir, exe)
	if errors.Is(err, os.ErrNotExist) {
		return errNoSwapRecord
	}
	if err != nil {
		return err
	}
	sum, err := fileSHA256(old)
	if err != nil {
		return err
	}
	if sum != r.OldSHA256 {
		return fmt.Errorf("it is not the program the recorded swap replaced (SHA-256 %s, recorded %s)", sum, r.OldSHA256)
	}
	return nil
}

// repairProgram is Repair's part at the program exe, with the swap
// record in stateDir ("": a state directory that is not safe, or none).
func repairProgram(exe, stateDir string) (done []string, errs []error) {
	remove := remover(&done, &errs)
	// Only in a folder of this user's own: root, or another user, leaves
	// a folder it does not own as it is.
	if err := CheckOwnDir(filepath.Dir(exe)); err != nil {
		return nil, []error{err}
	}
	old := exe + ".old"
	_, xerr := os.Lstat(exe)
	oldInfo, oerr := os.Lstat(old)
	switch {
	case errors.Is(xerr, os.ErrNotExist) && oerr == nil && oldInfo.Mode().IsRegular():
		if why := oldIsRecorded(exe, old, stateDir); why != nil {
			// Not a swap cut short: a new program removed since (an
			// antivirus?) is not silently replaced by an older one.
			done = append(done, fmt.Sprintf("left %s as it is, %s missing: %v", old, exe, why))
			break
		}
		if err := os.Rename(old, exe); err != nil {
			errs = append(errs, fmt.Errorf("putting %s back: %w", old, err))
		} else {
			done = append(done, "put "+old+" back at "+exe)
			clearSwap(stateDir, exe)
		}
	case xerr == nil && oerr == nil:
		if xi, err := os.Stat(exe); err == nil && os.SameFile(xi, oldInfo) {
			remove(old)
		}
	}
	// A record of a swap that did not happen (the program is the one it
	// names as old, no way back is needed) is done with.
	if stateDir != "" {
		if r, err := loadSwap(stateDir, exe); err == nil {
			if sum, err := fileSHA256(exe); err == nil && sum == r.OldSHA256 {
				clearSwap(stateDir, exe)
			}
		}
	}
	remove(newPath(exe))
	news, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), newPattern(exe)))
	for _, p := range news {
		remove(p)
	}
	remove(exe + ".bad")
	return done, errs
}

// remover removes a file, noting it in done, or its error (but for a file
// that is not there) in errs.
func remover(done *[]string, errs *[]error) func(string) {
	return func(p string) {
		if err := os.Remove(p); err == nil {
			*done = append(*done, "removed "+p)
		} else if !errors.Is(err, os.ErrNotExist) {
			*errs = append(*errs, err)
		}
	}
}
