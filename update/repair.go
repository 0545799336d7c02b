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
//     of selfupdate's swap, which Windows uses and older versions used on
//     every system): exe.old is put back.
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
	remove := func(p string) {
		if err := os.Remove(p); err == nil {
			done = append(done, "removed "+p)
		} else if !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if exe != "" {
		done, errs = repairProgram(exe)
	}
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

// repairProgram is Repair's part at the program exe.
func repairProgram(exe string) (done []string, errs []error) {
	remove := func(p string) {
		if err := os.Remove(p); err == nil {
			done = append(done, "removed "+p)
		} else if !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
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
		if err := os.Rename(old, exe); err != nil {
			errs = append(errs, fmt.Errorf("putting %s back: %w", old, err))
		} else {
			done = append(done, "put "+old+" back at "+exe)
		}
	case xerr == nil && oerr == nil:
		if xi, err := os.Stat(exe); err == nil && os.SameFile(xi, oldInfo) {
			remove(old)
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
